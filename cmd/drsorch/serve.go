package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice"
)

func newServeCommand() *cobra.Command {
	var (
		listen    string
		dataDir   string
		inventory string
		timeScale float64
		drsMode   string
	)
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the local run service: DRS simulator, Step Functions engine and friends on one loopback port",
		Long: `serve speaks the AWS wire APIs drsorch uses (DRS, Step Functions, EventBridge,
STS, Service Quotas) on one listener, so the provider and the CLI work unchanged
against it with any static credentials. Without --inventory it serves the
built-in demo estate.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if timeScale < 0 {
				return fmt.Errorf("--time-scale must be 0 or more, got %v", timeScale)
			}
			return serve(cmd.Context(), listen, runservice.Config{
				DataDir:   dataDir,
				Inventory: inventory,
				TimeScale: timeScale,
				DRSMode:   drsMode,
				Logger:    slog.New(slog.NewTextHandler(os.Stderr, nil)),
			})
		},
	}
	cmd.Flags().StringVar(&listen, "listen", "127.0.0.1:8787", "address to listen on (loopback by default)")
	cmd.Flags().StringVar(&dataDir, "data-dir", "./.drsorch", `directory for the state database; ":memory:" keeps nothing`)
	cmd.Flags().StringVar(&inventory, "inventory", "", "simulated DRS estate file (JSON); default: the built-in demo estate")
	cmd.Flags().Float64Var(&timeScale, "time-scale", 1, "simulated DRS runs this many times faster than real DRS timings")
	cmd.Flags().StringVar(&drsMode, "drs", runservice.DRSSimulated,
		`"sim": the built-in DRS simulator; "aws": real DRS and Service Quotas with the default AWS credential chain (state machines still run here)`)
	return cmd
}

func serve(ctx context.Context, listen string, cfg runservice.Config) error {
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()

	app, err := runservice.New(cfg)
	if err != nil {
		return err
	}
	defer app.Close()

	ln, err := net.Listen("tcp", listen)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", listen, err)
	}
	srv := runservice.NewHTTPServer(app.Handler(), runservice.DefaultServerLimits)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	cfg.Logger.Info("drsorch serve listening", "url", "http://"+ln.Addr().String(), "dashboard", "http://"+ln.Addr().String()+"/ui/",
		"estate", app.EstateDescription(), "data_dir", app.Store.Path(), "time_scale", cfg.TimeScale)

	select {
	case err := <-errc:
		if !errors.Is(err, http.ErrServerClosed) {
			return err
		}
	case <-ctx.Done():
		cfg.Logger.Info("drsorch serve stopping")
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return srv.Shutdown(shutdownCtx)
}

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
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/sfn"
)

func newServeCommand() *cobra.Command {
	var (
		listen    string
		dataDir   string
		inventory string
		timeScale float64
		drsMode   string
		sfnWindow time.Duration
		credsFile string
		allowed   []string
	)
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the local run service: DRS simulator, Step Functions engine and friends on one loopback port",
		Long: `serve speaks the AWS wire APIs drsorch uses (DRS, Step Functions, EventBridge,
STS, Service Quotas) on one listener, so the provider and the CLI work unchanged
against it. Without --inventory it serves the built-in demo estate.

Authentication: without --credentials-file any static credentials are accepted
and signatures are not verified; that is only allowed on a loopback --listen.
With --credentials-file FILE (one "ACCESS_KEY_ID SECRET_ACCESS_KEY" per line,
mode 600) every API request must carry a valid SigV4 Authorization header made
with one of those keys (or with temporary credentials from the service's STS
AssumeRole), dated within 15 minutes; /_sim/, /ui/ and /metrics then need HTTP
Basic authentication with such a key (or a SigV4-signed request). A non-loopback
--listen and --drs aws both require --credentials-file. Presigned
(query-string) requests are always refused.

Host names: requests must name the service by a loopback name or address, the
--listen host or an --allowed-host value (a guard against DNS rebinding).

--drs aws forwards only the DRS and Service Quotas operations drsorch uses
(reads, StartRecovery, TerminateRecoveryInstances, launch and replication
settings, tags, quota reads), re-signed with the default AWS credential chain,
and logs each call with the caller's access key and the resources it names.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if timeScale < 0 {
				return fmt.Errorf("--time-scale must be 0 or more, got %v", timeScale)
			}
			if sfnWindow <= 0 {
				sfnWindow = -1 // 0 on the command line turns the window off
			}
			var creds map[string]string
			if credsFile != "" {
				var err error
				if creds, err = runservice.LoadCredentialsFile(credsFile); err != nil {
					return err
				}
			}
			cfg := runservice.Config{
				DataDir:         dataDir,
				Inventory:       inventory,
				TimeScale:       timeScale,
				DRSMode:         drsMode,
				SFNUpdateWindow: sfnWindow,
				Listen:          listen,
				AllowedHosts:    allowed,
				Credentials:     creds,
				Logger:          slog.New(slog.NewTextHandler(os.Stderr, nil)),
			}
			// Refuse an unsafe configuration before opening anything.
			if err := cfg.Check(); err != nil {
				return err
			}
			return serve(cmd.Context(), listen, cfg)
		},
	}
	cmd.Flags().StringVar(&listen, "listen", "127.0.0.1:8787", "address to listen on (loopback by default; any other address needs --credentials-file)")
	cmd.Flags().StringVar(&credsFile, "credentials-file", "",
		`file of access keys whose SigV4 signatures are verified, one "ACCESS_KEY_ID SECRET_ACCESS_KEY" per line (mode 600); without it any static credentials are accepted, on loopback only`)
	cmd.Flags().StringArrayVar(&allowed, "allowed-host", nil, "host name clients may use to reach the service besides loopback names and the --listen host (repeatable)")
	cmd.Flags().StringVar(&dataDir, "data-dir", "./.drsorch", `directory for the state database; ":memory:" keeps nothing`)
	cmd.Flags().StringVar(&inventory, "inventory", "", "simulated DRS estate file (JSON); default: the built-in demo estate")
	cmd.Flags().Float64Var(&timeScale, "time-scale", 1, "simulated DRS runs this many times faster than real DRS timings")
	cmd.Flags().StringVar(&drsMode, "drs", runservice.DRSSimulated,
		`"sim": the built-in DRS simulator; "aws": real DRS and Service Quotas with the default AWS credential chain (state machines still run here; needs --credentials-file; only the operations drsorch uses are forwarded, each logged)`)
	cmd.Flags().DurationVar(&sfnWindow, "sfn-update-window", sfn.DefaultUpdateConsistencyWindow,
		"simulated time after UpdateStateMachine during which new executions on the unqualified state machine ARN get the previous definition and role, as AWS may (0: off)")
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
	verified, keys := app.Authentication()
	auth := fmt.Sprintf("SigV4 signatures verified against %d configured keys", keys)
	if !verified {
		auth = "signatures NOT verified (any static credentials; loopback only)"
	}
	cfg.Logger.Info("drsorch serve listening", "url", "http://"+ln.Addr().String(), "dashboard", "http://"+ln.Addr().String()+"/ui/",
		"estate", app.EstateDescription(), "data_dir", app.Store.Path(), "time_scale", cfg.TimeScale, "auth", auth)
	if !verified {
		cfg.Logger.Warn("signatures are NOT verified: any static credentials are accepted, which is allowed on loopback only; " +
			"set --credentials-file to verify them")
	}

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

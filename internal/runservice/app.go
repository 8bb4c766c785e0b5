package runservice

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/drssim"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/events"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/sfn"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/simclock"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/store"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/sts"
)

// Config configures the run service.
type Config struct {
	DataDir   string  // directory of the SQLite database, or store.Memory
	Inventory string  // simulated estate file; empty serves the demo estate
	TimeScale float64 // simulated seconds per wall second; 0 freezes time (tests)
	StartTime time.Time
	Logger    *slog.Logger
	// DRSMode is DRSSimulated (default) or DRSAWS: real DRS (and Service
	// Quotas) through the default AWS credential chain, while state
	// machines still run on the local engine.
	DRSMode string
}

// DRS modes.
const (
	DRSSimulated = "sim"
	DRSAWS       = "aws"
)

// App is an assembled run service: store, clock and every wire service.
type App struct {
	Store  *store.Store
	Clock  *simclock.Clock
	Router *Router
	Logger *slog.Logger
	DRS    *drssim.Simulator // the DRS simulator (nil with DRSAWS), for in-process callers and tests
	SFN    *sfn.Service      // Step Functions: API and engine
	Events *events.Bus       // EventBridge: events published by PutEvents and pause gates

	stopClockSaver context.CancelFunc
	describeEstate func() string
	drsInvoker     sfn.DRSInvoker // where Step Functions tasks send DRS calls
	closeOnce      sync.Once
	closers        []func() error
}

const clockSetting = "clock.now"

// New opens the store and assembles the services.
func New(cfg Config) (*App, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.DataDir == "" {
		cfg.DataDir = store.Memory
	}
	st, err := store.Open(cfg.DataDir)
	if err != nil {
		return nil, err
	}
	start, err := startTime(st, cfg.StartTime)
	if err == nil {
		start, err = notBeforeRecords(st, start, cfg)
	}
	if err != nil {
		st.Close()
		return nil, err
	}
	a := &App{
		Store:  st,
		Clock:  simclock.New(start, cfg.TimeScale),
		Router: NewRouter(),
		Logger: cfg.Logger,
	}
	a.Router.HandleQuery(sts.New())
	a.Router.Handle("GET /healthz", http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		_, _ = w.Write([]byte("ok\n"))
	}))
	// Each service mounts itself in its own file (app_<service>.go).
	for _, mount := range []func(Config) error{a.mountDRS, a.mountStepFunctions, a.mountUI} {
		if err := mount(cfg); err != nil {
			a.Clock.Close()
			st.Close()
			return nil, err
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	a.stopClockSaver = cancel
	go a.saveClock(ctx)
	return a, nil
}

// startTime resumes simulated time where the last run left it, so a time
// scale above 1 never makes a restart travel back before recorded events.
func startTime(st *store.Store, requested time.Time) (time.Time, error) {
	if !requested.IsZero() {
		return requested, nil
	}
	now := time.Now().UTC()
	saved, ok, err := st.Setting(context.Background(), clockSetting)
	if err != nil || !ok {
		return now, err
	}
	ns, err := strconv.ParseInt(saved, 10, 64)
	if err != nil {
		return now, fmt.Errorf("stored simulated clock %q: %w", saved, err)
	}
	if t := time.Unix(0, ns).UTC(); t.After(now) {
		return t, nil
	}
	return now, nil
}

func (a *App) saveClock(ctx context.Context) {
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			a.persistClock()
		}
	}
}

func (a *App) persistClock() {
	_ = a.Store.SetSetting(context.Background(), clockSetting, strconv.FormatInt(a.Clock.Now().UnixNano(), 10))
}

// Handler is the run service's HTTP handler.
func (a *App) Handler() http.Handler { return a.Router }

// OnClose registers a function run (in reverse order) when the app closes.
func (a *App) OnClose(fn func() error) { a.closers = append(a.closers, fn) }

// Close stops the services and closes the store.
func (a *App) Close() error {
	var err error
	a.closeOnce.Do(func() {
		a.stopClockSaver()
		for i := len(a.closers) - 1; i >= 0; i-- {
			if cerr := a.closers[i](); cerr != nil && err == nil {
				err = cerr
			}
		}
		a.persistClock()
		a.Clock.Close()
		if cerr := a.Store.Close(); cerr != nil && err == nil {
			err = cerr
		}
	})
	return err
}

// EstateDescription says which simulated estate the service serves, for
// the start-up log line.
func (a *App) EstateDescription() string {
	if a.describeEstate == nil {
		return "none"
	}
	return a.describeEstate()
}

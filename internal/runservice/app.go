package runservice

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/awswire"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/drssim"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/ec2sim"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/events"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/logs"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/sfn"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/simclock"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/ssmsim"
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
	// Listen is the listen address (for the checks below and the Host
	// allowlist); empty for an in-process or test listener on loopback.
	Listen string
	// AllowedHosts are host names the Host header may carry besides the
	// loopback names and the listen address (--allowed-host).
	AllowedHosts []string
	// Credentials are the access key ID -> secret access key pairs SigV4
	// signatures are verified against (--credentials-file). Without them
	// any static credentials are accepted, so the service may then only
	// listen on loopback and cannot forward to AWS.
	Credentials map[string]string
	// DRSMode is DRSSimulated (default) or DRSAWS: real DRS (and Service
	// Quotas) through the default AWS credential chain, while state
	// machines still run on the local engine.
	DRSMode string
	// AfterTaskSent is a crash-injection hook for tests (see sfn.Options).
	AfterTaskSent func(execARN, resource string) (crash bool)
	// SFNUpdateWindow is Step Functions' read-after-write window after
	// UpdateStateMachine, on the simulated clock: 0 the default
	// (sfn.DefaultUpdateConsistencyWindow), negative off.
	SFNUpdateWindow time.Duration
	// SFNFaults are Step Functions faults injected from the start (as
	// POST /_sim/sfn/faults does at run time).
	SFNFaults *sfn.Faults
}

// Check refuses a configuration that would let strangers drive the run
// service: a listener beyond loopback, or --drs aws (which signs with the
// operator's own AWS credentials), without configured credentials.
func (c Config) Check() error {
	for id, secret := range c.Credentials {
		if err := checkKey(id, secret); err != nil {
			return fmt.Errorf("credentials: %w", err)
		}
	}
	if len(c.Credentials) > 0 {
		return nil
	}
	if c.Listen != "" && !IsLoopbackListen(c.Listen) {
		return fmt.Errorf("--listen %s is not a loopback address: without credentials anyone who reaches it could drive recoveries. "+
			"Set --credentials-file FILE (lines \"ACCESS_KEY_ID SECRET_ACCESS_KEY\"; signatures are then verified), or listen on 127.0.0.1", c.Listen)
	}
	if c.DRSMode == DRSAWS {
		return fmt.Errorf("--drs aws re-signs requests with your AWS credentials, so it needs authenticated callers: " +
			"set --credentials-file FILE (lines \"ACCESS_KEY_ID SECRET_ACCESS_KEY\") and give clients one of those keys")
	}
	return nil
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
	Logs   *logs.Service     // CloudWatch Logs: Step Functions execution logs
	EC2    *ec2sim.Service   // EC2 of the recovery regions (nil with DRSAWS)
	SSM    *ssmsim.Service   // SSM commands and automations on recovery instances (nil with DRSAWS)

	keyring        *awswire.Keyring
	stopClockSaver context.CancelFunc
	describeEstate func() string
	drsInvoker     sfn.DRSInvoker    // where Step Functions tasks send DRS calls
	quotasInvoker  sfn.QuotasInvoker // where they send Service Quotas reads
	ssmInvoker     sfn.DRSInvoker    // and SSM calls (nil with DRSAWS)
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
	if err := cfg.Check(); err != nil {
		return nil, err
	}
	hosts, err := NewHostAllowlist(cfg.Listen, cfg.AllowedHosts)
	if err != nil {
		return nil, err
	}
	st, err := store.Open(cfg.DataDir)
	if err != nil {
		return nil, err
	}
	start, err := startTime(st, cfg)
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
	a.keyring = awswire.NewKeyring(cfg.Credentials)
	a.Router.Secure(a.keyring, hosts, cfg.Logger)
	stsService := sts.New()
	stsService.Keyring = a.keyring
	a.Router.HandleQuery(stsService)
	a.Router.Handle("GET /healthz", http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		_, _ = w.Write([]byte("ok\n"))
	}))
	// Each service mounts itself in its own file (app_<service>.go).
	for _, mount := range []func(Config) error{a.mountDRS, a.mountLogs, a.mountStepFunctions, a.mountUI} {
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
// With real DRS (DRSAWS) the clock is the wall clock: a simulated clock
// stored by an earlier --time-scale run is never inherited.
func startTime(st *store.Store, cfg Config) (time.Time, error) {
	if requested := cfg.StartTime; !requested.IsZero() {
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
		if cfg.DRSMode == DRSAWS {
			cfg.Logger.Warn("--drs aws runs on the wall clock: not resuming the simulated clock an earlier run stored, which is ahead of it; "+
				"events recorded then carry later timestamps than new ones", "storedClock", t.Format(time.RFC3339), "aheadBy", t.Sub(now).Round(time.Second).String())
			return now, nil
		}
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

// Authentication says how requests are authenticated, for the start-up
// log: whether signatures are verified, and against how many keys.
func (a *App) Authentication() (verified bool, keys int) {
	return a.keyring.Verifying(), a.keyring.Len()
}

// EstateDescription says which simulated estate the service serves, for
// the start-up log line.
func (a *App) EstateDescription() string {
	if a.describeEstate == nil {
		return "none"
	}
	return a.describeEstate()
}

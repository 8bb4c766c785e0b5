package runservice

import (
	"context"
	"fmt"
	"os"

	"github.com/aws/aws-sdk-go-v2/config"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/awsforward"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/awswire"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/drssim"
)

// mountDRS mounts DRS (restJson1) and Service Quotas: the simulator with
// its /_sim/ control endpoints, or, in DRSAWS mode, forwarders to AWS.
func (a *App) mountDRS(cfg Config) error {
	switch cfg.DRSMode {
	case "", DRSSimulated:
		return a.mountSimulator(cfg)
	case DRSAWS:
		return a.mountAWS(cfg)
	}
	return fmt.Errorf("DRS mode %q: use %q (the built-in simulator) or %q (real DRS with the default AWS credentials)", cfg.DRSMode, DRSSimulated, DRSAWS)
}

func (a *App) mountSimulator(cfg Config) error {
	sim, err := drssim.New(drssim.Options{Store: a.Store, Clock: a.Clock, Logger: a.Logger, Inventory: cfg.Inventory,
		WireFaults: a.Router.Faults(), DisabledRegions: a.Router.DisabledRegions()})
	if err != nil {
		return err
	}
	a.DRS, a.drsInvoker, a.quotasInvoker = sim, sim, sim.QuotasInvoker()
	a.Router.HandleREST(sim.RESTHandler())
	a.Router.HandleTarget(drssim.QuotasTargetPrefix, awswire.ContentTypeJSON11, sim.QuotasHandler())
	a.Router.Handle("/_sim/", sim.ControlHandler())
	a.describeEstate = sim.Describe
	return a.mountEC2(cfg, sim)
}

// mountAWS drives real DRS: real jobs take real time, so the clock must
// run at the wall clock's pace (or stand still, for tests that move it by
// hand), and there is no estate to seed. Only the operations of
// awsforward.Allowed are forwarded, each one logged; Config.Check has made
// sure callers are authenticated.
func (a *App) mountAWS(cfg Config) error {
	if cfg.TimeScale != 1 && cfg.TimeScale != 0 {
		return fmt.Errorf("--drs aws needs --time-scale 1: real DRS runs in real time (got %v)", cfg.TimeScale)
	}
	if cfg.Inventory != "" {
		return fmt.Errorf("--inventory describes a simulated estate; it cannot be used with --drs aws")
	}
	awsCfg, err := config.LoadDefaultConfig(context.Background())
	if err != nil {
		return fmt.Errorf("--drs aws: load AWS configuration: %w", err)
	}
	drs := awsforward.New("drs", endpoint("DRS", "drs"), awsCfg.Credentials)
	quotas := awsforward.New("servicequotas", endpoint("SERVICE_QUOTAS", "servicequotas"), awsCfg.Credentials)
	drs.Logger, quotas.Logger = a.Logger, a.Logger
	a.drsInvoker = drs
	a.quotasInvoker = quotaForwarder{quotas}
	a.Router.HandleREST(drs.Handler())
	a.Router.HandleTarget(drssim.QuotasTargetPrefix, awswire.ContentTypeJSON11, quotas.Handler())
	a.describeEstate = func() string { return "real AWS DRS (default AWS credential chain)" }
	return nil
}

// endpoint is a service's AWS endpoint in a region, unless overridden the
// way the AWS SDKs are: AWS_ENDPOINT_URL_<SERVICE> or AWS_ENDPOINT_URL.
func endpoint(envService, host string) func(region string) string {
	return func(region string) string {
		for _, name := range []string{"AWS_ENDPOINT_URL_" + envService, "AWS_ENDPOINT_URL"} {
			if v := os.Getenv(name); v != "" {
				return v
			}
		}
		return fmt.Sprintf("https://%s.%s.amazonaws.com", host, region)
	}
}

// quotaForwarder calls Service Quotas in AWS for the engine's
// aws-sdk:servicequotas tasks.
type quotaForwarder struct{ f *awsforward.Forwarder }

func (q quotaForwarder) Invoke(ctx context.Context, id awswire.Identity, operation string, body []byte) ([]byte, error) {
	return q.f.InvokeTarget(ctx, id, drssim.QuotasTargetPrefix, awswire.ContentTypeJSON11, operation, body)
}

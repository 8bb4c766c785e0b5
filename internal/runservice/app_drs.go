package runservice

import (
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/awswire"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/drssim"
)

// mountDRS mounts the DRS simulator (restJson1), Service Quotas and the
// /_sim/ control endpoints.
func (a *App) mountDRS(cfg Config) error {
	sim, err := drssim.New(drssim.Options{Store: a.Store, Clock: a.Clock, Logger: a.Logger, Inventory: cfg.Inventory})
	if err != nil {
		return err
	}
	a.DRS = sim
	a.Router.HandleREST(sim.RESTHandler())
	a.Router.HandleTarget(drssim.QuotasTargetPrefix, awswire.ContentTypeJSON11, sim.QuotasHandler())
	a.Router.Handle("/_sim/", sim.ControlHandler())
	a.describeEstate = sim.Describe
	return nil
}

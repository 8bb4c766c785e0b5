package runservice

import (
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/awswire"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/events"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/sfn"
)

// mountStepFunctions mounts the Step Functions engine (awsJson1.0) and
// EventBridge PutEvents (awsJson1.1). It runs after mountDRS so Task states
// call the DRS simulator in process.
func (a *App) mountStepFunctions(cfg Config) error {
	bus, err := events.New(a.Store, a.Clock)
	if err != nil {
		return err
	}
	opts := sfn.Options{Store: a.Store, Clock: a.Clock, Logger: a.Logger, Events: bus}
	if a.DRS != nil {
		opts.DRS = a.DRS
	}
	svc, err := sfn.New(opts)
	if err != nil {
		return err
	}
	a.SFN, a.Events = svc, bus
	a.OnClose(svc.Close)
	a.Router.HandleTarget(sfn.TargetPrefix, awswire.ContentTypeJSON10, svc)
	a.Router.HandleTarget(events.TargetPrefix, awswire.ContentTypeJSON11, bus)
	a.Router.Handle("GET /_sim/events", bus.ListHandler())
	return nil
}

package runservice

import (
	"context"
	"net/http"
	"time"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/awswire"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/events"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/sfn"
)

// mountStepFunctions mounts the Step Functions engine (awsJson1.0) and
// EventBridge PutEvents (awsJson1.1). It runs after mountDRS so Task states
// call DRS (the simulator in process, or AWS) through a.drsInvoker.
func (a *App) mountStepFunctions(cfg Config) error {
	bus, err := events.New(a.Store, a.Clock)
	if err != nil {
		return err
	}
	opts := sfn.Options{Store: a.Store, Clock: a.Clock, Logger: a.Logger, Events: bus, DRS: a.drsInvoker, Quotas: a.quotasInvoker, SSM: a.ssmInvoker,
		UpdateConsistencyWindow: cfg.SFNUpdateWindow, Logs: a.Logs, Faults: cfg.SFNFaults, AfterTaskSent: cfg.AfterTaskSent}
	svc, err := sfn.New(opts)
	if err != nil {
		return err
	}
	a.SFN, a.Events = svc, bus
	a.exportClockSkew(svc)
	a.OnClose(svc.Close)
	a.Router.HandleTarget(sfn.TargetPrefix, awswire.ContentTypeJSON10, svc)
	a.Router.HandleTarget(events.TargetPrefix, awswire.ContentTypeJSON11, bus)
	a.Router.Handle("GET /_sim/events", bus.ListHandler())
	a.Router.Handle("POST /_sim/sfn/settle", settleHandler(svc))
	a.Router.Handle("/_sim/sfn/", svc.ControlHandler())
	return nil
}

// settleHandler serves POST /_sim/sfn/settle: it answers once the engine
// has done everything the current simulated time allows (after a
// /_sim/advance, for example), so scripts need not poll.
func settleHandler(svc *sfn.Service) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 30*time.Second)
		defer cancel()
		if err := svc.Engine().Settle(ctx); err != nil {
			awswire.WriteJSON(w, "application/json", http.StatusServiceUnavailable, map[string]string{"message": "engine did not settle: " + err.Error()})
			return
		}
		awswire.WriteJSON(w, "application/json", http.StatusOK, map[string]bool{"settled": true})
	})
}

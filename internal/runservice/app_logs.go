package runservice

import (
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/awswire"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/logs"
)

// mountLogs mounts CloudWatch Logs (awsJson1.1), where Step Functions
// writes the logs of state machines with a loggingConfiguration. It runs
// before mountStepFunctions.
func (a *App) mountLogs(Config) error {
	svc, err := logs.New(a.Store, a.Clock)
	if err != nil {
		return err
	}
	a.Logs = svc
	a.Router.HandleTarget(logs.TargetPrefix, awswire.ContentTypeJSON11, svc)
	return nil
}

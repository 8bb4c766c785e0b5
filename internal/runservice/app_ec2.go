package runservice

import (
	"context"
	"fmt"
	"strings"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/awswire"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/drssim"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/ec2sim"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/pricingsim"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/ssmsim"
)

// mountEC2 mounts the simulated EC2 of the recovery regions next to the
// DRS simulator, whose servers' launch templates it serves. With --drs aws
// nothing is mounted: EC2 requests are refused, never forwarded (the
// forwarder's allowlist has no EC2 action; CreateLaunchTemplateVersion and
// ModifyLaunchTemplate would change real templates with the operator's
// credentials).
func (a *App) mountEC2(cfg Config, sim *drssim.Simulator) error {
	networks := map[string]ec2sim.NetworkSpec{}
	if cfg.Inventory != "" {
		inv, err := drssim.LoadInventory(cfg.Inventory)
		if err != nil {
			return err
		}
		if networks, err = ec2sim.NetworksFromInventory(inv); err != nil {
			return err
		}
	}
	svc, err := ec2sim.New(ec2sim.Options{Store: a.Store, Now: a.Clock.Now, Logger: a.Logger, Templates: sim, Networks: networks})
	if err != nil {
		return err
	}
	a.EC2 = svc
	a.Router.HandleEC2(svc)
	sim.SetLaunchPlacer(svc) // recovery instances follow their launch templates
	// The simulated Price List prices the simulated instance types (for
	// the dashboard's cost estimates). Not with --drs aws: simulated
	// prices beside a real estate would mislead.
	a.Router.HandleTarget(pricingsim.TargetPrefix, awswire.ContentTypeJSON11, pricingsim.New())
	if err := a.mountSSM(svc); err != nil {
		return err
	}
	sim.SetLaunchActionRunner(launchActionRunner{ec2: svc, ssm: a.SSM}) // launch actions run through SSM
	return nil
}

// launchActionRunner runs DRS launch actions as SSM commands and
// automations on the recovery instances EC2 placed.
type launchActionRunner struct {
	ec2 *ec2sim.Service
	ssm *ssmsim.Service
}

func (r launchActionRunner) RunLaunchAction(req drssim.LaunchActionRequest) (drssim.LaunchActionResult, error) {
	// PlacedInstance, not LookupInstance: DRS holds its estate lock.
	inst, ok := r.ec2.PlacedInstance(req.Account, req.Region, req.InstanceID)
	if !ok {
		return drssim.LaunchActionResult{}, fmt.Errorf("InvalidInstanceId: instance %s is not known to EC2", req.InstanceID)
	}
	ex, err := r.ssm.StartLaunchAction(context.Background(), ssmsim.LaunchAction{Account: req.Account, Region: req.Region, Instance: inst,
		Document: req.Document, Version: req.DocumentVersion, Automation: req.Automation, Parameters: req.Parameters, Comment: req.Comment, At: req.At})
	if err != nil {
		return drssim.LaunchActionResult{}, fmt.Errorf("%s: %s", err.Code, err.Message)
	}
	res := drssim.LaunchActionResult{ExecutionID: ex.ID, Succeeded: ex.Status == "Success", Duration: ex.Ends}
	if !res.Succeeded {
		res.Reason = ssmFailure(req, ex)
	}
	return res, nil
}

// ssmFailure says why an SSM execution did not succeed, naming it so that
// its output can be read in SSM.
func ssmFailure(req drssim.LaunchActionRequest, ex ssmsim.Execution) string {
	what := "SSM command " + ex.ID + " on " + req.InstanceID
	if req.Automation {
		what = "SSM automation execution " + ex.ID
	}
	why := ex.Status
	if ex.StatusDetails != "" && ex.StatusDetails != ex.Status {
		why += " (" + ex.StatusDetails + ")"
	}
	if !req.Automation && ex.ResponseCode > 0 {
		why += fmt.Sprintf(", exit code %d", ex.ResponseCode)
	}
	if msg := strings.TrimSpace(ex.Error); msg != "" {
		why += ": " + strings.SplitN(msg, "\n", 2)[0]
	}
	return what + ": " + why
}

// mountSSM mounts the simulated SSM that runs the wave runner's
// post-launch steps and health checks on the simulated recovery instances.
// With --drs aws nothing is mounted (like EC2): a command must never run
// on real instances from a local run service.
func (a *App) mountSSM(instances *ec2sim.Service) error {
	svc, err := ssmsim.New(ssmsim.Options{Store: a.Store, Now: a.Clock.Now, Logger: a.Logger, Instances: instances})
	if err != nil {
		return err
	}
	a.SSM, a.ssmInvoker = svc, svc
	a.Router.HandleTarget(ssmsim.TargetPrefix, awswire.ContentTypeJSON11, svc)
	a.Router.Handle("/_sim/ssm/outcomes", svc.ControlHandler())
	a.Router.Handle("POST /_sim/ssm/instances", svc.InstancesHandler())
	return nil
}

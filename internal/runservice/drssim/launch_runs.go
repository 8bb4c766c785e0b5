package drssim

import (
	"fmt"
	"strings"
	"time"
)

// Running launch actions. After a recovery instance launches, DRS waits
// for the instance's SSM agent and then runs the server's active launch
// actions one after another in ascending order, each as an SSM command on
// the instance or an automation execution (package ssmsim decides their
// outcomes). A run that fails is FAILED with SSM's reason; an action that
// is not optional makes the server's launch FAILED ("optional: whether the
// launch will not be marked as failed if this action fails", the model's
// LaunchAction).
//
// Where AWS does not say, the simulator takes the stricter reading:
//   - the launch status stays IN_PROGRESS until every run has ended, so no
//     caller sees LAUNCHED for a launch a must-succeed action then fails;
//   - a failed must-succeed action is logged as LAUNCH_FAILED with the
//     action's failure in rawError (the model's JobLogEvent has no launch
//     action event);
//   - the job ends after the last run.
//
// Command actions run on the instance, automation actions with the
// caller's credentials:
// https://docs.aws.amazon.com/drs/latest/userguide/post-launch-action-settings-overview.html
// LaunchActionRunStatus is IN_PROGRESS, SUCCEEDED or FAILED: an SSM
// timeout is a FAILED run whose failureReason says it timed out.

// ssmAgentDiscovery is how long after launch the instance's SSM agent
// registers (simulated).
const ssmAgentDiscovery = 90 * time.Second

// Timeline event kinds of launch action runs.
const (
	evAgentDiscovered = "SSM_AGENT_DISCOVERED"
	evActionEnd       = "LAUNCH_ACTION_END"
)

// LaunchActionRunner runs launch actions through SSM (package ssmsim).
// Like LaunchPlacer, it must not call back into the simulator.
type LaunchActionRunner interface {
	RunLaunchAction(req LaunchActionRequest) (LaunchActionResult, error)
}

// LaunchActionRequest is one launch action to run on one recovery
// instance.
type LaunchActionRequest struct {
	Account, Region string
	InstanceID      string
	SourceServerID  string
	Document        string
	DocumentVersion string
	Automation      bool
	Parameters      map[string][]string
	Comment         string
	At              time.Time // on the run service's clock (DRS's minus its offset)
}

// LaunchActionResult is how the SSM execution ends: Succeeded, or the
// reason it did not; Duration after At.
type LaunchActionResult struct {
	ExecutionID string
	Succeeded   bool
	Reason      string
	Duration    time.Duration
}

// SetLaunchActionRunner makes launched servers run their launch actions.
func (s *Simulator) SetLaunchActionRunner(r LaunchActionRunner) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.runner = r
}

func (s *Simulator) launchActionRunner() LaunchActionRunner {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.runner
}

// actionOutcome is a run's decided end, carried by its LAUNCH_ACTION_END
// event.
type actionOutcome struct {
	Succeeded bool   `json:"succeeded"`
	Reason    string `json:"reason,omitempty"`
}

// launchActionsStatus is a participating server's launch action runs, as
// DescribeJobs reports them (the model's LaunchActionsStatus).
type launchActionsStatus struct {
	SSMAgentDiscoveryDatetime string            `json:"ssmAgentDiscoveryDatetime,omitempty"`
	Runs                      []launchActionRun `json:"runs"`
}

type launchActionRun struct {
	Action        launchAction `json:"action"`
	RunID         string       `json:"runId"`
	Status        string       `json:"status"`
	FailureReason string       `json:"failureReason,omitempty"`
}

// startLaunchActions follows a successful launch: with post-launch actions
// enabled and active actions to run, the launch waits for them; it reports
// whether the launch is finished.
func (e *estate) startLaunchActions(j *jobRecord, p *participatingSrv, srv *serverRecord, at time.Time) bool {
	if !srv.Launch.PostLaunchEnabled {
		return true
	}
	st := &launchActionsStatus{Runs: []launchActionRun{}}
	p.LaunchActionsStatus = st
	if _, ok := nextAction(srv, 0); !ok {
		st.SSMAgentDiscoveryDatetime = formatTime(at)
		return true
	}
	j.schedule(plannedEvent{At: at.Add(ssmAgentDiscovery), Kind: evAgentDiscovered, ServerID: srv.Server.SourceServerID})
	return false
}

// nextAction is the server's first active action after order.
func nextAction(srv *serverRecord, after int32) (launchAction, bool) {
	for _, a := range srv.Actions { // kept sorted by order
		if a.Active && a.Order > after {
			return a, true
		}
	}
	return launchAction{}, false
}

// applyLaunchAction applies an SSM agent discovery or the end of a run.
func (e *estate) applyLaunchAction(j *jobRecord, p *participatingSrv, srv *serverRecord, ev plannedEvent) {
	st := p.LaunchActionsStatus
	if srv == nil || st == nil {
		return
	}
	var after int32
	switch ev.Kind {
	case evAgentDiscovered:
		if inst, ok := e.instances[p.RecoveryInstanceID]; !ok || inst.Instance.Ec2InstanceState != "RUNNING" {
			// No agent registers on a stopped instance: nothing can run.
			for a, ok := nextAction(srv, 0); ok; a, ok = nextAction(srv, a.Order) {
				st.Runs = append(st.Runs, launchActionRun{Action: a, RunID: runIDFor(j.Job.JobID, srv.Server.SourceServerID, a.ActionID),
					Status: "FAILED", FailureReason: failureReason("SSM agent not discovered: recovery instance " + p.RecoveryInstanceID + " is not running")})
			}
			e.finishLaunchActions(j, p, srv, ev.At)
			return
		}
		st.SSMAgentDiscoveryDatetime = formatTime(ev.At)
	case evActionEnd:
		i := st.run(ev.ActionID)
		if i < 0 || ev.Outcome == nil {
			return
		}
		r := &st.Runs[i]
		r.Status = "SUCCEEDED"
		if !ev.Outcome.Succeeded {
			r.Status, r.FailureReason = "FAILED", failureReason(ev.Outcome.Reason)
		}
		after = r.Action.Order
	}
	// Runs that SSM refuses end at once; the loop starts the next one.
	for a, ok := nextAction(srv, after); ok; a, ok = nextAction(srv, a.Order) {
		if e.startRun(j, p, srv, a, ev.At) {
			return
		}
	}
	e.finishLaunchActions(j, p, srv, ev.At)
}

func (st *launchActionsStatus) run(actionID string) int {
	for i, r := range st.Runs {
		if r.Action.ActionID == actionID && r.Status == "IN_PROGRESS" {
			return i
		}
	}
	return -1
}

// startRun starts one action through SSM; false when it ended at once.
func (e *estate) startRun(j *jobRecord, p *participatingSrv, srv *serverRecord, a launchAction, at time.Time) bool {
	run := launchActionRun{Action: a, RunID: runIDFor(j.Job.JobID, srv.Server.SourceServerID, a.ActionID), Status: "IN_PROGRESS"}
	if e.runner == nil {
		run.Status, run.FailureReason = "FAILED", "no SSM to run the action"
		p.LaunchActionsStatus.Runs = append(p.LaunchActionsStatus.Runs, run)
		return false
	}
	params := map[string][]string{}
	for name, v := range a.Parameters {
		if v.Type == "SSM_STORE" {
			params[name] = []string{"{{ssm:" + v.Value + "}}"} // SSM resolves Parameter Store references
		} else {
			params[name] = []string{v.Value}
		}
	}
	res, err := e.runner.RunLaunchAction(LaunchActionRequest{
		Account: e.key.Account, Region: e.key.Region, InstanceID: p.RecoveryInstanceID, SourceServerID: srv.Server.SourceServerID,
		Document: a.ActionCode, DocumentVersion: a.ActionVersion, Automation: a.Type == "SSM_AUTOMATION", Parameters: params,
		Comment: "DRS launch action run " + run.RunID, At: at.Add(-e.offset),
	})
	if err != nil {
		run.Status, run.FailureReason = "FAILED", failureReason("SSM refused the run: "+err.Error())
		p.LaunchActionsStatus.Runs = append(p.LaunchActionsStatus.Runs, run)
		return false
	}
	p.LaunchActionsStatus.Runs = append(p.LaunchActionsStatus.Runs, run)
	j.schedule(plannedEvent{At: at.Add(res.Duration), Kind: evActionEnd, ServerID: srv.Server.SourceServerID, ActionID: a.ActionID,
		Outcome: &actionOutcome{Succeeded: res.Succeeded, Reason: res.Reason}})
	return true
}

// finishLaunchActions ends the launch once every run has ended: FAILED
// when an action that must succeed failed.
func (e *estate) finishLaunchActions(j *jobRecord, p *participatingSrv, srv *serverRecord, at time.Time) {
	var failed []string
	for _, r := range p.LaunchActionsStatus.Runs {
		if r.Status == "FAILED" && !r.Action.Optional {
			failed = append(failed, fmt.Sprintf("post-launch action %q (order %d, %s) must succeed and failed: %s", r.Action.Name, r.Action.Order, r.Action.ActionCode, r.FailureReason))
		}
	}
	if len(failed) == 0 {
		e.finishLaunch(j, p, srv, "LAUNCHED")
		return
	}
	j.log(at, "LAUNCH_FAILED", &jobLogDetail{SourceServerID: srv.Server.SourceServerID, TargetInstanceID: p.RecoveryInstanceID,
		RawError: strings.Join(failed, "; ")})
	e.finishLaunch(j, p, srv, "FAILED")
}

// schedule adds an event to the job's remaining timeline; the job ends
// after it.
func (j *jobRecord) schedule(ev plannedEvent) {
	tail := append(j.Plan[j.Next:len(j.Plan):len(j.Plan)], ev)
	for i := range tail {
		if tail[i].Kind == evJobEnd && tail[i].At.Before(ev.At.Add(jobEndDelay)) {
			tail[i].At = ev.At.Add(jobEndDelay)
		}
	}
	sortPlan(tail)
	j.Plan = append(j.Plan[:j.Next:j.Next], tail...)
}

// failureReason fits text to the model's FailureReason: at most 256 of
// letters, digits, space and ():/.,'-_#*; (read strictly: other
// characters become spaces).
func failureReason(text string) string {
	var b strings.Builder
	space := false
	for _, r := range text {
		ok := r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || strings.ContainsRune("():/.,'-_#*;", r)
		switch {
		case ok:
			b.WriteRune(r)
			space = false
		case !space:
			b.WriteByte(' ')
			space = true
		}
	}
	out := strings.TrimSpace(b.String())
	if len(out) > 256 {
		out = strings.TrimSpace(out[:256])
	}
	return out
}

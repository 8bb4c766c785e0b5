package executions

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	sfntypes "github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/drsorch/terraform-provider-drsorch/internal/statemachine"
)

// Step statuses besides SSM's own (Success, Failed, TimedOut …, as the
// runner recorded them).
const (
	StepPending = "PENDING" // not reached (yet)
	StepFailed  = "FAILED"  // the step that failed its wave
	StepNotRun  = "NOT_RUN" // after the step that failed its wave
)

// Step is one post-launch step or health check of a wave.
type Step struct {
	Name     string // post_launch 1, health_check 1 …
	Kind     string // command or automation
	Document string
	// Check is what a health check checks (http://127.0.0.1:80/health).
	Check  string
	ID     string // SSM command ID or automation execution ID, once known
	Status string
	// Detail is the failure's cause, output included.
	Detail string
}

// wavesSteps lists a wave's steps as configured, PENDING.
func waveSteps(w statemachine.WaveView) []Step {
	var out []Step
	for i, p := range w.PostLaunch {
		out = append(out, Step{Name: fmt.Sprintf("post_launch %d", i+1), Kind: p.Type, Document: p.Document, Status: StepPending})
	}
	for i, c := range w.HealthChecks {
		out = append(out, Step{Name: fmt.Sprintf("health_check %d", i+1), Kind: "command", Document: "AWS-RunShellScript",
			Check: c.Target(), Status: StepPending})
	}
	return out
}

// applyStepResults records a recovered wave's step outcomes.
func applyStepResults(w *Wave, results []statemachine.StepResult) {
	for _, r := range results {
		for i := range w.Steps {
			if w.Steps[i].Name == r.Name {
				w.Steps[i].ID, w.Steps[i].Status = r.ID, r.Status
			}
		}
	}
}

// applyStepFailure marks the step a failed wave's cause names: the steps
// before it passed, those after it did not run.
func applyStepFailure(w *Wave) {
	if w.Error != statemachine.ErrWaveStepFailed {
		return
	}
	failed := -1
	for i, s := range w.Steps {
		if strings.Contains(w.Cause, ": "+s.Name+" (") {
			failed = i
			break
		}
	}
	if failed < 0 {
		return
	}
	for i := range w.Steps {
		switch {
		case i < failed:
			if w.Steps[i].Status == StepPending {
				w.Steps[i].Status = "Success"
			}
		case i == failed:
			w.Steps[i].Status, w.Steps[i].Detail = StepFailed, w.Cause
		default:
			w.Steps[i].Status = StepNotRun
		}
	}
}

// runnerStepResults reads the steps that passed from a runner's history:
// the output of each iteration's success state.
func runnerStepResults(events []sfntypes.HistoryEvent) []statemachine.StepResult {
	var out []statemachine.StepResult
	for _, ev := range events {
		d := ev.StateExitedEventDetails
		if ev.Type != sfntypes.HistoryEventTypePassStateExited || d == nil {
			continue
		}
		if name := aws.ToString(d.Name); name != statemachine.StepCommandSucceeded && name != statemachine.StepAutomationSucceeded {
			continue
		}
		var r statemachine.StepResult
		if json.Unmarshal([]byte(aws.ToString(d.Output)), &r) == nil && r.Name != "" {
			out = append(out, r)
		}
	}
	return out
}

// stepsOfFailedWaves fills the IDs of the steps that passed before a
// wave's failed step, from its runner's history (read once per runner).
func (d *describer) stepsOfFailedWaves(ctx context.Context, e *Execution) error {
	for i := range e.Waves {
		w := &e.Waves[i]
		if w.Error != statemachine.ErrWaveStepFailed || w.RunnerExecutionARN == "" {
			continue
		}
		results, ok := d.runnerSteps[w.RunnerExecutionARN]
		if !ok {
			events, err := History(ctx, d.clients.SFN, w.RunnerExecutionARN)
			if err != nil {
				return fmt.Errorf("wave %s: read its runner execution: %w", w.Name, err)
			}
			results = runnerStepResults(events)
			if d.runnerSteps == nil {
				d.runnerSteps = map[string][]statemachine.StepResult{}
			}
			d.runnerSteps[w.RunnerExecutionARN] = results
		}
		applyStepResults(w, results)
	}
	return nil
}

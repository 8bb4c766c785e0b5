package executions

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/drs"
	drstypes "github.com/aws/aws-sdk-go-v2/service/drs/types"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	sfntypes "github.com/aws/aws-sdk-go-v2/service/sfn/types"
)

// Start starts a run of the plan whose state machine is planARN. name may
// be empty (a unique one is made).
func Start(ctx context.Context, c Clients, planARN, runType, invokedBy, name string) (string, error) {
	if runType != TypeDrill && runType != TypeRecovery {
		return "", fmt.Errorf("run type %q: use %s or %s", runType, TypeDrill, TypeRecovery)
	}
	input, _ := json.Marshal(Input{Type: runType, InvokedBy: invokedBy})
	in := &sfn.StartExecutionInput{StateMachineArn: aws.String(planARN), Input: aws.String(string(input))}
	if name != "" {
		in.Name = aws.String(name)
	}
	out, err := c.SFN.StartExecution(ctx, in)
	if err != nil {
		return "", err
	}
	return aws.ToString(out.ExecutionArn), nil
}

// Approval is what a resumed pause gate returns into the execution.
type Approval struct {
	ApprovedBy string    `json:"approvedBy"`
	ApprovedAt time.Time `json:"approvedAt"`
}

// ErrNotPaused says a wave is not waiting at its pause gate.
var ErrNotPaused = errors.New("wave is not paused")

// Resume releases the pause gate before wave, with the task token found in
// the execution history.
func Resume(ctx context.Context, c Clients, e *Execution, wave, approvedBy string, at time.Time) error {
	w, ok := e.Wave(wave)
	if !ok {
		return fmt.Errorf("plan %s has no wave %q (waves: %s)", e.Plan, wave, strings.Join(waveNames(e), ", "))
	}
	if w.Status != WavePaused || w.PauseToken == "" {
		return fmt.Errorf("%w: wave %q of %s is %s", ErrNotPaused, wave, e.Name, w.Status)
	}
	out, _ := json.Marshal(Approval{ApprovedBy: approvedBy, ApprovedAt: at.UTC()})
	_, err := c.SFN.SendTaskSuccess(ctx, &sfn.SendTaskSuccessInput{TaskToken: aws.String(w.PauseToken), Output: aws.String(string(out))})
	return err
}

func waveNames(e *Execution) []string {
	names := make([]string, len(e.Waves))
	for i, w := range e.Waves {
		names[i] = w.Name
	}
	return names
}

// Cancel stops a running execution (by its execution ARN — stopping by
// anything else leaves paused runs waiting for a year).
func Cancel(ctx context.Context, c Clients, arn, by string) error {
	_, err := c.SFN.StopExecution(ctx, &sfn.StopExecutionInput{
		ExecutionArn: aws.String(arn),
		Error:        aws.String("drsorch.Cancelled"),
		Cause:        aws.String("cancelled by " + by),
	})
	var missing *sfntypes.ExecutionDoesNotExist
	if errors.As(err, &missing) {
		return fmt.Errorf("execution %s does not exist: %w", arn, err)
	}
	return err
}

// LaunchedInstances lists the recovery instances the execution's jobs
// launched that still exist.
func LaunchedInstances(e *Execution) []Server {
	var out []Server
	for _, s := range e.Servers() {
		if s.RecoveryInstanceID != "" && s.EC2InstanceState != string(drstypes.EC2InstanceStateTerminated) && s.EC2InstanceState != "" {
			out = append(out, s)
		}
	}
	return out
}

// TerminateResult reports what Terminate did.
type TerminateResult struct {
	JobID      string
	Terminated []Server
}

// Terminate terminates the recovery instances the execution launched and
// waits for DRS's terminate job. A RECOVERY's instances are production:
// they are only terminated when allowRecovery is set.
func Terminate(ctx context.Context, c Clients, e *Execution, allowRecovery bool, poll time.Duration) (*TerminateResult, error) {
	if e.Type == TypeRecovery && !allowRecovery {
		return nil, fmt.Errorf("execution %s is a RECOVERY: its instances are your production now, so drsorch does not terminate them unless explicitly asked", e.Name)
	}
	servers := LaunchedInstances(e)
	if len(servers) == 0 {
		return &TerminateResult{}, nil
	}
	ids := make([]string, len(servers))
	for i, s := range servers {
		ids[i] = s.RecoveryInstanceID
	}
	out, err := c.DRS.TerminateRecoveryInstances(ctx, &drs.TerminateRecoveryInstancesInput{RecoveryInstanceIDs: ids})
	if err != nil {
		return nil, err
	}
	jobID := aws.ToString(out.Job.JobID)
	if err := WaitForJob(ctx, c.DRS, jobID, poll); err != nil {
		return nil, err
	}
	return &TerminateResult{JobID: jobID, Terminated: servers}, nil
}

// WaitForJob polls a DRS job until it is COMPLETED, with a growing
// interval capped at poll, and reports servers whose part failed.
func WaitForJob(ctx context.Context, api *drs.Client, jobID string, poll time.Duration) error {
	interval := min(poll, time.Second)
	for {
		jobs, err := describeJobs(ctx, api, []string{jobID})
		if err != nil {
			return err
		}
		job, ok := jobs[jobID]
		if !ok {
			return fmt.Errorf("DRS job %s disappeared", jobID)
		}
		if job.Status == drstypes.JobStatusCompleted {
			var failed []string
			for _, p := range job.ParticipatingServers {
				if p.LaunchStatus == drstypes.LaunchStatusFailed {
					failed = append(failed, aws.ToString(p.SourceServerID))
				}
			}
			if len(failed) > 0 {
				return fmt.Errorf("DRS job %s completed with failures for %s", jobID, strings.Join(failed, ", "))
			}
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("waiting for DRS job %s (%s): %w", jobID, job.Status, ctx.Err())
		case <-time.After(interval):
		}
		interval = min(interval*2, poll)
	}
}

// Milestone is how far Wait waits.
type Milestone string

// Milestones.
const (
	UntilStarted   Milestone = "started"
	UntilPaused    Milestone = "paused"
	UntilCompleted Milestone = "completed"
)

// Reached reports whether e has reached m. A run that ended has reached
// every milestone.
func (e *Execution) Reached(m Milestone) bool {
	if !e.Running() {
		return true
	}
	switch m {
	case UntilStarted:
		return true
	case UntilPaused:
		return e.PausedBefore() != ""
	}
	return false
}

// Wait polls the execution until it reaches m, calling progress whenever
// its phase changes. The interval grows from a second to poll.
func Wait(ctx context.Context, c Clients, arn string, m Milestone, poll time.Duration, progress func(*Execution)) (*Execution, error) {
	interval := min(poll, time.Second)
	last := ""
	d := &describer{clients: c}
	for {
		e, err := d.describe(ctx, arn)
		if err != nil {
			return nil, err
		}
		if p := summary(e); p != last && progress != nil {
			progress(e)
			last = p
		}
		if e.Reached(m) {
			return e, nil
		}
		select {
		case <-ctx.Done():
			return e, fmt.Errorf("waiting for %s to be %s (now %s): %w", e.Name, m, e.Phase(), ctx.Err())
		case <-time.After(interval):
		}
		interval = min(interval*2, poll)
	}
}

// summary changes whenever something worth reporting changes.
func summary(e *Execution) string {
	var b strings.Builder
	b.WriteString(e.Phase())
	for _, w := range e.Waves {
		launched := 0
		for _, s := range w.Servers {
			if s.LaunchStatus == string(drstypes.LaunchStatusLaunched) {
				launched++
			}
		}
		fmt.Fprintf(&b, "|%s:%s:%d", w.Name, w.Status, launched)
	}
	return b.String()
}

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

// Approval is what a resumed pause gate returns into the execution: the
// audit record of who let the run go on. ApprovedBy is the approver's
// identity from STS GetCallerIdentity (CallerARN), never free text; Reason
// is the free text, if any (where the approval came from, a ticket).
type Approval struct {
	ApprovedBy string    `json:"approvedBy"`
	ApprovedAt time.Time `json:"approvedAt"`
	Wave       string    `json:"wave,omitempty"`
	Reason     string    `json:"reason,omitempty"`
}

// ErrNotPaused says a wave is not waiting at its pause gate.
var ErrNotPaused = errors.New("wave is not paused")

// ErrAlreadyApproved says the pause gate of a wave was released before
// this approval arrived: by an earlier attempt of it whose answer was lost
// (the SDK's retry then meets a closed task), or by someone else.
var ErrAlreadyApproved = errors.New("already approved")

// Resume releases the pause gate before wave, with the task token found in
// the execution history. A token used once is closed: a retried
// SendTaskSuccess answers TaskDoesNotExist (or TaskTimedOut) although the
// first attempt approved the gate, so any failure other than a refused
// token or output is checked by reading the execution again; a gate that
// was released is reported as ErrAlreadyApproved, naming who approved it.
// https://docs.aws.amazon.com/step-functions/latest/apireference/API_SendTaskSuccess.html
func Resume(ctx context.Context, c Clients, e *Execution, wave, approvedBy string, at time.Time) error {
	return ResumeWith(ctx, c, e, wave, Approval{ApprovedBy: approvedBy, ApprovedAt: at})
}

// ResumeWith is Resume with a whole approval record (a reason besides the
// approver).
func ResumeWith(ctx context.Context, c Clients, e *Execution, wave string, a Approval) error {
	w, ok := e.Wave(wave)
	if !ok {
		return fmt.Errorf("plan %s has no wave %q (waves: %s)", e.Plan, wave, strings.Join(waveNames(e), ", "))
	}
	if w.Status != WavePaused || w.PauseToken == "" {
		if w.Approval != nil {
			return alreadyApproved(e, w)
		}
		return fmt.Errorf("%w: wave %q of %s is %s", ErrNotPaused, wave, e.Name, w.Status)
	}
	a.Wave, a.ApprovedAt = wave, a.ApprovedAt.UTC()
	out, _ := json.Marshal(a)
	_, err := c.SFN.SendTaskSuccess(ctx, &sfn.SendTaskSuccessInput{TaskToken: aws.String(w.PauseToken), Output: aws.String(string(out))})
	if err == nil {
		return nil
	}
	var badToken *sfntypes.InvalidToken
	var badOutput *sfntypes.InvalidOutput
	if errors.As(err, &badToken) || errors.As(err, &badOutput) {
		return err
	}
	lookCtx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	if ctx.Err() != nil {
		lookCtx, cancel = context.WithTimeout(context.WithoutCancel(ctx), 15*time.Second)
	}
	defer cancel()
	now, derr := Describe(lookCtx, c, e.ARN)
	if derr != nil {
		return fmt.Errorf("%w (and reading %s again, to see whether the gate was released, failed: %v)", err, e.ARN, derr)
	}
	if nw, ok := now.Wave(wave); ok && nw.Approval != nil {
		return alreadyApproved(now, nw)
	}
	return fmt.Errorf("%w (wave %q of %s is now %s)", err, wave, e.Name, now.Phase())
}

func alreadyApproved(e *Execution, w *Wave) error {
	by := ""
	if a := w.Approval; a.ApprovedBy != "" {
		by = " by " + a.ApprovedBy
		if !a.ApprovedAt.IsZero() {
			by += " at " + a.ApprovedAt.UTC().Format(time.RFC3339)
		}
	}
	return fmt.Errorf("%w: the pause gate before wave %q of %s was released%s", ErrAlreadyApproved, w.Name, e.Name, by)
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

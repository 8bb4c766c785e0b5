// Package executions reads and steers runs of recovery plans — Step
// Functions executions of a plan's state machine — for the provider, the
// CLI and anything else that must show or change a drill or a recovery:
// status per wave and per server, the pause gates and their task tokens,
// resume, cancel, and termination of drill instances.
package executions

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/drs"
	drstypes "github.com/aws/aws-sdk-go-v2/service/drs/types"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	sfntypes "github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/drsorch/terraform-provider-drsorch/internal/drsapi"
	"github.com/drsorch/terraform-provider-drsorch/internal/plans"
	"github.com/drsorch/terraform-provider-drsorch/internal/statemachine"
)

// Run types, as given in the execution input.
const (
	TypeDrill    = "DRILL"
	TypeRecovery = "RECOVERY"
)

// Wave statuses.
const (
	WavePending   = "PENDING"   // not reached yet
	WavePaused    = "PAUSED"    // waiting at its pause gate
	WaveRunning   = "RUNNING"   // recovery job started, servers launching
	WaveRecovered = "RECOVERED" // every server launched and running
	WaveFailed    = "FAILED"
	WaveTimedOut  = "TIMED_OUT"
	WaveCancelled = "CANCELLED" // the execution stopped while the wave ran
	WaveSkipped   = "SKIPPED"   // taken as recovered (Input.SkipWaves): not run
)

// PhasePartial begins the phase of a run that succeeded with failures:
// optional waves failed.
const PhasePartial = "PARTIAL"

// Execution is a run of a recovery plan, as drsorch sees it.
type Execution struct {
	ARN     string
	Name    string
	Plan    string
	PlanARN string
	// VersionARN is the state machine version the run started on
	// (DescribeExecution's stateMachineVersionArn); "" for a run started
	// on the unqualified ARN.
	VersionARN string
	Type       string // DRILL or RECOVERY
	InvokedBy  string
	Status     sfntypes.ExecutionStatus
	StartedAt  time.Time
	StoppedAt  time.Time // zero while running
	Error      string
	Cause      string
	Waves      []Wave
	// PointInTime is the point in time the run recovers from (RFC 3339),
	// if one was asked.
	PointInTime string
	// RTO is the recovery time objective of the plan version the run
	// executes (0: none), a target to measure the run against.
	RTO time.Duration
}

// Wave is the progress of one wave.
type Wave struct {
	Name        string
	Level       int
	Status      string
	PauseBefore bool
	JobID       string
	StartedAt   time.Time // when the recovery job was started
	EndedAt     time.Time
	Servers     []Server
	// PauseToken is the task token of the pause gate while Status is PAUSED.
	PauseToken string
	// Approval is what released the pause gate (SendTaskSuccess's
	// output), once it was released.
	Approval *Approval
	Error    string
	Cause    string
	// RunnerExecutionARN is the wave runner execution that recovers the
	// wave (plans compiled with the wave runner).
	RunnerExecutionARN string
	// RecoveredIn says where a SKIPPED wave was recovered: an earlier
	// execution's ARN, or why it was taken as recovered.
	RecoveredIn string
	// Steps are the wave's post-launch steps and health checks (steps.go).
	Steps []Step
	// RTO is the wave's recovery time objective in the plan version the
	// run executes (0: none).
	RTO time.Duration
}

// Server is one source server of a wave.
type Server struct {
	SourceServerID     string
	LaunchStatus       string
	RecoveryInstanceID string
	EC2InstanceID      string
	EC2InstanceState   string
	// RecoverySnapshotID is the recovery snapshot the run launches the
	// server from ("": the latest data, DRS's on-demand snapshot), and
	// SnapshotTime the point in time its recovery instance holds (the
	// instance's pointInTimeSnapshotDateTime), once launched.
	RecoverySnapshotID string
	SnapshotTime       string
	// LaunchActions are the DRS launch action (post-launch action) runs
	// on the recovery instance, in order, as the wave's job reports them.
	LaunchActions []LaunchActionRun
}

// LaunchActionRun is one launch action run: Status is IN_PROGRESS,
// SUCCEEDED or FAILED (FailureReason says why). A failed action that must
// succeed fails the server's launch.
type LaunchActionRun struct {
	Name          string
	Document      string
	Order         int32
	MustSucceed   bool
	Status        string
	FailureReason string
}

// Running reports whether the execution has not ended.
func (e *Execution) Running() bool { return e.Status == sfntypes.ExecutionStatusRunning }

// PausedBefore names the wave whose pause gate is waiting, if any.
func (e *Execution) PausedBefore() string {
	for _, w := range e.Waves {
		if w.Status == WavePaused {
			return w.Name
		}
	}
	return ""
}

// Partial reports whether the run succeeded with failed optional waves.
func (e *Execution) Partial() bool {
	if e.Status != sfntypes.ExecutionStatusSucceeded {
		return false
	}
	for _, w := range e.Waves {
		if w.Status == WaveFailed || w.Status == WaveTimedOut {
			return true
		}
	}
	return false
}

// Wave finds a wave by name.
func (e *Execution) Wave(name string) (*Wave, bool) {
	for i := range e.Waves {
		if e.Waves[i].Name == name {
			return &e.Waves[i], true
		}
	}
	return nil, false
}

// Phase is the drsorch-level status: which wave is paused, running or
// failed, in one line.
func (e *Execution) Phase() string {
	switch e.Status {
	case sfntypes.ExecutionStatusRunning:
		if w := e.PausedBefore(); w != "" {
			return "PAUSED before wave " + w
		}
		var running []string
		for _, w := range e.Waves {
			if w.Status == WaveRunning {
				running = append(running, w.Name)
			}
		}
		if len(running) > 0 {
			return "RUNNING wave " + strings.Join(running, ", ")
		}
		return "RUNNING"
	case sfntypes.ExecutionStatusSucceeded:
		var failed []string
		for _, w := range e.Waves {
			if w.Status == WaveFailed || w.Status == WaveTimedOut {
				failed = append(failed, w.Name)
			}
		}
		if len(failed) > 0 {
			return PhasePartial + ": optional wave " + strings.Join(failed, ", ") + " failed"
		}
	case sfntypes.ExecutionStatusFailed, sfntypes.ExecutionStatusTimedOut:
		for _, w := range e.Waves {
			if w.Status == WaveFailed || w.Status == WaveTimedOut {
				return string(e.Status) + " in wave " + w.Name
			}
		}
	}
	return string(e.Status)
}

// Clients are the APIs the package needs.
type Clients struct {
	SFN    *sfn.Client
	DRS    *drs.Client
	Quotas drsapi.ServiceQuotasAPI
	// Warn, when set, hears what callers should pass on to people (a
	// start that falls back to the unqualified state machine ARN).
	Warn func(string)
}

// Describe reads an execution: its Step Functions status, its plan's
// waves from the definition it runs, each wave's progress from the
// history, and each server's launch from DRS.
func Describe(ctx context.Context, c Clients, arn string) (*Execution, error) {
	return (&describer{clients: c}).describe(ctx, arn)
}

// describer reads one execution again and again (Wait, watch views): the
// definition an execution runs never changes, so it is read once.
type describer struct {
	clients Clients
	view    *statemachine.PlanView
	plan    string
	// runnerJobs caches the job each runner execution follows, once found
	// (a runner's job never changes).
	runnerJobs map[string]string
	// runnerSteps caches the passed steps of failed runner executions.
	runnerSteps map[string][]statemachine.StepResult
}

func (d *describer) describe(ctx context.Context, arn string) (*Execution, error) {
	c := d.clients
	out, err := c.SFN.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: aws.String(arn)})
	if err != nil {
		return nil, err
	}
	e := &Execution{
		ARN: arn, Name: aws.ToString(out.Name), PlanARN: aws.ToString(out.StateMachineArn), Status: out.Status,
		VersionARN: aws.ToString(out.StateMachineVersionArn),
		StartedAt:  aws.ToTime(out.StartDate), StoppedAt: aws.ToTime(out.StopDate),
		Error: aws.ToString(out.Error), Cause: aws.ToString(out.Cause),
	}
	var in Input
	_ = json.Unmarshal([]byte(aws.ToString(out.Input)), &in)
	e.Type, e.InvokedBy, e.PointInTime = in.Type, in.InvokedBy, in.PointInTime
	snapshots := snapshotsOf(in)
	if d.view == nil {
		sm, err := c.SFN.DescribeStateMachineForExecution(ctx, &sfn.DescribeStateMachineForExecutionInput{ExecutionArn: aws.String(arn)})
		if err != nil {
			return nil, err
		}
		view, err := statemachine.Describe(aws.ToString(sm.Definition))
		if err != nil {
			return nil, fmt.Errorf("execution %s: %w", arn, err)
		}
		d.view, d.plan = view, view.Name
		if d.plan == "" {
			d.plan, _ = plans.PlanName(aws.ToString(sm.Name))
		}
	}
	e.Plan, e.RTO = d.plan, d.view.RTO
	for _, w := range d.view.Waves() {
		wave := Wave{Name: w.Name, Level: w.Level, Status: WavePending, PauseBefore: w.PauseBefore, Steps: waveSteps(w), RTO: w.RTO}
		servers := w.SourceServerIDs
		if only := in.OnlyServers[w.Name]; len(only) > 0 {
			servers = only // a retry launches these only
		}
		for _, id := range servers {
			wave.Servers = append(wave.Servers, Server{SourceServerID: id, RecoverySnapshotID: snapshots[id]})
		}
		e.Waves = append(e.Waves, wave)
	}
	events, err := History(ctx, c.SFN, arn)
	if err != nil {
		return nil, err
	}
	applyHistory(e, events)
	if err := d.runnerJobIDs(ctx, e); err != nil {
		return nil, err
	}
	if err := d.stepsOfFailedWaves(ctx, e); err != nil {
		return nil, err
	}
	if err := applyJobs(ctx, c.DRS, e); err != nil {
		return nil, err
	}
	return e, nil
}

// runnerJobIDs fills the job of each wave whose runner has one but whose
// history here does not say it (running or failed waves): read from the
// runner's own history, once per runner execution.
func (d *describer) runnerJobIDs(ctx context.Context, e *Execution) error {
	for i := range e.Waves {
		w := &e.Waves[i]
		if w.JobID != "" || w.RunnerExecutionARN == "" {
			continue
		}
		if id, ok := d.runnerJobs[w.RunnerExecutionARN]; ok {
			w.JobID = id
			continue
		}
		events, err := History(ctx, d.clients.SFN, w.RunnerExecutionARN)
		if err != nil {
			return fmt.Errorf("wave %s: read its runner execution: %w", w.Name, err)
		}
		if id := runnerJobID(events); id != "" {
			if d.runnerJobs == nil {
				d.runnerJobs = map[string]string{}
			}
			d.runnerJobs[w.RunnerExecutionARN], w.JobID = id, id
		}
	}
	return nil
}

// runnerJobID is the DRS job a runner execution started or adopted.
func runnerJobID(events []sfntypes.HistoryEvent) string {
	stateOf := map[int64]string{}
	for _, ev := range events {
		name := stateOf[ev.PreviousEventId]
		if d := ev.StateEnteredEventDetails; d != nil {
			name = aws.ToString(d.Name)
		}
		stateOf[ev.Id] = name
		var out struct{ Job struct{ JobID string } }
		switch {
		case ev.Type == sfntypes.HistoryEventTypeTaskSucceeded && name == statemachine.StepStartRecovery:
			_ = json.Unmarshal([]byte(aws.ToString(ev.TaskSucceededEventDetails.Output)), &out)
		case ev.Type == sfntypes.HistoryEventTypePassStateExited && name == statemachine.StepAdoptJob:
			_ = json.Unmarshal([]byte(aws.ToString(ev.StateExitedEventDetails.Output)), &out)
		}
		if out.Job.JobID != "" {
			return out.Job.JobID
		}
	}
	return ""
}

// History reads every event of an execution, oldest first.
func History(ctx context.Context, api *sfn.Client, arn string) ([]sfntypes.HistoryEvent, error) {
	var all []sfntypes.HistoryEvent
	pages := sfn.NewGetExecutionHistoryPaginator(api, &sfn.GetExecutionHistoryInput{ExecutionArn: aws.String(arn), MaxResults: 1000})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		all = append(all, page.Events...)
	}
	return all, nil
}

// applyHistory derives each wave's status from the states its branch
// entered. Events of parallel branches interleave, so each event is tied to
// its state through previousEventId.
func applyHistory(e *Execution, events []sfntypes.HistoryEvent) {
	stateOf := map[int64]string{}
	for _, ev := range events {
		name := stateOf[ev.PreviousEventId]
		if d := ev.StateEnteredEventDetails; d != nil {
			name = aws.ToString(d.Name)
		}
		stateOf[ev.Id] = name
		waveName, step, ok := strings.Cut(name, ": ")
		if !ok {
			continue
		}
		w, ok := e.Wave(waveName)
		if !ok {
			continue
		}
		at := aws.ToTime(ev.Timestamp)
		switch {
		case ev.Type == sfntypes.HistoryEventTypeTaskScheduled && step == statemachine.StepPause:
			w.Status = WavePaused
			w.PauseToken = pauseToken(aws.ToString(ev.TaskScheduledEventDetails.Parameters))
		case ev.Type == sfntypes.HistoryEventTypeTaskSucceeded && step == statemachine.StepPause:
			w.Status, w.PauseToken = WavePending, ""
			var a Approval
			_ = json.Unmarshal([]byte(aws.ToString(ev.TaskSucceededEventDetails.Output)), &a)
			w.Approval = &a
		case ev.Type == sfntypes.HistoryEventTypePassStateEntered && step == statemachine.StepSkipped:
			// A skipped wave that pauses (spec version 2: its control in
			// c.w; version 1 skipped every wave here, from ctl.skip).
			var in struct {
				C struct {
					W map[string]statemachine.WaveControl
				}
				Ctl struct{ Skip map[string]string }
			}
			_ = json.Unmarshal([]byte(aws.ToString(ev.StateEnteredEventDetails.Input)), &in)
			w.Status, w.RecoveredIn = WaveSkipped, in.C.W[w.Name].Skip
			if w.RecoveredIn == "" {
				w.RecoveredIn = in.Ctl.Skip[w.Name]
			}
		case ev.Type == sfntypes.HistoryEventTypeTaskScheduled && step == statemachine.StepRun:
			w.Status, w.StartedAt = WaveRunning, at
		case ev.Type == sfntypes.HistoryEventTypeTaskSubmitted && step == statemachine.StepRun:
			var out struct{ ExecutionArn string }
			_ = json.Unmarshal([]byte(aws.ToString(ev.TaskSubmittedEventDetails.Output)), &out)
			w.RunnerExecutionARN = out.ExecutionArn
		case ev.Type == sfntypes.HistoryEventTypeTaskSucceeded && step == statemachine.StepRun:
			var out struct {
				ExecutionArn string
				Output       statemachine.RunnerOutput
			}
			_ = json.Unmarshal([]byte(aws.ToString(ev.TaskSucceededEventDetails.Output)), &out)
			if out.ExecutionArn != "" {
				w.RunnerExecutionARN = out.ExecutionArn
			}
			if out.Output.Status == statemachine.RunnerSkipped {
				// The runner skipped the wave (spec version 2).
				w.Status, w.RecoveredIn, w.StartedAt = WaveSkipped, out.Output.RecoveredIn, time.Time{}
				break
			}
			w.Status, w.EndedAt, w.JobID = WaveRecovered, at, out.Output.JobID
			applyStepResults(w, out.Output.Steps)
		case ev.Type == sfntypes.HistoryEventTypeTaskFailed && step == statemachine.StepRun:
			// A runner that failed: its description is the cause. Anything
			// else (StartExecution refused) is the Task's own error.
			d := ev.TaskFailedEventDetails
			w.Status, w.EndedAt = WaveFailed, at
			w.Error, w.Cause = aws.ToString(d.Error), aws.ToString(d.Cause)
			var child struct{ ExecutionArn, Status, Error, Cause string }
			if json.Unmarshal([]byte(w.Cause), &child) == nil && child.ExecutionArn != "" {
				w.RunnerExecutionARN, w.Error, w.Cause = child.ExecutionArn, child.Error, child.Cause
			}
			if w.Error == statemachine.ErrWaveTimedOut || w.Error == statemachine.ErrQuotaWaitTimedOut {
				w.Status = WaveTimedOut
			}
			applyStepFailure(w)
		// Definitions of compilers before the wave runner: every wave's
		// steps inline, named "<wave>: <runner step>".
		case ev.Type == sfntypes.HistoryEventTypeTaskScheduled && step == statemachine.StepStartRecovery:
			w.Status, w.StartedAt = WaveRunning, at
		case ev.Type == sfntypes.HistoryEventTypeTaskSucceeded && step == statemachine.StepStartRecovery:
			var out struct{ Job struct{ JobID string } }
			_ = json.Unmarshal([]byte(aws.ToString(ev.TaskSucceededEventDetails.Output)), &out)
			w.JobID = out.Job.JobID
		case ev.Type == sfntypes.HistoryEventTypePassStateExited && step == statemachine.StepAdoptJob:
			var out struct{ Job struct{ JobID string } }
			_ = json.Unmarshal([]byte(aws.ToString(ev.StateExitedEventDetails.Output)), &out)
			w.Status, w.StartedAt, w.JobID = WaveRunning, at, out.Job.JobID
		case ev.Type == sfntypes.HistoryEventTypePassStateEntered && step == statemachine.StepRecovered:
			w.Status, w.EndedAt = WaveRecovered, at
		case ev.Type == sfntypes.HistoryEventTypePassStateEntered && slices.Contains(statemachine.FailureSteps, step):
			// The wave failed; it publishes its failure event, then ends
			// in its Fail state.
			w.Status, w.EndedAt = WaveFailed, at
			if step == statemachine.StepTimedOut {
				w.Status = WaveTimedOut
			}
		case ev.Type == sfntypes.HistoryEventTypeFailStateEntered:
			if w.Status != WaveFailed && w.Status != WaveTimedOut {
				// Definitions of earlier compilers fail in a Fail state
				// named for the failure.
				w.Status, w.EndedAt = WaveFailed, at
				if step == statemachine.StepTimedOut {
					w.Status = WaveTimedOut
				}
			}
		}
	}
	if !e.Running() {
		for i := range e.Waves {
			w := &e.Waves[i]
			if w.Status == WaveRunning || w.Status == WavePaused {
				w.Status, w.PauseToken = WaveCancelled, ""
				if e.Status == sfntypes.ExecutionStatusFailed || e.Status == sfntypes.ExecutionStatusTimedOut {
					w.Status = WaveFailed
				}
			}
			if (w.Status == WaveFailed || w.Status == WaveTimedOut) && w.Error == "" && strings.Contains(e.Cause, "wave "+w.Name+" ") {
				w.Error, w.Cause = e.Error, e.Cause
			}
		}
	}
}

func pauseToken(parameters string) string {
	var p struct {
		Entries []struct {
			Detail json.RawMessage
		}
	}
	if json.Unmarshal([]byte(parameters), &p) != nil || len(p.Entries) == 0 {
		return ""
	}
	// Detail is a JSON object, or a string holding one (as PutEvents takes it).
	var detail struct {
		TaskToken string `json:"taskToken"`
	}
	raw := p.Entries[0].Detail
	var s string
	if json.Unmarshal(raw, &s) == nil {
		raw = json.RawMessage(s)
	}
	_ = json.Unmarshal(raw, &detail)
	return detail.TaskToken
}

// applyJobs fills each wave's servers from its DRS job and the recovery
// instances that job launched.
func applyJobs(ctx context.Context, api *drs.Client, e *Execution) error {
	var jobIDs, serverIDs []string
	for _, w := range e.Waves {
		if w.JobID != "" {
			jobIDs = append(jobIDs, w.JobID)
			for _, s := range w.Servers {
				serverIDs = append(serverIDs, s.SourceServerID)
			}
		}
	}
	if len(jobIDs) == 0 {
		return nil
	}
	jobs, err := describeJobs(ctx, api, jobIDs)
	if err != nil {
		return err
	}
	instances, err := recoveryInstances(ctx, api, serverIDs)
	if err != nil {
		return err
	}
	for i := range e.Waves {
		w := &e.Waves[i]
		job, ok := jobs[w.JobID]
		if !ok {
			continue
		}
		if w.EndedAt.IsZero() && job.EndDateTime != nil && w.Status != WaveRunning {
			w.EndedAt = parseTime(aws.ToString(job.EndDateTime))
		}
		launch := map[string]drstypes.ParticipatingServer{}
		for _, p := range job.ParticipatingServers {
			launch[aws.ToString(p.SourceServerID)] = p
		}
		for j := range w.Servers {
			s := &w.Servers[j]
			p := launch[s.SourceServerID]
			s.LaunchStatus = string(p.LaunchStatus)
			s.RecoveryInstanceID = aws.ToString(p.RecoveryInstanceID)
			s.LaunchActions = launchActionRuns(p.LaunchActionsStatus)
			if ri, ok := instances[s.SourceServerID]; ok && aws.ToString(ri.JobID) == w.JobID {
				s.RecoveryInstanceID = aws.ToString(ri.RecoveryInstanceID)
				s.EC2InstanceID = aws.ToString(ri.Ec2InstanceID)
				s.EC2InstanceState = string(ri.Ec2InstanceState)
				s.SnapshotTime = aws.ToString(ri.PointInTimeSnapshotDateTime)
			}
		}
	}
	return nil
}

func launchActionRuns(st *drstypes.LaunchActionsStatus) []LaunchActionRun {
	if st == nil {
		return nil
	}
	var out []LaunchActionRun
	for _, r := range st.Runs {
		run := LaunchActionRun{Status: string(r.Status), FailureReason: aws.ToString(r.FailureReason)}
		if a := r.Action; a != nil {
			run.Name, run.Document, run.Order, run.MustSucceed = aws.ToString(a.Name), aws.ToString(a.ActionCode), aws.ToInt32(a.Order), !aws.ToBool(a.Optional)
		}
		out = append(out, run)
	}
	return out
}

func describeJobs(ctx context.Context, api *drs.Client, ids []string) (map[string]drstypes.Job, error) {
	out := map[string]drstypes.Job{}
	pages := drs.NewDescribeJobsPaginator(api, &drs.DescribeJobsInput{Filters: &drstypes.DescribeJobsRequestFilters{JobIDs: ids}})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("DescribeJobs: %w", err)
		}
		for _, j := range page.Items {
			out[aws.ToString(j.JobID)] = j
		}
	}
	return out, nil
}

// recoveryInstances maps source servers to their recovery instance.
func recoveryInstances(ctx context.Context, api *drs.Client, serverIDs []string) (map[string]drstypes.RecoveryInstance, error) {
	out := map[string]drstypes.RecoveryInstance{}
	for start := 0; start < len(serverIDs); start += 200 {
		chunk := serverIDs[start:min(start+200, len(serverIDs))]
		pages := drs.NewDescribeRecoveryInstancesPaginator(api, &drs.DescribeRecoveryInstancesInput{
			Filters: &drstypes.DescribeRecoveryInstancesRequestFilters{SourceServerIDs: chunk}})
		for pages.HasMorePages() {
			page, err := pages.NextPage(ctx)
			if err != nil {
				return nil, fmt.Errorf("DescribeRecoveryInstances: %w", err)
			}
			for _, ri := range page.Items {
				out[aws.ToString(ri.SourceServerID)] = ri
			}
		}
	}
	return out, nil
}

func parseTime(s string) time.Time {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.000Z07:00"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t
		}
	}
	return time.Time{}
}

// Servers lists every server of the execution in wave order.
func (e *Execution) Servers() []Server {
	var out []Server
	for _, w := range e.Waves {
		out = append(out, w.Servers...)
	}
	return out
}

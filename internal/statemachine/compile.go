// Package statemachine compiles a recovery plan into the Amazon States
// Language definition of its Step Functions state machine, and reads such a
// definition back (for status views). The plan's state machine holds the
// wave graph (series-parallel, as nested Parallel states), the pause gates
// and the plan spec; each wave runs as one execution of the shared wave
// runner (runner.go). Every DRS call is an AWS SDK service integration
// (arn:<partition>:states:::aws-sdk:drs:*): no Lambda. Each wave publishes
// its start, success and failure to EventBridge (events:putEvents), and
// pauses through it.
package statemachine

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/drsorch/terraform-provider-drsorch/internal/drsapi"
	"github.com/drsorch/terraform-provider-drsorch/internal/recoveryplan"
)

// Error names the compiled state machines fail with.
const (
	ErrInvalidInput  = "drsorch.InvalidInput"
	ErrWaveFailed    = "drsorch.WaveFailed"
	ErrWaveTimedOut  = "drsorch.WaveTimedOut"
	ErrWaveUnhealthy = "drsorch.WaveUnhealthy"
	// ErrWaveReadFailed: DRS reads of a wave (DescribeJobs,
	// DescribeRecoveryInstances) failed past their retry budget. The
	// wave's job may still be running: the cause names the wave, the job
	// and the last error, and a new execution adopts the job with
	// {"waves": {"<wave>": {"adoptJobId": "<job ID>"}}} in its input.
	ErrWaveReadFailed = "drsorch.WaveReadFailed"
)

// InputWaves is the execution input member that controls single waves
// of a run: {"waves": {"<wave>": WaveControl}}. A wave it does not name
// runs as planned. It replaced four members of earlier plans (spec version
// 1: adoptJobs, skipWaves, onlyServers, recoverySnapshots, one map each),
// which cost the compiled plan a lookup state per wave and member; a
// plan's PlanView says which form its definition reads (WaveControls).
//
// Step Functions' RedriveExecution is not used for retry or resume: a
// redrive re-runs the failed states.startExecution.sync:2 Task, which
// starts a new runner execution for the whole wave (its input is the
// Task's, fixed at compile time), so the servers that launched would launch
// again; and a redrive cannot skip waves or change the run's input
// (https://docs.aws.amazon.com/step-functions/latest/dg/redrive-executions.html).
const InputWaves = "waves"

// Execution input members of plans of spec version 1 (InputWaves replaced
// them): each maps wave names to one control.
const (
	InputAdoptJobs         = "adoptJobs"
	InputSkipWaves         = "skipWaves"
	InputOnlyServers       = "onlyServers"
	InputRecoverySnapshots = "recoverySnapshots"
)

// WaveControl is what the execution input says about one wave (every
// member optional; the runner applies the defaults).
type WaveControl struct {
	// AdoptJobID is a DRS job the wave follows instead of starting
	// recovery (its earlier run's job, still running).
	AdoptJobID string `json:"adoptJobId,omitempty"`
	// Skip, when set, says where the wave was recovered (an earlier
	// execution's ARN, or why it is taken as recovered): it does not run,
	// and its status is SKIPPED.
	Skip string `json:"skip,omitempty"`
	// OnlyServers are the source servers the wave launches instead of all
	// of its own (the failed servers of a failed wave).
	OnlyServers []string `json:"onlyServers,omitempty"`
	// RecoverySnapshots are StartRecovery's source servers, each with the
	// recovery snapshot it launches from (point-in-time recovery): they
	// name every server the wave launches (its OnlyServers on a retry); an
	// item without RecoverySnapshotID launches from the latest data, as DRS
	// does when the field is omitted. drsorch resolves the snapshots before
	// the run starts (internal/executions/pointintime.go), so the input
	// records what each server recovered from.
	RecoverySnapshots []RecoverySnapshot `json:"recoverySnapshots,omitempty"`
}

// RecoverySnapshot is one item of StartRecovery's sourceServers, in the
// PascalCase the SDK integrations take.
type RecoverySnapshot struct {
	SourceServerID     string `json:"SourceServerID"`
	RecoverySnapshotID string `json:"RecoverySnapshotID,omitempty"`
}

// Service integrations the compiled definitions call. A Task resource is
// arn:<partition>:states:::<integration>, in the partition of the region the
// state machine runs in: Step Functions fails a Task whose resource is of
// another partition (Resource, IntegrationOf).
const (
	IntegrationStartRecovery     = "aws-sdk:drs:startRecovery"
	IntegrationDescribeJobs      = "aws-sdk:drs:describeJobs"
	IntegrationDescribeInstances = "aws-sdk:drs:describeRecoveryInstances"
	IntegrationLaunchSettings    = "aws-sdk:drs:getLaunchConfiguration"
	IntegrationPauseGate         = "events:putEvents.waitForTaskToken"
	IntegrationPutEvents         = "events:putEvents"
)

// Integrations lists every integration a compiled plan or the wave runner
// may call.
var Integrations = []string{IntegrationStartRecovery, IntegrationDescribeJobs, IntegrationDescribeInstances, IntegrationLaunchSettings, IntegrationPauseGate, IntegrationPutEvents, IntegrationStartRunner, IntegrationGetQuota,
	IntegrationSendCommand, IntegrationListInvocations, IntegrationGetInvocation, IntegrationStartAutomation, IntegrationGetAutomation}

// Resource is the Task resource of integration in partition (aws,
// aws-us-gov, aws-cn …).
// https://docs.aws.amazon.com/step-functions/latest/dg/connect-eventbridge.html
func Resource(partition, integration string) string {
	return "arn:" + partition + ":states:::" + integration
}

// IntegrationOf reads a Task resource of any partition back into its
// integration: arn:aws-us-gov:states:::aws-sdk:drs:describeJobs →
// aws-sdk:drs:describeJobs.
func IntegrationOf(resource string) (integration string, ok bool) {
	parts := strings.SplitN(resource, ":", 6)
	if len(parts) < 6 || parts[0] != "arn" || parts[1] == "" || parts[2] != "states" || parts[3] != "" || parts[4] != "" {
		return "", false
	}
	return parts[5], parts[5] != ""
}

// Events the compiled definitions publish to the default event bus.
const (
	EventSource          = "drsorch"
	PauseEventSource     = EventSource
	PauseEventDetailType = "drsorch wave paused"
	// Each wave publishes when its recovery job started (or was adopted),
	// when every server launched and runs, and when it failed. Detail:
	// plan, execution, wave, level, isDrill, servers (source server IDs),
	// outcome (STARTED, SUCCEEDED, FAILED or TIMED_OUT), jobId (null when
	// the wave failed before it had a job), and error and cause on failure.
	WaveStartedDetailType   = "drsorch wave started"
	WaveSucceededDetailType = "drsorch wave succeeded"
	WaveFailedDetailType    = "drsorch wave failed"
	pauseTimeoutSeconds     = recoveryplan.MaxPauseSeconds
	healthChecks            = 3  // instance-state checks before a wave is called unhealthy
	healthCheckSeconds      = 15 // between those checks
	expectedLaunch          = 10 * time.Minute
)

// Tag keys put on every DRS job a compiled state machine starts, so a job
// can be traced to its plan, execution and wave.
const (
	TagPlan      = "drsorch:plan"
	TagExecution = "drsorch:execution"
	TagWave      = "drsorch:wave"
)

// Compiled is a plan's state machine.
type Compiled struct {
	Definition string
	Levels     [][]string
	Spec       PlanSpec
	// RunnerARN is the wave runner version every wave starts, and
	// RunnerDefinition the definition this drsorch gives the runner
	// (plans.EnsureRunner deploys it; Measure counts its executions).
	RunnerARN        string
	RunnerDefinition string
	// EstimatedTransitions is the number of state transitions of one
	// successful run, the runners' included, assuming each wave's servers
	// launch in about ten minutes (Step Functions bills per transition).
	EstimatedTransitions int
}

// Step names of a plan's state machine, shared with the status readers. A
// wave's states are named "<wave>: <step>".
const (
	StepPlanSpec      = "Plan spec"
	StepCheckInput    = "Check input"
	StepInvalidInput  = "Invalid input"
	StepDrill         = "Drill"
	StepRecovery      = "Recovery"
	StepControls      = "Controls"
	StepWaveControls  = "Wave controls?"
	StepMergeControls = "Wave controls"
	// StepWaves holds a plan whose waves run in sequence at the top level:
	// one Parallel of one branch, whose Catch stands for every wave's.
	StepWaves         = "Waves"
	StepPlanRecovered = "Recovered"
	StepWaveFailed    = "Wave failed"
	StepRunnerFailed  = "Runner failed"
	StepRaiseRunner   = "Raise runner error"
	StepRaise         = "Raise error"
	// Per wave.
	StepPause = "pause"
	StepRun   = "run"
	// A wave that pauses first checks whether it is skipped (a skipped
	// wave does not pause); the runner skips every other wave itself.
	StepSkip    = "skip?"
	StepSkipped = "skipped"
	// StepOptionalFailed: an optional wave failed and the run goes on.
	StepOptionalFailed = "optional failed"
)

// WaveState names the state of a wave's step in a plan's state machine.
func WaveState(wave, step string) string { return wave + ": " + step }

// IntegrationStartRunner starts a wave's runner and waits for it, its
// output parsed JSON.
// https://docs.aws.amazon.com/step-functions/latest/dg/connect-stepfunctions.html
const IntegrationStartRunner = "states:startExecution.sync:2"

// Compile builds the definition of plan for a state machine in region,
// whose partition every Task resource takes, starting each wave on the
// wave runner version runnerARN (published by plans.EnsureRunner). The
// plan must pass ValidateStructure and ValidateServers.
func Compile(plan recoveryplan.Plan, region, runnerARN string) (*Compiled, error) {
	if region == "" {
		return nil, fmt.Errorf("compile recovery plan %q: no region given (the Task resources take its partition)", plan.Name)
	}
	partition := drsapi.PartitionOf(region)
	if err := checkRunnerARN(runnerARN, partition); err != nil {
		return nil, fmt.Errorf("compile recovery plan %q: %w", plan.Name, err)
	}
	if ps := append(plan.ValidateStructure(), plan.ValidateServers()...); ps.HasErrors() {
		return nil, ps.Err()
	}
	levels, err := plan.Levels()
	if err != nil {
		return nil, err
	}
	schedule, err := plan.Schedule()
	if err != nil {
		return nil, err
	}
	levelOf := map[string]int{}
	for l, names := range levels {
		for _, n := range names {
			levelOf[n] = l + 1
		}
	}
	position := map[string]int{}
	// Every wave has a (empty) control, so that each wave's path selects
	// something: a path that selects nothing fails the execution with
	// States.Runtime, which no Catch handles.
	controls := make(obj, len(plan.Waves))
	for i, w := range plan.Waves {
		position[w.Name] = i + 1
		controls[w.Name] = obj{}
	}
	c := &parentCompiler{plan: plan, partition: partition, levelOf: levelOf, position: position}
	states := obj{
		StepPlanSpec: obj{
			"Type":       "Pass",
			"Comment":    "The plan as configured (statemachine.PlanSpec), read back by drsorch; discarded at run time.",
			"Result":     specOf(plan, levelOf),
			"ResultPath": nil,
			"Next":       StepCheckInput,
		},
		StepCheckInput: obj{
			"Type":    "Choice",
			"Comment": `The execution input names the run type: {"type": "DRILL"} or {"type": "RECOVERY"}.`,
			"Choices": []any{
				obj{"Variable": "$.type", "StringEquals": "DRILL", "Next": StepDrill},
				obj{"Variable": "$.type", "StringEquals": "RECOVERY", "Next": StepRecovery},
			},
			"Default": StepInvalidInput,
		},
		StepInvalidInput: obj{
			"Type":  "Fail",
			"Error": ErrInvalidInput,
			"Cause": `the execution input must be {"type": "DRILL"} or {"type": "RECOVERY"}`,
		},
		StepDrill:    runState(plan.Name, true),
		StepRecovery: runState(plan.Name, false),
		// c: what the waves' Tasks read.
		StepControls: obj{
			"Type": "Pass",
			"Parameters": obj{
				"runner": runnerARN, "w": controls,
				"id.$":    "States.Hash($$.Execution.Id, 'SHA-256')",
				"stopped": obj{"Error": ErrWaveFailed, "Cause": "a wave's runner execution ended without an error of its own (stopped or aborted): see its history"},
			},
			"ResultPath": "$.c",
			"Next":       StepWaveControls,
		},
		StepPlanRecovered: obj{"Type": "Succeed"},
		StepWaveFailed: obj{
			"Type":    "Choice",
			"Comment": "A runner that failed fails its Task with States.TaskFailed, its own error and cause inside the Cause: raise those.",
			"Choices": []any{obj{"Variable": "$.error.Error", "StringEquals": "States.TaskFailed", "Next": StepRunnerFailed}},
			"Default": StepRaise,
		},
		StepRunnerFailed: obj{
			"Type":       "Pass",
			"Parameters": obj{"c.$": "States.JsonMerge($.c.stopped, States.StringToJson($.error.Cause), false)"},
			"ResultPath": "$.error",
			"Next":       StepRaiseRunner,
		},
		StepRaiseRunner: obj{"Type": "Fail", "ErrorPath": "$.error.c.Error", "CausePath": "$.error.c.Cause"},
		StepRaise:       obj{"Type": "Fail", "ErrorPath": "$.error.Error", "CausePath": "$.error.Cause"},
	}
	first := c.top(schedule, states)
	// The input's wave controls are merged over the empty ones, and the
	// state is rebuilt without the input's members: the controls (the
	// snapshot lists of a point-in-time run: one item per server) are held
	// once, not twice (256 KiB per state; CheckStartInput).
	states[StepWaveControls] = obj{
		"Type":    "Choice",
		"Comment": `{"waves": {"<wave>": {"adoptJobId": …, "skip": …, "onlyServers": […], "recoverySnapshots": […]}}} in the execution input controls those waves (statemachine.WaveControl).`,
		"Choices": []any{obj{"Variable": "$." + InputWaves, "IsPresent": true, "Next": StepMergeControls}},
		"Default": first,
	}
	states[StepMergeControls] = obj{
		"Type": "Pass",
		"Parameters": obj{
			"run.$": "$.run",
			"c": obj{"runner.$": "$.c.runner", "id.$": "$.c.id", "stopped.$": "$.c.stopped",
				"w.$": fmt.Sprintf("States.JsonMerge($.c.w, $.%s, false)", InputWaves)},
		},
		"Next": first,
	}
	def := obj{
		"Comment": fmt.Sprintf("drsorch recovery plan %q: %d waves in %d levels", plan.Name, len(plan.Waves), len(levels)),
		"StartAt": StepPlanSpec,
		"States":  states,
	}
	b, err := json.Marshal(def)
	if err != nil {
		return nil, err
	}
	runner, err := json.Marshal(runnerDefinition(partition))
	if err != nil {
		return nil, err
	}
	transitions := 6 + c.transitions // spec, check, run, controls, wave controls?, recovered
	return &Compiled{Definition: string(b), Levels: levels, Spec: specOf(plan, levelOf), RunnerARN: runnerARN,
		RunnerDefinition: string(runner), EstimatedTransitions: transitions}, nil
}

type obj = map[string]any

func runState(plan string, isDrill bool) obj {
	return obj{
		"Type":       "Pass",
		"Parameters": obj{"plan": plan, "isDrill": isDrill, "execution.$": "$$.Execution.Id"},
		"ResultPath": "$.run",
		"Next":       StepControls,
	}
}

// checkRunnerARN requires a published version of the wave runner in
// partition: executions of a plan must not change their runner under them.
func checkRunnerARN(arn, partition string) error {
	parts := strings.Split(arn, ":")
	if len(parts) != 8 || parts[0] != "arn" || parts[2] != "states" || parts[5] != "stateMachine" || parts[6] != RunnerName {
		return fmt.Errorf("the wave runner %q is not a version ARN of %s (arn:%s:states:<region>:<account>:stateMachine:%s:<version>)", arn, RunnerName, partition, RunnerName)
	}
	if parts[1] != partition {
		return fmt.Errorf("the wave runner %q is in partition %s, the plan in %s: Step Functions refuses a Task resource of another partition", arn, parts[1], partition)
	}
	for _, r := range parts[7] {
		if r < '0' || r > '9' {
			return fmt.Errorf("the wave runner %q is not a published version (it must end in :<version number>)", arn)
		}
	}
	return nil
}

type parentCompiler struct {
	plan        recoveryplan.Plan
	partition   string
	levelOf     map[string]int
	position    map[string]int
	parallels   int
	transitions int
}

// top lays out the whole schedule, going on to StepPlanRecovered, and
// returns its first state. A failed wave must reach StepWaveFailed: a
// schedule of one wave or one Parallel catches on that state; a sequence
// is wrapped in a Parallel of one branch (StepWaves), whose one Catch
// costs less than one per wave (the definition's 1 MB limit).
func (c *parentCompiler) top(s recoveryplan.Schedule, states obj) string {
	if len(s.Series) < 2 {
		return c.layout(s, StepPlanRecovered, states, true)
	}
	branch := obj{}
	start := c.layout(s, "", branch, false)
	states[StepWaves] = obj{
		"Type":       "Parallel",
		"Branches":   []any{obj{"StartAt": start, "States": branch}},
		"ResultPath": nil,
		"Catch":      catchAll,
		"Next":       StepPlanRecovered,
	}
	c.transitions++
	return StepWaves
}

// layout adds the states of s to states, going on to next when done (""
// ends the branch), and returns its first state. Series chain their
// children in one branch; Parallel children become the branches of a
// Parallel state. Only the top-level branch catches errors: a failed wave
// fails its branches and Parallels up to it, with its error and cause.
func (c *parentCompiler) layout(s recoveryplan.Schedule, next string, states obj, top bool) string {
	switch {
	case s.IsWave():
		return c.wave(s.Wave, next, states, top)
	case len(s.Series) > 0:
		for i := len(s.Series) - 1; i >= 0; i-- {
			next = c.layout(s.Series[i], next, states, top)
		}
		return next
	default:
		c.parallels++
		name := fmt.Sprintf("Parallel %d", c.parallels)
		branches := make([]any, 0, len(s.Parallel))
		for _, child := range s.Parallel {
			bs := obj{}
			start := c.layout(child, "", bs, false)
			branches = append(branches, obj{"StartAt": start, "States": bs})
		}
		st := obj{"Type": "Parallel", "Branches": branches, "ResultPath": nil}
		c.transitions++
		goOn(st, next)
		if top {
			st["Catch"] = catchAll
		}
		states[name] = st
		return name
	}
}

var catchAll = []any{obj{"ErrorEquals": []any{"States.ALL"}, "ResultPath": "$.error", "Next": StepWaveFailed}}

func goOn(st obj, next string) {
	if next == "" {
		st["End"] = true
	} else {
		st["Next"] = next
	}
}

// wave adds a wave's pause gate (if any) and its run: one Task that
// starts the runner and waits for it. The runner takes the wave's control
// from the execution input (WaveControl: skip, adopt, only, snapshots) and
// the defaults of what the plan leaves out (runnerDefaults).
func (c *parentCompiler) wave(name, next string, states obj, top bool) string {
	w, _ := c.plan.Wave(name)
	pos := c.position[name]
	level := c.levelOf[name]
	input := obj{
		"run.$":   "$.run",
		"wave":    w.Name,
		"level":   level,
		"servers": w.ServerIDs,
		"c.$":     fmt.Sprintf("$.c.w['%s']", w.Name), // wave names carry no quote
		// Links the runner's execution to this one in the console.
		"AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID.$": "$$.Execution.Id",
	}
	if w.ServerIDs == nil {
		input["servers"] = []string{}
	}
	if t := int(w.EffectiveTimeout() / time.Second); t != defaultTimeoutSeconds {
		input["timeoutSeconds"] = t
	}
	if iv := w.EffectivePollInterval(); iv != recoveryplan.DefaultPollInterval {
		input["pollSchedule"] = PollSchedule(iv)
	}
	if w.HasSteps() {
		input["steps"] = stepsOf(w)
	}
	run := obj{
		"Type":     "Task",
		"Resource": Resource(c.partition, IntegrationStartRunner),
		"Parameters": obj{
			"StateMachineArn.$": "$.c.runner",
			// Unique per execution, redrive and wave, at most 64+1+4+2+5
			// characters (an execution name takes 80): a Task sent again
			// finds its runner instead of starting a second one.
			"Name.$": fmt.Sprintf("States.Format('{}-{}-w%d',$.c.id,$$.Execution.RedriveCount)", pos),
			"Input":  input,
		},
		// No Retry: a refused StartExecution (ExecutionLimitExceeded, a
		// million open executions) fails the wave like any other error; a
		// Retry here would cost ~140 characters per wave of definition.
		"ResultPath": nil,
	}
	goOn(run, next)
	switch {
	case w.Optional:
		// The wave's failure is caught here, in its branch, so the run
		// goes on; the status readers see its TaskFailed and call the
		// run PARTIAL.
		run["Catch"] = []any{obj{"ErrorEquals": []any{"States.ALL"}, "ResultPath": "$.optionalError", "Next": WaveState(name, StepOptionalFailed)}}
		failed := obj{"Type": "Pass", "ResultPath": nil}
		goOn(failed, next)
		states[WaveState(name, StepOptionalFailed)] = failed
	case top:
		run["Catch"] = catchAll
	}
	states[WaveState(name, StepRun)] = run
	c.transitions += 1 + runnerTransitions(w)
	if !w.PauseBefore {
		return WaveState(name, StepRun)
	}
	pause := obj{
		"Type":     "Task",
		"Comment":  "Waits until someone resumes the execution: SendTaskSuccess with the task token published in the event.",
		"Resource": Resource(c.partition, IntegrationPauseGate),
		"Parameters": obj{"Entries": []any{obj{
			"Source":       PauseEventSource,
			"DetailType":   PauseEventDetailType,
			"EventBusName": "default",
			"Detail": obj{
				"plan": c.plan.Name, "wave": w.Name, "level": level,
				"execution.$": "$$.Execution.Id", "taskToken.$": "$$.Task.Token",
			},
		}}},
		"TimeoutSeconds": pauseTimeoutSeconds,
		"ResultPath":     nil,
		"Next":           WaveState(name, StepRun),
	}
	if top {
		pause["Catch"] = catchAll
	}
	states[WaveState(name, StepPause)] = pause
	// A skipped wave does not pause either.
	skip := fmt.Sprintf("$.c.w['%s'].skip", w.Name)
	states[WaveState(name, StepSkip)] = obj{
		"Type": "Choice",
		"Choices": []any{obj{"And": []any{
			obj{"Variable": skip, "IsPresent": true},
			obj{"Not": obj{"Variable": skip, "StringEquals": ""}},
		}, "Next": WaveState(name, StepSkipped)}},
		"Default": WaveState(name, StepPause),
	}
	skipped := obj{"Type": "Pass", "ResultPath": nil}
	goOn(skipped, next)
	states[WaveState(name, StepSkipped)] = skipped
	c.transitions += 2
	return WaveState(name, StepSkip)
}

// runnerTransitions is the transitions of one runner execution that
// recovers w: defaults, control?, apply control, skip?, start, recovery snapshots?, the start guard passing at once, publish started, poll setup, then per poll: wait,
// describe, count, check (+ next interval, + ramp up while ramping), then
// health setup, launch settings (the Map and 3 per server), describe
// instances, health, all instances?, expected states (the Map and 1 per
// server), healthy?, publish succeeded, recovered.
func runnerTransitions(w recoveryplan.Wave) int {
	schedule := PollSchedule(w.EffectivePollInterval())
	polls := estimatePolls(schedule)
	return 10 + guardTransitions + polls*4 + (polls-1)*1 + min(polls-1, len(schedule)-1) + 9 + 4*len(w.ServerIDs) + stepTransitions(w)
}

// PollSchedule is the adaptive polling of a wave: short waits first, to
// catch an early launch failure, then the wave's poll interval.
func PollSchedule(interval time.Duration) []int {
	steady := int(interval / time.Second)
	var s []int
	for _, ramp := range []int{5, 10, 20} {
		if ramp < steady {
			s = append(s, ramp)
		}
	}
	return append(s, steady)
}

// readRetry retries read-only calls on every error — throttling, server
// errors, errors outside the model (Drs.DrsException) and client-side ones
// (Drs.SdkClientException) — with backoff capped at a minute: up to 16
// minutes per read (full jitter: about half that on average). Past it,
// readCatch ends the wave naming its job, which keeps running in DRS.
var readRetry = []any{obj{
	"ErrorEquals":     []any{"States.ALL"},
	"IntervalSeconds": 2, "MaxAttempts": readAttempts, "BackoffRate": 2.0, "MaxDelaySeconds": 60, "JitterStrategy": "FULL",
}}

// readAttempts is the retry budget of one read.
const readAttempts = 20

func readCatch(next string) []any {
	return []any{obj{"ErrorEquals": []any{"States.ALL"}, "ResultPath": "$.readError", "Next": next}}
}

// startRetry retries StartRecovery only when DRS refused the request
// without acting on it (throttling), with the reads' budget. Anything else
// may have launched servers, so it is never retried blindly (the run
// service adopts the job of a request whose answer was lost).
var startRetry = []any{obj{
	"ErrorEquals":     []any{"Drs.ThrottlingException"},
	"IntervalSeconds": 5, "MaxAttempts": readAttempts, "BackoffRate": 2.0, "MaxDelaySeconds": 60, "JitterStrategy": "FULL",
}}

// estimatePolls is how many DescribeJobs polls a launch of expectedLaunch
// takes under schedule.
func estimatePolls(schedule []int) int {
	elapsed, polls := 0, 0
	for i := 0; elapsed < int(expectedLaunch/time.Second); i++ {
		elapsed += schedule[min(i, len(schedule)-1)]
		polls++
	}
	return polls
}

// eventRetry: publishing an event retries briefly on any error; past it,
// the Catch goes on with the wave. An event is a notification: it never
// fails or holds up a recovery.
var eventRetry = []any{obj{
	"ErrorEquals":     []any{"States.ALL"},
	"IntervalSeconds": 1, "MaxAttempts": 3, "BackoffRate": 2.0, "MaxDelaySeconds": 10, "JitterStrategy": "FULL",
}}

// eventTimeoutSeconds bounds one PutEvents call.
const eventTimeoutSeconds = 60

// publishEvent is a Task that publishes one wave event to the default bus
// through the optimized EventBridge integration, which fails the Task with
// EventBridge.FailedEntry when the entry is refused
// (https://docs.aws.amazon.com/step-functions/latest/dg/connect-eventbridge.html).
// The state's data passes through unchanged (ResultPath null). Detail holds
// only paths every route to the state has set: a path that selects nothing
// fails the execution with States.Runtime, which no Catch handles.
// publishEvent is a runner Task that publishes one wave event to the
// default bus through the optimized EventBridge integration, which fails
// the Task with EventBridge.FailedEntry when the entry is refused
// (https://docs.aws.amazon.com/step-functions/latest/dg/connect-eventbridge.html).
// The state's data passes through unchanged (ResultPath null). Detail holds
// only paths every route to the state has set: a path that selects nothing
// fails the execution with States.Runtime, which no Catch handles.
func publishEvent(resource, detailType string, extra obj, next string) obj {
	detail := obj{
		"plan.$": "$.run.plan", "wave.$": "$.wave", "level.$": "$.level", "servers.$": "$.servers",
		"execution.$": "$.run.execution", "runnerExecution.$": "$$.Execution.Id", "isDrill.$": "$.run.isDrill",
	}
	for k, v := range extra {
		detail[k] = v
	}
	return obj{
		"Type":     "Task",
		"Resource": resource,
		"Parameters": obj{"Entries": []any{obj{
			"Source": EventSource, "DetailType": detailType, "EventBusName": "default", "Detail": detail,
		}}},
		"TimeoutSeconds": eventTimeoutSeconds,
		"ResultPath":     nil,
		"Retry":          eventRetry,
		"Catch":          []any{obj{"ErrorEquals": []any{"States.ALL"}, "ResultPath": "$.eventError", "Next": next}},
		"Next":           next,
	}
}

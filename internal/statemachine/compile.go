// Package statemachine compiles a recovery plan into the Amazon States
// Language definition of its Step Functions state machine, and reads such a
// definition back (for status views). Levels run in sequence; the waves of
// a level run as the branches of one Parallel state. Every DRS call is an
// AWS SDK service integration (arn:<partition>:states:::aws-sdk:drs:*): no
// Lambda. Each wave publishes its start, success and failure to
// EventBridge (events:putEvents), and pauses through it.
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
	// {"adoptJobs": {"<wave>": "<job ID>"}} in its input.
	ErrWaveReadFailed = "drsorch.WaveReadFailed"
)

// InputAdoptJobs is the execution input member that maps wave names to
// the DRS job IDs those waves adopt instead of starting recovery.
const InputAdoptJobs = "adoptJobs"

// Service integrations the compiled definitions call. A Task resource is
// arn:<partition>:states:::<integration>, in the partition of the region the
// state machine runs in: Step Functions fails a Task whose resource is of
// another partition (Resource, IntegrationOf).
const (
	IntegrationStartRecovery     = "aws-sdk:drs:startRecovery"
	IntegrationDescribeJobs      = "aws-sdk:drs:describeJobs"
	IntegrationDescribeInstances = "aws-sdk:drs:describeRecoveryInstances"
	IntegrationPauseGate         = "events:putEvents.waitForTaskToken"
	IntegrationPutEvents         = "events:putEvents"
)

// Integrations lists every integration a compiled plan may call.
var Integrations = []string{IntegrationStartRecovery, IntegrationDescribeJobs, IntegrationDescribeInstances, IntegrationPauseGate, IntegrationPutEvents}

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
	// EstimatedTransitions is the number of state transitions of one
	// successful run, assuming each wave's servers launch in about ten
	// minutes (Step Functions bills per transition).
	EstimatedTransitions int
}

// Compile builds the definition of plan for a state machine in region,
// whose partition every Task resource takes. The plan must pass
// ValidateStructure and ValidateServers.
func Compile(plan recoveryplan.Plan, region string) (*Compiled, error) {
	if region == "" {
		return nil, fmt.Errorf("compile recovery plan %q: no region given (the Task resources take its partition)", plan.Name)
	}
	partition := drsapi.PartitionOf(region)
	if ps := append(plan.ValidateStructure(), plan.ValidateServers()...); ps.HasErrors() {
		return nil, ps.Err()
	}
	levels, err := plan.Levels()
	if err != nil {
		return nil, err
	}
	states := obj{
		"Check input": obj{
			"Type":    "Choice",
			"Comment": `The execution input names the run type: {"type": "DRILL"} or {"type": "RECOVERY"}.`,
			"Choices": []any{
				obj{"Variable": "$.type", "StringEquals": "DRILL", "Next": "Drill"},
				obj{"Variable": "$.type", "StringEquals": "RECOVERY", "Next": "Recovery"},
			},
			"Default": "Invalid input",
		},
		"Invalid input": obj{
			"Type":  "Fail",
			"Error": ErrInvalidInput,
			"Cause": `the execution input must be {"type": "DRILL"} or {"type": "RECOVERY"}`,
		},
		"Drill":     obj{"Type": "Pass", "Result": obj{"isDrill": true}, "ResultPath": "$.run", "Next": levelState(0)},
		"Recovery":  obj{"Type": "Pass", "Result": obj{"isDrill": false}, "ResultPath": "$.run", "Next": levelState(0)},
		"Recovered": obj{"Type": "Succeed"},
	}
	transitions := 3 // Check input, Drill|Recovery, Recovered
	for l, names := range levels {
		next := "Recovered"
		if l+1 < len(levels) {
			next = levelState(l + 1)
		}
		branches := make([]any, 0, len(names))
		for _, name := range names {
			w, _ := plan.Wave(name)
			branch, n := compileWave(partition, plan.Name, w, l)
			branch["Comment"] = branchComment(plan, name)
			branches = append(branches, branch)
			transitions += n
		}
		states[levelState(l)] = obj{
			"Type":    "Parallel",
			"Comment": fmt.Sprintf("Level %d: %s", l+1, joinNames(names)),
			// input carries the execution input into the branches (adoptJobs).
			"Parameters": obj{"isDrill.$": "$.run.isDrill", "input.$": "$$.Execution.Input"},
			"Branches":   branches,
			"ResultPath": fmt.Sprintf("$.levels.level%d", l+1),
			"Next":       next,
		}
		transitions++
	}
	def := obj{
		"Comment": fmt.Sprintf("drsorch recovery plan %q: %d waves in %d levels", plan.Name, len(plan.Waves), len(levels)),
		"StartAt": "Check input",
		"States":  states,
	}
	b, err := json.MarshalIndent(def, "", "  ")
	if err != nil {
		return nil, err
	}
	return &Compiled{Definition: string(b), Levels: levels, EstimatedTransitions: transitions}, nil
}

type obj = map[string]any

// branchComment records what the definition cannot show by itself — the
// wave's declared position and its depends_on as written — so that an
// imported plan reads back exactly as configured.
func branchComment(plan recoveryplan.Plan, name string) string {
	for i, w := range plan.Waves {
		if w.Name != name {
			continue
		}
		deps := dependsDefault
		if w.DependsOnSet {
			deps = "[" + strings.Join(w.DependsOn, ", ") + "]"
		}
		return fmt.Sprintf("%s%d of %d; %s%s", commentWave, i+1, len(plan.Waves), commentDepends, deps)
	}
	return ""
}

const (
	commentWave    = "wave "
	commentDepends = "depends_on: "
	dependsDefault = "the wave before"
)

func levelState(l int) string { return fmt.Sprintf("Level %d", l+1) }

func joinNames(names []string) string {
	s := ""
	for i, n := range names {
		if i > 0 {
			s += ", "
		}
		s += n
	}
	return s
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

// compileWave returns one Parallel branch running wave w, and the number
// of transitions a successful run of it takes.
func compileWave(partition, plan string, w recoveryplan.Wave, level int) (obj, int) {
	s := func(step string) string { return w.Name + ": " + step }
	n := len(w.ServerIDs)
	sourceServers := make([]any, n)
	ids := make([]any, n)
	for i, id := range w.ServerIDs {
		sourceServers[i] = obj{"SourceServerID": id}
		ids[i] = id
	}
	schedule := PollSchedule(w.EffectivePollInterval())
	timeout := int(w.EffectiveTimeout() / time.Second)
	quoted := fmt.Sprintf("'%s'", w.Name) // wave names carry no quote or brace
	states := obj{}
	// A failure of the wave: a Pass state (named for what failed) records
	// it in $.failure, the failure event is published, and the wave ends
	// in one Fail state that raises the recorded error and cause.
	failure := func(step, errName, outcome, cause string, withJob bool) {
		params := obj{"error": errName, "outcome": outcome, "cause.$": cause, "jobId": nil}
		if withJob {
			delete(params, "jobId")
			params["jobId.$"] = "$.job.JobID"
		}
		states[s(step)] = obj{"Type": "Pass", "Parameters": params, "ResultPath": "$.failure", "Next": s(StepPublishFailed)}
	}
	events := Resource(partition, IntegrationPutEvents)
	start := s("start recovery")
	transitions := 1 // adopt job?
	adoptPath := fmt.Sprintf("$.input.%s['%s']", InputAdoptJobs, w.Name)
	states[s(StepAdoptChoice)] = obj{
		"Type":    "Choice",
		"Comment": `A retry of a wave whose job already runs names it in the execution input: {"adoptJobs": {"<wave>": "<job ID>"}}.`,
		"Choices": []any{obj{"Variable": adoptPath, "IsPresent": true, "Next": s(StepAdoptJob)}},
		"Default": start,
	}
	states[s(StepAdoptJob)] = obj{
		"Type":       "Pass",
		"Comment":    "Follows the named DRS job instead of starting recovery again.",
		"Parameters": obj{"JobID.$": adoptPath},
		"ResultPath": "$.job",
		"Next":       s(StepPublishStarted),
	}
	if w.PauseBefore {
		states[s("pause")] = obj{
			"Type":     "Task",
			"Comment":  "Waits until someone resumes the execution: SendTaskSuccess with the task token published in the event.",
			"Resource": Resource(partition, IntegrationPauseGate),
			"Parameters": obj{"Entries": []any{obj{
				"Source":       PauseEventSource,
				"DetailType":   PauseEventDetailType,
				"EventBusName": "default",
				"Detail": obj{
					"plan": plan, "wave": w.Name, "level": level + 1,
					"execution.$": "$$.Execution.Id", "taskToken.$": "$$.Task.Token",
				},
			}}},
			"TimeoutSeconds": pauseTimeoutSeconds,
			"ResultPath":     "$.approval",
			"Next":           s(StepAdoptChoice),
		}
		transitions++
	}
	states[start] = obj{
		"Type":     "Task",
		"Resource": Resource(partition, IntegrationStartRecovery),
		"Parameters": obj{
			"IsDrill.$":     "$.isDrill",
			"SourceServers": sourceServers,
			"Tags":          obj{TagPlan: plan, TagWave: w.Name, TagExecution + ".$": "$$.Execution.Id"},
		},
		"ResultSelector": obj{"JobID.$": "$.Job.JobID"},
		"ResultPath":     "$.job",
		"Retry":          startRetry,
		"Catch":          []any{obj{"ErrorEquals": []any{"States.ALL"}, "ResultPath": "$.error", "Next": s("start failed")}},
		"Next":           s(StepPublishStarted),
	}
	failure("start failed", ErrWaveFailed, "FAILED",
		fmt.Sprintf("States.Format('wave %s could not start recovery: {}: {}', $.error.Error, $.error.Cause)", w.Name), false)
	states[s(StepPublishStarted)] = publishEvent(events, WaveStartedDetailType, plan, w, level, ids,
		obj{"outcome": "STARTED", "jobId.$": "$.job.JobID"}, s("poll setup"))
	states[s("poll setup")] = obj{
		"Type":       "Pass",
		"Result":     obj{"step": 0, "elapsed": 0, "seconds": schedule[0], "schedule": toAny(schedule)},
		"ResultPath": "$.poll",
		"Next":       s("wait"),
	}
	states[s("wait")] = obj{"Type": "Wait", "SecondsPath": "$.poll.seconds", "Next": s("describe job")}
	states[s("describe job")] = obj{
		"Type":       "Task",
		"Resource":   Resource(partition, IntegrationDescribeJobs),
		"Parameters": obj{"Filters": obj{"JobIDs.$": "States.Array($.job.JobID)"}},
		// Plain paths and wildcards only: no filter expressions, whose
		// empty results JSONPath implementations disagree about.
		"ResultSelector": obj{
			"Status.$":         "$.Items[0].Status",
			"ServerIDs.$":      "$.Items[0].ParticipatingServers[*].SourceServerID",
			"LaunchStatuses.$": "$.Items[0].ParticipatingServers[*].LaunchStatus",
		},
		"ResultPath": "$.status",
		"Retry":      readRetry,
		"Catch":      readCatch(s(StepReadFailed)),
		"Next":       s("count"),
	}
	failure(StepReadFailed, ErrWaveReadFailed, "FAILED",
		fmt.Sprintf("States.Format('wave {} (job {}): DRS reads failed %d times, the last with {}: {}. The job may still be running: follow it, or start the plan again with the execution input member %s naming this wave and job to adopt it', %s, $.job.JobID, $.readError.Error, $.readError.Cause)",
			readAttempts+1, InputAdoptJobs, quoted), true)
	states[s("count")] = obj{
		"Type": "Pass",
		"Parameters": obj{
			"step.$":     "$.poll.step",
			"seconds.$":  "$.poll.seconds",
			"schedule.$": "$.poll.schedule",
			"elapsed.$":  "States.MathAdd($.poll.elapsed, $.poll.seconds)",
			// All launched = one distinct status, and it is LAUNCHED.
			"distinct.$":    "States.ArrayLength(States.ArrayUnique($.status.LaunchStatuses))",
			"anyLaunched.$": "States.ArrayContains($.status.LaunchStatuses, 'LAUNCHED')",
			"anyFailed.$":   "States.ArrayContains($.status.LaunchStatuses, 'FAILED')",
		},
		"ResultPath": "$.poll",
		"Next":       s("check"),
	}
	states[s("check")] = obj{
		"Type": "Choice",
		"Choices": []any{
			obj{"Variable": "$.poll.anyFailed", "BooleanEquals": true, "Next": s("launch failed")},
			obj{"And": []any{
				obj{"Variable": "$.poll.distinct", "NumericEquals": 1},
				obj{"Variable": "$.poll.anyLaunched", "BooleanEquals": true},
			}, "Next": s("health setup")},
			obj{"Variable": "$.status.Status", "StringEquals": "COMPLETED", "Next": s("launch incomplete")},
			obj{"Variable": "$.poll.elapsed", "NumericGreaterThanEquals": timeout, "Next": s("timed out")},
		},
		"Default": s("next interval"),
	}
	states[s("next interval")] = obj{
		"Type":    "Choice",
		"Choices": []any{obj{"Variable": "$.poll.step", "NumericLessThan": len(schedule) - 1, "Next": s("ramp up")}},
		"Default": s("wait"),
	}
	states[s("ramp up")] = obj{
		"Type": "Pass",
		"Parameters": obj{
			"step.$":     "States.MathAdd($.poll.step, 1)",
			"seconds.$":  "States.ArrayGetItem($.poll.schedule, States.MathAdd($.poll.step, 1))",
			"schedule.$": "$.poll.schedule",
			"elapsed.$":  "$.poll.elapsed",
		},
		"ResultPath": "$.poll",
		"Next":       s("wait"),
	}
	failure("launch failed", ErrWaveFailed, "FAILED",
		fmt.Sprintf("States.Format('wave {} (job {}): launch FAILED; source servers {} ended {}', %s, $.job.JobID, States.JsonToString($.status.ServerIDs), States.JsonToString($.status.LaunchStatuses))",
			quoted), true)
	failure("launch incomplete", ErrWaveFailed, "FAILED",
		fmt.Sprintf("States.Format('wave {} (job {}) completed without launching every server: servers {} ended {}', %s, $.job.JobID, States.JsonToString($.status.ServerIDs), States.JsonToString($.status.LaunchStatuses))",
			quoted), true)
	failure(StepTimedOut, ErrWaveTimedOut, "TIMED_OUT",
		fmt.Sprintf("States.Format('wave {} (job {}) timed out after %s: servers {} were {}', %s, $.job.JobID, States.JsonToString($.status.ServerIDs), States.JsonToString($.status.LaunchStatuses))",
			w.EffectiveTimeout(), quoted), true)
	states[s("health setup")] = obj{
		"Type": "Pass", "Result": obj{"checks": 0}, "ResultPath": "$.health", "Next": s("describe instances"),
	}
	states[s("describe instances")] = obj{
		"Type":       "Task",
		"Resource":   Resource(partition, IntegrationDescribeInstances),
		"Parameters": obj{"Filters": obj{"SourceServerIDs": ids}},
		"ResultSelector": obj{
			"SourceServerIDs.$":     "$.Items[*].SourceServerID",
			"RecoveryInstanceIDs.$": "$.Items[*].RecoveryInstanceID",
			"Ec2InstanceIDs.$":      "$.Items[*].Ec2InstanceID",
			"Ec2InstanceStates.$":   "$.Items[*].Ec2InstanceState",
		},
		"ResultPath": "$.instances",
		"Retry":      readRetry,
		"Catch":      readCatch(s(StepReadFailed)),
		"Next":       s("health"),
	}
	states[s("health")] = obj{
		"Type": "Pass",
		"Parameters": obj{
			// Healthy = one instance per server, all in one state: RUNNING.
			"instances.$":  "States.ArrayLength($.instances.Ec2InstanceStates)",
			"distinct.$":   "States.ArrayLength(States.ArrayUnique($.instances.Ec2InstanceStates))",
			"anyRunning.$": "States.ArrayContains($.instances.Ec2InstanceStates, 'RUNNING')",
			"checks.$":     "States.MathAdd($.health.checks, 1)",
		},
		"ResultPath": "$.health",
		"Next":       s("healthy?"),
	}
	states[s("healthy?")] = obj{
		"Type": "Choice",
		"Choices": []any{obj{"And": []any{
			obj{"Variable": "$.health.instances", "NumericEquals": n},
			obj{"Variable": "$.health.distinct", "NumericEquals": 1},
			obj{"Variable": "$.health.anyRunning", "BooleanEquals": true},
		}, "Next": s(StepPublishSucceeded)}},
		"Default": s("recheck?"),
	}
	states[s("recheck?")] = obj{
		"Type":    "Choice",
		"Choices": []any{obj{"Variable": "$.health.checks", "NumericLessThan": healthChecks, "Next": s("wait for instances")}},
		"Default": s("unhealthy"),
	}
	states[s("wait for instances")] = obj{
		"Type": "Wait", "Seconds": healthCheckSeconds, "Next": s("describe instances"),
	}
	failure("unhealthy", ErrWaveUnhealthy, "FAILED",
		fmt.Sprintf("States.Format('wave {} (job {}): recovery instances are not all running: instances {} of servers {} are {}', %s, $.job.JobID, States.JsonToString($.instances.Ec2InstanceIDs), States.JsonToString($.instances.SourceServerIDs), States.JsonToString($.instances.Ec2InstanceStates))",
			quoted), true)
	states[s(StepPublishFailed)] = publishEvent(events, WaveFailedDetailType, plan, w, level, ids,
		obj{"outcome.$": "$.failure.outcome", "jobId.$": "$.failure.jobId", "error.$": "$.failure.error", "cause.$": "$.failure.cause"}, s(StepFailed))
	states[s(StepFailed)] = obj{"Type": "Fail", "ErrorPath": "$.failure.error", "CausePath": "$.failure.cause"}
	states[s(StepPublishSucceeded)] = publishEvent(events, WaveSucceededDetailType, plan, w, level, ids,
		obj{"outcome": "SUCCEEDED", "jobId.$": "$.job.JobID"}, s("recovered"))
	states[s("recovered")] = obj{
		"Type": "Pass",
		"Parameters": obj{
			"wave": w.Name, "level": level + 1, "protectionGroup": w.ProtectionGroup, "status": "RECOVERED",
			"jobId.$": "$.job.JobID",
			"servers": obj{
				"sourceServerIds.$": "$.status.ServerIDs",
				"launchStatuses.$":  "$.status.LaunchStatuses",
			},
			"instances": obj{
				"sourceServerIds.$":     "$.instances.SourceServerIDs",
				"recoveryInstanceIds.$": "$.instances.RecoveryInstanceIDs",
				"ec2InstanceIds.$":      "$.instances.Ec2InstanceIDs",
				"ec2InstanceStates.$":   "$.instances.Ec2InstanceStates",
			},
		},
		"End": true,
	}
	startAt := s(StepAdoptChoice)
	if w.PauseBefore {
		startAt = s("pause")
	}
	// start, publish started, poll setup, then per poll: wait, describe,
	// count, check (+ next interval, + ramp up while ramping), then health
	// setup, describe instances, health, healthy?, publish succeeded,
	// recovered.
	polls := estimatePolls(schedule)
	transitions += 3 + polls*4 + (polls-1)*1 + min(polls-1, len(schedule)-1) + 6
	return obj{"StartAt": startAt, "States": states}, transitions
}

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

func toAny(xs []int) []any {
	out := make([]any, len(xs))
	for i, x := range xs {
		out[i] = x
	}
	return out
}

// Step names (after "<wave>: ") that status readers look for.
const (
	StepAdoptChoice      = "adopt job?"
	StepAdoptJob         = "adopt job"
	StepReadFailed       = "read failed"
	StepTimedOut         = "timed out"
	StepPublishStarted   = "publish started"
	StepPublishSucceeded = "publish succeeded"
	StepPublishFailed    = "publish failed"
	// StepFailed is the one Fail state of a wave: it raises the error and
	// cause that the failure step (launch failed, timed out …) recorded.
	StepFailed = "failed"
)

// FailureSteps are the steps that record a wave's failure before its
// failure event is published. Definitions of earlier compilers had a Fail
// state of each of these names instead.
var FailureSteps = []string{"start failed", StepReadFailed, "launch failed", "launch incomplete", StepTimedOut, "unhealthy"}

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
func publishEvent(resource, detailType, plan string, w recoveryplan.Wave, level int, servers []any, extra obj, next string) obj {
	detail := obj{
		"plan": plan, "wave": w.Name, "level": level + 1, "servers": servers,
		"execution.$": "$$.Execution.Id", "isDrill.$": "$.isDrill",
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

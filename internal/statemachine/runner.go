package statemachine

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/drsorch/terraform-provider-drsorch/internal/drsapi"
	"github.com/drsorch/terraform-provider-drsorch/internal/recoveryplan"
)

// The wave runner is one state machine per account and region, shared by
// every plan, that recovers ONE wave from its input: StartRecovery (or the
// adoption of a running job), adaptive DescribeJobs polling, the launch and
// health judgement, and the wave's EventBridge events. A plan's state
// machine starts it once per wave (states:startExecution.sync:2 on a
// published version), so no execution holds more than one wave's polls.
const RunnerName = "drsorch-wave-runner"

// RunnerARN is the unqualified ARN of the runner in region and account.
func RunnerARN(region, account string) string {
	return fmt.Sprintf("arn:%s:states:%s:%s:stateMachine:%s", drsapi.PartitionOf(region), region, account, RunnerName)
}

// RunContext is what every wave of one plan execution shares: the parent
// passes it to each runner as is.
type RunContext struct {
	Plan    string `json:"plan"`
	IsDrill bool   `json:"isDrill"`
	// Execution is the plan's execution ARN (the parent's): the runner
	// tags the wave's DRS job with it (TagExecution), so a job is traced to
	// the plan execution, not to the runner execution.
	Execution string `json:"execution"`
}

// RunnerInput is the input of one runner execution: one wave. Plans of
// spec version 2 leave out what is the default (runnerDefaults) and pass
// the wave's control from the execution input as C; the runner merges
// both into the members below before it starts.
type RunnerInput struct {
	Run     RunContext `json:"run"`
	Wave    string     `json:"wave"`
	Level   int        `json:"level"`
	Servers []string   `json:"servers"` // source server IDs
	// C is the wave's control from the execution input (InputWaves).
	C              *WaveControl `json:"c,omitempty"`
	TimeoutSeconds int          `json:"timeoutSeconds,omitempty"`
	PollSchedule   []int        `json:"pollSchedule,omitempty"` // seconds between polls; the last repeats
	// Skip, when not empty, says where the wave was recovered: the runner
	// ends at once with Status SKIPPED.
	Skip string `json:"skip,omitempty"`
	// AdoptJobID, when not empty, is a DRS job the wave follows instead of
	// starting recovery.
	AdoptJobID string `json:"adoptJobId"`
	// OnlyServers, when not empty, are the servers the wave launches
	// instead of Servers (a retry of its failed servers).
	OnlyServers []string `json:"onlyServers,omitempty"`
	// RecoverySnapshots, when not empty, are StartRecovery's source
	// servers, each with its recovery snapshot (WaveControl):
	// the wave launches from those snapshots. They name the same servers
	// as Servers (or OnlyServers).
	RecoverySnapshots []RecoverySnapshot `json:"recoverySnapshots,omitempty"`
	// Steps run in order once the wave's instances are up (steps.go).
	Steps []StepSpec `json:"steps,omitempty"`
}

// RunnerOutput is a runner's output when its wave recovered: bounded by
// the wave's servers (at most the per-job quota).
type RunnerOutput struct {
	Wave   string `json:"wave"`
	Level  int    `json:"level"`
	Status string `json:"status"` // RunnerRecovered or RunnerSkipped
	// RecoveredIn is where a skipped wave was recovered (its Skip).
	RecoveredIn string `json:"recoveredIn,omitempty"`
	JobID       string `json:"jobId"`
	Servers     struct {
		SourceServerIDs []string `json:"sourceServerIds"`
		LaunchStatuses  []string `json:"launchStatuses"`
	} `json:"servers"`
	Instances struct {
		SourceServerIDs     []string `json:"sourceServerIds"`
		RecoveryInstanceIDs []string `json:"recoveryInstanceIds"`
		EC2InstanceIDs      []string `json:"ec2InstanceIds"`
		EC2InstanceStates   []string `json:"ec2InstanceStates"`
	} `json:"instances"`
	// Steps are the outcomes of the wave's post-launch steps and health
	// checks, in order.
	Steps []StepResult `json:"steps"`
}

// A runner's output Status.
const (
	RunnerRecovered = "RECOVERED"
	RunnerSkipped   = "SKIPPED"
)

// defaultTimeoutSeconds is a wave's timeout when the plan sets none.
var defaultTimeoutSeconds = int(recoveryplan.DefaultWaveTimeout / time.Second)

// runnerDefaults are the input members a plan leaves out when they are the
// default, and the wave control's.
func runnerDefaults() obj {
	return obj{
		"timeoutSeconds": defaultTimeoutSeconds, "pollSchedule": PollSchedule(recoveryplan.DefaultPollInterval),
		"adoptJobId": "", "skip": "", "onlyServers": []any{}, "recoverySnapshots": []any{},
	}
}

// Step names of the runner, shared with the status readers.
const (
	StepDefaults         = "defaults"
	StepControlChoice    = "control?"
	StepApplyControl     = "apply control"
	StepApplyDefaults    = "apply defaults"
	StepSkipChoice       = "skip?"
	StepRunnerSkipped    = "skipped"
	StepOnlyChoice       = "only servers?"
	StepOnly             = "only servers"
	StepAdoptChoice      = "adopt job?"
	StepAdoptJob         = "adopt job"
	StepSourceServers    = "source servers"
	StepSnapshotsChoice  = "recovery snapshots?"
	StepSnapshots        = "recovery snapshots"
	StepStartRecovery    = "start recovery"
	StepStartFailed      = "start failed"
	StepPollSetup        = "poll setup"
	StepWait             = "wait"
	StepDescribeJob      = "describe job"
	StepCount            = "count"
	StepCheck            = "check"
	StepNextInterval     = "next interval"
	StepRampUp           = "ramp up"
	StepLaunchFailed     = "launch failed"
	StepLaunchIncomplete = "launch incomplete"
	StepHealthSetup      = "health setup"
	StepLaunchSettings   = "launch settings"
	StepDescribeInstance = "describe instances"
	StepHealth           = "health"
	StepAllInstances     = "all instances?"
	StepExpectedStates   = "expected states"
	StepHealthy          = "healthy?"
	StepRecheck          = "recheck?"
	StepWaitInstances    = "wait for instances"
	StepUnhealthy        = "unhealthy"
	StepRecovered        = "recovered"
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
var FailureSteps = []string{StepStartFailed, StepReadFailed, StepLaunchFailed, StepLaunchIncomplete, StepTimedOut, StepUnhealthy, StepStepsFailed,
	StepServerInActiveJob, StepOverQuota, StepQuotaTimedOut, StepGuardReadFailed}

// TagRunnerExecution is put on a wave's DRS job besides TagPlan,
// TagExecution (the plan's execution) and TagWave: the runner execution
// that sent StartRecovery, so a request whose answer was lost is matched
// to its job exactly (internal/runservice/sfn/reconcile.go).
const TagRunnerExecution = "drsorch:runner-execution"

// CompileRunner builds the runner's definition for region (whose
// partition its Task resources take), minified.
func CompileRunner(region string) (string, error) {
	if region == "" {
		return "", fmt.Errorf("compile the wave runner: no region given (the Task resources take its partition)")
	}
	b, err := json.Marshal(runnerDefinition(drsapi.PartitionOf(region)))
	return string(b), err
}

func runnerDefinition(partition string) obj {
	states := obj{}
	failure := func(step, errName, outcome, cause string, withJob bool) {
		params := obj{"error": errName, "outcome": outcome, "cause.$": cause, "jobId": nil}
		if withJob {
			delete(params, "jobId")
			params["jobId.$"] = "$.job.JobID"
		}
		states[step] = obj{"Type": "Pass", "Parameters": params, "ResultPath": "$.failure", "Next": StepPublishFailed}
	}
	events := Resource(partition, IntegrationPutEvents)
	// The input over the defaults, and the wave's control (c) over both.
	states[StepDefaults] = obj{
		"Type":       "Pass",
		"Parameters": obj{"d": runnerDefaults(), "in.$": "$"},
		"Next":       StepControlChoice,
	}
	states[StepControlChoice] = obj{
		"Type":    "Choice",
		"Choices": []any{obj{"Variable": "$.in.c", "IsPresent": true, "Next": StepApplyControl}},
		"Default": StepApplyDefaults,
	}
	states[StepApplyControl] = obj{
		"Type":       "Pass",
		"Parameters": obj{"m.$": "States.JsonMerge(States.JsonMerge($.d, $.in.c, false), $.in, false)"},
		"OutputPath": "$.m",
		"Next":       StepSkipChoice,
	}
	states[StepApplyDefaults] = obj{
		"Type":       "Pass",
		"Parameters": obj{"m.$": "States.JsonMerge($.d, $.in, false)"},
		"OutputPath": "$.m",
		"Next":       StepSkipChoice,
	}
	states[StepSkipChoice] = obj{
		"Type":    "Choice",
		"Choices": []any{obj{"Variable": "$.skip", "StringEquals": "", "Next": StepOnlyChoice}},
		"Default": StepRunnerSkipped,
	}
	states[StepRunnerSkipped] = obj{
		"Type":       "Pass",
		"Comment":    "The wave was recovered elsewhere (a retry, or a start from a later wave): it does not run.",
		"Parameters": obj{"wave.$": "$.wave", "level.$": "$.level", "status": RunnerSkipped, "recoveredIn.$": "$.skip"},
		"End":        true,
	}
	states[StepOnlyChoice] = obj{
		"Type":    "Choice",
		"Choices": []any{obj{"Variable": "$.onlyServers[0]", "IsPresent": true, "Next": StepOnly}},
		"Default": StepAdoptChoice,
	}
	states[StepOnly] = obj{
		"Type":       "Pass",
		"Comment":    "A retry launches (and judges) only the servers that failed before.",
		"InputPath":  "$.onlyServers",
		"ResultPath": "$.servers",
		"Next":       StepAdoptChoice,
	}
	states[StepAdoptChoice] = obj{
		"Type":    "Choice",
		"Comment": `A wave whose job already runs names it: {"waves": {"<wave>": {"adoptJobId": "<job ID>"}}} in the plan's execution input.`,
		"Choices": []any{
			obj{"Variable": "$.adoptJobId", "IsPresent": false, "Next": StepSourceServers},
			obj{"Variable": "$.adoptJobId", "StringEquals": "", "Next": StepSourceServers},
		},
		"Default": StepAdoptJob,
	}
	states[StepAdoptJob] = obj{
		"Type":       "Pass",
		"Comment":    "Follows the named DRS job instead of starting recovery again.",
		"Parameters": obj{"JobID.$": "$.adoptJobId"},
		"ResultPath": "$.job",
		"Next":       StepPublishStarted,
	}
	// StartRecovery takes [{"SourceServerID": …}]: built here from the IDs,
	// so that plans carry each server ID once; before the start guard, so
	// that a StartRecovery refused for quota goes back to the guard without
	// building them again.
	states[StepSourceServers] = obj{
		"Type":          "Map",
		"ItemsPath":     "$.servers",
		"ItemSelector":  obj{"SourceServerID.$": "$$.Map.Item.Value"},
		"ItemProcessor": obj{"StartAt": "server", "States": obj{"server": obj{"Type": "Pass", "End": true}}},
		"ResultPath":    "$.sourceServers",
		"Next":          StepSnapshotsChoice,
	}
	// Point-in-time recovery: the wave's source servers come with their
	// recovery snapshots, resolved before the run started. Plans of
	// earlier compilers send no recoverySnapshots.
	states[StepSnapshotsChoice] = obj{
		"Type":    "Choice",
		"Choices": []any{obj{"Variable": "$.recoverySnapshots[0]", "IsPresent": true, "Next": StepSnapshots}},
		"Default": StepGuardSetup,
	}
	states[StepSnapshots] = obj{
		"Type":       "Pass",
		"Comment":    "Each server launches from the recovery snapshot chosen for it (StartRecovery's recoverySnapshotID).",
		"InputPath":  "$.recoverySnapshots",
		"ResultPath": "$.sourceServers",
		"Next":       StepGuardSetup,
	}
	guardStates(states, partition, StepStartRecovery)
	states[StepStartRecovery] = obj{
		"Type":     "Task",
		"Resource": Resource(partition, IntegrationStartRecovery),
		"Parameters": obj{
			"IsDrill.$":       "$.run.isDrill",
			"SourceServers.$": "$.sourceServers",
			"Tags": obj{
				TagPlan + ".$": "$.run.plan", TagWave + ".$": "$.wave", TagExecution + ".$": "$.run.execution",
				TagRunnerExecution + ".$": "$$.Execution.Id",
			},
		},
		"ResultSelector": obj{"JobID.$": "$.Job.JobID"},
		"ResultPath":     "$.job",
		"Retry":          startRetry,
		// A quota refusal launched nothing (a modelled client error): the
		// guard waits and checks again, as when it found the quota full.
		// Guards of waves that start at the same moment all see the same
		// room; DRS settles who gets it.
		"Catch": []any{
			obj{"ErrorEquals": []any{"Drs.ServiceQuotaExceededException"}, "ResultPath": "$.guard.refused", "Next": StepQuotaWaitChoice},
			obj{"ErrorEquals": []any{"States.ALL"}, "ResultPath": "$.error", "Next": StepStartFailed},
		},
		"Next": StepPublishStarted,
	}
	failure(StepStartFailed, ErrWaveFailed, "FAILED",
		"States.Format('wave {} could not start recovery: {}: {}', $.wave, $.error.Error, $.error.Cause)", false)
	states[StepPublishStarted] = publishEvent(events, WaveStartedDetailType,
		obj{"outcome": "STARTED", "jobId.$": "$.job.JobID"}, StepPollSetup)
	states[StepPollSetup] = obj{
		"Type": "Pass",
		"Parameters": obj{
			"step": 0, "elapsed": 0, "seconds.$": "$.pollSchedule[0]",
			"last.$": "States.MathAdd(States.ArrayLength($.pollSchedule), -1)",
		},
		"ResultPath": "$.poll",
		"Next":       StepWait,
	}
	states[StepWait] = obj{"Type": "Wait", "SecondsPath": "$.poll.seconds", "Next": StepDescribeJob}
	states[StepDescribeJob] = obj{
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
		"Catch":      readCatch(StepReadFailed),
		"Next":       StepCount,
	}
	failure(StepReadFailed, ErrWaveReadFailed, "FAILED",
		fmt.Sprintf("States.Format('wave {} (job {}): DRS reads failed %d times, the last with {}: {}. The job may still be running: follow it, or start the plan again with the execution input member %s.{}.adoptJobId set to {} to adopt it', $.wave, $.job.JobID, $.readError.Error, $.readError.Cause, $.wave, $.job.JobID)",
			readAttempts+1, InputWaves), true)
	states[StepCount] = obj{
		"Type": "Pass",
		"Parameters": obj{
			"step.$":    "$.poll.step",
			"seconds.$": "$.poll.seconds",
			"last.$":    "$.poll.last",
			"elapsed.$": "States.MathAdd($.poll.elapsed, $.poll.seconds)",
			// All launched = one distinct status, and it is LAUNCHED.
			"distinct.$":    "States.ArrayLength(States.ArrayUnique($.status.LaunchStatuses))",
			"anyLaunched.$": "States.ArrayContains($.status.LaunchStatuses, 'LAUNCHED')",
			"anyFailed.$":   "States.ArrayContains($.status.LaunchStatuses, 'FAILED')",
		},
		"ResultPath": "$.poll",
		"Next":       StepCheck,
	}
	states[StepCheck] = obj{
		"Type": "Choice",
		"Choices": []any{
			obj{"Variable": "$.poll.anyFailed", "BooleanEquals": true, "Next": StepLaunchFailed},
			obj{"And": []any{
				obj{"Variable": "$.poll.distinct", "NumericEquals": 1},
				obj{"Variable": "$.poll.anyLaunched", "BooleanEquals": true},
			}, "Next": StepHealthSetup},
			obj{"Variable": "$.status.Status", "StringEquals": "COMPLETED", "Next": StepLaunchIncomplete},
			obj{"Variable": "$.poll.elapsed", "NumericGreaterThanEqualsPath": "$.timeoutSeconds", "Next": StepTimedOut},
		},
		"Default": StepNextInterval,
	}
	states[StepNextInterval] = obj{
		"Type":    "Choice",
		"Choices": []any{obj{"Variable": "$.poll.step", "NumericLessThanPath": "$.poll.last", "Next": StepRampUp}},
		"Default": StepWait,
	}
	states[StepRampUp] = obj{
		"Type": "Pass",
		"Parameters": obj{
			"step.$":    "States.MathAdd($.poll.step, 1)",
			"seconds.$": "States.ArrayGetItem($.pollSchedule, States.MathAdd($.poll.step, 1))",
			"last.$":    "$.poll.last",
			"elapsed.$": "$.poll.elapsed",
		},
		"ResultPath": "$.poll",
		"Next":       StepWait,
	}
	failure(StepLaunchFailed, ErrWaveFailed, "FAILED",
		"States.Format('wave {} (job {}): launch FAILED; source servers {} ended {}', $.wave, $.job.JobID, States.JsonToString($.status.ServerIDs), States.JsonToString($.status.LaunchStatuses))", true)
	failure(StepLaunchIncomplete, ErrWaveFailed, "FAILED",
		"States.Format('wave {} (job {}) completed without launching every server: servers {} ended {}', $.wave, $.job.JobID, States.JsonToString($.status.ServerIDs), States.JsonToString($.status.LaunchStatuses))", true)
	failure(StepTimedOut, ErrWaveTimedOut, "TIMED_OUT",
		"States.Format('wave {} (job {}) timed out after {} seconds: servers {} were {}', $.wave, $.job.JobID, $.timeoutSeconds, States.JsonToString($.status.ServerIDs), States.JsonToString($.status.LaunchStatuses))", true)
	states[StepHealthSetup] = obj{
		"Type":       "Pass",
		"Parameters": obj{"checks": 0, "servers.$": "States.ArrayLength($.servers)"},
		"ResultPath": "$.health",
		"Next":       StepLaunchSettings,
	}
	// The state each server's instance must reach comes from its launch
	// settings: launchDisposition STOPPED launches the instance and leaves
	// it stopped, STARTED leaves it running
	// (https://docs.aws.amazon.com/drs/latest/APIReference/API_LaunchConfiguration.html,
	// https://docs.aws.amazon.com/drs/latest/userguide/launch-general-settings.html).
	// They are read here, once per wave, not compiled into the plan: they
	// change outside the plan (drsorch_launch_settings, the console), and
	// a read after the launch sees what DRS launched with unless they
	// changed during the launch. "<server>:<state>" per server, so the
	// judgement below compares each instance with its own server.
	states[StepLaunchSettings] = obj{
		"Type":           "Map",
		"ItemsPath":      "$.servers",
		"ItemSelector":   obj{"id.$": "$$.Map.Item.Value"},
		"MaxConcurrency": launchSettingsConcurrency,
		"ItemProcessor": obj{"StartAt": "read launch settings", "States": obj{
			"read launch settings": obj{
				"Type":       "Task",
				"Resource":   Resource(partition, IntegrationLaunchSettings),
				"Parameters": obj{"SourceServerID.$": "$.id"},
				"ResultPath": "$.lc",
				"Retry":      readRetry,
				"Next":       "stopped?",
			},
			// A response without launchDisposition is DRS's default, STARTED.
			"stopped?": obj{
				"Type": "Choice",
				"Choices": []any{obj{"And": []any{
					obj{"Variable": "$.lc.LaunchDisposition", "IsPresent": true},
					obj{"Variable": "$.lc.LaunchDisposition", "StringEquals": "STOPPED"},
				}, "Next": "expect stopped"}},
				"Default": "expect running",
			},
			"expect stopped": obj{"Type": "Pass", "Parameters": obj{"p.$": "States.Format('{}:STOPPED', $.id)"}, "OutputPath": "$.p", "End": true},
			"expect running": obj{"Type": "Pass", "Parameters": obj{"p.$": "States.Format('{}:RUNNING', $.id)"}, "OutputPath": "$.p", "End": true},
		}},
		"ResultPath": "$.expected",
		"Catch":      readCatch(StepReadFailed),
		"Next":       StepDescribeInstance,
	}
	states[StepDescribeInstance] = obj{
		"Type":       "Task",
		"Resource":   Resource(partition, IntegrationDescribeInstances),
		"Parameters": obj{"Filters": obj{"SourceServerIDs.$": "$.servers"}},
		"ResultSelector": obj{
			"SourceServerIDs.$":     "$.Items[*].SourceServerID",
			"RecoveryInstanceIDs.$": "$.Items[*].RecoveryInstanceID",
			"Ec2InstanceIDs.$":      "$.Items[*].Ec2InstanceID",
			"Ec2InstanceStates.$":   "$.Items[*].Ec2InstanceState",
		},
		"ResultPath": "$.instances",
		"Retry":      readRetry,
		"Catch":      readCatch(StepReadFailed),
		"Next":       StepHealth,
	}
	states[StepHealth] = obj{
		"Type": "Pass",
		"Parameters": obj{
			"servers.$":   "$.health.servers",
			"instances.$": "States.ArrayLength($.instances.SourceServerIDs)",
			"states.$":    "States.ArrayLength($.instances.Ec2InstanceStates)",
			"distinct.$":  "States.ArrayLength(States.ArrayUnique($.instances.SourceServerIDs))",
			"checks.$":    "States.MathAdd($.health.checks, 1)",
		},
		"ResultPath": "$.health",
		"Next":       StepAllInstances,
	}
	// One instance per server, each with a state (the arrays line up, so
	// that index i of one is index i of the other), before they are
	// compared one by one.
	states[StepAllInstances] = obj{
		"Type": "Choice",
		"Choices": []any{obj{"And": []any{
			obj{"Variable": "$.health.instances", "NumericEqualsPath": "$.health.servers"},
			obj{"Variable": "$.health.states", "NumericEqualsPath": "$.health.servers"},
			obj{"Variable": "$.health.distinct", "NumericEqualsPath": "$.health.servers"},
		}, "Next": StepExpectedStates}},
		"Default": StepRecheck,
	}
	states[StepExpectedStates] = obj{
		"Type":      "Map",
		"ItemsPath": "$.instances.SourceServerIDs",
		"ItemSelector": obj{
			"ok.$": "States.ArrayContains($.expected, States.Format('{}:{}', $$.Map.Item.Value, States.ArrayGetItem($.instances.Ec2InstanceStates, $$.Map.Item.Index)))",
		},
		"ItemProcessor":  obj{"StartAt": "match", "States": obj{"match": obj{"Type": "Pass", "OutputPath": "$.ok", "End": true}}},
		"ResultSelector": obj{"mismatch.$": "States.ArrayContains($, false)"},
		"ResultPath":     "$.match",
		"Next":           StepHealthy,
	}
	states[StepHealthy] = obj{
		"Type":    "Choice",
		"Choices": []any{obj{"Variable": "$.match.mismatch", "BooleanEquals": false, "Next": StepStepsChoice}},
		"Default": StepRecheck,
	}
	states[StepRecheck] = obj{
		"Type":    "Choice",
		"Choices": []any{obj{"Variable": "$.health.checks", "NumericLessThan": healthChecks, "Next": StepWaitInstances}},
		"Default": StepUnhealthy,
	}
	states[StepWaitInstances] = obj{"Type": "Wait", "Seconds": healthCheckSeconds, "Next": StepDescribeInstance}
	failure(StepUnhealthy, ErrWaveUnhealthy, "FAILED",
		"States.Format('wave {} (job {}): recovery instances are not in the state their launch settings ask for: instances {} of servers {} are {}, expected {}', $.wave, $.job.JobID, States.JsonToString($.instances.Ec2InstanceIDs), States.JsonToString($.instances.SourceServerIDs), States.JsonToString($.instances.Ec2InstanceStates), States.JsonToString($.expected))", true)
	addStepStates(states, partition, failure)
	states[StepPublishFailed] = publishEvent(events, WaveFailedDetailType,
		obj{"outcome.$": "$.failure.outcome", "jobId.$": "$.failure.jobId", "error.$": "$.failure.error", "cause.$": "$.failure.cause"}, StepFailed)
	states[StepFailed] = obj{"Type": "Fail", "ErrorPath": "$.failure.error", "CausePath": "$.failure.cause"}
	states[StepPublishSucceeded] = publishEvent(events, WaveSucceededDetailType,
		obj{"outcome": "SUCCEEDED", "jobId.$": "$.job.JobID"}, StepRecovered)
	states[StepRecovered] = obj{
		"Type": "Pass",
		"Parameters": obj{
			"wave.$": "$.wave", "level.$": "$.level", "status": RunnerRecovered,
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
			"steps.$": "$.stepResults",
		},
		"End": true,
	}
	return obj{
		"Comment": "drsorch wave runner: recovers one wave of a recovery plan (input: statemachine.RunnerInput)",
		"StartAt": StepDefaults,
		"States":  states,
	}
}

// launchSettingsConcurrency bounds the GetLaunchConfiguration reads of a
// wave in flight at once (a wave holds up to the per-job quota of servers).
const launchSettingsConcurrency = 10

// IsRunnerDefinition reports whether definition is a wave runner's.
func IsRunnerDefinition(definition string) bool {
	return strings.Contains(definition, "drsorch wave runner")
}

// PlaceholderRunnerARN is a runner version ARN in region's partition for
// compilations that are measured or read but never deployed (limits
// checked offline, the IAM policy's reference plan, estimates).
func PlaceholderRunnerARN(region string) string {
	return RunnerARN(region, "000000000000") + ":1"
}

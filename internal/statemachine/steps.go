package statemachine

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/drsorch/terraform-provider-drsorch/internal/recoveryplan"
)

// Per-wave steps (recoveryplan.PostLaunch, recoveryplan.HealthCheck) run in
// the wave runner, after the launch judgement found every instance in the
// state its launch settings ask for: the plan carries them as data in the
// runner's input (RunnerInput.Steps), so a plan's definition grows by the
// steps' parameters only, and one Map state of the runner runs them in
// order. Everything goes through SSM SDK integrations; a health check is a
// shell script sent with AWS-RunShellScript, which runs on the recovered
// instance, so a check reaches a service in a private subnet without a
// Lambda in the VPC.

// SSM integrations of the wave runner's steps.
const (
	IntegrationSendCommand      = "aws-sdk:ssm:sendCommand"
	IntegrationListInvocations  = "aws-sdk:ssm:listCommandInvocations"
	IntegrationGetInvocation    = "aws-sdk:ssm:getCommandInvocation"
	IntegrationStartAutomation  = "aws-sdk:ssm:startAutomationExecution"
	IntegrationGetAutomation    = "aws-sdk:ssm:getAutomationExecution"
	ErrWaveStepFailed           = "drsorch.WaveStepFailed"
	healthCheckDocument         = "AWS-RunShellScript"
	stepPollSeconds             = 10 // between polls of a command or automation
	stepMaxConcurrencyInstances = "100%"
)

// HealthCheckMarker begins the first line of every health-check script:
// the run service's SSM simulator recognises checks by it.
const HealthCheckMarker = "# drsorch health check:"

// StepSpec is one step of a wave as the runner runs it.
type StepSpec struct {
	Name     string `json:"name"` // post_launch 1, health_check 2 …
	Kind     string `json:"kind"` // recoveryplan.StepCommand or StepAutomation
	Document string `json:"document"`
	// Parameters of the document; HasParameters false when there are none
	// (StartAutomationExecution refuses an empty map: min 1).
	Parameters    map[string][]string `json:"parameters"`
	HasParameters bool                `json:"hasParameters"`
	// InstanceParameter (automations) receives the wave's instance IDs:
	// the runner builds {"<name>": [ids]} as InstanceOpen + the IDs' JSON +
	// InstanceClose (ASL has no intrinsic that makes an object with a
	// computed key, and braces in a States.Format template are reserved).
	InstanceParameter string `json:"instanceParameter"`
	InstanceOpen      string `json:"instanceOpen"`
	InstanceClose     string `json:"instanceClose"`
	TimeoutSeconds    int    `json:"timeoutSeconds"`
	// Check is the health check the step was compiled from (read back by
	// drsorch); nil for a post-launch step.
	Check *CheckSpec `json:"check,omitempty"`
}

// CheckSpec is a health check as configured.
type CheckSpec struct {
	Type            string `json:"type"`
	Host            string `json:"host"`
	Port            int    `json:"port"`
	Path            string `json:"path,omitempty"`
	ExpectStatus    int    `json:"expectStatus,omitempty"`
	TimeoutSeconds  int    `json:"timeoutSeconds"`
	Retries         int    `json:"retries"`
	IntervalSeconds int    `json:"intervalSeconds"`
}

// StepResult is one step's outcome in RunnerOutput.
type StepResult struct {
	Name     string `json:"name"`
	Kind     string `json:"kind"`
	Document string `json:"document"`
	// ID is the SSM command ID or automation execution ID.
	ID     string `json:"id"`
	Status string `json:"status"`
}

// stepsOf compiles w's post-launch steps, then its health checks.
func stepsOf(w recoveryplan.Wave) []StepSpec {
	var out []StepSpec
	for i, p := range w.PostLaunch {
		s := StepSpec{Name: fmt.Sprintf("post_launch %d", i+1), Kind: p.Type, Document: p.Document,
			Parameters: p.Parameters, HasParameters: len(p.Parameters) > 0, InstanceParameter: p.InstanceParameter,
			TimeoutSeconds: int(p.EffectiveTimeout() / time.Second)}
		if s.Parameters == nil {
			s.Parameters = map[string][]string{}
		}
		if p.InstanceParameter != "" {
			key, _ := json.Marshal(p.InstanceParameter)
			s.InstanceOpen, s.InstanceClose = "{"+string(key)+":", "}"
		}
		out = append(out, s)
	}
	for i, c := range w.HealthChecks {
		n := c.Normalized()
		budget := c.Budget()
		out = append(out, StepSpec{
			Name: fmt.Sprintf("health_check %d", i+1), Kind: recoveryplan.StepCommand, Document: healthCheckDocument,
			Parameters: map[string][]string{
				"commands":         checkScript(n),
				"executionTimeout": {fmt.Sprint(int(budget / time.Second))},
			},
			HasParameters: true, TimeoutSeconds: int(budget / time.Second),
			Check: &CheckSpec{Type: n.Type, Host: c.Host, Port: n.Port, Path: c.Path, ExpectStatus: c.ExpectStatus,
				TimeoutSeconds: int(n.Timeout / time.Second), Retries: n.Retries, IntervalSeconds: int(n.Interval / time.Second)},
		})
	}
	return out
}

// checkScript is the shell script of a health check: n.Retries+1 attempts,
// each bounded by n.Timeout, n.Interval apart; it prints each attempt and
// exits 0 on the first that passes, 1 otherwise. Host and path were
// validated to hold no shell characters.
func checkScript(n recoveryplan.HealthCheck) []string {
	attempts := n.Retries + 1
	secs := int(n.Timeout / time.Second)
	target := fmt.Sprintf("%s:%d", n.Host, n.Port)
	if n.Type == recoveryplan.CheckHTTP {
		target = n.Target()
	}
	lines := []string{fmt.Sprintf("%s %s %s expect %d attempts %d interval %d", HealthCheckMarker, n.Type, target, n.ExpectStatus, attempts, int(n.Interval/time.Second))}
	if n.Type == recoveryplan.CheckHTTP {
		url := fmt.Sprintf("http://%s:%d%s", n.Host, n.Port, n.Path)
		lines = append(lines,
			fmt.Sprintf("for i in $(seq 1 %d); do", attempts),
			fmt.Sprintf("  code=$(curl -s -o /dev/null -w '%%{http_code}' --max-time %d '%s') || true", secs, url),
			`  echo "attempt $i: HTTP ${code:-000}"`,
			fmt.Sprintf(`  if [ "$code" = "%d" ]; then exit 0; fi`, n.ExpectStatus),
			fmt.Sprintf("  if [ $i -lt %d ]; then sleep %d; fi", attempts, int(n.Interval/time.Second)),
			"done",
			fmt.Sprintf(`echo "%s: expected HTTP %d, got ${code:-no answer} after %d attempts" >&2`, url, n.ExpectStatus, attempts),
			"exit 1")
		return lines
	}
	return append(lines,
		fmt.Sprintf("for i in $(seq 1 %d); do", attempts),
		fmt.Sprintf("  if timeout %d bash -c '</dev/tcp/%s/%d' 2>/dev/null; then echo \"attempt $i: connected\"; exit 0; fi", secs, n.Host, n.Port),
		`  echo "attempt $i: no connection"`,
		fmt.Sprintf("  if [ $i -lt %d ]; then sleep %d; fi", attempts, int(n.Interval/time.Second)),
		"done",
		fmt.Sprintf(`echo "%s:%d: no TCP connection after %d attempts" >&2`, n.Host, n.Port, attempts),
		"exit 1")
}

// domainSteps rebuilds a wave's steps from its runner input.
func domainSteps(steps []StepSpec) (post []recoveryplan.PostLaunch, checks []recoveryplan.HealthCheck) {
	for _, s := range steps {
		if c := s.Check; c != nil {
			checks = append(checks, recoveryplan.HealthCheck{Type: c.Type, Host: c.Host, Port: c.Port, Path: c.Path,
				ExpectStatus: c.ExpectStatus, Timeout: time.Duration(c.TimeoutSeconds) * time.Second, Retries: c.Retries,
				Interval: time.Duration(c.IntervalSeconds) * time.Second})
			continue
		}
		p := recoveryplan.PostLaunch{Type: s.Kind, Document: s.Document, InstanceParameter: s.InstanceParameter}
		if t := time.Duration(s.TimeoutSeconds) * time.Second; t != recoveryplan.DefaultStepTimout {
			p.Timeout = t // the default reads back unset, as configured
		}
		if len(s.Parameters) > 0 {
			p.Parameters = s.Parameters
		}
		post = append(post, p)
	}
	return post, checks
}

// The states a step's iteration ends in when it passed: their output is
// the step's StepResult (status readers find the steps of a wave that
// failed later in the runner's history).
const (
	StepCommandSucceeded    = "step: command succeeded"
	StepAutomationSucceeded = "step: automation succeeded"
)

// Step names of the runner's steps: the outer ones, then those of each
// step's iteration (prefixed "step: " so that the limits calculator's
// bounds, keyed by state name, cannot mix them with the runner's).
const (
	StepStepsChoice = "steps?"
	StepNoSteps     = "no steps"
	StepRunSteps    = "run steps"
	StepStepsFailed = "steps failed"

	stepKind            = "step: kind?"
	stepSendCommand     = "step: send command"
	stepCommandSetup    = "step: command setup"
	stepWaitCommand     = "step: wait for command"
	stepListInvocations = "step: list invocations"
	stepCountCommand    = "step: count invocations"
	stepCommandDone     = "step: command done?"
	stepCommandOK       = StepCommandSucceeded
	stepFindFailure     = "step: find failed instance"
	stepCommandFailed   = "step: command failed"
	stepCommandTimedOut = "step: command timed out"
	stepNotSent         = "step: not started"
	stepReadFailed      = "step: read failed"
	stepFail            = "step: failed"
	stepAutoParams      = "step: automation parameters?"
	stepAutoInstances   = "step: add instances"
	stepAutoOwnParams   = "step: own parameters"
	stepStartAuto       = "step: start automation"
	stepStartAutoBare   = "step: start automation without parameters"
	stepAutoSetup       = "step: automation setup"
	stepWaitAuto        = "step: wait for automation"
	stepGetAuto         = "step: get automation"
	stepCountAuto       = "step: count automation"
	stepAutoDone        = "step: automation done?"
	stepAutoOK          = StepAutomationSucceeded
	stepAutoFailure     = "step: read automation failure"
	stepAutoFailed      = "step: automation failed"
	stepAutoTimedOut    = "step: automation timed out"
	// Per instance of a failed command.
	stepInstanceFailed = "instance: failed?"
	stepInstanceOK     = "instance: ok"
	stepGetInvocation  = "instance: get invocation"
	stepInvocationBad  = "instance: cause"
	stepInvocationRead = "instance: unreadable"
	stepInstanceFail   = "instance: failed"
)

// stepLoopStates are the states of the steps' poll loops: the limits
// calculator bounds them by the longest step timeout.
var stepLoopStates = []string{stepWaitCommand, stepListInvocations, stepCountCommand, stepCommandDone,
	stepWaitAuto, stepGetAuto, stepCountAuto, stepAutoDone}

// automationEnded lists the terminal AutomationExecutionStatus values other
// than success (botocore ssm 2014-11-06, AutomationExecutionStatus).
var automationEnded = []string{"Failed", "TimedOut", "Cancelled", "Cancelling", "Rejected", "CompletedWithFailure", "Exited", "ChangeCalendarOverrideRejected"}

// addStepStates adds the runner's outer step states: after the launch
// judgement (StepHealthy), the wave's steps run in order, one at a time;
// the first that fails fails the wave with its cause.
func addStepStates(states obj, partition string, failure func(step, errName, outcome, cause string, withJob bool)) {
	states[StepStepsChoice] = obj{
		"Type":    "Choice",
		"Comment": "Runner inputs of earlier compilers have no steps.",
		"Choices": []any{obj{"Variable": "$.steps[0]", "IsPresent": true, "Next": StepRunSteps}},
		"Default": StepNoSteps,
	}
	states[StepNoSteps] = obj{"Type": "Pass", "Result": []any{}, "ResultPath": "$.stepResults", "Next": StepPublishSucceeded}
	states[StepRunSteps] = obj{
		"Type":      "Map",
		"Comment":   "The wave's post-launch steps, then its health checks, in order (statemachine.StepSpec).",
		"ItemsPath": "$.steps",
		"ItemSelector": obj{
			"step.$": "$$.Map.Item.Value", "wave.$": "$.wave",
			"instances.$": "$.instances.Ec2InstanceIDs", "count.$": "States.ArrayLength($.instances.Ec2InstanceIDs)",
		},
		"MaxConcurrency": 1,
		"ItemProcessor":  stepProcessor(partition),
		"ResultPath":     "$.stepResults",
		"Catch":          []any{obj{"ErrorEquals": []any{"States.ALL"}, "ResultPath": "$.stepError", "Next": StepStepsFailed}},
		"Next":           StepPublishSucceeded,
	}
	failure(StepStepsFailed, ErrWaveStepFailed, "FAILED",
		"States.Format('wave {} (job {}): {}', $.wave, $.job.JobID, $.stepError.Cause)", true)
}

// stepProcessor runs one step (the Map's item: step, wave, instances,
// count) and outputs its StepResult, or fails with ErrWaveStepFailed and
// a cause that names the step, the instance and its output.
func stepProcessor(partition string) obj {
	st := obj{}
	fail := func(name, cause, next string) {
		st[name] = obj{"Type": "Pass", "Parameters": obj{"cause.$": cause}, "ResultPath": "$.f", "Next": next}
	}
	st[stepKind] = obj{
		"Type":    "Choice",
		"Choices": []any{obj{"Variable": "$.step.kind", "StringEquals": recoveryplan.StepAutomation, "Next": stepAutoParams}},
		"Default": stepSendCommand,
	}
	st[stepSendCommand] = obj{
		"Type":     "Task",
		"Resource": Resource(partition, IntegrationSendCommand),
		"Parameters": obj{
			"DocumentName.$": "$.step.document", "InstanceIds.$": "$.instances", "Parameters.$": "$.step.parameters",
			"Comment.$":      "States.Format('drsorch wave {} {}', $.wave, $.step.name)",
			"MaxConcurrency": stepMaxConcurrencyInstances,
		},
		"ResultSelector": obj{"CommandId.$": "$.Command.CommandId"},
		"ResultPath":     "$.cmd",
		// Instances register with SSM a while after they start: until
		// then SendCommand refuses them as InvalidInstanceId
		// (https://docs.aws.amazon.com/systems-manager/latest/userguide/troubleshooting-managed-nodes.html).
		// Nothing was sent then, so it is retried, for up to ~5 minutes.
		"Retry": []any{obj{"ErrorEquals": []any{"Ssm.InvalidInstanceIdException"},
			"IntervalSeconds": 15, "MaxAttempts": 10, "BackoffRate": 1.5, "MaxDelaySeconds": 60}},
		"Catch": []any{obj{"ErrorEquals": []any{"States.ALL"}, "ResultPath": "$.error", "Next": stepNotSent}},
		"Next":  stepCommandSetup,
	}
	fail(stepNotSent, "States.Format('{} ({} {}) could not start: {}: {}', $.step.name, $.step.kind, $.step.document, $.error.Error, $.error.Cause)", stepFail)
	st[stepCommandSetup] = obj{"Type": "Pass", "Parameters": obj{"elapsed": 0}, "ResultPath": "$.poll", "Next": stepWaitCommand}
	st[stepWaitCommand] = obj{"Type": "Wait", "Seconds": stepPollSeconds, "Next": stepListInvocations}
	st[stepListInvocations] = obj{
		"Type":       "Task",
		"Resource":   Resource(partition, IntegrationListInvocations),
		"Parameters": obj{"CommandId.$": "$.cmd.CommandId", "MaxResults": recoveryplan.MaxStepInstances},
		"ResultSelector": obj{
			"Statuses.$": "$.CommandInvocations[*].Status", "InstanceIds.$": "$.CommandInvocations[*].InstanceId",
		},
		"ResultPath": "$.inv",
		"Retry":      readRetry,
		"Catch":      []any{obj{"ErrorEquals": []any{"States.ALL"}, "ResultPath": "$.error", "Next": stepReadFailed}},
		"Next":       stepCountCommand,
	}
	fail(stepReadFailed, "States.Format('{} ({} {}): SSM reads failed past their retries, the last with {}: {}', $.step.name, $.step.kind, $.step.document, $.error.Error, $.error.Cause)", stepFail)
	has := func(status string) string { return fmt.Sprintf("States.ArrayContains($.inv.Statuses, '%s')", status) }
	st[stepCountCommand] = obj{
		"Type": "Pass",
		"Parameters": obj{
			"elapsed.$":  fmt.Sprintf("States.MathAdd($.poll.elapsed, %d)", stepPollSeconds),
			"n.$":        "States.ArrayLength($.inv.Statuses)",
			"distinct.$": "States.ArrayLength(States.ArrayUnique($.inv.Statuses))",
			"success.$":  has("Success"), "pending.$": has("Pending"), "inProgress.$": has("InProgress"),
			"delayed.$": has("Delayed"), "cancelling.$": has("Cancelling"),
		},
		"ResultPath": "$.poll",
		"Next":       stepCommandDone,
	}
	// Invocations appear a moment after SendCommand: done means one per
	// instance, none of them still running.
	ended := []any{
		obj{"Variable": "$.poll.n", "NumericEqualsPath": "$.count"},
		obj{"Variable": "$.poll.pending", "BooleanEquals": false},
		obj{"Variable": "$.poll.inProgress", "BooleanEquals": false},
		obj{"Variable": "$.poll.delayed", "BooleanEquals": false},
		obj{"Variable": "$.poll.cancelling", "BooleanEquals": false},
	}
	st[stepCommandDone] = obj{
		"Type": "Choice",
		"Choices": []any{
			obj{"And": append(append([]any{}, ended...),
				obj{"Variable": "$.poll.distinct", "NumericEquals": 1},
				obj{"Variable": "$.poll.success", "BooleanEquals": true}), "Next": stepCommandOK},
			obj{"And": ended, "Next": stepFindFailure},
			obj{"Variable": "$.poll.elapsed", "NumericGreaterThanEqualsPath": "$.step.timeoutSeconds", "Next": stepCommandTimedOut},
		},
		"Default": stepWaitCommand,
	}
	st[stepCommandOK] = obj{"Type": "Pass", "Parameters": obj{
		"name.$": "$.step.name", "kind.$": "$.step.kind", "document.$": "$.step.document", "id.$": "$.cmd.CommandId", "status": "Success",
	}, "End": true}
	fail(stepCommandTimedOut, "States.Format('{} ({} {}, command {}) did not finish within {} seconds: instances {} were {}', $.step.name, $.step.kind, $.step.document, $.cmd.CommandId, $.step.timeoutSeconds, States.JsonToString($.inv.InstanceIds), States.JsonToString($.inv.Statuses))", stepFail)
	st[stepFindFailure] = obj{
		"Type":      "Map",
		"Comment":   "Reads the output of the first instance whose invocation did not succeed, and fails with it.",
		"ItemsPath": "$.inv.InstanceIds",
		"ItemSelector": obj{
			"instance.$": "$$.Map.Item.Value", "status.$": "States.ArrayGetItem($.inv.Statuses, $$.Map.Item.Index)",
			"commandId.$": "$.cmd.CommandId", "step.$": "$.step",
		},
		"MaxConcurrency": 1,
		"ItemProcessor":  instanceFailureProcessor(partition),
		"ResultPath":     nil,
		"Next":           stepCommandFailed,
	}
	fail(stepCommandFailed, "States.Format('{} ({} {}, command {}) failed: instances {} ended {}', $.step.name, $.step.kind, $.step.document, $.cmd.CommandId, States.JsonToString($.inv.InstanceIds), States.JsonToString($.inv.Statuses))", stepFail)

	// Automation: once per wave, with the wave's instance IDs in
	// instanceParameter when one is named.
	st[stepAutoParams] = obj{
		"Type": "Choice",
		"Choices": []any{
			obj{"Variable": "$.step.instanceParameter", "StringGreaterThan": "", "Next": stepAutoInstances},
			obj{"Variable": "$.step.hasParameters", "BooleanEquals": true, "Next": stepAutoOwnParams},
		},
		"Default": stepStartAutoBare,
	}
	st[stepAutoInstances] = obj{"Type": "Pass", "Parameters": obj{
		"p.$": "States.JsonMerge($.step.parameters, States.StringToJson(States.Format('{}{}{}', $.step.instanceOpen, States.JsonToString($.instances), $.step.instanceClose)), false)",
	}, "ResultPath": "$.params", "Next": stepStartAuto}
	st[stepAutoOwnParams] = obj{"Type": "Pass", "Parameters": obj{"p.$": "$.step.parameters"}, "ResultPath": "$.params", "Next": stepStartAuto}
	startAuto := func(params obj) obj {
		return obj{
			"Type":           "Task",
			"Resource":       Resource(partition, IntegrationStartAutomation),
			"Parameters":     params,
			"ResultSelector": obj{"Id.$": "$.AutomationExecutionId"},
			"ResultPath":     "$.auto",
			"Catch":          []any{obj{"ErrorEquals": []any{"States.ALL"}, "ResultPath": "$.error", "Next": stepNotSent}},
			"Next":           stepAutoSetup,
		}
	}
	st[stepStartAuto] = startAuto(obj{"DocumentName.$": "$.step.document", "Parameters.$": "$.params.p"})
	st[stepStartAutoBare] = startAuto(obj{"DocumentName.$": "$.step.document"})
	st[stepAutoSetup] = obj{"Type": "Pass", "Parameters": obj{"elapsed": 0}, "ResultPath": "$.poll", "Next": stepWaitAuto}
	st[stepWaitAuto] = obj{"Type": "Wait", "Seconds": stepPollSeconds, "Next": stepGetAuto}
	getAuto := func(selector obj, next string) obj {
		return obj{
			"Type":           "Task",
			"Resource":       Resource(partition, IntegrationGetAutomation),
			"Parameters":     obj{"AutomationExecutionId.$": "$.auto.Id"},
			"ResultSelector": selector,
			"ResultPath":     "$.autoStatus",
			"Retry":          readRetry,
			"Catch":          []any{obj{"ErrorEquals": []any{"States.ALL"}, "ResultPath": "$.error", "Next": stepReadFailed}},
			"Next":           next,
		}
	}
	st[stepGetAuto] = getAuto(obj{"Status.$": "$.AutomationExecution.AutomationExecutionStatus"}, stepCountAuto)
	st[stepCountAuto] = obj{"Type": "Pass", "Parameters": obj{
		"elapsed.$": fmt.Sprintf("States.MathAdd($.poll.elapsed, %d)", stepPollSeconds),
	}, "ResultPath": "$.poll", "Next": stepAutoDone}
	var failed []any
	for _, s := range automationEnded {
		failed = append(failed, obj{"Variable": "$.autoStatus.Status", "StringEquals": s})
	}
	st[stepAutoDone] = obj{
		"Type": "Choice",
		"Choices": []any{
			obj{"Or": []any{
				obj{"Variable": "$.autoStatus.Status", "StringEquals": "Success"},
				obj{"Variable": "$.autoStatus.Status", "StringEquals": "CompletedWithSuccess"},
			}, "Next": stepAutoOK},
			obj{"Or": failed, "Next": stepAutoFailure},
			obj{"Variable": "$.poll.elapsed", "NumericGreaterThanEqualsPath": "$.step.timeoutSeconds", "Next": stepAutoTimedOut},
		},
		"Default": stepWaitAuto,
	}
	st[stepAutoOK] = obj{"Type": "Pass", "Parameters": obj{
		"name.$": "$.step.name", "kind.$": "$.step.kind", "document.$": "$.step.document", "id.$": "$.auto.Id", "status.$": "$.autoStatus.Status",
	}, "End": true}
	// The failure messages of the runbook's steps: a wildcard, because a
	// step that did not fail has none.
	st[stepAutoFailure] = getAuto(obj{
		"Status.$":   "$.AutomationExecution.AutomationExecutionStatus",
		"Messages.$": "$.AutomationExecution.StepExecutions[*].FailureMessage",
	}, stepAutoFailed)
	fail(stepAutoFailed, "States.Format('{} ({} {}, execution {}) ended {}: {}', $.step.name, $.step.kind, $.step.document, $.auto.Id, $.autoStatus.Status, States.JsonToString($.autoStatus.Messages))", stepFail)
	fail(stepAutoTimedOut, "States.Format('{} ({} {}, execution {}) did not finish within {} seconds: it was {}', $.step.name, $.step.kind, $.step.document, $.auto.Id, $.step.timeoutSeconds, $.autoStatus.Status)", stepFail)
	st[stepFail] = obj{"Type": "Fail", "Error": ErrWaveStepFailed, "CausePath": "$.f.cause"}
	return obj{"StartAt": stepKind, "States": st}
}

// instanceFailureProcessor passes instances whose invocation succeeded and
// fails on the first that did not, with its output.
func instanceFailureProcessor(partition string) obj {
	return obj{"StartAt": stepInstanceFailed, "States": obj{
		stepInstanceFailed: obj{
			"Type":    "Choice",
			"Choices": []any{obj{"Variable": "$.status", "StringEquals": "Success", "Next": stepInstanceOK}},
			"Default": stepGetInvocation,
		},
		stepInstanceOK: obj{"Type": "Pass", "Result": true, "End": true},
		stepGetInvocation: obj{
			"Type":       "Task",
			"Resource":   Resource(partition, IntegrationGetInvocation),
			"Parameters": obj{"CommandId.$": "$.commandId", "InstanceId.$": "$.instance"},
			"ResultSelector": obj{
				"Status.$": "$.Status", "Details.$": "$.StatusDetails", "Code.$": "$.ResponseCode",
				"Out.$": "$.StandardOutputContent", "Err.$": "$.StandardErrorContent",
			},
			"ResultPath": "$.out",
			"Retry":      readRetry,
			"Catch":      []any{obj{"ErrorEquals": []any{"States.ALL"}, "ResultPath": "$.error", "Next": stepInvocationRead}},
			"Next":       stepInvocationBad,
		},
		stepInvocationBad: obj{"Type": "Pass", "Parameters": obj{
			"cause.$": "States.Format('{} ({} {}, command {}) failed on instance {}: {} ({}, exit code {}); output: {} {}', $.step.name, $.step.kind, $.step.document, $.commandId, $.instance, $.out.Status, $.out.Details, $.out.Code, $.out.Out, $.out.Err)",
		}, "ResultPath": "$.f", "Next": stepInstanceFail},
		stepInvocationRead: obj{"Type": "Pass", "Parameters": obj{
			"cause.$": "States.Format('{} ({} {}, command {}) ended {} on instance {}; its output could not be read: {}: {}', $.step.name, $.step.kind, $.step.document, $.commandId, $.status, $.instance, $.error.Error, $.error.Cause)",
		}, "ResultPath": "$.f", "Next": stepInstanceFail},
		stepInstanceFail: obj{"Type": "Fail", "Error": ErrWaveStepFailed, "CausePath": "$.f.cause"},
	}}
}

// stepPolls is the most polls of one step of w: its timeout in poll
// intervals, plus the one that finds it ended.
func stepPolls(w recoveryplan.Wave) int {
	longest := 0
	for _, s := range stepsOf(w) {
		longest = max(longest, s.TimeoutSeconds)
	}
	if longest == 0 {
		return 0
	}
	return (longest+stepPollSeconds-1)/stepPollSeconds + 1
}

// stepTransitions estimates one successful run of w's steps: a command
// or automation that ends within a minute.
func stepTransitions(w recoveryplan.Wave) int {
	n := len(w.PostLaunch) + len(w.HealthChecks)
	if n == 0 {
		return 2 // steps?, no steps
	}
	const polls = 60 / stepPollSeconds
	return 2 + n*(4+polls*4)
}

// stepStateBytes is the room w's steps take in the runner's state at
// most: the steps themselves, their results, and a failure's cause with a
// command's whole output (botocore ssm: StandardOutputContent at most
// 24,000 and StandardErrorContent 8,000 characters).
func stepStateBytes(w recoveryplan.Wave) (int, error) {
	steps := stepsOf(w)
	if len(steps) == 0 {
		return 0, nil
	}
	b, err := json.Marshal(steps)
	if err != nil {
		return 0, err
	}
	results := len(steps) * 256
	cause := 24000 + 8000 + 1024
	// JSON escapes can double the output's size in the cause.
	return len(b) + results + 2*cause, nil
}

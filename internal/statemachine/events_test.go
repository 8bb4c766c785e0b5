package statemachine

import (
	"encoding/json"
	"strings"
	"testing"
)

type waveBranch struct {
	StartAt string
	States  map[string]map[string]any
}

// runnerBranch is the wave runner's definition for region: every wave's
// steps, run once per wave.
func runnerBranch(t *testing.T, region string) waveBranch {
	t.Helper()
	def, err := CompileRunner(region)
	if err != nil {
		t.Fatal(err)
	}
	var b waveBranch
	if err := json.Unmarshal([]byte(def), &b); err != nil {
		t.Fatal(err)
	}
	return b
}

// Each wave publishes started, succeeded and failed events through
// events:putEvents in the plan's partition; a publish retries, then goes on
// the way it would have gone had it succeeded, so an event never fails or
// stops a recovery.
func TestWavesPublishTheirEvents(t *testing.T) {
	waves := map[string]waveBranch{"runner": runnerBranch(t, "us-gov-west-1")}
	for wave, b := range waves {
		st := func(step string) map[string]any { return b.States[step] }
		for step, want := range map[string]struct{ detailType, next string }{
			StepPublishStarted:   {WaveStartedDetailType, StepPollSetup},
			StepPublishSucceeded: {WaveSucceededDetailType, StepRecovered},
			StepPublishFailed:    {WaveFailedDetailType, StepFailed},
		} {
			p := st(step)
			if p == nil || p["Type"] != "Task" || p["Resource"] != "arn:aws-us-gov:states:::events:putEvents" {
				t.Fatalf("%s: %s = %v", wave, step, p)
			}
			if p["Next"] != want.next || p["ResultPath"] != nil {
				t.Errorf("%s: %s goes to %v with ResultPath %v: the wave's data must pass through", wave, step, p["Next"], p["ResultPath"])
			}
			retry := p["Retry"].([]any)[0].(map[string]any)
			catch := p["Catch"].([]any)
			if eq := retry["ErrorEquals"].([]any); len(eq) != 1 || eq[0] != "States.ALL" || retry["MaxAttempts"].(float64) < 1 {
				t.Errorf("%s: %s retries %v", wave, step, retry)
			}
			if len(catch) != 1 || catch[0].(map[string]any)["Next"] != want.next || catch[0].(map[string]any)["ErrorEquals"].([]any)[0] != "States.ALL" {
				t.Errorf("%s: %s: a failed publish must go on to %s: %v", wave, step, want.next, catch)
			}
			entry := p["Parameters"].(map[string]any)["Entries"].([]any)[0].(map[string]any)
			detail := entry["Detail"].(map[string]any)
			if entry["Source"] != EventSource || entry["DetailType"] != want.detailType || entry["EventBusName"] != "default" {
				t.Errorf("%s: %s entry %v", wave, step, entry)
			}
			// The plan's execution, not the runner's: events of one run
			// share it.
			if detail["plan.$"] != "$.run.plan" || detail["wave.$"] != "$.wave" || detail["execution.$"] != "$.run.execution" ||
				detail["runnerExecution.$"] != "$$.Execution.Id" || detail["servers.$"] != "$.servers" {
				t.Errorf("%s: %s detail %v", wave, step, detail)
			}
			if (detail["outcome"] == nil) == (detail["outcome.$"] == nil) || (detail["jobId.$"] == nil) {
				t.Errorf("%s: %s detail has no outcome or job: %v", wave, step, detail)
			}
		}
		if d := st(StepPublishFailed)["Parameters"].(map[string]any)["Entries"].([]any)[0].(map[string]any)["Detail"].(map[string]any); d["error.$"] != "$.failure.error" || d["cause.$"] != "$.failure.cause" {
			t.Errorf("%s: the failure event lacks error and cause: %v", wave, d)
		}
		// Every failure of the wave publishes its event before the wave fails.
		fails := 0
		for name, s := range b.States {
			if s["Type"] == "Fail" {
				fails++
				if name != StepFailed {
					t.Errorf("%s: Fail state %s is reached without publishing the failure event", wave, name)
				}
			}
		}
		if fails != 1 {
			t.Errorf("%s: %d Fail states", wave, fails)
		}
		for _, step := range FailureSteps {
			errName, _, ok := waveFailure(b.States, step)
			if !ok || !strings.HasPrefix(errName, "drsorch.") {
				t.Errorf("%s: failure step %s does not publish and fail: %v", wave, step, st(step))
			}
		}
		// The steps that lead into the events.
		if n := st(StepHealthy)["Choices"].([]any)[0].(map[string]any)["Next"]; n != StepStepsChoice {
			t.Errorf("%s: healthy goes to %v", wave, n)
		}
		if st(StepNoSteps)["Next"] != StepPublishSucceeded || st(StepRunSteps)["Next"] != StepPublishSucceeded {
			t.Errorf("%s: a wave whose steps passed does not publish its success", wave)
		}
		if st(StepStartRecovery)["Next"] != StepPublishStarted || st(StepAdoptJob)["Next"] != StepPublishStarted {
			t.Errorf("%s: a started job does not publish", wave)
		}
	}
	// start failed has no job: its event says so with null, not a path to
	// nothing (which fails the execution with States.Runtime).
	sf := waves["runner"].States[StepStartFailed]["Parameters"].(map[string]any)
	if v, ok := sf["jobId"]; !ok || v != nil {
		t.Errorf("start failed records %v", sf)
	}
}

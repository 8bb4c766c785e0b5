package statemachine

import (
	"strings"
	"testing"
)

// Every read-only Task retries on every error with capped backoff and,
// past its budget, ends the wave with drsorch.WaveReadFailed naming the
// wave and the job; StartRecovery is never retried on an unknown outcome.
func TestReadsRetryEverythingAndEndTheWaveNamingTheJob(t *testing.T) {
	b := runnerBranch(t, testRegion)
	reads := 0
	for name, st := range b.States {
		res, _ := st["Resource"].(string)
		if !strings.Contains(res, ":describe") {
			continue
		}
		reads++
		retry := st["Retry"].([]any)
		if len(retry) != 1 {
			t.Fatalf("%s: %d retriers", name, len(retry))
		}
		r := retry[0].(map[string]any)
		if eq := r["ErrorEquals"].([]any); len(eq) != 1 || eq[0] != "States.ALL" {
			t.Errorf("%s retries only %v: unmodelled errors (Drs.DrsException, Drs.SdkClientException) end the run", name, eq)
		}
		if r["MaxDelaySeconds"] == nil || r["MaxAttempts"].(float64) < 10 {
			t.Errorf("%s: retry budget %v", name, r)
		}
		catch, _ := st["Catch"].([]any)
		if len(catch) != 1 {
			t.Fatalf("%s has no Catch: a read failure would end the execution with a raw error naming no wave", name)
		}
		next := catch[0].(map[string]any)["Next"].(string)
		errName, cause, ok := waveFailure(b.States, next)
		if !ok || errName != ErrWaveReadFailed {
			t.Fatalf("%s is caught by %s = %v, which does not end the wave with %s", name, next, b.States[next], ErrWaveReadFailed)
		}
		wants := []string{"$.wave", "$.job.JobID", "$.readError.Error", "$.readError.Cause"}
		if next == StepGuardReadFailed { // before StartRecovery: no job yet
			wants = []string{"$.wave", "$.readError.Error", "$.readError.Cause"}
		}
		for _, want := range wants {
			if !strings.Contains(cause, want) {
				t.Errorf("%s: cause %s does not name %s", next, cause, want)
			}
		}
	}
	if reads != 4 { // the job, the instances, and the guard's two pages
		t.Fatalf("%d read states, want 4 per wave", reads)
	}
}

// Each wave takes its control (adopt a job, skip, only servers, recovery
// snapshots) from the execution input's waves member; the pause gate still
// comes first. The plan gives every wave an empty control first, so that
// each wave's path selects something whatever the input names (a path to
// nothing fails the execution), and the runner applies the defaults.
func TestWavesAdoptJobsNamedInTheInput(t *testing.T) {
	c, err := Compile(threeTier(), testRegion, PlaceholderRunnerARN(testRegion))
	if err != nil {
		t.Fatal(err)
	}
	def := planStates(t, c.Definition)
	w := def.Top[StepControls]["Parameters"].(map[string]any)["w"].(map[string]any)
	if len(w) != 4 || len(w["web"].(map[string]any)) != 0 {
		t.Fatalf("controls' waves = %v: every wave has an empty control", w)
	}
	choice := def.Top[StepWaveControls]
	rule := choice["Choices"].([]any)[0].(map[string]any)
	if rule["Variable"] != "$.waves" || rule["IsPresent"] != true || rule["Next"] != StepMergeControls {
		t.Fatalf("wave controls choice = %v", choice)
	}
	merge := def.Top[StepMergeControls]["Parameters"].(map[string]any)
	if m := merge["c"].(map[string]any)["w.$"]; m != "States.JsonMerge($.c.w, $.waves, false)" || merge["run.$"] != "$.run" || len(merge) != 2 {
		t.Fatalf("merge = %v: the state is rebuilt from the run and the merged controls only", merge)
	}
	if def.States[WaveState("web", StepPause)]["Next"] != WaveState("web", StepRun) {
		t.Fatalf("web's gate goes to %v", def.States[WaveState("web", StepPause)]["Next"])
	}
	input := def.States[WaveState("web", StepRun)]["Parameters"].(map[string]any)["Input"].(map[string]any)
	if input["c.$"] != "$.c.w['web']" {
		t.Fatalf("web's runner input = %v", input)
	}
	runner := runnerBranch(t, testRegion)
	if runner.StartAt != StepDefaults || runner.States[StepApplyControl]["Parameters"].(map[string]any)["m.$"] != "States.JsonMerge(States.JsonMerge($.d, $.in.c, false), $.in, false)" ||
		runner.States[StepSkipChoice]["Default"] != StepRunnerSkipped {
		t.Fatalf("runner start = %v", runner.States)
	}
	rc := runner.States[StepAdoptChoice]
	if runner.States[StepSkipChoice]["Choices"].([]any)[0].(map[string]any)["Next"] != StepOnlyChoice || runner.States[StepOnly]["Next"] != StepAdoptChoice || rc["Default"] != StepAdoptJob {
		t.Fatalf("runner adopt choice = %v", rc)
	}
	adopt := runner.States[StepAdoptJob]
	if adopt["ResultPath"] != "$.job" || adopt["Next"] != StepPublishStarted || runner.States[StepPublishStarted]["Next"] != StepPollSetup {
		t.Fatalf("adopt = %v, then %v", adopt, runner.States[StepPublishStarted])
	}
}

// waveFailure follows a wave's failure step (a Pass recording $.failure)
// through its failure event to the Fail state, and returns the error and
// the cause expression the wave ends with. ok is false unless every route
// from the step — the event published or not — ends in a Fail state that
// raises the recorded error and cause.
func waveFailure(states map[string]map[string]any, step string) (errName, cause string, ok bool) {
	rec := states[step]
	params, _ := rec["Parameters"].(map[string]any)
	if rec["Type"] != "Pass" || rec["ResultPath"] != "$.failure" || params == nil {
		return "", "", false
	}
	errName, _ = params["error"].(string)
	cause, _ = params["cause.$"].(string)
	publish := states[rec["Next"].(string)]
	if publish["Type"] != "Task" {
		return "", "", false
	}
	routes := []string{publish["Next"].(string)}
	for _, c := range publish["Catch"].([]any) {
		routes = append(routes, c.(map[string]any)["Next"].(string))
	}
	for _, r := range routes {
		fail := states[r]
		if fail["Type"] != "Fail" || fail["ErrorPath"] != "$.failure.error" || fail["CausePath"] != "$.failure.cause" {
			return "", "", false
		}
	}
	return errName, cause, errName != "" && cause != ""
}

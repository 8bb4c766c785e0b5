package statemachine

import (
	"encoding/json"
	"strings"
	"testing"
)

// Every read-only Task retries on every error with capped backoff and,
// past its budget, ends the wave with drsorch.WaveReadFailed naming the
// wave and the job; StartRecovery is never retried on an unknown outcome.
func TestReadsRetryEverythingAndEndTheWaveNamingTheJob(t *testing.T) {
	c, err := Compile(threeTier(), testRegion)
	if err != nil {
		t.Fatal(err)
	}
	var def struct {
		States map[string]struct {
			Branches []struct {
				States map[string]map[string]any
			}
		}
	}
	if err := json.Unmarshal([]byte(c.Definition), &def); err != nil {
		t.Fatal(err)
	}
	reads := 0
	for _, level := range def.States {
		for _, b := range level.Branches {
			for name, st := range b.States {
				wave, _, _ := strings.Cut(name, ": ")
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
				for _, want := range []string{"'" + wave + "'", "$.job.JobID", "$.readError.Error", "$.readError.Cause"} {
					if !strings.Contains(cause, want) {
						t.Errorf("%s: cause %s does not name %s", next, cause, want)
					}
				}
			}
		}
	}
	if reads != 8 {
		t.Fatalf("%d read states, want 2 per wave", reads)
	}
}

// Each wave can adopt a job named in the execution input instead of
// starting recovery; the pause gate still comes first.
func TestWavesAdoptJobsNamedInTheInput(t *testing.T) {
	c, err := Compile(threeTier(), testRegion)
	if err != nil {
		t.Fatal(err)
	}
	var def struct {
		States map[string]struct {
			Parameters map[string]any
			Branches   []struct {
				StartAt string
				States  map[string]map[string]any
			}
		}
	}
	if err := json.Unmarshal([]byte(c.Definition), &def); err != nil {
		t.Fatal(err)
	}
	if def.States["Level 1"].Parameters["input.$"] != "$$.Execution.Input" {
		t.Fatalf("level parameters %v do not pass the execution input", def.States["Level 1"].Parameters)
	}
	web := def.States["Level 3"].Branches[0]
	if web.StartAt != "web: pause" || web.States["web: pause"]["Next"] != "web: "+StepAdoptChoice {
		t.Fatalf("web: starts at %s, pause gate then %v", web.StartAt, web.States["web: pause"]["Next"])
	}
	choice := web.States["web: "+StepAdoptChoice]
	rule := choice["Choices"].([]any)[0].(map[string]any)
	if rule["Variable"] != "$.input.adoptJobs['web']" || rule["IsPresent"] != true || rule["Next"] != "web: "+StepAdoptJob || choice["Default"] != "web: start recovery" {
		t.Fatalf("adopt choice = %v", choice)
	}
	adopt := web.States["web: "+StepAdoptJob]
	if adopt["ResultPath"] != "$.job" || adopt["Next"] != "web: "+StepPublishStarted || web.States["web: "+StepPublishStarted]["Next"] != "web: poll setup" {
		t.Fatalf("adopt = %v, then %v", adopt, web.States["web: "+StepPublishStarted])
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

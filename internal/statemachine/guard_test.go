package statemachine

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/drsorch/terraform-provider-drsorch/internal/recoveryplan"
)

// The guard sits between the adopt check and StartRecovery: a wave that
// adopts a job skips it, a wave that starts recovery cannot reach
// StartRecovery but through it, and it leaves only through a passed check
// or one of its failure steps.
func TestGuardRunsBeforeStartRecoveryAndNotWhenAdopting(t *testing.T) {
	b := runnerBranch(t, testRegion)
	adopt := b.States[StepAdoptChoice]
	for _, c := range adopt["Choices"].([]any) {
		if next := c.(map[string]any)["Next"]; next != StepSourceServers {
			t.Errorf("a wave that starts recovery goes to %v", next)
		}
	}
	// source servers → recovery snapshots? (→ recovery snapshots) → guard
	if b.States[StepSourceServers]["Next"] != StepSnapshotsChoice || b.States[StepSnapshotsChoice]["Default"] != StepGuardSetup ||
		b.States[StepSnapshots]["Next"] != StepGuardSetup {
		t.Errorf("the server list does not lead to the guard: %v, %v, %v", b.States[StepSourceServers]["Next"], b.States[StepSnapshotsChoice]["Default"], b.States[StepSnapshots]["Next"])
	}
	if adopt["Default"] != StepAdoptJob || b.States[StepAdoptJob]["Next"] != StepPublishStarted {
		t.Errorf("a wave that adopts its job must skip the guard: %v, %v", adopt["Default"], b.States[StepAdoptJob]["Next"])
	}
	for name, st := range b.States {
		for _, next := range successors(st) {
			if next == StepStartRecovery && name != StepGuardPassed {
				t.Errorf("%s goes to %s around the guard", name, StepStartRecovery)
			}
		}
	}
	failures := map[string]bool{StepServerInActiveJob: true, StepOverQuota: true, StepQuotaTimedOut: true, StepGuardReadFailed: true}
	guard := map[string]bool{}
	for name := range b.States {
		if failures[name] {
			continue
		}
		if strings.HasPrefix(name, "quota") || strings.Contains(name, "jobs") || strings.HasPrefix(name, "guard") ||
			name == StepFits || name == StepBusyServers || name == StepActiveJobIDs {
			guard[name] = true
		}
	}
	for name := range guard {
		for _, next := range successors(b.States[name]) {
			if !guard[next] && !failures[next] && next != StepStartRecovery {
				t.Errorf("guard state %s leaves to %s", name, next)
			}
		}
	}
	for step := range failures {
		errName, cause, ok := waveFailure(b.States, step)
		if !ok || !strings.HasPrefix(errName, "drsorch.") || !strings.Contains(cause, "$.wave") {
			t.Errorf("%s does not end the wave with a drsorch error naming it: %s %s", step, errName, cause)
		}
	}
}

// Every quota read falls back to the published default, and every jobs
// read retries and then fails the wave, naming it.
func TestGuardReadsRetryAndFallBack(t *testing.T) {
	b := runnerBranch(t, testRegion)
	for _, step := range []string{StepQuotaJobs, StepQuotaActive, StepQuotaPerJob} {
		st := b.States[step]
		if !strings.HasSuffix(st["Resource"].(string), IntegrationGetQuota) {
			t.Fatalf("%s: resource %v", step, st["Resource"])
		}
		catch := st["Catch"].([]any)[0].(map[string]any)
		def := b.States[catch["Next"].(string)]
		if def["Type"] != "Pass" || def["ResultPath"] != st["ResultPath"] || def["Next"] != st["Next"] {
			t.Errorf("%s falls back to %v", step, def)
		}
	}
	for _, step := range []string{StepListJobs, StepListMoreJobs} {
		st := b.States[step]
		if len(st["Retry"].([]any)) == 0 || st["Catch"].([]any)[0].(map[string]any)["Next"] != StepGuardReadFailed {
			t.Errorf("%s: retry %v catch %v", step, st["Retry"], st["Catch"])
		}
	}
}

// GuardWorstEvents is what the limits calculator counts for the guard:
// two waves that differ only in how often their guard may check differ by
// exactly the difference of their GuardWorstEvents.
func TestGuardWorstEventsMatchesTheCalculator(t *testing.T) {
	var f Figures
	def, err := json.Marshal(runnerDefinition("aws"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(def, &f.runner); err != nil {
		t.Fatal(err)
	}
	short, long := time.Minute, 24*time.Hour
	events := func(timeout time.Duration) int {
		n, err := f.runnerEvents(withStepBounds(runnerBoundsAt(4, 100, 10, GuardChecks(int(timeout/time.Second))), recoveryplan.Wave{}))
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	if GuardChecks(60) >= GuardChecks(86400) || GuardChecks(86400) != guardMaxWaits+1 {
		t.Fatalf("checks: %d for a minute, %d for a day", GuardChecks(60), GuardChecks(86400))
	}
	if got, want := events(long)-events(short), GuardWorstEvents(long)-GuardWorstEvents(short); got != want {
		t.Fatalf("the calculator counts %d more guard events for %s than for %s; GuardWorstEvents says %d", got, long, short, want)
	}
	t.Logf("guard worst case: %d events (timeout %s), %d (timeout %s)", GuardWorstEvents(short), short, GuardWorstEvents(long), long)
}

func successors(st map[string]any) []string {
	var out []string
	for _, k := range []string{"Next", "Default"} {
		if s, ok := st[k].(string); ok {
			out = append(out, s)
		}
	}
	for _, k := range []string{"Choices", "Catch"} {
		list, _ := st[k].([]any)
		for _, c := range list {
			if s, ok := c.(map[string]any)["Next"].(string); ok {
				out = append(out, s)
			}
		}
	}
	return out
}

func TestGuardWaitsDoubleUpToFiveMinutes(t *testing.T) {
	total := 0
	for i, w := range guardWaits {
		s := w.(int)
		if i > 0 && s != min(2*guardWaits[i-1].(int), 300) {
			t.Fatalf("wait %d is %d s", i, s)
		}
		total += s
	}
	if guardWaits[0] != 15 || total != 3765 || len(guardWaits) != guardMaxWaits {
		t.Fatalf("waits %v: %d s in all", guardWaits, total)
	}
}

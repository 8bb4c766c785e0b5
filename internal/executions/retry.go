package executions

import (
	"fmt"
	"sort"
	"strings"

	sfntypes "github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/drsorch/terraform-provider-drsorch/internal/statemachine"
)

// A retry continues a run that ended without succeeding (or succeeded
// with failed optional waves: PARTIAL), as a new
// execution of the same plan and type, and recovers nothing twice:
//   - waves that recovered (or were skipped) in it are skipped
//     (Input.SkipWaves, naming where they were recovered);
//   - a wave whose DRS job may still run is adopted (AdoptableJobs);
//   - a failed wave launches only its servers that did not launch
//     (Input.OnlyServers); when every server launched (the wave failed its
//     health judgement or timed out), the whole wave runs again;
//   - waves that never started run as usual.

// RetryInput is the input of a run that continues e. invokedBy is the
// caller's identity.
func RetryInput(e *Execution, invokedBy string) (Input, error) {
	switch {
	case e.Running():
		return Input{}, fmt.Errorf("execution %s is still running: retry it once it has ended, or cancel it first (drsorch cancel %s)", e.Name, e.ARN)
	case e.Status == sfntypes.ExecutionStatusSucceeded && !e.Partial():
		return Input{}, fmt.Errorf("execution %s succeeded: nothing to retry", e.Name)
	}
	in := Input{Type: e.Type, InvokedBy: invokedBy, AdoptJobs: AdoptableJobs(e),
		SkipWaves: map[string]string{}, OnlyServers: map[string][]string{}}
	for _, w := range e.Waves {
		switch w.Status {
		case WaveRecovered:
			in.SkipWaves[w.Name] = e.ARN
		case WaveSkipped:
			in.SkipWaves[w.Name] = orEarlier(w.RecoveredIn)
		case WaveFailed, WaveTimedOut, WaveCancelled:
			if _, adopted := in.AdoptJobs[w.Name]; adopted {
				continue
			}
			var failed, launching []string
			for _, s := range w.Servers {
				switch s.LaunchStatus {
				case "LAUNCHED":
				case "PENDING", "IN_PROGRESS":
					launching = append(launching, s.SourceServerID)
				default:
					failed = append(failed, s.SourceServerID)
				}
			}
			// A wave fails at its first failed server while DRS goes on
			// launching the others: relaunching them now would collide
			// with that job (DRS runs one job per source server).
			if len(launching) > 0 {
				return Input{}, fmt.Errorf("wave %s's DRS job %s is still launching %s: retry once it has completed (it ends by itself; drsorch status %s shows it)",
					w.Name, w.JobID, strings.Join(launching, ", "), e.ARN)
			}
			if len(failed) > 0 && len(failed) < len(w.Servers) {
				in.OnlyServers[w.Name] = failed
			}
		}
	}
	retrySnapshots(e, &in)
	if len(in.AdoptJobs) == 0 {
		in.AdoptJobs = nil
	}
	if len(in.SkipWaves) == 0 {
		in.SkipWaves = nil
	}
	if len(in.OnlyServers) == 0 {
		in.OnlyServers = nil
	}
	return in, nil
}

// retrySnapshots keeps a point-in-time run's snapshots in its retry: the
// servers it relaunches, and the waves it never reached, launch from the
// snapshots chosen for the first run (not chosen again: the retry recovers
// the same point in time).
func retrySnapshots(e *Execution, in *Input) {
	chosen := map[string]string{}
	for _, w := range e.Waves {
		for _, s := range w.Servers {
			if s.RecoverySnapshotID != "" {
				chosen[s.SourceServerID] = s.RecoverySnapshotID
			}
		}
	}
	if len(chosen) == 0 {
		return
	}
	in.PointInTime = e.PointInTime
	in.RecoverySnapshots = map[string][]statemachine.RecoverySnapshot{}
	for _, w := range e.Waves {
		if launchesNothing(*in, w.Name) {
			continue
		}
		servers := in.OnlyServers[w.Name]
		if len(servers) == 0 {
			for _, s := range w.Servers {
				servers = append(servers, s.SourceServerID)
			}
		}
		if list := snapshotList(servers, chosen); list != nil {
			in.RecoverySnapshots[w.Name] = list
		}
	}
}

func orEarlier(where string) string {
	if where == "" {
		return "an earlier execution"
	}
	return where
}

// FromWaveReason is what SkipWaves records for the waves a run started at
// a wave takes as recovered.
func FromWaveReason(wave string) string { return "taken as recovered: started from wave " + wave }

// SkipBefore returns the waves a run that starts at wave takes as
// recovered: every wave it depends on, directly or not (a wave without
// depends_on depends on the wave declared before it). Waves that do not
// lead to it still run.
func SkipBefore(v *statemachine.PlanView, wave string) (map[string]string, error) {
	waves := v.DeclaredWaves()
	byName := map[string]statemachine.WaveView{}
	var names []string
	for _, w := range waves {
		byName[w.Name] = w
		names = append(names, w.Name)
	}
	if _, ok := byName[wave]; !ok {
		return nil, fmt.Errorf("plan %s has no wave %q (its waves: %s)", v.Name, wave, strings.Join(names, ", "))
	}
	deps := func(w statemachine.WaveView) []string {
		if w.DependsOnSet {
			return w.DependsOn
		}
		for i, x := range waves {
			if x.Name == w.Name && i > 0 {
				return []string{waves[i-1].Name}
			}
		}
		return nil
	}
	skip := map[string]string{}
	var visit func(string)
	visit = func(n string) {
		for _, d := range deps(byName[n]) {
			if _, seen := skip[d]; !seen {
				skip[d] = FromWaveReason(wave)
				visit(d)
			}
		}
	}
	visit(wave)
	return skip, nil
}

// DescribeResume is a one-line account of what a retry or resumed run
// skips and relaunches.
func DescribeResume(in Input) string {
	var parts []string
	for _, w := range sortedKeys(in.SkipWaves) {
		parts = append(parts, w+" skipped ("+in.SkipWaves[w]+")")
	}
	for _, w := range sortedKeys(in.OnlyServers) {
		parts = append(parts, fmt.Sprintf("%s relaunches only %s", w, strings.Join(in.OnlyServers[w], ", ")))
	}
	for _, w := range sortedKeys(in.AdoptJobs) {
		parts = append(parts, w+" adopts "+in.AdoptJobs[w])
	}
	if n := len(snapshotsOf(in)); n > 0 {
		from := "chosen recovery snapshots"
		if in.PointInTime != "" {
			from = "their snapshots at or before " + in.PointInTime
		}
		parts = append(parts, fmt.Sprintf("%d servers launch from %s", n, from))
	}
	if len(parts) == 0 {
		return "every wave runs"
	}
	return strings.Join(parts, "; ")
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

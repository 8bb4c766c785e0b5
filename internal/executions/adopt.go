package executions

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/drsorch/terraform-provider-drsorch/internal/statemachine"
)

// A wave whose DRS reads failed past their retry budget ends with
// drsorch.WaveReadFailed while its DRS job may still be launching; so may
// the waves that ran beside it, which the failure stopped. Starting the
// plan again must not launch those servers a second time: the new
// execution names each such job in its input ({"adoptJobs": {"<wave>":
// "<job ID>"}}) and the wave follows that job instead of starting another.

// AdoptableJobs returns, for an execution that has ended, the waves whose
// DRS job a new execution of the same plan should adopt: waves that ended
// with a read failure, and waves stopped while their job ran (a sibling
// failed, or the run was stopped). A wave whose job reports a server's
// launch FAILED is left out: a new run starts it again.
func AdoptableJobs(e *Execution) map[string]string {
	if e.Running() {
		return nil
	}
	out := map[string]string{}
	for _, w := range e.Waves {
		if w.JobID == "" || w.Status == WaveRecovered || w.Status == WavePending {
			continue
		}
		readFailed := w.Error == statemachine.ErrWaveReadFailed
		stopped := w.Error == "" && (w.Status == WaveFailed || w.Status == WaveCancelled)
		if !readFailed && !stopped {
			continue
		}
		launchFailed := false
		for _, s := range w.Servers {
			if s.LaunchStatus == "FAILED" {
				launchFailed = true
			}
		}
		if !launchFailed {
			out[w.Name] = w.JobID
		}
	}
	return out
}

// AdoptJobsFrom reads the execution arn and returns the jobs a new run of
// planName of type runType adopts from it. It refuses an execution of
// another plan or type, and one still running.
func AdoptJobsFrom(ctx context.Context, c Clients, arn, planName, runType string) (map[string]string, error) {
	e, err := Describe(ctx, c, arn)
	if err != nil {
		return nil, err
	}
	switch {
	case e.Running():
		return nil, fmt.Errorf("execution %s is still running: its waves follow their jobs themselves", e.Name)
	case e.Plan != planName:
		return nil, fmt.Errorf("execution %s ran plan %s, not %s", e.Name, e.Plan, planName)
	case e.Type != runType:
		return nil, fmt.Errorf("execution %s was a %s, not a %s", e.Name, e.Type, runType)
	}
	return AdoptableJobs(e), nil
}

// DescribeAdoption is a one-line account of the jobs a run adopts.
func DescribeAdoption(adopt map[string]string) string {
	if len(adopt) == 0 {
		return "no wave left a job to adopt"
	}
	waves := make([]string, 0, len(adopt))
	for w := range adopt {
		waves = append(waves, w)
	}
	sort.Strings(waves)
	parts := make([]string, len(waves))
	for i, w := range waves {
		parts[i] = w + " adopts " + adopt[w]
	}
	return strings.Join(parts, ", ")
}

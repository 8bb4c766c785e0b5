// Package startcheck is the one check that runs before a plan is started,
// by drsorch_execution, the ephemeral drsorch_drill, the CLI and the
// console alike: a server busy in another run or DRS job refuses the
// start, and so does too little DRS quota headroom for the first level;
// later levels only warn.
package startcheck

import (
	"context"
	"fmt"

	"github.com/drsorch/terraform-provider-drsorch/internal/executions"
	"github.com/drsorch/terraform-provider-drsorch/internal/recoveryplan"
	"github.com/drsorch/terraform-provider-drsorch/internal/statemachine"
)

// Result is what the check found.
type Result struct {
	// Conflicts are servers of the plan busy elsewhere.
	Conflicts []executions.Conflict
	// Errors refuse the start; Warnings are shown.
	Errors   recoveryplan.Problems
	Warnings recoveryplan.Problems
}

// Blocked reports whether the plan must not start now.
func (r Result) Blocked() bool { return len(r.Conflicts) > 0 || len(r.Errors) > 0 }

// Run checks a plan before it starts. adopt maps waves to the DRS jobs the
// run will follow instead of starting new ones (nil for a plain start).
// When conflicts are found the quota check is skipped: the start is
// refused anyway.
func Run(ctx context.Context, c executions.Clients, view *statemachine.PlanView, adopt map[string]string) (Result, error) {
	var r Result
	conflicts, err := executions.Conflicts(ctx, c, view, "")
	if err != nil {
		return r, fmt.Errorf("check for conflicting runs: %w", err)
	}
	r.Conflicts = withoutAdopted(conflicts, adopt)
	if len(r.Conflicts) > 0 {
		return r, nil
	}
	problems, err := executions.Headroom(ctx, c, view)
	if err != nil {
		return r, fmt.Errorf("check DRS quota headroom: %w", err)
	}
	for _, p := range problems {
		if p.Severity == recoveryplan.Warning {
			r.Warnings = append(r.Warnings, p)
		} else {
			r.Errors = append(r.Errors, p)
		}
	}
	return r, nil
}

// withoutAdopted drops the conflicts with the jobs the run adopts: those
// servers are busy with the very job their wave follows.
func withoutAdopted(conflicts []executions.Conflict, adopt map[string]string) []executions.Conflict {
	if len(adopt) == 0 {
		return conflicts
	}
	adopted := map[string]bool{}
	for _, job := range adopt {
		adopted[job] = true
	}
	var out []executions.Conflict
	for _, c := range conflicts {
		if c.Execution == "" && c.JobID != "" && adopted[c.JobID] {
			continue
		}
		out = append(out, c)
	}
	return out
}

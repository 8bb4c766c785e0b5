package cli

import (
	"context"
	"fmt"

	"github.com/drsorch/terraform-provider-drsorch/internal/executions"
)

// adoptJobs reads the jobs a run adopts from the failed execution named by
// --adopt-jobs-from (nil without the flag).
func adoptJobs(ctx context.Context, s *session, p *plan, runType, from string) (map[string]string, error) {
	if from == "" {
		return nil, nil
	}
	arn, err := resolveExecution(ctx, s, from)
	if err != nil {
		return nil, err
	}
	adopt, err := executions.AdoptJobsFrom(ctx, s.exec(), arn, p.Name, runType)
	if err != nil {
		return nil, refused("--adopt-jobs-from %s: %v", from, err)
	}
	fmt.Fprintf(s.env.Stderr, "Adopting DRS jobs of %s: %s\n", from, executions.DescribeAdoption(adopt))
	return adopt, nil
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

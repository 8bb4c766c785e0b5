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

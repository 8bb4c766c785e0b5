package executions

import (
	"context"
	"sort"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"

	"github.com/drsorch/terraform-provider-drsorch/internal/plans"
)

// FindByName returns the ARNs of the executions named name among the
// executions of every deployed recovery plan, sorted. Execution names are
// unique per state machine only, so more than one may match.
func FindByName(ctx context.Context, api *sfn.Client, name string) ([]string, error) {
	all, err := Plans(ctx, api)
	if err != nil {
		return nil, err
	}
	var matches []string
	for _, sm := range all {
		list, err := plans.Executions(ctx, api, aws.ToString(sm.StateMachineArn), "")
		if err != nil {
			return nil, err
		}
		for _, ex := range list {
			if aws.ToString(ex.Name) == name {
				matches = append(matches, aws.ToString(ex.ExecutionArn))
			}
		}
	}
	sort.Strings(matches)
	return matches, nil
}

// Package plans finds and manages the deployed form of recovery plans: one
// Step Functions state machine per plan, named drsorch-plan-<name> and
// tagged as a drsorch plan. The provider and the CLI share it.
package plans

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	sfntypes "github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/drsorch/terraform-provider-drsorch/internal/drsapi"
)

// Naming and tagging of plan state machines.
const (
	StateMachinePrefix = "drsorch-plan-"
	TagPlan            = "drsorch:plan"
	TagManagedBy       = "drsorch:managed-by"
	TagDescription     = "drsorch:description"
	// MaxNameLength keeps drsorch-plan-<name> within Step Functions'
	// 80-character limit for state machine names.
	MaxNameLength = 80 - len(StateMachinePrefix)
)

var namePattern = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

// ValidateName reports what is wrong with a plan name, or nil.
func ValidateName(name string) error {
	switch {
	case name == "":
		return errors.New("a recovery plan name must not be empty")
	case len(name) > MaxNameLength:
		return fmt.Errorf("recovery plan name %q is %d characters long; use at most %d (the state machine is named %s<name>)", name, len(name), MaxNameLength, StateMachinePrefix)
	case !namePattern.MatchString(name):
		return fmt.Errorf("recovery plan name %q may contain only letters, digits, '-' and '_' (it names a Step Functions state machine)", name)
	}
	return nil
}

// StateMachineName is the name of plan's state machine.
func StateMachineName(plan string) string { return StateMachinePrefix + plan }

// PlanName is the plan a state machine name belongs to.
func PlanName(stateMachineName string) (string, bool) {
	return strings.CutPrefix(stateMachineName, StateMachinePrefix)
}

// ARN is the ARN of plan's state machine. An empty partition is the
// region's.
func ARN(partition, region, account, plan string) string {
	if partition == "" {
		partition = drsapi.PartitionOf(region)
	}
	return fmt.Sprintf("arn:%s:states:%s:%s:stateMachine:%s", partition, region, account, StateMachineName(plan))
}

// Find describes the state machine at arn; found is false when it does
// not exist (or is being deleted).
func Find(ctx context.Context, api *sfn.Client, arn string) (out *sfn.DescribeStateMachineOutput, found bool, err error) {
	out, err = api.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: aws.String(arn)})
	var missing *sfntypes.StateMachineDoesNotExist
	if errors.As(err, &missing) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	if out.Status == sfntypes.StateMachineStatusDeleting {
		return out, false, nil
	}
	return out, true, nil
}

// Tags reads the tags of the state machine at arn.
func Tags(ctx context.Context, api *sfn.Client, arn string) (map[string]string, error) {
	out, err := api.ListTagsForResource(ctx, &sfn.ListTagsForResourceInput{ResourceArn: aws.String(arn)})
	if err != nil {
		return nil, err
	}
	tags := map[string]string{}
	for _, t := range out.Tags {
		tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	return tags, nil
}

// SFNTags converts a map to Step Functions tags.
func SFNTags(m map[string]string) []sfntypes.Tag {
	out := make([]sfntypes.Tag, 0, len(m))
	for k, v := range m {
		out = append(out, sfntypes.Tag{Key: aws.String(k), Value: aws.String(v)})
	}
	return out
}

// Executions lists the executions of a plan with the given status (all
// statuses when status is empty), newest first, across every page.
func Executions(ctx context.Context, api *sfn.Client, arn string, status sfntypes.ExecutionStatus) ([]sfntypes.ExecutionListItem, error) {
	in := &sfn.ListExecutionsInput{StateMachineArn: aws.String(arn), MaxResults: 1000}
	if status != "" {
		in.StatusFilter = status
	}
	var all []sfntypes.ExecutionListItem
	pages := sfn.NewListExecutionsPaginator(api, in)
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		all = append(all, page.Executions...)
	}
	return all, nil
}

// Package plans finds and manages the deployed form of recovery plans: one
// Step Functions state machine per plan, named drsorch-plan-<name> and
// tagged as a drsorch plan. The provider and the CLI share it.
package plans

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
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

// KeepVersions is how many published versions of a plan's state machine
// drsorch keeps: Step Functions allows 1,000 per state machine ("Maximum
// number of published state machine versions: 1000",
// https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html),
// and a publish past it fails, so older ones are deleted after each publish.
const KeepVersions = 50

// VersionDescription describes the version an apply publishes: who
// published it and a digest of the definition it holds (at most 256
// characters, the limit of versionDescription).
func VersionDescription(publisher, definition string) string {
	sum := sha256.Sum256([]byte(definition))
	d := fmt.Sprintf("%s; definition sha256:%s", publisher, hex.EncodeToString(sum[:])[:16])
	if len(d) > 256 {
		d = d[len(d)-256:]
	}
	return d
}

// Versions lists the published versions of the state machine arn, newest
// first, across every page.
func Versions(ctx context.Context, api *sfn.Client, arn string) ([]string, error) {
	var all []string
	in := &sfn.ListStateMachineVersionsInput{StateMachineArn: aws.String(arn), MaxResults: 1000}
	for {
		page, err := api.ListStateMachineVersions(ctx, in)
		if err != nil {
			return nil, err
		}
		for _, v := range page.StateMachineVersions {
			all = append(all, aws.ToString(v.StateMachineVersionArn))
		}
		if aws.ToString(page.NextToken) == "" {
			return all, nil
		}
		in.NextToken = page.NextToken
	}
}

// PruneVersions deletes the versions of the state machine arn older than
// its newest keep, except those a running execution started on: deleting a
// version does not stop its running executions ("Deleting a state machine
// version won't terminate its in-progress executions",
// https://docs.aws.amazon.com/step-functions/latest/apireference/API_DeleteStateMachineVersion.html),
// but drsorch keeps them so that their definition stays readable by
// version while they run. A version an alias references cannot be deleted
// (ConflictException, same page): it is kept and skipped. It returns the
// versions deleted.
func PruneVersions(ctx context.Context, api *sfn.Client, arn string, keep int) ([]string, error) {
	versions, err := Versions(ctx, api, arn)
	if err != nil || len(versions) <= keep {
		return nil, err
	}
	running, err := Executions(ctx, api, arn, sfntypes.ExecutionStatusRunning)
	if err != nil {
		return nil, err
	}
	inUse := map[string]bool{}
	for _, e := range running {
		inUse[aws.ToString(e.StateMachineVersionArn)] = true
	}
	var deleted []string
	for _, v := range versions[keep:] {
		if inUse[v] {
			continue
		}
		_, err := api.DeleteStateMachineVersion(ctx, &sfn.DeleteStateMachineVersionInput{StateMachineVersionArn: aws.String(v)})
		var conflict *sfntypes.ConflictException
		switch {
		case errors.As(err, &conflict): // referenced by an alias
		case err != nil:
			return deleted, err
		default:
			deleted = append(deleted, v)
		}
	}
	return deleted, nil
}

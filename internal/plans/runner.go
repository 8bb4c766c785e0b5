package plans

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	sfntypes "github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/drsorch/terraform-provider-drsorch/internal/drsapi"
	"github.com/drsorch/terraform-provider-drsorch/internal/recoveryplan"
	"github.com/drsorch/terraform-provider-drsorch/internal/statemachine"
)

// runnerPublisher names who publishes the wave runner's versions.
const runnerPublisher = "drsorch wave runner"

// runnerVersionsRead bounds the versions EnsureRunner reads back looking
// for one that holds today's definition (newest first).
const runnerVersionsRead = 20

// EnsureRunner makes sure the shared wave runner of region and account
// (statemachine.RunnerName) holds this drsorch's definition in a published
// version, and returns that version's ARN: it creates the runner when it
// is missing, reuses the version whose description carries the same
// definition digest (VersionDescription), and otherwise updates the
// runner and publishes. roleARN is used when the runner is created; an
// existing runner keeps its role. Two applies may race: a create that
// finds the runner already there, or an update that conflicts, reads it
// again. Plans never delete the runner: other plans share it.
func EnsureRunner(ctx context.Context, api *sfn.Client, partition, region, account, roleARN string) (string, error) {
	if partition == "" {
		partition = drsapi.PartitionOf(region)
	}
	if partition != drsapi.PartitionOf(region) {
		return "", fmt.Errorf("wave runner: partition %s does not hold region %s", partition, region)
	}
	definition, err := statemachine.CompileRunner(region)
	if err != nil {
		return "", err
	}
	description := VersionDescription(runnerPublisher, definition)
	arn := statemachine.RunnerARN(region, account)
	var lastErr error
	for attempt := 0; attempt < 3; attempt++ {
		version, err := ensureRunnerOnce(ctx, api, arn, roleARN, definition, description)
		if err == nil {
			return version, nil
		}
		if !raced(err) {
			return "", fmt.Errorf("wave runner %s: %w", arn, err)
		}
		lastErr = err
	}
	return "", fmt.Errorf("wave runner %s: kept racing another apply: %w", arn, lastErr)
}

// raced tells whether err came from another writer of the runner.
func raced(err error) bool {
	var exists *sfntypes.StateMachineAlreadyExists
	var conflict *sfntypes.ConflictException
	var deleting *sfntypes.StateMachineDeleting
	return errors.As(err, &exists) || errors.As(err, &conflict) || errors.As(err, &deleting)
}

// FindRunner returns, without changing anything, the version of the wave
// runner of region and account that plans compiled by this drsorch start:
// the published version that holds its definition (published true), or,
// when there is no runner yet, version 1, which EnsureRunner's
// CreateStateMachine publishes (published false). It returns "" when a
// runner exists without this definition: the version EnsureRunner will
// publish cannot be known before (deleted versions are not reused).
func FindRunner(ctx context.Context, api *sfn.Client, region, account string) (versionARN string, published bool, err error) {
	definition, err := statemachine.CompileRunner(region)
	if err != nil {
		return "", false, err
	}
	arn := statemachine.RunnerARN(region, account)
	current, found, err := Find(ctx, api, arn)
	switch {
	case err != nil:
		return "", false, err
	case !found && current == nil:
		return arn + ":1", false, nil
	case !found: // being deleted
		return "", false, nil
	}
	v, err := matchingVersion(ctx, api, arn, definition, VersionDescription(runnerPublisher, definition))
	return v, v != "", err
}

// matchingVersion finds, among the newest versions of the runner, one
// that holds definition and carries description.
func matchingVersion(ctx context.Context, api *sfn.Client, arn, definition, description string) (string, error) {
	versions, err := Versions(ctx, api, arn)
	if err != nil {
		return "", err
	}
	for i, v := range versions {
		if i == runnerVersionsRead {
			break
		}
		out, err := api.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: aws.String(v)})
		var missing *sfntypes.StateMachineDoesNotExist
		if errors.As(err, &missing) {
			continue // deleted meanwhile
		}
		if err != nil {
			return "", err
		}
		if aws.ToString(out.Description) == description && aws.ToString(out.Definition) == definition {
			return v, nil
		}
	}
	return "", nil
}

func ensureRunnerOnce(ctx context.Context, api *sfn.Client, arn, roleARN, definition, description string) (string, error) {
	current, found, err := Find(ctx, api, arn)
	if err != nil {
		return "", err
	}
	if !found {
		if current != nil { // being deleted
			return "", &sfntypes.StateMachineDeleting{Message: aws.String("the wave runner is being deleted")}
		}
		name := arn[strings.LastIndex(arn, ":")+1:]
		var out *sfn.CreateStateMachineOutput
		err := RetryRolePropagation(ctx, roleARN, func() (err error) {
			out, err = api.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{
				Name: aws.String(name), Definition: aws.String(definition), RoleArn: aws.String(roleARN),
				Publish: true, VersionDescription: aws.String(description),
				Tags: SFNTags(map[string]string{TagManagedBy: "drsorch"}),
			})
			return err
		})
		if err != nil {
			return "", err
		}
		return aws.ToString(out.StateMachineVersionArn), nil
	}
	if v, err := matchingVersion(ctx, api, arn, definition, description); err != nil || v != "" {
		return v, err
	}
	if aws.ToString(current.Definition) == definition {
		out, err := api.PublishStateMachineVersion(ctx, &sfn.PublishStateMachineVersionInput{
			StateMachineArn: aws.String(arn), RevisionId: current.RevisionId, Description: aws.String(description)})
		if err != nil {
			return "", err
		}
		return aws.ToString(out.StateMachineVersionArn), nil
	}
	out, err := api.UpdateStateMachine(ctx, &sfn.UpdateStateMachineInput{
		StateMachineArn: aws.String(arn), Definition: aws.String(definition),
		Publish: true, VersionDescription: aws.String(description)})
	if err != nil {
		return "", err
	}
	return aws.ToString(out.StateMachineVersionArn), nil
}

// CompileWithRunner publishes the wave runner if needed (EnsureRunner) and
// compiles plan to start it: for whoever deploys a plan outside Terraform.
func CompileWithRunner(ctx context.Context, api *sfn.Client, plan recoveryplan.Plan, region, account, roleARN string) (*statemachine.Compiled, error) {
	runner, err := EnsureRunner(ctx, api, "", region, account, roleARN)
	if err != nil {
		return nil, err
	}
	return statemachine.Compile(plan, region, runner)
}

package cli

import (
	"context"
	"errors"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	sfntypes "github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/drsorch/terraform-provider-drsorch/internal/executions"
	"github.com/drsorch/terraform-provider-drsorch/internal/plans"
	"github.com/drsorch/terraform-provider-drsorch/internal/statemachine"
)

// plan is a deployed recovery plan.
type plan struct {
	Name string
	ARN  string
	View *statemachine.PlanView
}

// resolvePlan finds a deployed plan by name or state machine ARN.
func resolvePlan(ctx context.Context, s *session, ref string) (*plan, error) {
	arn := ref
	if !strings.HasPrefix(ref, "arn:") {
		if err := plans.ValidateName(ref); err != nil {
			return nil, usageError("%s", err)
		}
		all, err := executions.Plans(ctx, s.clients.SFN)
		if err != nil {
			return nil, apiError("list recovery plans", err)
		}
		arn = ""
		var names []string
		for _, sm := range all {
			name, _ := plans.PlanName(aws.ToString(sm.Name))
			names = append(names, name)
			if name == ref {
				arn = aws.ToString(sm.StateMachineArn)
			}
		}
		if arn == "" {
			return nil, notFound("no recovery plan %q is deployed in %s (deployed: %s); check the name and --region", ref, s.clients.Region, listOrNone(names))
		}
	}
	out, found, err := plans.Find(ctx, s.clients.SFN, arn)
	if err != nil {
		return nil, apiError("describe recovery plan "+ref, err)
	}
	if !found {
		return nil, notFound("recovery plan %s does not exist", ref)
	}
	view, err := statemachine.Describe(aws.ToString(out.Definition))
	if err != nil {
		return nil, notFound("%s is not a drsorch recovery plan: %v", ref, err)
	}
	name, _ := plans.PlanName(aws.ToString(out.Name))
	if view.Name != "" {
		name = view.Name
	}
	return &plan{Name: name, ARN: arn, View: view}, nil
}

// resolveExecution turns an execution ARN or name into an ARN. A bare name
// is searched among the executions of every deployed plan.
func resolveExecution(ctx context.Context, s *session, ref string) (string, error) {
	if strings.HasPrefix(ref, "arn:") {
		if !strings.Contains(ref, ":execution:") {
			return "", usageError("%s is not an execution ARN (arn:PARTITION:states:REGION:ACCOUNT:execution:STATE_MACHINE:NAME)", ref)
		}
		return ref, nil
	}
	if ref == "" {
		return "", usageError("give an execution ARN or name")
	}
	matches, err := executions.FindByName(ctx, s.clients.SFN, ref)
	if err != nil {
		return "", apiError("list the executions of the recovery plans", err)
	}
	switch len(matches) {
	case 0:
		return "", notFound("no execution named %q in any recovery plan in %s; `drsorch history` lists them", ref, s.clients.Region)
	case 1:
		return matches[0], nil
	}
	return "", usageError("%d executions are named %q; give the ARN of one: %s", len(matches), ref, strings.Join(matches, ", "))
}

// describe reads an execution, mapping "does not exist" to exit code 2.
func describe(ctx context.Context, s *session, arn string) (*executions.Execution, error) {
	e, err := executions.Describe(ctx, s.exec(), arn)
	if err != nil {
		return nil, describeError(arn, err)
	}
	return e, nil
}

func describeError(arn string, err error) error {
	var missing *sfntypes.ExecutionDoesNotExist
	var invalid *sfntypes.InvalidArn
	switch {
	case errors.As(err, &missing):
		return notFound("execution %s does not exist", arn)
	case errors.As(err, &invalid):
		return usageError("%s is not a valid execution ARN: %v", arn, err)
	}
	return apiError("describe execution "+arn, err)
}

// callerARN is who runs the command, for invokedBy and approvals.
func callerARN(ctx context.Context, s *session) (string, error) {
	out, err := s.clients.STS.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return "", apiError("identify the caller (STS GetCallerIdentity)", err)
	}
	return aws.ToString(out.Arn), nil
}

func listOrNone(xs []string) string {
	if len(xs) == 0 {
		return "none"
	}
	return strings.Join(xs, ", ")
}

// lastExecution is the newest execution of a plan, if any.
func lastExecution(ctx context.Context, s *session, planARN string) (*sfntypes.ExecutionListItem, error) {
	out, err := s.clients.SFN.ListExecutions(ctx, &sfn.ListExecutionsInput{StateMachineArn: aws.String(planARN), MaxResults: 1})
	if err != nil {
		return nil, err
	}
	if len(out.Executions) == 0 {
		return nil, nil
	}
	return &out.Executions[0], nil
}

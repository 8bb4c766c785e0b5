package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/sfn"

	"github.com/drsorch/terraform-provider-drsorch/internal/executions"
	"github.com/drsorch/terraform-provider-drsorch/internal/plans"
)

// planNameFromImportID reads a recovery plan's import ID: its name, its
// state machine ARN or the ARN of one of its versions
// (arn:<partition>:states:<region>:<account>:stateMachine:drsorch-plan-<name>[:<version>]).
// An ARN of another region than the provider's is refused: the plan
// would be looked for in the wrong place.
func planNameFromImportID(id, region string) (string, error) {
	if !strings.HasPrefix(id, "arn:") {
		return id, nil
	}
	parts := strings.Split(id, ":")
	if len(parts) < 7 || len(parts) > 8 || parts[2] != "states" || parts[5] != "stateMachine" {
		return "", fmt.Errorf("%q is not a state machine ARN: import a recovery plan by its name, its state machine ARN "+
			"(arn:<partition>:states:<region>:<account>:stateMachine:%s<name>) or a version ARN (…:<version>)", id, plans.StateMachinePrefix)
	}
	if parts[3] != region {
		return "", fmt.Errorf("%s is in %s but the provider works in %s: import with a provider (or `region`) of %s", id, parts[3], region, parts[3])
	}
	name, ok := plans.PlanName(parts[6])
	if !ok {
		return "", fmt.Errorf("state machine %s is not a drsorch recovery plan (their names start with %s)", parts[6], plans.StateMachinePrefix)
	}
	return name, nil
}

// executionARNFromImportID reads an execution's import ID: its ARN, or
// its name, looked for among the executions of every deployed plan (as
// the drsorch CLI does).
func executionARNFromImportID(ctx context.Context, api *sfn.Client, id string) (string, error) {
	if strings.HasPrefix(id, "arn:") {
		if !strings.Contains(id, ":execution:") {
			return "", fmt.Errorf("%q is not an execution ARN (arn:<partition>:states:<region>:<account>:execution:%s<plan>:<name>); give the ARN or the execution's name", id, plans.StateMachinePrefix)
		}
		return id, nil
	}
	if id == "" {
		return "", fmt.Errorf("give the execution's ARN or name")
	}
	matches, err := executions.FindByName(ctx, api, id)
	if err != nil {
		return "", fmt.Errorf("look for execution %q among the executions of the recovery plans: %w", id, err)
	}
	switch len(matches) {
	case 0:
		return "", fmt.Errorf("no execution named %q in any recovery plan in this region; `drsorch history` lists them", id)
	case 1:
		return matches[0], nil
	}
	return "", fmt.Errorf("%d executions are named %q; import one by its ARN: %s", len(matches), id, strings.Join(matches, ", "))
}

package executions

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
)

// A recovery plan's Terraform resource publishes a state machine version
// with every create and update, and runs start on the newest version's
// ARN (…:stateMachine:drsorch-plan-<name>:<N>). A start on the unqualified
// ARN right after UpdateStateMachine may still run the previous
// definition and role ("Executions that are started immediately after you
// call UpdateStateMachine might use the previous state machine definition
// and roleArn",
// https://docs.aws.amazon.com/step-functions/latest/apireference/API_UpdateStateMachine.html);
// a version is immutable, so a start on its ARN runs exactly what it holds
// (https://docs.aws.amazon.com/step-functions/latest/dg/concepts-state-machine-version.html).

// LatestVersion returns the ARN of the newest published version of the
// state machine planARN (unqualified), or "" when it has none (a plan
// deployed by a drsorch before versions). ListStateMachineVersions sorts
// "in descending order of the version creation time", so the first is the
// newest
// (https://docs.aws.amazon.com/step-functions/latest/apireference/API_ListStateMachineVersions.html).
func LatestVersion(ctx context.Context, api *sfn.Client, planARN string) (string, error) {
	out, err := api.ListStateMachineVersions(ctx, &sfn.ListStateMachineVersionsInput{
		StateMachineArn: aws.String(planARN), MaxResults: 1})
	if err != nil {
		return "", err
	}
	if len(out.StateMachineVersions) == 0 {
		return "", nil
	}
	return aws.ToString(out.StateMachineVersions[0].StateMachineVersionArn), nil
}

// splitQualifier splits a state machine ARN into the unqualified ARN and
// its qualifier (a version number or an alias name; "" when unqualified).
func splitQualifier(arn string) (unqualified, qualifier string, err error) {
	prefix, rest, ok := strings.Cut(arn, ":stateMachine:")
	if !ok || rest == "" || !strings.HasPrefix(prefix, "arn:") {
		return "", "", fmt.Errorf("%q is not a Step Functions state machine ARN (arn:<partition>:states:<region>:<account>:stateMachine:<name>)", arn)
	}
	machine, qualifier, _ := strings.Cut(rest, ":")
	return prefix + ":stateMachine:" + machine, qualifier, nil
}

// Unqualified strips a version or alias qualifier from a state machine ARN.
func Unqualified(arn string) string {
	u, _, err := splitQualifier(arn)
	if err != nil {
		return arn
	}
	return u
}

// VersionNumber is the number of a state machine version ARN (…:<N>), or
// 0 when arn is not one.
func VersionNumber(arn string) int64 {
	_, q, err := splitQualifier(arn)
	if err != nil {
		return 0
	}
	n, err := strconv.ParseInt(q, 10, 64)
	if err != nil || n < 1 {
		return 0
	}
	return n
}

// StartTarget is the ARN a run of planARN starts on: planARN itself when
// it is a version or alias ARN; otherwise the plan's newest version, or
// the unqualified ARN when the plan has no version (fallback is then
// true: the plan was deployed by an earlier drsorch, and a start right
// after an update outside Terraform may run the previous definition).
func StartTarget(ctx context.Context, api *sfn.Client, planARN string) (target string, fallback bool, err error) {
	_, qualifier, err := splitQualifier(planARN)
	if err != nil {
		return "", false, err
	}
	if qualifier != "" {
		return planARN, false, nil
	}
	latest, err := LatestVersion(ctx, api, planARN)
	if err != nil {
		return "", false, fmt.Errorf("find the newest version of %s (ListStateMachineVersions): %w", planARN, err)
	}
	if latest == "" {
		return planARN, true, nil
	}
	return latest, false, nil
}

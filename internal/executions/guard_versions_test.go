package executions_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	sfntypes "github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/drsorch/terraform-provider-drsorch/internal/executions"
	"github.com/drsorch/terraform-provider-drsorch/internal/plans"
	"github.com/drsorch/terraform-provider-drsorch/internal/recoveryplan"
	"github.com/drsorch/terraform-provider-drsorch/internal/statemachine"
)

// ranGuard reports whether a runner execution went through the start
// guard.
func versionOf(arn string) string { return arn[strings.LastIndex(arn, ":")+1:] }

func ranGuard(t *testing.T, c executions.Clients, runner string) bool {
	t.Helper()
	h, err := executions.History(context.Background(), c.SFN, runner)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range h {
		if d := e.StateEnteredEventDetails; d != nil && aws.ToString(d.Name) == statemachine.StepGuardSetup {
			return true
		}
	}
	return false
}

// A plan deployed by the drsorch before the start guard references the
// runner version of then (testdata/runner-before-guard.json, the wave
// runner compiled by that drsorch): after this drsorch publishes the
// guarded runner as a new version, the old plan still runs its own
// version, and a plan compiled now runs the guarded one.
func TestPlanOfTheRunnerBeforeTheGuardKeepsRunning(t *testing.T) {
	svc, c, ids := guardEstate(t, 2, nil)
	ctx := context.Background()
	oldPlan, oldRunner := deployPlanBeforeGuard(t, c, ids[0])
	// This drsorch deploys a plan: the runner gains the guarded version.
	newPlan := recoveryplan.Plan{Name: "after", Waves: []recoveryplan.Wave{{Name: "db", ProtectionGroup: "db", ServerIDs: []string{ids[1]}}}}
	newARN := deployScalePlan(t, c, newPlan)
	if current, published, err := plans.FindRunner(ctx, c.SFN, "us-east-1", "123456789012"); err != nil || !published || current == oldRunner {
		t.Fatalf("the guarded runner was not published as a new version: %s %v %v", current, published, err)
	}
	for _, plan := range []string{oldPlan, newARN} {
		if d := startDirectly(t, svc, c, plan); d.Status != sfntypes.ExecutionStatusSucceeded {
			t.Fatalf("plan %s: %s %s %s", plan, d.Status, aws.ToString(d.Error), aws.ToString(d.Cause))
		}
	}
	runners := runnerExecutions(t, c)
	if len(runners) != 2 {
		t.Fatalf("%d runner executions", len(runners))
	}
	guarded := 0
	for _, r := range runners {
		d, err := c.SFN.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: aws.String(r)})
		if err != nil {
			t.Fatal(err)
		}
		onOld := aws.ToString(d.StateMachineVersionArn) == oldRunner
		if g := ranGuard(t, c, r); g == onOld {
			t.Fatalf("runner %s on version %s: guard ran %v", r, aws.ToString(d.StateMachineVersionArn), g)
		} else if g {
			guarded++
		}
	}
	if guarded != 1 {
		t.Fatalf("%d runners ran the guard, want 1 (the new plan's)", guarded)
	}
}

// deployPlanBeforeGuard deploys the plan and the runner version as the
// drsorch before the start guard compiled them (spec version 1; the plan
// testdata/plan-before-guard.json has one wave "db" of server, on the
// runner testdata/runner-before-guard.json), returning the plan's ARN and
// the runner version's.
func deployPlanBeforeGuard(t *testing.T, c executions.Clients, server string) (plan, runner string) {
	t.Helper()
	ctx := context.Background()
	old, err := os.ReadFile("testdata/runner-before-guard.json")
	if err != nil {
		t.Fatal(err)
	}
	role := "arn:aws:iam::123456789012:role/drsorch"
	created, err := c.SFN.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String(statemachine.RunnerName),
		Definition: aws.String(string(old)), RoleArn: aws.String(role), Publish: true})
	if err != nil {
		t.Fatal(err)
	}
	runner = aws.ToString(created.StateMachineVersionArn)
	oldDef, err := os.ReadFile("testdata/plan-before-guard.json")
	if err != nil {
		t.Fatal(err)
	}
	def := strings.NewReplacer(`"s-00000000000000001"`, `"`+server+`"`,
		"stateMachine:drsorch-wave-runner:1", "stateMachine:drsorch-wave-runner:"+versionOf(runner)).Replace(string(oldDef))
	out, err := c.SFN.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String(plans.StateMachineName("before")),
		Definition: aws.String(def), RoleArn: aws.String(role)})
	if err != nil {
		t.Fatal(err)
	}
	return aws.ToString(out.StateMachineArn), runner
}

package executions_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"

	"github.com/drsorch/terraform-provider-drsorch/internal/executions"
	"github.com/drsorch/terraform-provider-drsorch/internal/plans"
	"github.com/drsorch/terraform-provider-drsorch/internal/recoveryplan"
)

// scratchPlans counts the scratch plans publish deployed.
var scratchPlans int

// publish deploys p as the provider does since versions: CreateStateMachine
// (or UpdateStateMachine when it exists) with publish = true. It returns
// the version ARN.
func (f *fixture) publish(t *testing.T, p recoveryplan.Plan) string {
	t.Helper()
	ctx := context.Background()
	// Compiled by deployPlan (the one place these tests compile), deployed
	// under a scratch name and read back.
	scratchPlans++
	scratch, err := f.clients.SFN.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{
		StateMachineArn: aws.String(deployPlan(t, f, fmt.Sprintf("scratch-%d", scratchPlans), p))})
	if err != nil {
		t.Fatal(err)
	}
	c := struct{ Definition string }{aws.ToString(scratch.Definition)}
	if f.planARN == "" {
		out, err := f.clients.SFN.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{
			Name: aws.String(plans.StateMachineName(p.Name)), Definition: aws.String(c.Definition),
			RoleArn: aws.String("arn:aws:iam::123456789012:role/drsorch"), Publish: true})
		if err != nil {
			t.Fatal(err)
		}
		f.planARN = aws.ToString(out.StateMachineArn)
		return aws.ToString(out.StateMachineVersionArn)
	}
	out, err := f.clients.SFN.UpdateStateMachine(ctx, &sfn.UpdateStateMachineInput{
		StateMachineArn: aws.String(f.planARN), Definition: aws.String(c.Definition), Publish: true})
	if err != nil {
		t.Fatal(err)
	}
	return aws.ToString(out.StateMachineVersionArn)
}

func (f *fixture) shop(name string, waves ...string) recoveryplan.Plan {
	p := recoveryplan.Plan{Name: name}
	for _, w := range waves {
		p.Waves = append(p.Waves, recoveryplan.Wave{Name: w, ProtectionGroup: "shop-" + w, ServerIDs: f.servers[w]})
	}
	return p
}

func waveNames(e *executions.Execution) string {
	var names []string
	for _, w := range e.Waves {
		names = append(names, w.Name)
	}
	return strings.Join(names, ",")
}

// A start right after an update runs the new definition: Start goes to the
// newest version, while a start on the unqualified ARN (what drsorch did
// before versions) still gets the previous one inside Step Functions'
// read-after-write window (the run service's clock is frozen, so the
// window stays open).
func TestStartRunsTheNewestVersionRightAfterAnUpdate(t *testing.T) {
	f := deploy(t, "other") // the estate; this test deploys its own plan
	f.planARN = ""
	v1 := f.publish(t, f.shop("shop", "db", "app"))
	v2 := f.publish(t, f.shop("shop", "db", "app", "web"))
	if executions.VersionNumber(v1) != 1 || executions.VersionNumber(v2) != 2 {
		t.Fatalf("versions %s, %s", v1, v2)
	}
	ctx := context.Background()
	latest, err := executions.LatestVersion(ctx, f.clients.SFN, f.planARN)
	if err != nil || latest != v2 {
		t.Fatalf("LatestVersion = %s, %v; want %s", latest, err, v2)
	}

	// The window is open: the unqualified ARN still runs the old plan.
	old, err := f.clients.SFN.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(f.planARN),
		Name: aws.String("unqualified"), Input: aws.String(`{"type":"DRILL"}`)})
	if err != nil {
		t.Fatal(err)
	}
	if got := waveNames(f.describe(t, aws.ToString(old.ExecutionArn))); got != "db,app" {
		t.Fatalf("the update window is not open (unqualified start ran %s): this test proves nothing", got)
	}

	warned := ""
	f.clients.Warn = func(s string) { warned = s }
	arn, err := executions.Start(ctx, f.clients, f.planARN, executions.TypeDrill, "tester", "drill-v2")
	if err != nil {
		t.Fatal(err)
	}
	want, _ := executions.ExecutionARN(f.planARN, "drill-v2")
	if arn != want {
		t.Fatalf("execution ARN %s, want %s", arn, want)
	}
	e := f.describe(t, arn)
	if got := waveNames(e); got != "db,app,web" {
		t.Fatalf("the drill ran waves %s, want db,app,web (the new definition)", got)
	}
	if e.VersionARN != v2 || e.PlanARN != f.planARN {
		t.Fatalf("version %q plan %q; want %s on %s", e.VersionARN, e.PlanARN, v2, f.planARN)
	}
	if warned != "" {
		t.Fatalf("warned although the plan has versions: %s", warned)
	}
	// Idempotent: the same name and input again is the same run.
	again, err := executions.Start(ctx, f.clients, f.planARN, executions.TypeDrill, "tester", "drill-v2")
	if err != nil || again != arn {
		t.Fatalf("second start = %s, %v; want %s", again, err, arn)
	}
}

// A version ARN given to Start is used as it is: the run is of that
// version, under the state machine's execution ARN.
func TestStartOnAVersionARN(t *testing.T) {
	f := deploy(t, "other")
	f.planARN = ""
	v1 := f.publish(t, f.shop("shop", "db"))
	f.publish(t, f.shop("shop", "db", "app"))
	arn, err := executions.Start(context.Background(), f.clients, v1, executions.TypeDrill, "tester", "pinned")
	if err != nil {
		t.Fatal(err)
	}
	if want, _ := executions.ExecutionARN(f.planARN, "pinned"); arn != want {
		t.Fatalf("execution ARN %s, want %s", arn, want)
	}
	if e := f.describe(t, arn); e.VersionARN != v1 || waveNames(e) != "db" {
		t.Fatalf("ran %s of %q; want db of %s", waveNames(e), e.VersionARN, v1)
	}
}

// A plan deployed by an earlier drsorch has no version: the start falls
// back to the unqualified ARN, says so, and the run shows no version.
func TestStartFallsBackForAPlanWithoutVersions(t *testing.T) {
	f := deploy(t, "legacy") // CreateStateMachine without publish
	var warned []string
	f.clients.Warn = func(s string) { warned = append(warned, s) }
	arn, err := executions.Start(context.Background(), f.clients, f.planARN, executions.TypeDrill, "tester", "")
	if err != nil {
		t.Fatal(err)
	}
	e := f.describe(t, arn)
	if e.VersionARN != "" || waveNames(e) != "db,app,web" || e.Plan != "legacy" {
		t.Fatalf("version %q waves %s plan %s", e.VersionARN, waveNames(e), e.Plan)
	}
	if len(warned) != 1 || !strings.Contains(warned[0], "no published version") {
		t.Fatalf("warnings %q", warned)
	}
}

func TestVersionARNParts(t *testing.T) {
	const sm = "arn:aws-us-gov:states:us-gov-west-1:123456789012:stateMachine:drsorch-plan-shop"
	for arn, want := range map[string]int64{sm: 0, sm + ":7": 7, sm + ":PROD": 0, sm + ":0": 0, "nonsense": 0} {
		if got := executions.VersionNumber(arn); got != want {
			t.Errorf("VersionNumber(%s) = %d, want %d", arn, got, want)
		}
	}
	for _, arn := range []string{sm, sm + ":7", sm + ":PROD"} {
		if got := executions.Unqualified(arn); got != sm {
			t.Errorf("Unqualified(%s) = %s", arn, got)
		}
	}
}

package plans_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"

	"github.com/drsorch/terraform-provider-drsorch/internal/plans"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/runservicetest"
	"github.com/drsorch/terraform-provider-drsorch/internal/statemachine"
)

const runnerRole = "arn:aws:iam::123456789012:role/drsorch"

// The runner is created once by racing applies, reused while its
// definition holds, and updated and published when an earlier drsorch
// left another definition.
func TestEnsureRunnerCreatesReusesAndUpdates(t *testing.T) {
	svc := runservicetest.Start(t, runservice.Config{})
	api := sfn.NewFromConfig(svc.AWSConfig("us-east-1"))
	ctx := context.Background()
	// Before any apply: version 1, which the first apply publishes.
	first, published, err := plans.FindRunner(ctx, api, "us-east-1", "123456789012")
	if err != nil || published || first != statemachine.RunnerARN("us-east-1", "123456789012")+":1" {
		t.Fatalf("FindRunner before any apply = %q, %v, %v", first, published, err)
	}
	// Two applies at once: both get a version holding today's definition.
	versions := make([]string, 4)
	var wg sync.WaitGroup
	for i := range versions {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v, err := plans.EnsureRunner(ctx, api, "", "us-east-1", "123456789012", runnerRole)
			if err != nil {
				t.Error(err)
			}
			versions[i] = v
		}()
	}
	wg.Wait()
	want, err := statemachine.CompileRunner("us-east-1")
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range versions {
		if !strings.HasPrefix(v, statemachine.RunnerARN("us-east-1", "123456789012")+":") {
			t.Fatalf("version %q", v)
		}
		out, err := api.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: aws.String(v)})
		if err != nil || aws.ToString(out.Definition) != want || !strings.Contains(aws.ToString(out.Description), "definition sha256:") {
			t.Fatalf("version %s: %v", v, err)
		}
	}
	// Reused: no new version while the definition holds.
	again, err := plans.EnsureRunner(ctx, api, "", "us-east-1", "123456789012", runnerRole)
	if err != nil {
		t.Fatal(err)
	}
	found, published, err := plans.FindRunner(ctx, api, "us-east-1", "123456789012")
	if err != nil || !published || found != again || again != first {
		t.Fatalf("FindRunner = %q, %v, %v; EnsureRunner = %q; predicted %q", found, published, err, again, first)
	}
	before, err := plans.Versions(ctx, api, statemachine.RunnerARN("us-east-1", "123456789012"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := plans.EnsureRunner(ctx, api, "", "us-east-1", "123456789012", runnerRole); err != nil {
		t.Fatal(err)
	}
	after, _ := plans.Versions(ctx, api, statemachine.RunnerARN("us-east-1", "123456789012"))
	if len(after) != len(before) {
		t.Fatalf("%d versions, then %d: a runner holding the definition is republished", len(before), len(after))
	}
	// Another drsorch (older or newer) changed the runner since: the
	// version holding this one's definition is still there, and used.
	arn := statemachine.RunnerARN("us-east-1", "123456789012")
	other := strings.Replace(want, "drsorch wave runner", "drsorch wave runner (another drsorch)", 1)
	if _, err := api.UpdateStateMachine(ctx, &sfn.UpdateStateMachineInput{StateMachineArn: aws.String(arn),
		Definition: aws.String(other), Publish: true, VersionDescription: aws.String("another drsorch")}); err != nil {
		t.Fatal(err)
	}
	if v, err := plans.EnsureRunner(ctx, api, "", "us-east-1", "123456789012", runnerRole); err != nil || v != again {
		t.Fatalf("EnsureRunner = %q, %v; want the version %s", v, err, again)
	}
	// A runner an earlier drsorch deployed, without this definition in any
	// version: updated and published.
	west := sfn.NewFromConfig(svc.AWSConfig("us-west-2"))
	if _, err := west.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String(statemachine.RunnerName),
		Definition: aws.String(other), RoleArn: aws.String(runnerRole), Publish: true}); err != nil {
		t.Fatal(err)
	}
	wantWest, _ := statemachine.CompileRunner("us-west-2")
	newest, err := plans.EnsureRunner(ctx, west, "", "us-west-2", "123456789012", runnerRole)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range []string{newest, statemachine.RunnerARN("us-west-2", "123456789012")} {
		out, err := west.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: aws.String(a)})
		if err != nil || aws.ToString(out.Definition) != wantWest {
			t.Fatalf("%s holds another definition (%v)", a, err)
		}
	}
	if _, err := plans.EnsureRunner(ctx, api, "aws-us-gov", "us-east-1", "123456789012", runnerRole); err == nil {
		t.Fatal("a runner in a partition that does not hold the region")
	}
}

package provider

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/smithy-go/middleware"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/drsorch/terraform-provider-drsorch/internal/acctest"
	"github.com/drsorch/terraform-provider-drsorch/internal/executions"
	"github.com/drsorch/terraform-provider-drsorch/internal/plans"
	"github.com/drsorch/terraform-provider-drsorch/internal/recoveryplan"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/runservicetest"
)

// The listing of a real drill is checked in TestAccExecutionDataSources;
// these are the refusals.
func TestAccExecutionsBadInputs(t *testing.T) {
	env := acctest.Start(t)
	var steps []resource.TestStep
	for _, tc := range []struct{ body, err string }{
		{`plan = "nosuch"`, `(?s)Recovery plan not found.*no recovery plan "nosuch"`},
		{`plan = "no such"`, `(?s)Invalid recovery plan name.*may contain only letters`},
		{`statuses = ["PAUSED"]`, `(?s)Invalid Attribute Value Match.*statuses.*must be one of`},
		{`statuses = []`, `(?s)statuses.*at least 1`},
		{`started_after = "yesterday"`, `(?s)Invalid RFC 3339 time.*started_after.*"yesterday" is not an RFC 3339 time`},
		{`started_before = "2026-01-05 09:00"`, `(?s)Invalid RFC 3339 time.*started_before`},
		{"started_after = \"2026-01-05T10:00:00Z\"\nstarted_before = \"2026-01-05T09:00:00Z\"", `(?s)Empty time range.*started_before \(2026-01-05T09:00:00Z\) must be later than started_after`},
	} {
		steps = append(steps, resource.TestStep{
			Config:      env.ProviderConfig() + "data \"drsorch_executions\" \"x\" {\n" + tc.body + "\n}\n",
			ExpectError: errorPattern(tc.err),
		})
	}
	// No plans deployed: an empty trail, not an error.
	steps = append(steps, resource.TestStep{
		Config: env.ProviderConfig() + `data "drsorch_executions" "all" {}`,
		Check:  resource.TestCheckResourceAttr("data.drsorch_executions.all", "executions.#", "0"),
	})
	resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: testFactories, Steps: steps})
}

func TestCheckRFC3339(t *testing.T) {
	for s, ok := range map[string]bool{"2026-01-05T09:00:00Z": true, "2026-01-05T10:00:00+01:00": true, "2026-01-05": false, "": false} {
		if err := checkRFC3339(s); (err == nil) != ok {
			t.Errorf("checkRFC3339(%q) = %v, want ok=%v", s, err, ok)
		}
	}
}

// BenchmarkExecutionsAuditTrail lists a plan's 300 executions with their
// inputs, as drsorch_executions does, and reports the Step Functions calls
// per listing (one ListExecutions page plus one DescribeExecution each).
func BenchmarkExecutionsAuditTrail(b *testing.B) {
	const runs = 300
	ctx := context.Background()
	svc := runservicetest.Start(b, runservice.Config{})
	var calls atomic.Int64
	api := sfn.NewFromConfig(svc.AWSConfig("us-east-1"), func(o *sfn.Options) {
		o.APIOptions = append(o.APIOptions, func(s *middleware.Stack) error {
			return s.Initialize.Add(middleware.InitializeMiddlewareFunc("count", func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
				calls.Add(1)
				return next.HandleInitialize(ctx, in)
			}), middleware.Before)
		})
	})
	compiled, err := plans.CompileWithRunner(ctx, api, recoveryplan.Plan{Name: "bench", Waves: []recoveryplan.Wave{
		{Name: "all", ProtectionGroup: "g", ServerIDs: []string{"s-00000000000000001"}}}}, "us-east-1", "123456789012", "arn:aws:iam::123456789012:role/drsorch")
	if err != nil {
		b.Fatal(err)
	}
	sm, err := api.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String(plans.StateMachineName("bench")),
		RoleArn: aws.String("arn:aws:iam::123456789012:role/drsorch"), Definition: aws.String(compiled.Definition)})
	if err != nil {
		b.Fatal(err)
	}
	for i := range runs {
		// Input without a valid type: each run fails at once, so the
		// executions exist without recovering anything.
		if _, err := api.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: sm.StateMachineArn,
			Name: aws.String(fmt.Sprintf("run-%03d", i)), Input: aws.String(`{"type":"NONE","invokedBy":"bench"}`)}); err != nil {
			b.Fatal(err)
		}
	}
	if err := svc.App.SFN.Engine().Settle(ctx); err != nil {
		b.Fatal(err)
	}
	machines := map[string]string{"bench": aws.ToString(sm.StateMachineArn)}
	calls.Store(0)
	b.ResetTimer()
	for b.Loop() {
		items, err := executions.List(ctx, api, machines, executions.Filter{})
		if err != nil {
			b.Fatal(err)
		}
		if len(items) != runs || items[0].InvokedBy != "bench" {
			b.Fatalf("listed %d executions (first %+v), want %d", len(items), items[0], runs)
		}
	}
	b.ReportMetric(float64(calls.Load())/float64(b.N), "calls/op")
}

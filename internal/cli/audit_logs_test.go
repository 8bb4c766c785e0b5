package cli_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/sfn"

	"github.com/drsorch/terraform-provider-drsorch/internal/awsclient"
	"github.com/drsorch/terraform-provider-drsorch/internal/cli"
	"github.com/drsorch/terraform-provider-drsorch/internal/plans"
)

// deployLogged deploys the shop plan as the provider does: logging every
// event with execution data to the plan's log group.
func (h *harness) deployLogged(t *testing.T, name string) string {
	t.Helper()
	ctx := context.Background()
	cfg := h.svc.AWSConfig("us-east-1")
	cfg.HTTPClient = awsclient.NewHTTPClient()
	logs := cloudwatchlogs.NewFromConfig(cfg)
	if _, err := logs.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String(plans.LogGroupName(name))}); err != nil {
		t.Fatal(err)
	}
	if _, err := logs.PutRetentionPolicy(ctx, &cloudwatchlogs.PutRetentionPolicyInput{LogGroupName: aws.String(plans.LogGroupName(name)),
		RetentionInDays: aws.Int32(plans.DefaultLogRetentionDays)}); err != nil {
		t.Fatal(err)
	}
	arn := h.deployShop(t, name, true)
	if _, err := h.sfn.UpdateStateMachine(ctx, &sfn.UpdateStateMachineInput{StateMachineArn: aws.String(arn),
		LoggingConfiguration: plans.LoggingConfiguration(plans.LogGroupARN("aws", "us-east-1", "123456789012", name))}); err != nil {
		t.Fatal(err)
	}
	return arn
}

// History and status outlive the plan and Step Functions' 90 days: they
// are read back from the plan's log group, approver included.
func TestHistoryAndStatusOutliveThePlanAndNinetyDays(t *testing.T) {
	h := newHarness(t)
	planARN := h.deployLogged(t, "shop")
	h.drive("DescribeExecution")
	h.mustRun(t, 0, "", "start", "shop", "--drill", "--wait", "paused", "--name", "d")
	h.drive("")
	h.mustRun(t, 0, "", "resume", "d", "--wave", "web", "--reason", "CHG-1234")
	h.drive("DescribeExecution")
	h.mustRun(t, 0, "", "status", "d", "--watch")
	h.drive("")
	const caller = "arn:aws:iam::123456789012:user/drsorch-local"
	arn := "arn:aws:states:us-east-1:123456789012:execution:drsorch-plan-shop:d"

	check := func(when string) {
		t.Helper()
		r := h.mustRun(t, 0, "", "history", "shop")
		if !strings.Contains(r.stdout, " d ") || !strings.Contains(r.stdout, "SUCCEEDED") || !strings.Contains(r.stdout, "web by "+caller) {
			t.Fatalf("%s: history: %s", when, r)
		}
		rows := decode[[]cli.HistoryJSON](t, h.mustRun(t, 0, "", "history", "shop", "--json"))
		if len(rows) != 1 || rows[0].ARN != arn || rows[0].Type != "DRILL" || rows[0].InvokedBy != caller || rows[0].Status != "SUCCEEDED" ||
			len(rows[0].Approvals) != 1 || rows[0].Approvals[0].ApprovedBy != caller || rows[0].Approvals[0].Reason != "CHG-1234" {
			t.Fatalf("%s: history --json = %+v", when, rows)
		}
		for _, ref := range []string{"d", arn} {
			e := decode[cli.ExecutionJSON](t, h.mustRun(t, 0, "", "status", ref, "--json"))
			if e.Status != "SUCCEEDED" || e.Plan != "shop" || e.Type != "DRILL" || e.InvokedBy != caller || len(e.Waves) != 3 ||
				e.Waves[2].Name != "web" || e.Waves[2].Status != "RECOVERED" || e.Waves[2].Approval == nil || e.Waves[2].Approval.ApprovedBy != caller {
				t.Fatalf("%s: status %s --json = %+v", when, ref, e)
			}
		}
		if r := h.mustRun(t, 0, "", "status", "d"); !strings.Contains(r.stdout, "Approved by "+caller) {
			t.Fatalf("%s: status: %s", when, r)
		}
	}

	if _, err := h.sfn.DeleteStateMachine(context.Background(), &sfn.DeleteStateMachineInput{StateMachineArn: aws.String(planARN)}); err != nil {
		t.Fatal(err)
	}
	check("after the plan was destroyed")

	h.svc.App.Clock.Advance(91 * 24 * time.Hour)
	if err := h.svc.App.SFN.Engine().Settle(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := h.sfn.DescribeExecution(context.Background(), &sfn.DescribeExecutionInput{ExecutionArn: aws.String(arn)}); err == nil {
		t.Fatal("Step Functions still knows the execution after 91 days")
	}
	check("after 91 days")
}

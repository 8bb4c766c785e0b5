package cli_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	sfntypes "github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/drssim"
	"github.com/drsorch/terraform-provider-drsorch/internal/statemachine"
)

// A drill whose DRS reads failed past their budget left its db job running;
// `start --adopt-jobs-from` runs the plan again following that job: the
// db wave follows that job to the end, and no second db job is made.
func TestStartAdoptsJobsOfAReadFailure(t *testing.T) {
	h := newHarness(t)
	h.deployShop(t, "shop", true)
	h.mustRun(t, 0, "", "start", "shop", "--drill", "--name", "broken")
	arn := "arn:aws:states:us-east-1:123456789012:execution:drsorch-plan-shop:broken"
	ctx := context.Background()
	status := func() *sfn.DescribeExecutionOutput {
		d, err := h.sfn.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: aws.String(arn)})
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	h.svc.Drive(t, 50, func() bool { return h.svc.App.DRS.Stats()["StartRecovery"] > 0 })
	if err := h.svc.App.DRS.SetFaults(estate, drssim.Faults{ThrottlePercent: 100}); err != nil {
		t.Fatal(err)
	}
	h.svc.Drive(t, 300, func() bool { return status().Status != sfntypes.ExecutionStatusRunning })
	if d := status(); aws.ToString(d.Error) != statemachine.ErrWaveReadFailed {
		t.Fatalf("broken drill ended %s %s", d.Status, aws.ToString(d.Error))
	}
	if err := h.svc.App.DRS.SetFaults(estate, drssim.Faults{}); err != nil {
		t.Fatal(err)
	}

	h.svc.App.DRS.ResetStats()
	h.drive("DescribeExecution")
	r := h.mustRun(t, 0, "", "start", "shop", "--drill", "--adopt-jobs-from", "broken", "--wait", "paused", "--name", "retry")
	h.drive("")
	if !strings.Contains(r.stderr, "Adopting DRS jobs of broken: db adopts drsjob-") || !strings.Contains(r.stdout, "PAUSED before wave web") {
		t.Fatalf("adopting start: %s", r)
	}
	if got := h.svc.App.DRS.Stats()["StartRecovery"]; got != 1 {
		t.Fatalf("the adopting run sent StartRecovery %d times, want once (app)", got)
	}
	h.mustRun(t, 3, "", "start", "shop", "--recovery", "--yes", "--adopt-jobs-from", "broken")
}

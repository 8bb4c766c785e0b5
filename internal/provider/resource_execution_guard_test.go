package provider

import (
	"context"
	"fmt"
	"regexp"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	sfntypes "github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/drsorch/terraform-provider-drsorch/internal/executions"
)

// `count = var.disaster ? 1 : 0` going back to 0 while the RECOVERY waits
// at a pause gate used to abort it, with only `status = "RUNNING" -> null`
// in the plan. Now the plan fails naming the run, which keeps running;
// once allow_abort_running_recovery is applied, destroy stops it.
func TestAccExecutionGuardedDestroyOfRunningRecovery(t *testing.T) {
	env := startRunning(t)
	var arn string
	status := func(want sfntypes.ExecutionStatus) resource.TestCheckFunc {
		return func(*terraform.State) error {
			out, err := sfnClient(env).DescribeExecution(context.Background(), &sfn.DescribeExecutionInput{ExecutionArn: aws.String(arn)})
			if err != nil || out.Status != want {
				return fmt.Errorf("execution %s: %v (%v), want %s", arn, out.Status, err, want)
			}
			return nil
		}
	}
	cfg := func(allow string) string {
		return env.ProviderConfig(testRole) + threeTierPlan("") + `
variable "disaster" { type = bool }
resource "drsorch_execution" "recovery" {
  count            = var.disaster ? 1 : 0
  recovery_plan    = drsorch_recovery_plan.shop.id
  type             = "RECOVERY"
  confirm_recovery = true
  wait_until       = "paused"
` + allow + `
}
`
	}
	disaster := func(on bool) config.Variables { return config.Variables{"disaster": config.BoolVariable(on)} }
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		CheckDestroy:             status(sfntypes.ExecutionStatusAborted),
		Steps: []resource.TestStep{
			{
				Config: cfg(""), ConfigVariables: disaster(true),
				Check: resource.ComposeAggregateTestCheckFunc(
					func(s *terraform.State) error {
						arn = s.RootModule().Resources["drsorch_execution.recovery.0"].Primary.ID
						return nil
					},
					resource.TestCheckResourceAttr("drsorch_execution.recovery.0", "paused_before", "web"),
					resource.TestCheckResourceAttr("drsorch_execution.recovery.0", "allow_abort_running_recovery", "false"),
				),
			},
			{
				Config: cfg(""), ConfigVariables: disaster(false),
				ExpectError: regexp.MustCompile(`(?s)Refusing to abort a running RECOVERY.*PAUSED before wave web.*drsorch cancel.*allow_abort_running_recovery = true`),
			},
			{
				// The refused plan changed nothing: the run still waits.
				Config: cfg("  allow_abort_running_recovery = true"), ConfigVariables: disaster(true),
				Check: resource.ComposeAggregateTestCheckFunc(
					status(sfntypes.ExecutionStatusRunning),
					resource.TestCheckResourceAttr("drsorch_execution.recovery.0", "paused_before", "web"),
					resource.TestCheckResourceAttr("drsorch_execution.recovery.0", "allow_abort_running_recovery", "true"),
				),
			},
			{
				Config: cfg("  allow_abort_running_recovery = true"), ConfigVariables: disaster(false),
				Check: status(sfntypes.ExecutionStatusAborted),
			},
		},
	})
}

// A replacement (recovery_plan or type changed) of a running RECOVERY is
// refused too unless the new configuration or the state opts in; a drill
// and an ended recovery are never held back. Delete's backstop reads the
// run itself.
func TestGuardDestroyOfRunningRecovery(t *testing.T) {
	state := executionModel{Type: types.StringValue("RECOVERY"), Status: types.StringValue("RUNNING"),
		RecoveryPlan: types.StringValue("shop"), Name: types.StringValue("recovery-1"), Phase: types.StringValue("RUNNING wave db"),
		AllowAbortRunningRecovery: types.BoolValue(false)}
	with := func(m executionModel, f func(*executionModel)) executionModel { f(&m); return m }
	for _, tc := range []struct {
		name    string
		state   executionModel
		plan    *executionModel
		refused bool
	}{
		{"destroy", state, nil, true},
		{"destroy, opted in", with(state, func(m *executionModel) { m.AllowAbortRunningRecovery = types.BoolValue(true) }), nil, false},
		{"destroy of a drill", with(state, func(m *executionModel) { m.Type = types.StringValue("DRILL") }), nil, false},
		{"destroy of an ended recovery", with(state, func(m *executionModel) { m.Status = types.StringValue("SUCCEEDED") }), nil, false},
		{"update in place", state, &state, false},
		{"replace", state, ptr(with(state, func(m *executionModel) { m.RecoveryPlan = types.StringValue("other") })), true},
		{"replace, opted in by the new configuration", state, ptr(with(state, func(m *executionModel) {
			m.Type = types.StringValue("DRILL")
			m.AllowAbortRunningRecovery = types.BoolValue(true)
		})), false},
	} {
		var diags diag.Diagnostics
		guardDestroyPlan(tc.state, tc.plan, &diags)
		if diags.HasError() != tc.refused {
			t.Errorf("%s: refused=%v, want %v (%v)", tc.name, diags.HasError(), tc.refused, diags)
		}
	}
	var diags diag.Diagnostics
	running := &executions.Execution{Type: "RECOVERY", Status: sfntypes.ExecutionStatusRunning, Name: "recovery-1", ARN: "arn:x"}
	if guardDestroy(state, running, &diags) || !diags.HasError() {
		t.Errorf("Delete's backstop let a running recovery be aborted")
	}
	running.Type = "DRILL"
	if !guardDestroy(state, running, &diags) {
		t.Errorf("Delete's backstop held back a drill")
	}
}

func ptr[T any](v T) *T { return &v }

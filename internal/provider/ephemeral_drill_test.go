package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/echoprovider"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
)

// The ephemeral drill is handed to the echo provider, which keeps what it
// receives in state where the test can look at it.
func TestAccDrillEphemeral(t *testing.T) {
	env := startRunning(t)
	factories := map[string]func() (tfprotov6.ProviderServer, error){"echo": echoprovider.NewProviderServer()}
	for k, v := range testFactories {
		factories[k] = v
	}
	groupsAndPlan := env.ProviderConfig(testRole) + threeTierPlan("")
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_10_0)},
		ProtoV6ProviderFactories: factories,
		Steps: []resource.TestStep{
			{Config: groupsAndPlan},
			{
				Config: groupsAndPlan + `
ephemeral "drsorch_drill" "check" {
  recovery_plan = drsorch_recovery_plan.shop.id
  launch        = true
  timeout       = "30m"
}
provider "echo" {
  data = ephemeral.drsorch_drill.check
}
resource "echo" "drill" {}
`,
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("echo.drill", "data.status", "SUCCEEDED"),
					resource.TestCheckResourceAttr("echo.drill", "data.instances.#", "9"),
					resource.TestCheckResourceAttr("echo.drill", "data.instances.8.wave", "web"),
					resource.TestMatchResourceAttr("echo.drill", "data.instances.0.ec2_instance_id", regexp.MustCompile(`^i-[0-9a-f]+$`)),
					resource.TestCheckResourceAttr("echo.drill", "data.instances.0.ec2_instance_state", "RUNNING"),
					resource.TestCheckNoResourceAttr("echo.drill", "data.instances.0.recovery_snapshot_id"),
					// Close ran once the apply finished with the value.
					func(*terraform.State) error {
						live, err := liveInstances(env)
						if err != nil || len(live) != 0 {
							return fmt.Errorf("%d drill instances left after close (%v)", len(live), err)
						}
						return nil
					},
				),
			},
		},
	})
}

// drillPhasesHCL deploys the shop plan and, with drill = true, opens a
// drill whose instances a precondition checks.
func drillPhasesHCL(launch string) string {
	return `
terraform {
  required_providers {
    drsorch = { source = "drsorch/drsorch" }
  }
}
provider "drsorch" {
  ` + testRole + `
}
variable "drill" {
  type    = bool
  default = false
}
` + threeTierPlan("") + `
ephemeral "drsorch_drill" "ci" {
  count         = var.drill ? 1 : 0
  recovery_plan = drsorch_recovery_plan.shop.id
  ` + launch + `
}
resource "terraform_data" "verified" {
  count = var.drill ? 1 : 0
  lifecycle {
    precondition {
      condition     = length(ephemeral.drsorch_drill.ci[0].instances) == drsorch_recovery_plan.shop.server_count
      error_message = "The drill did not recover every server."
    }
  }
}
`
}

// terraform plan opens the ephemeral drill but launches nothing; the
// apply launches exactly one drill, and the plan's checks on its results
// wait for it. Unset, launch warns and launches nothing. Counted at the
// run service's front door (StartExecution).
func TestAccDrillLaunchesOnlyWhenAsked(t *testing.T) {
	env := startRunning(t)
	front := env.Service.Front(t)
	t.Setenv("DRSORCH_RUN_SERVICE_ENDPOINT", front.URL)
	t.Setenv("AWS_REGION", env.Region)
	tf := newTerraformCLI(t, map[string]string{"main.tf": drillPhasesHCL("launch = terraform.applying")})
	tf.must("apply", "-auto-approve", "-input=false", "-no-color")

	out := tf.must("plan", "-input=false", "-no-color", "-var", "drill=true")
	if n := front.Calls("StartExecution"); n != 0 {
		t.Fatalf("terraform plan launched %d drills:\n%s", n, out)
	}
	out = tf.must("apply", "-auto-approve", "-input=false", "-no-color", "-var", "drill=true")
	if n := front.Calls("StartExecution"); n != 1 {
		t.Fatalf("terraform apply started %d executions, want one drill:\n%s", n, out)
	}
	if live, err := liveInstances(env); err != nil || len(live) != 0 {
		t.Fatalf("%d drill instances left after the apply closed the drill (%v)", len(live), err)
	}

	// Without launch: a warning that says how to ask, and no drill.
	tf.write("main.tf", drillPhasesHCL(""))
	out = tf.must("plan", "-input=false", "-no-color", "-var", "drill=true")
	if n := front.Calls("StartExecution"); n != 1 {
		t.Fatalf("plan without launch started a drill (%d executions)", n)
	}
	if flat := strings.Join(strings.Fields(out), " "); !strings.Contains(flat, "Drill not launched") || !strings.Contains(flat, "launch = terraform.applying") {
		t.Fatalf("plan without launch does not say how to launch:\n%s", out)
	}
}

package provider

import (
	"fmt"
	"regexp"
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

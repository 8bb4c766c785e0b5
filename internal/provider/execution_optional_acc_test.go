package provider

import (
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/drssim"
)

// An optional wave that fails does not stop the drill: web still runs,
// and the run ends SUCCEEDED with phase PARTIAL.
func TestAccExecutionOptionalWaveEndsPartial(t *testing.T) {
	env := startRunning(t)
	ids, _ := demoServers(t, env)
	if err := env.Service.App.DRS.SetFailLaunch(drssim.Estate{Account: "123456789012", Region: env.Region}, true, ids["shop-app-2"]); err != nil {
		t.Fatal(err)
	}
	config := strings.Replace(drillConfig(env, `
resource "drsorch_execution" "drill" {
  recovery_plan  = drsorch_recovery_plan.shop.id
  type           = "DRILL"
  approved_waves = ["web"]
}
`), "protection_group = drsorch_protection_group.app.id", "protection_group = drsorch_protection_group.app.id\n    optional         = true", 1)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{
			{
				Config: config,
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("drsorch_recovery_plan.shop", "wave.1.optional", "true"),
					resource.TestCheckResourceAttr("drsorch_execution.drill", "status", "SUCCEEDED"),
					resource.TestCheckResourceAttr("drsorch_execution.drill", "phase", "PARTIAL: optional wave app failed"),
					resource.TestCheckResourceAttr("drsorch_execution.drill", "waves.1.status", "FAILED"),
					resource.TestCheckResourceAttr("drsorch_execution.drill", "waves.2.status", "RECOVERED"),
				),
			},
			{Config: config, PlanOnly: true},
		},
	})
}

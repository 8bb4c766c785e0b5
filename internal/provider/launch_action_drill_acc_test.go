package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/ssmsim"
)

// A launch action managed by Terraform runs in a drill: DRS runs it
// through SSM on the recovery instance after launch. When an action that
// must succeed fails, the server's launch FAILED, the wave fails, and the
// execution data source shows the run, its SSM failure and DRS's
// LAUNCH_FAILED error naming the action.
func TestAccDrillWithFailingMustSucceedLaunchAction(t *testing.T) {
	env := startRunning(t)
	ids, _ := demoServers(t, env)
	server := ids["shop-app-2"]
	config := env.ProviderConfig(testRole) + threeTierPlan("") + fmt.Sprintf(`
resource "drsorch_launch_settings" "app2" {
  source_server_id    = %[1]q
  post_launch_enabled = true
}

resource "drsorch_launch_action" "warm" {
  resource_id = %[1]q
  action_code = "AWS-RunShellScript"
  name        = "warm cache"
  order       = 5
  parameters = {
    commands = { value = "shop.warm-cache", type = "SSM_STORE" }
  }
}

resource "drsorch_launch_action" "smoke" {
  resource_id = %[1]q
  action_code = "Shop-SmokeTest"
  name        = "smoke test"
  order       = 10
  optional    = false
  category    = "VALIDATION"
}
`, server)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig: func() {
					env.Service.App.SSM.SetRules([]ssmsim.Rule{{Document: "Shop-SmokeTest", SourceServerID: server, Status: "Failed", Error: "checkout answered HTTP 500"}})
					startDrill(t, env, "smoke")
				},
				Config: config + `
data "drsorch_execution" "smoke" {
  plan = "shop"
  name = "smoke"
}
`,
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("data.drsorch_execution.smoke", "status", "FAILED"),
					resource.TestCheckResourceAttr("data.drsorch_execution.smoke", "waves.1.status", "FAILED"),
					resource.TestCheckTypeSetElemNestedAttrs("data.drsorch_execution.smoke", "waves.1.servers.*", map[string]string{
						"source_server_id":              server,
						"launch_status":                 "FAILED",
						"launch_actions.#":              "2",
						"launch_actions.0.name":         "warm cache",
						"launch_actions.0.must_succeed": "false",
						"launch_actions.0.status":       "SUCCEEDED",
						"launch_actions.1.name":         "smoke test",
						"launch_actions.1.document":     "Shop-SmokeTest",
						"launch_actions.1.order":        "10",
						"launch_actions.1.must_succeed": "true",
						"launch_actions.1.status":       "FAILED",
					}),
					resource.TestMatchTypeSetElemNestedAttrs("data.drsorch_execution.smoke", "waves.1.servers.*", map[string]*regexp.Regexp{
						"source_server_id":                regexp.MustCompile("^" + server + "$"),
						"launch_actions.1.failure_reason": regexp.MustCompile(`^SSM automation execution [0-9a-f-]{36}: Failed: checkout answered HTTP 500$`),
						"launch_error":                    regexp.MustCompile(`^LAUNCH_FAILED: post-launch action "smoke test" \(order 10, Shop-SmokeTest\) must succeed and failed: SSM automation execution`),
					}),
					resource.TestCheckResourceAttr("data.drsorch_execution.smoke", "waves.0.servers.0.launch_actions.#", "0"),
				),
			},
		},
	})
}

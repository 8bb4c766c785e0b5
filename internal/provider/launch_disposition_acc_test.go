package provider

import (
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	drstypes "github.com/aws/aws-sdk-go-v2/service/drs/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
)

// A server whose launch settings say STOPPED gets a stopped recovery
// instance; the wave runner expects exactly that for it, and RUNNING for
// the other servers of the same wave, so the drill succeeds.
func TestAccExecutionLaunchDispositionStopped(t *testing.T) {
	env := startRunning(t)
	ids, _ := demoServers(t, env)
	stopped, running := ids["shop-app-2"], ids["shop-app-1"]
	config := drillConfig(env, fmt.Sprintf(`
resource "drsorch_launch_settings" "app2" {
  source_server_id   = %q
  launch_disposition = "STOPPED"
}

resource "drsorch_execution" "drill" {
  recovery_plan  = drsorch_recovery_plan.shop.id
  type           = "DRILL"
  approved_waves = ["web"]
  depends_on     = [drsorch_launch_settings.app2]
}
`, stopped))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{{
			Config: config,
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr("drsorch_execution.drill", "status", "SUCCEEDED"),
				resource.TestCheckResourceAttr("drsorch_execution.drill", "waves.1.status", "RECOVERED"),
				func(*terraform.State) error {
					live, err := liveInstances(env)
					if err != nil {
						return err
					}
					want := map[string]drstypes.EC2InstanceState{stopped: drstypes.EC2InstanceStateStopped, running: drstypes.EC2InstanceStateRunning}
					for _, ri := range live {
						id := aws.ToString(ri.SourceServerID)
						if w, ok := want[id]; ok {
							if ri.Ec2InstanceState != w {
								return fmt.Errorf("the instance of %s is %s, want %s", id, ri.Ec2InstanceState, w)
							}
							delete(want, id)
						}
					}
					if len(want) != 0 {
						return fmt.Errorf("no recovery instance for %v", want)
					}
					return nil
				},
			),
		}},
	})
}

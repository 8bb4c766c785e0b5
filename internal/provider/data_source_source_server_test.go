package provider

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/drsorch/terraform-provider-drsorch/internal/acctest"
)

func TestAccSourceServerDetail(t *testing.T) {
	env := acctest.Start(t)
	const one = "data.drsorch_source_server.db1"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{{
			Config: env.ProviderConfig() + `
data "drsorch_source_servers" "db1" {
  hostname_regex = "^shop-db-1$"
}
data "drsorch_source_server" "db1" {
  id = data.drsorch_source_servers.db1.server_ids[0]
}
data "drsorch_source_servers" "edge" {
  regions        = ["us-west-2"]
  hostname_regex = "^edge-cache-1$"
}
data "drsorch_source_server" "edge" {
  id     = data.drsorch_source_servers.edge.server_ids[0]
  region = "us-west-2"
}`,
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttrPair(one, "id", "data.drsorch_source_servers.db1", "server_ids.0"),
				resource.TestCheckResourceAttr(one, "hostname", "shop-db-1"),
				resource.TestCheckResourceAttr(one, "region", "us-east-1"),
				resource.TestCheckResourceAttr(one, "tags.app", "shop"),
				resource.TestCheckResourceAttr(one, "recommended_instance_type", "r5.xlarge"),
				resource.TestCheckResourceAttr(one, "disks.#", "2"),
				resource.TestCheckResourceAttr(one, "disks.0.device_name", "/dev/sda1"),
				resource.TestCheckResourceAttr(one, "disks.0.bytes", "53687091200"),
				resource.TestCheckResourceAttr(one, "disks.1.bytes", "536870912000"),
				resource.TestCheckResourceAttr(one, "replication.state", "CONTINUOUS"),
				resource.TestCheckResourceAttr(one, "ready_for_recovery", "true"),
				resource.TestCheckResourceAttr(one, "launch.last_result", "NOT_STARTED"),
				resource.TestMatchResourceAttr(one, "launch.launch_disposition", regexp.MustCompile(`^(STARTED|STOPPED)$`)),
				resource.TestMatchResourceAttr(one, "launch.right_sizing_method", regexp.MustCompile(`^(NONE|BASIC|IN_AWS)$`)),
				resource.TestCheckResourceAttr("data.drsorch_source_server.edge", "region", "us-west-2"),
				resource.TestCheckResourceAttr("data.drsorch_source_server.edge", "replication.state", "BACKLOG"),
				resource.TestCheckResourceAttr("data.drsorch_source_server.edge", "ready_for_recovery", "false"),
			),
		}},
	})
}

func TestAccSourceServerNotFoundIsAClearError(t *testing.T) {
	env := acctest.Start(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{{
			Config: env.ProviderConfig() + `
data "drsorch_source_server" "ghost" {
  id = "s-0000000000000dead"
}`,
			ExpectError: regexp.MustCompile(`(?s)Source server not found.*s-0000000000000dead in us-east-1`),
		}},
	})
}

package provider

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/drsorch/terraform-provider-drsorch/internal/acctest"
)

const servers = "data.drsorch_source_servers."

func TestAccSourceServersFilters(t *testing.T) {
	env := acctest.Start(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{{
			Config: env.ProviderConfig() + `
data "drsorch_source_servers" "all" {}
data "drsorch_source_servers" "shop" {
  tags = { app = "shop" }
}
data "drsorch_source_servers" "db" {
  tags = { app = "shop", tier = "db" }
}
data "drsorch_source_servers" "web_by_name" {
  hostname_regex = "^shop-web-[0-9]+$"
}
data "drsorch_source_servers" "stalled" {
  replication_states = ["STALLED"]
}
data "drsorch_source_servers" "not_ready" {
  ready_for_recovery = false
}
data "drsorch_source_servers" "by_id" {
  ids = data.drsorch_source_servers.db.server_ids
}
data "drsorch_source_servers" "none" {
  tags               = { app = "shop" }
  replication_states = ["STALLED"]
}`,
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr(servers+"all", "servers.#", "12"),
				resource.TestCheckResourceAttr(servers+"shop", "servers.#", "9"),
				resource.TestCheckResourceAttr(servers+"db", "servers.#", "2"),
				resource.TestCheckResourceAttr(servers+"db", "server_ids.#", "2"),
				resource.TestCheckTypeSetElemNestedAttrs(servers+"db", "servers.*", map[string]string{
					"hostname":                  "shop-db-1",
					"region":                    "us-east-1",
					"tags.tier":                 "db",
					"recommended_instance_type": "r5.xlarge",
					"replication_state":         "CONTINUOUS",
					"ready_for_recovery":        "true",
					"last_launch_result":        "NOT_STARTED",
				}),
				resource.TestMatchResourceAttr(servers+"db", "servers.0.id", regexp.MustCompile(`^s-[0-9a-f]{17}$`)),
				resource.TestMatchResourceAttr(servers+"db", "servers.0.arn", regexp.MustCompile(`^arn:aws:drs:us-east-1:123456789012:source-server/s-`)),
				resource.TestCheckResourceAttr(servers+"web_by_name", "servers.#", "4"),
				resource.TestCheckResourceAttr(servers+"stalled", "servers.#", "1"),
				resource.TestCheckResourceAttr(servers+"stalled", "servers.0.hostname", "legacy-crm-1"),
				resource.TestCheckResourceAttr(servers+"stalled", "servers.0.ready_for_recovery", "false"),
				resource.TestCheckTypeSetElemNestedAttrs(servers+"not_ready", "servers.*", map[string]string{"hostname": "legacy-crm-1"}),
				resource.TestCheckResourceAttr(servers+"by_id", "servers.#", "2"),
				resource.TestCheckResourceAttrPair(servers+"by_id", "server_ids.0", servers+"db", "server_ids.0"),
				resource.TestCheckResourceAttr(servers+"none", "servers.#", "0"),
			),
		}},
	})
}

func TestAccSourceServersAcrossRegions(t *testing.T) {
	env := acctest.Start(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{{
			Config: env.ProviderConfig() + `
data "drsorch_source_servers" "both" {
  regions = ["us-east-1", "us-west-2"]
}
data "drsorch_source_servers" "web" {
  regions = ["us-west-2", "us-east-1"]
  tags    = { tier = "web" }
}
data "drsorch_source_servers" "with_gap" {
  regions = ["us-east-1", "eu-west-1"]
}`,
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr(servers+"both", "servers.#", "15"),
				resource.TestCheckResourceAttr(servers+"both", "servers.0.region", "us-east-1"),
				resource.TestCheckResourceAttr(servers+"both", "servers.14.region", "us-west-2"),
				// The order of regions is kept: us-west-2's edge proxies come first.
				resource.TestCheckResourceAttr(servers+"web", "servers.#", "6"),
				resource.TestCheckResourceAttr(servers+"web", "servers.0.region", "us-west-2"),
				resource.TestCheckResourceAttr(servers+"web", "servers.5.region", "us-east-1"),
				resource.TestCheckResourceAttr(servers+"both", "uninitialized_regions.#", "0"),
				resource.TestCheckResourceAttr(servers+"with_gap", "servers.#", "12"),
				resource.TestCheckResourceAttr(servers+"with_gap", "uninitialized_regions.#", "1"),
				resource.TestCheckResourceAttr(servers+"with_gap", "uninitialized_regions.0", "eu-west-1"),
			),
		}},
	})
}

func TestAccSourceServersPaginatesOver1200Servers(t *testing.T) {
	env := acctest.Start(t, acctest.WithInventory(t, acctest.Inventory{Estates: []acctest.Estate{
		acctest.GeneratedEstate("123456789012", "us-east-1", 1200, map[string]string{"fleet": "gen"}),
	}}))
	env.Service.App.DRS.ResetStats()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{{
			Config: env.ProviderConfig() + `
data "drsorch_source_servers" "fleet" {
  tags = { fleet = "gen" }
}`,
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr(servers+"fleet", "servers.#", "1200"),
				resource.TestCheckResourceAttr(servers+"fleet", "server_ids.#", "1200"),
			),
		}},
	})
	// Every read is two pages of up to 1,000; a plan, apply and refresh
	// read a few times, but never anywhere near once per server.
	if calls := env.Service.App.DRS.Stats()["DescribeSourceServers"]; calls == 0 || calls%2 != 0 || calls > 20 {
		t.Fatalf("DescribeSourceServers was called %d times; want 2 pages per read", calls)
	}
}

func TestAccSourceServersSurvivesThrottling(t *testing.T) {
	env := acctest.Start(t, acctest.WithInventory(t, acctest.Inventory{Estates: []acctest.Estate{{
		Account: "123456789012", Region: "us-east-1",
		Generate: &acctest.Generate{Count: 1200, HostnamePrefix: "busy"},
		Faults:   &acctest.Faults{ThrottlePercent: 50},
	}}}))
	env.Service.App.DRS.ResetStats()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{{
			Config: env.ProviderConfig() + `data "drsorch_source_servers" "all" {}`,
			Check:  resource.TestCheckResourceAttr(servers+"all", "servers.#", "1200"),
		}},
	})
	if calls := env.Service.App.DRS.Stats()["DescribeSourceServers"]; calls < 4 {
		t.Fatalf("only %d DescribeSourceServers calls: the simulator did not throttle, so the test proves nothing", calls)
	}
}

func TestAccSourceServersRejectsBadFilters(t *testing.T) {
	env := acctest.Start(t)
	for name, tc := range map[string]struct{ config, want string }{
		"regex":  {`hostname_regex = "shop-("`, `(?s)Invalid regular expression.*does not compile`},
		"state":  {`replication_states = ["RUNNING"]`, `(?s)replication_states.*value must be one of`},
		"id":     {`ids = ["i-123"]`, `must be a source server ID like s-1234567890abcdef0`},
		"region": {`regions = []`, `(?s)regions.*at least 1`},
	} {
		t.Run(name, func(t *testing.T) {
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testFactories,
				Steps: []resource.TestStep{{
					Config:      env.ProviderConfig() + "data \"drsorch_source_servers\" \"bad\" {\n  " + tc.config + "\n}",
					ExpectError: regexp.MustCompile(tc.want),
				}},
			})
		})
	}
}

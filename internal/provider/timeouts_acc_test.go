package provider

import (
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/drsorch/terraform-provider-drsorch/internal/acctest"
	"github.com/drsorch/terraform-provider-drsorch/internal/plans"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice"
	sfnsvc "github.com/drsorch/terraform-provider-drsorch/internal/runservice/sfn"
)

// A new execution role is refused by Step Functions while IAM propagates
// it (two simulated hours here, about 3.6 s of wall time): create retries
// for as long as timeouts.create allows. One second is too short and fails
// naming the cause; two minutes is enough.
func TestAccRecoveryPlanTimeoutsBoundRolePropagation(t *testing.T) {
	old, oldMax := plans.RolePropagationBackoff, plans.RolePropagationMaxBackoff
	plans.RolePropagationBackoff, plans.RolePropagationMaxBackoff = 200*time.Millisecond, time.Second
	t.Cleanup(func() { plans.RolePropagationBackoff, plans.RolePropagationMaxBackoff = old, oldMax })
	env := startRunning(t, func(c *runservice.Config) { c.SFNFaults = &sfnsvc.Faults{RolePropagationSeconds: 7200} })
	config := func(create string) string {
		return env.ProviderConfig(testRole) + threeTierPlan(fmt.Sprintf(`
  timeouts {
    create = %q
    delete = "5m"
  }
`, create))
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{
			{
				Config:      config("1s"),
				ExpectError: regexp.MustCompile(`(?s)Step Functions cannot assume the execution role.*raise the\s+resource's\s+timeouts`),
			},
			{
				Config: config("2m"),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("drsorch_recovery_plan.shop", "timeouts.create", "2m"),
					resource.TestCheckResourceAttrSet("drsorch_recovery_plan.shop", "version_arn"),
				),
			},
		},
	})
}

// A protection group's create is bounded by timeouts.create: with every
// TagResource call failing (503, retried by the SDK), it stops at the limit
// and says which block to raise; with the service back it applies.
func TestAccProtectionGroupTimeouts(t *testing.T) {
	env := acctest.Start(t)
	front := env.Service.Front(t)
	provider := acctest.ProviderBlock("",
		fmt.Sprintf("region = %q", env.Region),
		fmt.Sprintf("run_service_endpoint = %q", front.URL),
		"max_retries = 100")
	config := provider + `
resource "drsorch_protection_group" "web" {
  name           = "shop-web"
  selection_tags = { app = "shop", tier = "web" }
  timeouts {
    create = "2s"
    read   = "1m"
  }
}
`
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{
			{
				PreConfig:   func() { front.Outage("tags") }, // DRS TagResource: POST /tags/{arn}
				Config:      config,
				ExpectError: regexp.MustCompile(`(?s)timed out.*timeouts`),
			},
			{
				PreConfig: front.Restore,
				Config:    config,
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("drsorch_protection_group.web", "server_count", "4"),
					resource.TestCheckResourceAttr("drsorch_protection_group.web", "timeouts.create", "2s"),
				),
			},
		},
	})
}

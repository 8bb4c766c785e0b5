package provider

import (
	"context"
	"fmt"
	"regexp"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/drs"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/drsorch/terraform-provider-drsorch/internal/acctest"
	"github.com/drsorch/terraform-provider-drsorch/internal/drsapi"
	"github.com/drsorch/terraform-provider-drsorch/internal/protectiongroup"
)

// A wave of 24 h at the smallest poll interval would write more history
// events than Step Functions keeps for one execution: refused at plan, on
// the wave's poll_interval, with the limit, the figure and the fix.
func TestAccRecoveryPlanHistoryLimitAtPlan(t *testing.T) {
	env := acctest.Start(t)
	tagShopGroups(t, env)
	config := env.ProviderConfig(testRole) + `
resource "drsorch_recovery_plan" "p" {
  name = "p"
  wave {
    name             = "db"
    protection_group = "shop-db"
  }
  wave {
    name             = "app"
    protection_group = "shop-app"
    timeout          = "24h"
    poll_interval    = "5s"
  }
}
`
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{{
			Config:   config,
			PlanOnly: true,
			ExpectError: regexp.MustCompile(`(?s)Too many history events for one execution.*poll_interval\s+=\s+"5s".*` +
				`wave\s+runner\s+execution\s+of\s+wave\s+"app".*up\s+to\s+\d+\s+history\s+events.*reaches\s+25000\s+events.*Raise\s+poll_interval\s+to\s+at\s+least\s+\d+s,\s+or\s+lower\s+timeout\s+to\s+at\s+most`),
		}},
	})
}

// A plan of 100 waves, which the compilers before the wave runner took past
// Step Functions' 1,048,576-character definition limit, now plans: each
// wave is one Task in the plan's definition. (The refusal of a definition
// over the limit, at about 1,000 waves of 50 servers, is unit-tested:
// statemachine.TestLargePlanRefusedForDefinition.)
func TestAccRecoveryPlanOf100WavesFitsAtPlan(t *testing.T) {
	const waves = 100
	env := acctest.Start(t, acctest.WithInventory(t, acctest.Inventory{Estates: []acctest.Estate{
		acctest.GeneratedEstate("123456789012", "us-east-1", waves, map[string]string{"app": "big"}),
	}}))
	ctx := context.Background()
	client := drs.NewFromConfig(env.Service.AWSConfig(env.Region))
	servers, err := drsapi.ListSourceServers(ctx, client, nil)
	if err != nil || len(servers) != waves {
		t.Fatalf("%d servers: %v", len(servers), err)
	}
	for i := range waves {
		if err := protectiongroup.Apply(ctx, client, fmt.Sprintf("g%03d", i), nil, servers[i:i+1]); err != nil {
			t.Fatal(err)
		}
	}
	config := env.ProviderConfig(testRole) + fmt.Sprintf(`
locals {
  groups = [for i in range(%d) : format("g%%03d", i)]
}

resource "drsorch_recovery_plan" "p" {
  name = "big"
  dynamic "wave" {
    for_each = local.groups
    content {
      name             = "w-${wave.value}"
      protection_group = wave.value
      timeout          = "15m"
      poll_interval    = "15m"
    }
  }
}
`, waves)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{{
			Config:             config,
			PlanOnly:           true,
			ExpectNonEmptyPlan: true,
		}},
	})
}

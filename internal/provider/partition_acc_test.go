package provider

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/drs"
	"github.com/aws/aws-sdk-go-v2/service/servicequotas"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	sfntypes "github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/drsorch/terraform-provider-drsorch/internal/acctest"
	"github.com/drsorch/terraform-provider-drsorch/internal/executions"
)

// TestAccRecoveryPlanGovCloud: with the provider in us-gov-west-1, the plan
// deploys with arn:aws-us-gov: ARNs everywhere (state machine, Task
// resources), a drill of it runs to completion on the run service (which
// fails Tasks of another partition), it imports by name, and the policy
// data source writes the GovCloud partition whether or not it is given a
// region.
func TestAccRecoveryPlanGovCloud(t *testing.T) {
	const region, account = "us-gov-west-1", "123456789012"
	env := acctest.Start(t, acctest.WithInventory(t, acctest.Inventory{Estates: []acctest.Estate{
		acctest.GeneratedEstate(account, region, 3, map[string]string{"app": "gov"}),
	}}))
	env.Region = region
	cfg := env.Service.AWSConfig(region)
	clients := executions.Clients{SFN: sfn.NewFromConfig(cfg), DRS: drs.NewFromConfig(cfg), Quotas: servicequotas.NewFromConfig(cfg)}
	const planARN = "arn:aws-us-gov:states:us-gov-west-1:123456789012:stateMachine:drsorch-plan-gov"
	config := env.ProviderConfig(`execution_role_arn = "arn:aws-us-gov:iam::123456789012:role/drsorch"`) + `
resource "drsorch_protection_group" "gov" {
  name           = "gov"
  selection_tags = { app = "gov" }
}
resource "drsorch_recovery_plan" "gov" {
  name = "gov"
  wave {
    name             = "all"
    protection_group = drsorch_protection_group.gov.id
  }
}
data "drsorch_orchestrator_policy" "any" {}
data "drsorch_orchestrator_policy" "scoped" {
  region     = "us-gov-west-1"
  account_id = "123456789012"
}
`
	noCommercialARN := func(name, attr string) resource.TestCheckFunc {
		return func(s *terraform.State) error {
			v := s.RootModule().Resources[name].Primary.Attributes[attr]
			if !strings.Contains(v, "arn:aws-us-gov:") || strings.Contains(v, "arn:aws:") {
				return fmt.Errorf("%s.%s has commercial or no GovCloud ARNs:\n%s", name, attr, v)
			}
			return nil
		}
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{
			{
				Config: config,
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("drsorch_recovery_plan.gov", "arn", planARN),
					resource.TestCheckResourceAttr("drsorch_recovery_plan.gov", "server_count", "3"),
					noCommercialARN("drsorch_recovery_plan.gov", "definition"),
					noCommercialARN("data.drsorch_orchestrator_policy.any", "json"),
					noCommercialARN("data.drsorch_orchestrator_policy.any", "assume_role_policy"),
					noCommercialARN("data.drsorch_orchestrator_policy.scoped", "json"),
					noCommercialARN("data.drsorch_orchestrator_policy.scoped", "assume_role_policy"),
					resource.TestCheckTypeSetElemNestedAttrs("data.drsorch_orchestrator_policy.any", "statements.*", map[string]string{
						"sid": "PublishPauseGateEvents", "resources.0": "arn:aws-us-gov:events:*:*:event-bus/default",
					}),
					resource.TestCheckTypeSetElemNestedAttrs("data.drsorch_orchestrator_policy.scoped", "statements.*", map[string]string{
						"sid": "StartRecoveryOfSourceServers", "resources.0": "arn:aws-us-gov:drs:us-gov-west-1:123456789012:source-server/*",
					}),
					resource.TestCheckTypeSetElemNestedAttrs("data.drsorch_orchestrator_policy.scoped", "statements.*", map[string]string{
						"sid": "PassRecoveryInstanceRole", "resources.0": "arn:aws-us-gov:iam::123456789012:role/*",
					}),
					func(*terraform.State) error {
						ctx := context.Background()
						arn, err := executions.Start(ctx, clients, planARN, executions.TypeDrill, "acctest", "")
						if err != nil {
							return err
						}
						var e *executions.Execution
						env.Service.Drive(t, 300, func() bool {
							if e, err = executions.Describe(ctx, clients, arn); err != nil {
								t.Fatal(err)
							}
							return !e.Running()
						})
						if e.Status != sfntypes.ExecutionStatusSucceeded || len(executions.LaunchedInstances(e)) != 3 {
							return fmt.Errorf("GovCloud drill %s: %s %s", e.Status, e.Error, e.Cause)
						}
						if !strings.HasPrefix(arn, "arn:aws-us-gov:states:us-gov-west-1:") {
							return fmt.Errorf("execution ARN %s", arn)
						}
						return nil
					},
				),
			},
			{
				ResourceName:            "drsorch_recovery_plan.gov",
				ImportState:             true,
				ImportStateId:           "gov",
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"force_destroy"},
			},
		},
	})
}

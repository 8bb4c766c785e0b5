package provider

import (
	"context"
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/drsorch/terraform-provider-drsorch/internal/awsclient"
	"github.com/drsorch/terraform-provider-drsorch/internal/plans"
)

// One provider block (us-east-1), no alias: a group, a plan and a drill in
// us-west-2 through `region =`, beside a group of the same name in the
// provider's region. Each lands in its region; import takes `<id>@<region>`.
func TestAccRegionArgumentWithoutAlias(t *testing.T) {
	env := startRunning(t)
	west := plans.ARN("aws", "us-west-2", "123456789012", "edge")
	config := env.ProviderConfig(testRole) + `
resource "drsorch_protection_group" "web_east" {
  name           = "web"
  selection_tags = { app = "shop", tier = "web" }
}
resource "drsorch_protection_group" "web_west" {
  region         = "us-west-2"
  name           = "web"
  selection_tags = { app = "edge", tier = "web" }
}
resource "drsorch_recovery_plan" "edge" {
  region = "us-west-2"
  name   = "edge"
  tags   = { app = "edge" }
  wave {
    name             = "web"
    protection_group = drsorch_protection_group.web_west.id
  }
}
resource "drsorch_execution" "drill" {
  region        = "us-west-2"
  recovery_plan = drsorch_recovery_plan.edge.name
  type          = "DRILL"
}
data "drsorch_source_servers" "west" {
  region = "us-west-2"
}
`
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectKnownValue("drsorch_protection_group.web_east", tfjsonpath.New("region"), knownvalue.StringExact("us-east-1")),
					plancheck.ExpectKnownValue("drsorch_recovery_plan.edge", tfjsonpath.New("arn"), knownvalue.StringExact(west)),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("drsorch_protection_group.web_east", "server_count", "4"),
					resource.TestCheckResourceAttr("drsorch_protection_group.web_west", "server_count", "2"),
					resource.TestCheckResourceAttr("drsorch_protection_group.web_west", "region", "us-west-2"),
					resource.TestCheckResourceAttr("drsorch_recovery_plan.edge", "arn", west),
					resource.TestCheckResourceAttr("drsorch_recovery_plan.edge", "server_count", "2"),
					resource.TestCheckResourceAttr("drsorch_execution.drill", "status", "SUCCEEDED"),
					resource.TestCheckResourceAttr("drsorch_execution.drill", "plan_arn", west),
					resource.TestCheckResourceAttr("data.drsorch_source_servers.west", "servers.#", "3"),
					resource.TestCheckResourceAttr("data.drsorch_source_servers.west", "region", "us-west-2"),
					func(*terraform.State) error {
						// The plan is a state machine of us-west-2, with its tags.
						cfg := env.Service.AWSConfig("us-west-2")
						cfg.HTTPClient = awsclient.NewHTTPClient()
						out, err := sfn.NewFromConfig(cfg).ListTagsForResource(context.Background(), &sfn.ListTagsForResourceInput{ResourceArn: aws.String(west)})
						if err != nil {
							return err
						}
						for _, tg := range out.Tags {
							if aws.ToString(tg.Key) == "app" && aws.ToString(tg.Value) == "edge" {
								return nil
							}
						}
						return fmt.Errorf("state machine %s tags %v lack app=edge", west, out.Tags)
					},
				),
			},
			{Config: config, PlanOnly: true},
			{
				ResourceName:            "drsorch_recovery_plan.edge",
				ImportState:             true,
				ImportStateId:           "edge@us-west-2",
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"timeouts", "wave", "force_destroy", "estimated_state_transitions", "version", "version_arn", "levels", "server_count", "definition", "log_retention_days", "log_level", "log_group_name", "log_group_arn", "keep_log_group"},
			},
			{
				ResourceName:  "drsorch_protection_group.web_west",
				ImportState:   true,
				ImportStateId: "web@us-west-2",
				// Both groups are named web (ImportStateVerify would match
				// the first by that ID): check the imported one itself.
				ImportStateCheck: func(states []*terraform.InstanceState) error {
					if len(states) != 1 {
						return fmt.Errorf("imported %d objects", len(states))
					}
					a := states[0].Attributes
					if a["region"] != "us-west-2" || a["server_count"] != "2" || a["name"] != "web" {
						return fmt.Errorf("imported group: region %s, %s servers, name %s", a["region"], a["server_count"], a["name"])
					}
					return nil
				},
			},
		},
	})
}

package provider

import (
	"context"
	"fmt"
	"regexp"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/drs"
	drstypes "github.com/aws/aws-sdk-go-v2/service/drs/types"
	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/drsorch/terraform-provider-drsorch/internal/acctest"
)

const rctAddr = "drsorch_replication_configuration_template.new_servers"

func rctHCL(env *acctest.Env, body string) string {
	return env.ProviderConfig() + fmt.Sprintf(`
resource "drsorch_replication_configuration_template" "new_servers" {
%s
}
`, body)
}

func TestAccReplicationConfigurationTemplateLifecycle(t *testing.T) {
	env := acctest.Start(t)
	n := lookupNetwork(t, env)
	var id string
	describe := func() (*drstypes.ReplicationConfigurationTemplate, error) {
		out, err := settingsDRS(env).DescribeReplicationConfigurationTemplates(context.Background(), &drs.DescribeReplicationConfigurationTemplatesInput{
			ReplicationConfigurationTemplateIDs: []string{id}})
		if err != nil {
			return nil, err
		}
		if len(out.Items) != 1 {
			return nil, fmt.Errorf("%d templates", len(out.Items))
		}
		return &out.Items[0], nil
	}
	updated := fmt.Sprintf(`
  staging_area_subnet_id                  = %q
  associate_default_security_group        = false
  replication_servers_security_groups_ids = [%q]
  replication_server_instance_type        = "m5.large"
  use_dedicated_replication_server        = true
  default_large_staging_disk_type         = "ST1"
  bandwidth_throttling                    = 500
  data_plane_routing                      = "PUBLIC_IP"
  create_public_ip                        = true
  staging_area_tags                       = { cost = "dr" }
  auto_replicate_new_disks                = false
  pit_policy = [
    { rule_id = 1, units = "HOUR", interval = 1, retention_duration = 48 },
    { rule_id = 2, units = "DAY", interval = 1, retention_duration = 14, enabled = false },
  ]
  tags = { team = "platform" }`, n.subnetB, n.appGroup)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		CheckDestroy: func(*terraform.State) error {
			if _, err := describe(); !isNotFound(err) && (err == nil || err.Error() != "0 templates") {
				return fmt.Errorf("the template outlived destroy: %v", err)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{ // create: only the subnet is required, the rest are DRS's defaults
				Config: rctHCL(env, fmt.Sprintf(`  staging_area_subnet_id = %q`, n.subnetA)),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestMatchResourceAttr(rctAddr, "id", regexp.MustCompile(`^rct-[0-9a-zA-Z]{17}$`)),
					resource.TestCheckResourceAttr(rctAddr, "replication_server_instance_type", "t3.small"),
					resource.TestCheckResourceAttr(rctAddr, "ebs_encryption", "DEFAULT"),
					resource.TestCheckResourceAttr(rctAddr, "pit_policy.#", "3"),
					resource.TestCheckResourceAttr(rctAddr, "auto_replicate_new_disks", "true"),
					func(s *terraform.State) error {
						id = s.RootModule().Resources[rctAddr].Primary.ID
						tpl, err := describe()
						if err != nil {
							return err
						}
						if aws.ToString(tpl.StagingAreaSubnetId) != n.subnetA || len(tpl.PitPolicy) != 3 {
							return fmt.Errorf("DRS holds %+v", tpl)
						}
						return nil
					},
				),
			},
			{
				Config: rctHCL(env, updated),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(rctAddr, plancheck.ResourceActionUpdate),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(rctAddr, "staging_area_subnet_id", n.subnetB),
					resource.TestCheckResourceAttr(rctAddr, "bandwidth_throttling", "500"),
					resource.TestCheckResourceAttr(rctAddr, "pit_policy.#", "2"),
					resource.TestCheckResourceAttr(rctAddr, "pit_policy.1.enabled", "false"),
					resource.TestCheckResourceAttr(rctAddr, "tags.team", "platform"),
					func(*terraform.State) error {
						tpl, err := describe()
						if err != nil {
							return err
						}
						if aws.ToString(tpl.ReplicationServerInstanceType) != "m5.large" || tpl.Tags["team"] != "platform" || tpl.StagingAreaTags["cost"] != "dr" {
							return fmt.Errorf("DRS holds %+v", tpl)
						}
						return nil
					},
				),
			},
			{ResourceName: rctAddr, ImportState: true, ImportStateVerify: true},
			{ // drift outside Terraform is planned back
				PreConfig: func() {
					if _, err := settingsDRS(env).UpdateReplicationConfigurationTemplate(context.Background(), &drs.UpdateReplicationConfigurationTemplateInput{
						ReplicationConfigurationTemplateID: aws.String(id), ReplicationServerInstanceType: aws.String("t3.large"), BandwidthThrottling: 10}); err != nil {
						t.Fatalf("drift: %v", err)
					}
				},
				Config: rctHCL(env, updated),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(rctAddr, plancheck.ResourceActionUpdate),
				}},
				Check: func(*terraform.State) error {
					tpl, err := describe()
					if err != nil {
						return err
					}
					if aws.ToString(tpl.ReplicationServerInstanceType) != "m5.large" || tpl.BandwidthThrottling != 500 {
						return fmt.Errorf("drift not repaired: %+v", tpl)
					}
					return nil
				},
			},
		},
	})
}

func TestAccReplicationConfigurationTemplateValidation(t *testing.T) {
	env := acctest.Start(t)
	n := lookupNetwork(t, env)
	sub := fmt.Sprintf("  staging_area_subnet_id = %q\n", n.subnetA)
	var steps []resource.TestStep
	for _, c := range []struct{ body, want string }{
		{`  staging_area_subnet_id = "subnet-0123456789abcdef0"`, `(?s)Unknown subnet.*no subnet subnet-0123456789abcdef0`},
		{sub + `  ebs_encryption_key_arn = "arn:aws:kms:us-east-1:123456789012:key/abc"`, `Invalid encryption key`},
		{sub + `  pit_policy = [{ rule_id = 1, units = "HOUR", interval = 1, retention_duration = 4 }, { rule_id = 1, units = "DAY", interval = 1, retention_duration = 7 }]`,
			`(?s)Invalid PIT policy: pit_policy\[1\]\.rule_id.*rule_id 1 is already the rule_id of pit_policy\[0\]; give every rule its own rule_id`},
		{sub + `  data_plane_routing = "VPN"`, `use one of PRIVATE_IP, PUBLIC_IP`},
	} {
		steps = append(steps, resource.TestStep{Config: rctHCL(env, c.body), PlanOnly: true, ExpectError: diagRE(c.want)})
	}
	steps = append(steps, resource.TestStep{Config: rctHCL(env, sub), ResourceName: rctAddr, ImportState: true, ImportStateId: "rct-1",
		ExpectError: diagRE(`"rct-1" is not a replication configuration template ID`)})
	resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: testFactories, Steps: steps})
}

// The published example applies as written.
func TestAccReplicationConfigurationTemplateExampleApplies(t *testing.T) {
	env := acctest.Start(t)
	n := lookupNetwork(t, env)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{{
			Config:          env.ProviderConfig() + settingsExample(t, "resources", "drsorch_replication_configuration_template", "resource.tf"),
			ConfigVariables: config.Variables{"staging_subnet_id": config.StringVariable(n.subnetA)},
			Check:           resource.TestCheckResourceAttr(rctAddr, "pit_policy.2.retention_duration", "14"),
		}},
	})
}

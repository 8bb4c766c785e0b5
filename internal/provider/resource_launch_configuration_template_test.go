package provider

import (
	"context"
	"fmt"
	"regexp"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/drs"
	drstypes "github.com/aws/aws-sdk-go-v2/service/drs/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/drsorch/terraform-provider-drsorch/internal/acctest"
)

const lctAddr = "drsorch_launch_configuration_template.new_servers"

func lctHCL(env *acctest.Env, body string) string {
	return env.ProviderConfig() + fmt.Sprintf(`
resource "drsorch_launch_configuration_template" "new_servers" {
%s
}
`, body)
}

func TestAccLaunchConfigurationTemplateLifecycle(t *testing.T) {
	env := acctest.Start(t)
	var id string
	describe := func() (*drstypes.LaunchConfigurationTemplate, error) {
		out, err := settingsDRS(env).DescribeLaunchConfigurationTemplates(context.Background(), &drs.DescribeLaunchConfigurationTemplatesInput{
			LaunchConfigurationTemplateIDs: []string{id}})
		if err != nil {
			return nil, err
		}
		if len(out.Items) != 1 {
			return nil, fmt.Errorf("%d templates", len(out.Items))
		}
		return &out.Items[0], nil
	}
	updated := `
  launch_disposition                       = "STARTED"
  target_instance_type_right_sizing_method = "NONE"
  copy_private_ip                          = true
  copy_tags                                = true
  licensing                                = { os_byol = false }
  post_launch_enabled                      = true
  launch_into_source_instance              = true
  export_bucket_arn                        = "arn:aws:s3:::dr-exports"
  tags                                     = { team = "platform", env = "dr" }`
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		CheckDestroy: func(*terraform.State) error {
			_, err := describe()
			if !isNotFound(err) && (err == nil || err.Error() != "0 templates") {
				return fmt.Errorf("the template outlived destroy: %v", err)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{ // create: what is left out gets DRS's defaults
				Config: lctHCL(env, `
  launch_disposition = "STOPPED"
  tags               = { team = "platform" }`),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestMatchResourceAttr(lctAddr, "id", regexp.MustCompile(`^lct-[0-9a-zA-Z]{17}$`)),
					resource.TestMatchResourceAttr(lctAddr, "arn", regexp.MustCompile(`^arn:aws:drs:us-east-1:\d{12}:launch-configuration-template/lct-`)),
					resource.TestCheckResourceAttr(lctAddr, "launch_disposition", "STOPPED"),
					resource.TestCheckResourceAttr(lctAddr, "target_instance_type_right_sizing_method", "BASIC"),
					resource.TestCheckResourceAttr(lctAddr, "licensing.os_byol", "true"),
					resource.TestCheckResourceAttr(lctAddr, "tags.team", "platform"),
					func(s *terraform.State) error {
						id = s.RootModule().Resources[lctAddr].Primary.ID
						return nil
					},
				),
			},
			{ // update every attribute, tags included
				Config: lctHCL(env, updated),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(lctAddr, plancheck.ResourceActionUpdate),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(lctAddr, "target_instance_type_right_sizing_method", "NONE"),
					resource.TestCheckResourceAttr(lctAddr, "launch_into_source_instance", "true"),
					resource.TestCheckResourceAttr(lctAddr, "export_bucket_arn", "arn:aws:s3:::dr-exports"),
					resource.TestCheckResourceAttr(lctAddr, "tags.%", "2"),
					func(*terraform.State) error {
						tpl, err := describe()
						if err != nil {
							return err
						}
						if tpl.TargetInstanceTypeRightSizingMethod != "NONE" || tpl.Tags["env"] != "dr" || aws.ToBool(tpl.Licensing.OsByol) {
							return fmt.Errorf("DRS holds %+v", tpl)
						}
						return nil
					},
				),
			},
			{ResourceName: lctAddr, ImportState: true, ImportStateVerify: true},
			{ // drift outside Terraform is planned back
				PreConfig: func() {
					if _, err := settingsDRS(env).UpdateLaunchConfigurationTemplate(context.Background(), &drs.UpdateLaunchConfigurationTemplateInput{
						LaunchConfigurationTemplateID: aws.String(id), CopyTags: aws.Bool(false), LaunchDisposition: drstypes.LaunchDispositionStopped}); err != nil {
						t.Fatalf("drift: %v", err)
					}
				},
				Config: lctHCL(env, updated),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(lctAddr, plancheck.ResourceActionUpdate),
				}},
				Check: func(*terraform.State) error {
					tpl, err := describe()
					if err != nil {
						return err
					}
					if !aws.ToBool(tpl.CopyTags) || tpl.LaunchDisposition != "STARTED" {
						return fmt.Errorf("drift not repaired: %+v", tpl)
					}
					return nil
				},
			},
		},
	})
}

func TestAccLaunchConfigurationTemplateValidation(t *testing.T) {
	env := acctest.Start(t)
	var steps []resource.TestStep
	for _, c := range []struct{ body, want string }{
		{`launch_disposition = "RUNNING"`, `"RUNNING" is not allowed: use one of STOPPED, STARTED`},
		{`target_instance_type_right_sizing_method = "AUTO"`, `use one of NONE, BASIC, IN_AWS`},
		{`export_bucket_arn = "dr-exports"`, `"dr-exports" is not an S3 bucket ARN`},
	} {
		steps = append(steps, resource.TestStep{Config: lctHCL(env, c.body), PlanOnly: true, ExpectError: diagRE(c.want)})
	}
	steps = append(steps, resource.TestStep{Config: lctHCL(env, ""), ResourceName: lctAddr, ImportState: true, ImportStateId: "template-1",
		ExpectError: diagRE(`"template-1" is not a launch configuration template ID`)})
	resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: testFactories, Steps: steps})
}

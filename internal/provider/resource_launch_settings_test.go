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
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/drssim"
)

const launchAddr = "drsorch_launch_settings.app"

func launchHCL(env *acctest.Env, id, body string) string {
	return env.ProviderConfig() + fmt.Sprintf(`
resource "drsorch_launch_settings" "app" {
  source_server_id = %q
%s
}
`, id, body)
}

func getLaunch(env *acctest.Env, id string) (*drs.GetLaunchConfigurationOutput, error) {
	return settingsDRS(env).GetLaunchConfiguration(context.Background(), &drs.GetLaunchConfigurationInput{SourceServerID: aws.String(id)})
}

func TestAccLaunchSettingsLifecycle(t *testing.T) {
	env := acctest.Start(t)
	id := serverIDByHostname(t, env, "shop-app-1")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		CheckDestroy: func(*terraform.State) error {
			lc, err := getLaunch(env, id)
			if err != nil {
				return err
			}
			if lc.LaunchDisposition != "STARTED" || lc.TargetInstanceTypeRightSizingMethod != "BASIC" || aws.ToBool(lc.CopyTags) ||
				aws.ToBool(lc.CopyPrivateIp) || !aws.ToBool(lc.Licensing.OsByol) || aws.ToBool(lc.PostLaunchEnabled) ||
				(lc.LaunchIntoInstanceProperties != nil && aws.ToString(lc.LaunchIntoInstanceProperties.LaunchIntoEC2InstanceID) != "") {
				return fmt.Errorf("destroy did not restore the DRS defaults: %s", launchSummary(lc))
			}
			// The name has no single default (DRS uses the hostname): it stays.
			if aws.ToString(lc.Name) != "app-1 recovery" {
				return fmt.Errorf("destroy changed the name to %q", aws.ToString(lc.Name))
			}
			return nil
		},
		Steps: []resource.TestStep{
			{ // create adopts: only what is written changes
				Config: launchHCL(env, id, `
  launch_disposition = "STOPPED"
  copy_tags          = true`),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(launchAddr, "id", id),
					resource.TestCheckResourceAttr(launchAddr, "launch_disposition", "STOPPED"),
					resource.TestCheckResourceAttr(launchAddr, "copy_tags", "true"),
					resource.TestCheckResourceAttr(launchAddr, "name", "shop-app-1"),
					resource.TestCheckResourceAttr(launchAddr, "target_instance_type_right_sizing_method", "BASIC"),
					resource.TestCheckResourceAttr(launchAddr, "licensing.os_byol", "true"),
					resource.TestCheckResourceAttr(launchAddr, "launch_into_instance_id", ""),
					resource.TestMatchResourceAttr(launchAddr, "ec2_launch_template_id", regexp.MustCompile(`^lt-[0-9a-f]+$`)),
					func(*terraform.State) error {
						lc, err := getLaunch(env, id)
						if err != nil {
							return err
						}
						if lc.LaunchDisposition != "STOPPED" || !aws.ToBool(lc.CopyTags) {
							return fmt.Errorf("DRS holds %s / copyTags %v", lc.LaunchDisposition, aws.ToBool(lc.CopyTags))
						}
						return nil
					},
				),
			},
			{ // update every attribute
				Config: launchHCL(env, id, `
  name                                     = "app-1 recovery"
  launch_disposition                       = "STARTED"
  target_instance_type_right_sizing_method = "NONE"
  copy_private_ip                          = true
  copy_tags                                = false
  licensing                                = { os_byol = false }
  post_launch_enabled                      = true
  launch_into_instance_id                  = "i-0123456789abcdef0"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(launchAddr, plancheck.ResourceActionUpdate),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(launchAddr, "name", "app-1 recovery"),
					resource.TestCheckResourceAttr(launchAddr, "target_instance_type_right_sizing_method", "NONE"),
					resource.TestCheckResourceAttr(launchAddr, "copy_private_ip", "true"),
					resource.TestCheckResourceAttr(launchAddr, "licensing.os_byol", "false"),
					resource.TestCheckResourceAttr(launchAddr, "post_launch_enabled", "true"),
					resource.TestCheckResourceAttr(launchAddr, "launch_into_instance_id", "i-0123456789abcdef0"),
				),
			},
			{ // import by source server ID
				ResourceName:      launchAddr,
				ImportState:       true,
				ImportStateId:     id,
				ImportStateVerify: true,
			},
			{ // drift made outside Terraform shows in the plan and is put back
				PreConfig: func() {
					_, err := settingsDRS(env).UpdateLaunchConfiguration(context.Background(), &drs.UpdateLaunchConfigurationInput{
						SourceServerID: aws.String(id), CopyPrivateIp: aws.Bool(false), LaunchDisposition: drstypes.LaunchDispositionStopped,
					})
					if err != nil {
						t.Fatalf("drift: %v", err)
					}
				},
				Config: launchHCL(env, id, `
  name                                     = "app-1 recovery"
  launch_disposition                       = "STARTED"
  target_instance_type_right_sizing_method = "NONE"
  copy_private_ip                          = true
  copy_tags                                = false
  licensing                                = { os_byol = false }
  post_launch_enabled                      = true
  launch_into_instance_id                  = "i-0123456789abcdef0"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(launchAddr, plancheck.ResourceActionUpdate),
				}},
				Check: func(*terraform.State) error {
					lc, err := getLaunch(env, id)
					if err != nil {
						return err
					}
					if !aws.ToBool(lc.CopyPrivateIp) || lc.LaunchDisposition != "STARTED" {
						return fmt.Errorf("drift not repaired: %s", launchSummary(lc))
					}
					return nil
				},
			},
			{ // removing an attribute from the configuration keeps DRS's value: no change
				Config: launchHCL(env, id, `
  launch_disposition = "STARTED"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
			},
		},
	})
}

func TestAccLaunchSettingsAdoptsWithoutChanges(t *testing.T) {
	env := acctest.Start(t)
	id := serverIDByHostname(t, env, "shop-web-1")
	env.Service.App.DRS.ResetStats()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{{
			Config: launchHCL(env, id, ""),
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr(launchAddr, "launch_disposition", "STARTED"),
				resource.TestCheckResourceAttr(launchAddr, "copy_tags", "false"),
				resource.TestCheckResourceAttr(launchAddr, "licensing.os_byol", "true"),
				func(*terraform.State) error {
					if n := env.Service.App.DRS.Stats()["UpdateLaunchConfiguration"]; n != 0 {
						return fmt.Errorf("adopting without attributes called UpdateLaunchConfiguration %d times", n)
					}
					return nil
				},
			),
		}},
	})
}

func TestAccLaunchSettingsValidation(t *testing.T) {
	env := acctest.Start(t)
	id := serverIDByHostname(t, env, "shop-app-2")
	cases := []struct{ name, id, body, want string }{
		{"server id format", "server-1", "", `"server-1" is not a DRS source server ID`},
		{"unknown server", "s-00000000000000000", "", `(?s)Unknown source server.*no source server s-00000000000000000`},
		{"disposition", id, `launch_disposition = "RUNNING"`, `"RUNNING" is not allowed: use one of STOPPED, STARTED`},
		{"disposition case", id, `launch_disposition = "stopped"`, `values are upper case: STOPPED`},
		{"right sizing", id, `target_instance_type_right_sizing_method = "AUTO"`, `use one of NONE, BASIC, IN_AWS`},
		{"instance id", id, `launch_into_instance_id = "i-xyz"`, `"i-xyz" is not an EC2 instance ID`},
		{"name length", id, fmt.Sprintf("name = %q", longName(129)), `is 129 characters long; DRS allows at most 128`},
	}
	var steps []resource.TestStep
	for _, c := range cases {
		steps = append(steps, resource.TestStep{
			Config:      launchHCL(env, c.id, c.body),
			PlanOnly:    true,
			ExpectError: diagRE(c.want),
		})
	}
	resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: testFactories, Steps: steps})
}

func longName(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = 'n'
	}
	return string(b)
}

func TestAccLaunchSettingsSurvivesThrottling(t *testing.T) {
	env := acctest.Start(t)
	id := serverIDByHostname(t, env, "shop-app-3")
	throttle(t, env, 50)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{
			{Config: launchHCL(env, id, `copy_tags = true`), Check: resource.TestCheckResourceAttr(launchAddr, "copy_tags", "true")},
			{Config: launchHCL(env, id, `copy_tags = false`), Check: resource.TestCheckResourceAttr(launchAddr, "copy_tags", "false")},
		},
		CheckDestroy: func(*terraform.State) error {
			throttle(t, env, 0)
			if env.Service.App.DRS.Stats()["UpdateLaunchConfiguration"] < 2 {
				return fmt.Errorf("expected the updates to reach DRS")
			}
			return nil
		},
	})
}

// Changing source_server_id replaces the resource: the old server gets the
// DRS defaults back, the new one gets the settings.
func TestAccLaunchSettingsMovesToAnotherServer(t *testing.T) {
	env := acctest.Start(t)
	from, to := serverIDByHostname(t, env, "shop-db-2"), serverIDByHostname(t, env, "legacy-crm-1")
	copyTagsOf := func(id string) bool {
		lc, err := getLaunch(env, id)
		if err != nil {
			t.Fatal(err)
		}
		return aws.ToBool(lc.CopyTags)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{
			{Config: launchHCL(env, from, `copy_tags = true`)},
			{
				Config: launchHCL(env, to, `copy_tags = true`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(launchAddr, plancheck.ResourceActionDestroyBeforeCreate),
				}},
				Check: func(*terraform.State) error {
					if copyTagsOf(from) || !copyTagsOf(to) {
						return fmt.Errorf("after the move: old server copy_tags %v, new %v", copyTagsOf(from), copyTagsOf(to))
					}
					return nil
				},
			},
		},
	})
}

// A write slower than its timeouts block fails with a message naming the
// timeout (DRS answers after 1.5 s here; the update may take 0.5 s).
func TestAccLaunchSettingsTimeout(t *testing.T) {
	env := acctest.Start(t)
	id := serverIDByHostname(t, env, "shop-web-3")
	setLatency := func(ms int) {
		if err := env.Service.App.DRS.SetFaults(drssim.Estate{Region: env.Region}, drssim.Faults{LatencyMs: ms}); err != nil {
			t.Fatal(err)
		}
	}
	withTimeout := func(body string) string {
		return launchHCL(env, id, body+`
  timeouts {
    update = "500ms"
  }`)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{
			{
				Config:      launchHCL(env, id, "  timeouts {\n    create = \"soon\"\n  }"),
				PlanOnly:    true,
				ExpectError: diagRE(`"soon" is not a positive duration`),
			},
			{Config: withTimeout(`copy_tags = true`)},
			{
				PreConfig:   func() { setLatency(1500) },
				Config:      withTimeout(`copy_tags = false`),
				ExpectError: diagRE(`the update timeout of 500ms ran out`),
			},
			{
				PreConfig: func() { setLatency(0) },
				Config:    withTimeout(`copy_tags = false`),
				Check:     resource.TestCheckResourceAttr(launchAddr, "copy_tags", "false"),
			},
		},
	})
}

func launchSummary(lc *drs.GetLaunchConfigurationOutput) string {
	byol := lc.Licensing != nil && aws.ToBool(lc.Licensing.OsByol)
	into := ""
	if lc.LaunchIntoInstanceProperties != nil {
		into = aws.ToString(lc.LaunchIntoInstanceProperties.LaunchIntoEC2InstanceID)
	}
	return fmt.Sprintf("disposition %s, right-sizing %s, copyPrivateIp %v, copyTags %v, osByol %v, postLaunch %v, launchInto %q",
		lc.LaunchDisposition, lc.TargetInstanceTypeRightSizingMethod, aws.ToBool(lc.CopyPrivateIp), aws.ToBool(lc.CopyTags), byol,
		aws.ToBool(lc.PostLaunchEnabled), into)
}

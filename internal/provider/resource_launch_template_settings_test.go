package provider

import (
	"context"
	"fmt"
	"regexp"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/drs"
	drstypes "github.com/aws/aws-sdk-go-v2/service/drs/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/drsorch/terraform-provider-drsorch/internal/acctest"
)

const ltAddr = "drsorch_launch_template_settings.app"

func ltHCL(env *acctest.Env, id, body string) string {
	return env.ProviderConfig() + fmt.Sprintf(`
resource "drsorch_launch_template_settings" "app" {
  source_server_id = %q
%s
}
`, id, body)
}

func settingsEC2(env *acctest.Env) *ec2.Client {
	cfg := env.Service.AWSConfig(env.Region)
	cfg.RetryMaxAttempts = 3
	return ec2.NewFromConfig(cfg)
}

// recoveryNetwork names the run service's default network of the region.
type recoveryNetwork struct {
	subnetA, subnetB, isolatedA, appGroup, defaultGroup, isolatedGroup string
}

func lookupNetwork(t *testing.T, env *acctest.Env) recoveryNetwork {
	t.Helper()
	c, ctx := settingsEC2(env), context.Background()
	subnet := func(name string) string {
		out, err := c.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{Filters: []ec2types.Filter{{Name: aws.String("tag:Name"), Values: []string{name}}}})
		if err != nil || len(out.Subnets) != 1 {
			t.Fatalf("subnet %s: %v", name, err)
		}
		return aws.ToString(out.Subnets[0].SubnetId)
	}
	group := func(name string) string {
		out, err := c.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{GroupNames: []string{name}})
		if err != nil || len(out.SecurityGroups) != 1 {
			t.Fatalf("group %s: %v", name, err)
		}
		return aws.ToString(out.SecurityGroups[0].GroupId)
	}
	return recoveryNetwork{subnetA: subnet("recovery-a"), subnetB: subnet("recovery-b"), isolatedA: subnet("isolated-a"),
		appGroup: group("recovery-app"), defaultGroup: group("default"), isolatedGroup: group("isolated-default")}
}

func rightSizing(t *testing.T, env *acctest.Env, id string, m drstypes.TargetInstanceTypeRightSizingMethod) {
	t.Helper()
	if _, err := settingsDRS(env).UpdateLaunchConfiguration(context.Background(), &drs.UpdateLaunchConfigurationInput{
		SourceServerID: aws.String(id), TargetInstanceTypeRightSizingMethod: m}); err != nil {
		t.Fatalf("right-sizing: %v", err)
	}
}

// defaultTemplate is the default version of a server's launch template.
func defaultTemplate(env *acctest.Env, id string) (*ec2types.LaunchTemplateVersion, error) {
	lc, err := getLaunch(env, id)
	if err != nil {
		return nil, err
	}
	out, err := settingsEC2(env).DescribeLaunchTemplateVersions(context.Background(), &ec2.DescribeLaunchTemplateVersionsInput{
		LaunchTemplateId: lc.Ec2LaunchTemplateID, Versions: []string{"$Default"}})
	if err != nil {
		return nil, err
	}
	return &out.LaunchTemplateVersions[0], nil
}

func TestAccLaunchTemplateSettingsLifecycle(t *testing.T) {
	env := acctest.Start(t)
	id := serverIDByHostname(t, env, "shop-app-1")
	rightSizing(t, env, id, drstypes.TargetInstanceTypeRightSizingMethodNone)
	n := lookupNetwork(t, env)
	first := fmt.Sprintf(`
  instance_type      = "m6i.large"
  subnet_id          = %q
  security_group_ids = [%q]
  private_ip_address = "10.20.2.40"
  tags               = { team = "shop" }`, n.subnetB, n.appGroup)
	second := fmt.Sprintf(`
  instance_type               = "m6i.xlarge"
  subnet_id                   = %q
  security_group_ids          = [%q, %q]
  private_ip_address          = ""
  associate_public_ip_address = false
  iam_instance_profile_name   = "dr-ssm"
  tags                        = { team = "shop", tier = "app" }`, n.subnetA, n.appGroup, n.defaultGroup)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		CheckDestroy: func(*terraform.State) error {
			v, err := defaultTemplate(env, id)
			if err != nil {
				return err
			}
			if aws.ToInt64(v.VersionNumber) != 1 {
				return fmt.Errorf("destroy left version %d the default, not the adopted version 1", aws.ToInt64(v.VersionNumber))
			}
			return nil
		},
		Steps: []resource.TestStep{
			{ // create: a new version from DRS's, made default
				Config: ltHCL(env, id, first),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(ltAddr, "id", id),
					resource.TestMatchResourceAttr(ltAddr, "launch_template_id", regexp.MustCompile(`^lt-[0-9a-f]{17}$`)),
					resource.TestCheckResourceAttr(ltAddr, "instance_type", "m6i.large"),
					resource.TestCheckResourceAttr(ltAddr, "subnet_id", n.subnetB),
					resource.TestCheckResourceAttr(ltAddr, "security_group_ids.#", "1"),
					resource.TestCheckResourceAttr(ltAddr, "private_ip_address", "10.20.2.40"),
					resource.TestCheckResourceAttr(ltAddr, "tags.%", "1"),
					resource.TestCheckResourceAttr(ltAddr, "default_version", "2"),
					resource.TestCheckResourceAttr(ltAddr, "restore_version", "1"),
					resource.TestCheckResourceAttr(ltAddr, "iam_instance_profile_name", ""),
					func(*terraform.State) error {
						v, err := defaultTemplate(env, id)
						if err != nil {
							return err
						}
						d := v.LaunchTemplateData
						if aws.ToInt64(v.VersionNumber) != 2 || d.InstanceType != "m6i.large" || aws.ToString(d.NetworkInterfaces[0].SubnetId) != n.subnetB {
							return fmt.Errorf("EC2 holds version %d: %+v", aws.ToInt64(v.VersionNumber), d)
						}
						tags := map[string]string{}
						for _, tg := range d.TagSpecifications[0].Tags {
							tags[aws.ToString(tg.Key)] = aws.ToString(tg.Value)
						}
						if tags["AWSElasticDisasterRecoverySourceServerID"] != id || tags["team"] != "shop" {
							return fmt.Errorf("instance tags %v: DRS's tag must stay next to the configured ones", tags)
						}
						return nil
					},
				),
			},
			{ // update every attribute
				Config: ltHCL(env, id, second),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(ltAddr, plancheck.ResourceActionUpdate),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(ltAddr, "instance_type", "m6i.xlarge"),
					resource.TestCheckResourceAttr(ltAddr, "subnet_id", n.subnetA),
					resource.TestCheckResourceAttr(ltAddr, "security_group_ids.#", "2"),
					resource.TestCheckResourceAttr(ltAddr, "private_ip_address", ""),
					resource.TestCheckResourceAttr(ltAddr, "iam_instance_profile_name", "dr-ssm"),
					resource.TestCheckResourceAttr(ltAddr, "tags.tier", "app"),
					resource.TestCheckResourceAttr(ltAddr, "default_version", "3"),
					resource.TestCheckResourceAttr(ltAddr, "restore_version", "1"),
				),
			},
			{ // import by source server ID: the version found becomes the one to restore
				ResourceName:            ltAddr,
				ImportState:             true,
				ImportStateId:           id,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"restore_version"},
			},
			{ // drift: someone makes another version the default; the plan puts the settings back
				PreConfig: func() {
					c, ctx := settingsEC2(env), context.Background()
					lc, err := getLaunch(env, id)
					if err != nil {
						t.Fatal(err)
					}
					v, err := c.CreateLaunchTemplateVersion(ctx, &ec2.CreateLaunchTemplateVersionInput{LaunchTemplateId: lc.Ec2LaunchTemplateID,
						SourceVersion: aws.String("$Default"), LaunchTemplateData: &ec2types.RequestLaunchTemplateData{InstanceType: "t3.large"}})
					if err != nil {
						t.Fatalf("drift: %v", err)
					}
					if _, err := c.ModifyLaunchTemplate(ctx, &ec2.ModifyLaunchTemplateInput{LaunchTemplateId: lc.Ec2LaunchTemplateID,
						DefaultVersion: aws.String(fmt.Sprint(aws.ToInt64(v.LaunchTemplateVersion.VersionNumber)))}); err != nil {
						t.Fatalf("drift: %v", err)
					}
				},
				Config: ltHCL(env, id, second),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(ltAddr, plancheck.ResourceActionUpdate),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(ltAddr, "instance_type", "m6i.xlarge"),
					resource.TestCheckResourceAttr(ltAddr, "default_version", "5"),
					func(*terraform.State) error {
						v, err := defaultTemplate(env, id)
						if err != nil {
							return err
						}
						if v.LaunchTemplateData.InstanceType != "m6i.xlarge" {
							return fmt.Errorf("drift not repaired: %s", v.LaunchTemplateData.InstanceType)
						}
						return nil
					},
				),
			},
			{ // attributes left out keep the template's values: no change
				Config: ltHCL(env, id, `
  instance_type = "m6i.xlarge"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}

func TestAccLaunchTemplateSettingsAdoptsWithoutChanges(t *testing.T) {
	env := acctest.Start(t)
	id := serverIDByHostname(t, env, "shop-web-1")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{{
			Config: ltHCL(env, id, ""),
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr(ltAddr, "default_version", "1"),
				resource.TestCheckResourceAttr(ltAddr, "restore_version", "1"),
				resource.TestCheckResourceAttr(ltAddr, "security_group_ids.#", "1"),
				resource.TestCheckResourceAttr(ltAddr, "tags.%", "0"),
				resource.TestCheckResourceAttrSet(ltAddr, "instance_type"),
				resource.TestCheckResourceAttrSet(ltAddr, "subnet_id"),
			),
		}},
	})
}

func TestAccLaunchTemplateSettingsValidation(t *testing.T) {
	env := acctest.Start(t)
	pinned := serverIDByHostname(t, env, "shop-app-2")
	rightSizing(t, env, pinned, drstypes.TargetInstanceTypeRightSizingMethodNone)
	basic := serverIDByHostname(t, env, "shop-web-1") // right-sizing BASIC, as DRS sets it up
	n := lookupNetwork(t, env)
	cases := []struct{ name, id, body, want string }{
		{"instance type format", pinned, `instance_type = "M5"`, `"M5" is not an EC2 instance type`},
		{"subnet format", pinned, `subnet_id = "sn-1"`, `"sn-1" is not a subnet ID`},
		{"group format", pinned, `security_group_ids = ["group-1"]`, `"group-1" is not a security group ID`},
		{"profile arn", pinned, `iam_instance_profile_name = "arn:aws:iam::123456789012:instance-profile/x"`, `is an ARN: write the instance profile's name`},
		{"private ip format", pinned, `private_ip_address = "10.20.300.1"`, `is not an IPv4 address`},
		{"reserved tag", pinned, `tags = { "aws:x" = "y" }`, `the aws: prefix is reserved`},
		{"not offered", pinned, `instance_type = "x9.huge"`, `(?s)Instance type not offered.*does not offer x9.huge`},
		{"right-sizing on", basic, `instance_type = "m5.large"`,
			`(?s)right-sizing would replace.*right-sizing BASIC.*target_instance_type_right_sizing_method = "NONE"`},
		{"unknown subnet", pinned, `subnet_id = "subnet-0123456789abcdef0"`, `(?s)Unknown subnet.*no subnet subnet-0123456789abcdef0`},
		{"unknown group", pinned, fmt.Sprintf(`
  subnet_id          = %q
  security_group_ids = ["sg-0123456789abcdef0"]`, n.subnetA), `(?s)Unknown security group.*no security group sg-0123456789abcdef0`},
		{"groups of another VPC", pinned, fmt.Sprintf(`
  subnet_id          = %q
  security_group_ids = [%q]`, n.subnetA, n.isolatedGroup), `(?s)Security group of another VPC.*must be in its subnet's VPC`},
		{"ip outside the subnet", pinned, fmt.Sprintf(`
  subnet_id          = %q
  private_ip_address = "10.20.2.9"`, n.subnetA), `(?s)Private IP outside the subnet.*10.20.2.9 is not in 10.20.1.0/24`},
	}
	var steps []resource.TestStep
	for _, c := range cases {
		steps = append(steps, resource.TestStep{Config: ltHCL(env, c.id, c.body), PlanOnly: true, ExpectError: diagRE(c.want)})
	}
	resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: testFactories, Steps: steps})
}

// The published example applies in one run: its launch settings turn DRS
// right-sizing off before the template pins the instance type, and the
// plan-time check knows it.
func TestAccLaunchTemplateSettingsExampleApplies(t *testing.T) {
	env := acctest.Start(t)
	n := lookupNetwork(t, env)
	db := serverIDByHostname(t, env, "shop-db-1")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{{
			Config: env.ProviderConfig() + settingsExample(t, "resources", "drsorch_launch_template_settings", "resource.tf"),
			ConfigVariables: config.Variables{
				"recovery_subnet_id":          config.StringVariable(n.subnetA),
				"recovery_security_group_ids": config.ListVariable(config.StringVariable(n.appGroup)),
			},
			Check: func(*terraform.State) error {
				v, err := defaultTemplate(env, db)
				if err != nil {
					return err
				}
				if v.LaunchTemplateData.InstanceType != "r6i.large" || aws.ToString(v.LaunchTemplateData.NetworkInterfaces[0].PrivateIpAddress) != "10.20.1.50" {
					return fmt.Errorf("example not applied: %+v", v.LaunchTemplateData)
				}
				return nil
			},
		}},
	})
}

package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/drs"
	drstypes "github.com/aws/aws-sdk-go-v2/service/drs/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/drsorch/terraform-provider-drsorch/internal/acctest"
)

const actionAddr = "drsorch_launch_action.smoke"

func actionHCL(env *acctest.Env, resourceID, body string) string {
	return env.ProviderConfig() + fmt.Sprintf(`
resource "drsorch_launch_action" "smoke" {
  resource_id = %q
%s
}
`, resourceID, body)
}

func listActions(env *acctest.Env, resourceID string) ([]drstypes.LaunchAction, error) {
	out, err := settingsDRS(env).ListLaunchActions(context.Background(), &drs.ListLaunchActionsInput{ResourceId: aws.String(resourceID)})
	if err != nil {
		return nil, err
	}
	return out.Items, nil
}

func TestAccLaunchActionOnASourceServer(t *testing.T) {
	env := acctest.Start(t)
	server := serverIDByHostname(t, env, "shop-app-1")
	var actionID string
	created := `
  action_code = "AWS-RunShellScript"
  name        = "smoke test"
  order       = 2
  parameters = {
    commands = { value = "drs.smoke-test-commands", type = "SSM_STORE" }
  }`
	updated := `
  action_code    = "AWS-CreateImage"
  name           = "image after launch"
  order          = 5
  action_version = "$LATEST"
  active         = false
  optional       = false
  category       = "CONFIGURATION"
  description    = "image the recovered instance (must succeed)"
  parameters = {
    InstanceId = { value = "instance-id", type = "DYNAMIC" }
    NoReboot   = { value = "true", type = "DYNAMIC" }
  }`
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		CheckDestroy: func(*terraform.State) error {
			items, err := listActions(env, server)
			if err != nil {
				return err
			}
			if len(items) != 0 {
				return fmt.Errorf("destroy left %d launch actions on %s", len(items), server)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{ // create: DRS defaults for what is left out, a new UUID
				Config: actionHCL(env, server, created),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestMatchResourceAttr(actionAddr, "action_id", regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)),
					resource.TestCheckResourceAttr(actionAddr, "action_version", "$DEFAULT"),
					resource.TestCheckResourceAttr(actionAddr, "active", "true"),
					resource.TestCheckResourceAttr(actionAddr, "optional", "true"),
					resource.TestCheckResourceAttr(actionAddr, "category", "OTHER"),
					resource.TestCheckResourceAttr(actionAddr, "type", "SSM_COMMAND"),
					resource.TestCheckResourceAttr(actionAddr, "parameters.commands.type", "SSM_STORE"),
					func(s *terraform.State) error {
						rs := s.RootModule().Resources[actionAddr].Primary
						actionID = rs.Attributes["action_id"]
						if rs.ID != server+"/"+actionID {
							return fmt.Errorf("id %q", rs.ID)
						}
						items, err := listActions(env, server)
						if err != nil || len(items) != 1 || aws.ToString(items[0].ActionId) != actionID || aws.ToString(items[0].Parameters["commands"].Value) != "drs.smoke-test-commands" {
							return fmt.Errorf("DRS holds %+v (%v)", items, err)
						}
						return nil
					},
				),
			},
			{ // update every attribute in place (PutLaunchAction replaces it)
				Config: actionHCL(env, server, updated),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(actionAddr, plancheck.ResourceActionUpdate),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(actionAddr, "type", "SSM_AUTOMATION"),
					resource.TestCheckResourceAttr(actionAddr, "parameters.%", "2"),
					func(*terraform.State) error {
						items, err := listActions(env, server)
						if err != nil || len(items) != 1 {
							return fmt.Errorf("DRS holds %+v (%v)", items, err)
						}
						a := items[0]
						if aws.ToString(a.ActionId) != actionID || aws.ToInt32(a.Order) != 5 || aws.ToBool(a.Active) || aws.ToBool(a.Optional) ||
							a.Category != "CONFIGURATION" || aws.ToString(a.ActionVersion) != "$LATEST" || len(a.Parameters) != 2 {
							return fmt.Errorf("DRS holds %+v", a)
						}
						return nil
					},
				),
			},
			{ResourceName: actionAddr, ImportState: true, ImportStateVerify: true, ImportStateVerifyIgnore: []string{"timeouts"}},
			{ // drift outside Terraform is planned back
				PreConfig: func() {
					if _, err := settingsDRS(env).PutLaunchAction(context.Background(), &drs.PutLaunchActionInput{ResourceId: aws.String(server),
						ActionId: aws.String(actionID), ActionCode: aws.String("AWS-CreateImage"), Name: aws.String("image after launch"),
						Order: aws.Int32(7), ActionVersion: aws.String("$LATEST"), Active: aws.Bool(true), Optional: aws.Bool(false),
						Category: drstypes.LaunchActionCategoryConfiguration, Description: aws.String("changed by hand")}); err != nil {
						t.Fatalf("drift: %v", err)
					}
				},
				Config: actionHCL(env, server, updated),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(actionAddr, plancheck.ResourceActionUpdate),
				}},
				Check: func(*terraform.State) error {
					items, err := listActions(env, server)
					if err != nil || len(items) != 1 || aws.ToInt32(items[0].Order) != 5 || aws.ToBool(items[0].Active) || len(items[0].Parameters) != 2 {
						return fmt.Errorf("drift not repaired: %+v (%v)", items, err)
					}
					return nil
				},
			},
			{ // deleted outside Terraform: planned for creation again
				PreConfig: func() {
					if _, err := settingsDRS(env).DeleteLaunchAction(context.Background(), &drs.DeleteLaunchActionInput{ResourceId: aws.String(server), ActionId: aws.String(actionID)}); err != nil {
						t.Fatalf("delete by hand: %v", err)
					}
				},
				Config: actionHCL(env, server, updated),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(actionAddr, plancheck.ResourceActionCreate),
				}},
			},
		},
	})
}

func TestAccLaunchActionOnATemplate(t *testing.T) {
	env := acctest.Start(t)
	config := env.ProviderConfig() + `
resource "drsorch_launch_configuration_template" "new_servers" {
  post_launch_enabled = true
}

resource "drsorch_launch_action" "smoke" {
  resource_id = drsorch_launch_configuration_template.new_servers.id
  action_id   = "3f2a3b4c-0000-4000-8000-00000000000a"
  action_code = "AWS-RunPowerShellScript"
  name        = "register in DNS"
  order       = 100
  category    = "CONFIGURATION"
}
`
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{
			{Config: config, Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr(actionAddr, "action_id", "3f2a3b4c-0000-4000-8000-00000000000a"),
				resource.TestMatchResourceAttr(actionAddr, "id", regexp.MustCompile(`^lct-[0-9a-zA-Z]{17}/3f2a3b4c-0000-4000-8000-00000000000a$`)),
				func(s *terraform.State) error {
					lct := s.RootModule().Resources["drsorch_launch_configuration_template.new_servers"].Primary.ID
					items, err := listActions(env, lct)
					if err != nil || len(items) != 1 || aws.ToInt32(items[0].Order) != 100 {
						return fmt.Errorf("template %s holds %+v (%v)", lct, items, err)
					}
					return nil
				},
			)},
			{ResourceName: actionAddr, ImportState: true, ImportStateVerify: true, ImportStateVerifyIgnore: []string{"timeouts"}},
		},
	})
}

func TestAccLaunchActionValidation(t *testing.T) {
	env := acctest.Start(t)
	server := serverIDByHostname(t, env, "shop-app-1")
	base := `
  action_code = "AWS-RunShellScript"
  name        = "smoke"
  order       = 2
`
	var steps []resource.TestStep
	for _, c := range []struct{ resourceID, body, want string }{
		{"i-0123456789abcdef0", base, `(?s)resource_id.*"i-0123456789abcdef0" is neither a source server ID`},
		{server, `action_code = "AWS-RunShellScript"
  name = "smoke"
  order = 1`, `(?s)order.*1 is out of range: use 2 to 10000`},
		{server, base + `action_code_x = 1`, `Unsupported argument`},
		{server, strings.Replace(base, `"AWS-RunShellScript"`, `"AWS Run Shell Script"`, 1), `(?s)action_code.*is not an SSM document name`},
		{server, strings.Replace(base, `"smoke"`, `"_smoke"`, 1), `(?s)name.*"_smoke" is not a launch action name`},
		{server, base + `action_id = "not-a-uuid"`, `(?s)action_id.*"not-a-uuid" is not a UUID`},
		{server, base + `action_version = "v2"`, `(?s)action_version.*"v2" is not a document version`},
		{server, base + `category = "DISASTER_RECOVERY"`, `(?s)category.*use one of MONITORING, VALIDATION, CONFIGURATION, SECURITY, OTHER`},
		{server, base + `description = "fails <loudly>"`, `(?s)description.*may hold at most 1024`},
		{server, base + `parameters = { commands = { value = "echo hi", type = "SSM_STORE" } }`, `(?s)parameters\["commands"\].value.*"echo hi" must be 1 to 1011 letters`},
		{server, base + `parameters = { commands = { value = "x", type = "STRING" } }`, `(?s)parameters\["commands"\].type.*use one of SSM_STORE, DYNAMIC`},
		{server, base + `parameters = { "my-param" = { value = "x", type = "DYNAMIC" } }`, `(?s)Invalid parameter name.*parameters = { "my-param".*parameter name "my-param" must be 1 to 1011 letters or digits`},
	} {
		steps = append(steps, resource.TestStep{Config: actionHCL(env, c.resourceID, c.body), PlanOnly: true, ExpectError: diagRE(c.want)})
	}
	// Checked with DRS at plan: the resource exists, the order is free.
	if _, err := settingsDRS(env).PutLaunchAction(context.Background(), &drs.PutLaunchActionInput{ResourceId: aws.String(server),
		ActionId: aws.String("3f2a3b4c-0000-4000-8000-0000000000ff"), ActionCode: aws.String("AWS-RunShellScript"), Name: aws.String("made by hand"),
		Order: aws.Int32(2), ActionVersion: aws.String("$DEFAULT"), Active: aws.Bool(true), Optional: aws.Bool(true),
		Category: drstypes.LaunchActionCategoryOther, Description: aws.String("")}); err != nil {
		t.Fatal(err)
	}
	steps = append(steps,
		resource.TestStep{Config: actionHCL(env, server, base), PlanOnly: true,
			ExpectError: diagRE(`(?s)Launch action order taken.*order = 2.*"made by hand" \(3f2a3b4c-0000-4000-8000-0000000000ff\) of ` + server + ` already runs at order 2`)},
		resource.TestStep{Config: actionHCL(env, "lct-0000000000000000a", base), PlanOnly: true,
			ExpectError: diagRE(`(?s)Unknown launch configuration template.*resource_id.*has no launch configuration template lct-0000000000000000a`)},
		resource.TestStep{Config: actionHCL(env, "s-0000000000000000a", base), PlanOnly: true,
			ExpectError: diagRE(`(?s)Unknown source server.*has no source server s-0000000000000000a`)},
	)
	steps = append(steps, resource.TestStep{Config: actionHCL(env, server, base), ResourceName: actionAddr, ImportState: true, ImportStateId: server,
		ExpectError: diagRE(`is not <resource_id>/<action_id>`)})
	resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: testFactories, Steps: steps})
}

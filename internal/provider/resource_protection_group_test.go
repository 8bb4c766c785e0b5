package provider

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/drs"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/drsorch/terraform-provider-drsorch/internal/acctest"
	"github.com/drsorch/terraform-provider-drsorch/internal/drsapi"
	"github.com/drsorch/terraform-provider-drsorch/internal/protectiongroup"
)

// demoServers maps the demo estate's hostnames to their source server
// IDs (and ARNs), read through the DRS API.
func demoServers(t *testing.T, env *acctest.Env) (ids, arns map[string]string) {
	t.Helper()
	servers, err := drsapi.ListSourceServers(context.Background(), drs.NewFromConfig(env.Service.AWSConfig(env.Region)), nil)
	if err != nil {
		t.Fatal(err)
	}
	ids, arns = map[string]string{}, map[string]string{}
	for _, s := range servers {
		ids[drsapi.Hostname(s)] = aws.ToString(s.SourceServerID)
		arns[drsapi.Hostname(s)] = aws.ToString(s.Arn)
	}
	return ids, arns
}

// groupMembers lists the hostnames carrying the membership tag of group.
func groupMembers(env *acctest.Env, group string) ([]string, error) {
	servers, err := drsapi.ListSourceServers(context.Background(), drs.NewFromConfig(env.Service.AWSConfig(env.Region)), nil)
	if err != nil {
		return nil, err
	}
	var hosts []string
	for _, s := range protectiongroup.CurrentMembers(group, servers) {
		hosts = append(hosts, drsapi.Hostname(s))
	}
	sort.Strings(hosts)
	return hosts, nil
}

func checkGroupMembers(env *acctest.Env, group string, want ...string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		got, err := groupMembers(env, group)
		if err != nil {
			return err
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			return fmt.Errorf("servers tagged %s=%s: %v, want %v", protectiongroup.TagKey, group, got, want)
		}
		return nil
	}
}

func TestAccProtectionGroupLifecycle(t *testing.T) {
	env := acctest.Start(t)
	ids, arns := demoServers(t, env)
	client := drs.NewFromConfig(env.Service.AWSConfig(env.Region))
	byTags := env.ProviderConfig() + `
resource "drsorch_protection_group" "db" {
  name           = "shop-db"
  description    = "shop databases"
  selection_tags = { app = "shop", tier = "db" }
}
`
	byIDs := func(hosts ...string) string {
		list := ""
		for _, h := range hosts {
			list += fmt.Sprintf("%q, ", ids[h])
		}
		return byTags + fmt.Sprintf(`
resource "drsorch_protection_group" "web" {
  name              = "shop-web"
  source_server_ids = [%s]
}
`, list)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		CheckDestroy: func(*terraform.State) error {
			for _, g := range []string{"shop-db", "shop-web"} {
				if hosts, err := groupMembers(env, g); err != nil || len(hosts) != 0 {
					return fmt.Errorf("group %s left members %v (%v)", g, hosts, err)
				}
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config: byIDs("shop-web-1", "shop-web-2"),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("drsorch_protection_group.db", "id", "shop-db"),
					resource.TestCheckResourceAttr("drsorch_protection_group.db", "server_count", "2"),
					resource.TestCheckResourceAttr("drsorch_protection_group.db", "replicating_count", "2"),
					resource.TestCheckTypeSetElemAttr("drsorch_protection_group.db", "resolved_source_server_ids.*", ids["shop-db-1"]),
					resource.TestCheckResourceAttr("drsorch_protection_group.web", "server_count", "2"),
					checkGroupMembers(env, "shop-db", "shop-db-1", "shop-db-2"),
					checkGroupMembers(env, "shop-web", "shop-web-1", "shop-web-2"),
				),
			},
			{
				// Update moves membership: web-2 leaves, web-3 and web-4 join.
				Config: byIDs("shop-web-1", "shop-web-3", "shop-web-4"),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("drsorch_protection_group.web", "server_count", "3"),
					checkGroupMembers(env, "shop-web", "shop-web-1", "shop-web-3", "shop-web-4"),
				),
			},
			{
				// A membership tag removed outside Terraform shows in the next plan.
				PreConfig: func() {
					_, err := client.UntagResource(context.Background(), &drs.UntagResourceInput{
						ResourceArn: aws.String(arns["shop-db-2"]), TagKeys: []string{protectiongroup.TagKey}})
					if err != nil {
						t.Fatal(err)
					}
				},
				Config:             byIDs("shop-web-1", "shop-web-3", "shop-web-4"),
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			},
			{
				// Apply heals it.
				Config: byIDs("shop-web-1", "shop-web-3", "shop-web-4"),
				Check:  checkGroupMembers(env, "shop-db", "shop-db-1", "shop-db-2"),
			},
			{
				ResourceName:            "drsorch_protection_group.db",
				ImportState:             true,
				ImportStateId:           "shop-db",
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"description", "selection_tags", "source_server_ids"},
			},
			{
				ResourceName:  "drsorch_protection_group.db",
				ImportState:   true,
				ImportStateId: "no-such-group",
				ExpectError:   regexp.MustCompile(`Groups that exist there: "shop-db", "shop-web"`),
			},
			{
				// A server owned by another group is refused at plan, naming both.
				Config: byIDs("shop-web-1", "shop-web-3", "shop-web-4") + fmt.Sprintf(`
resource "drsorch_protection_group" "thief" {
  name              = "thief"
  source_server_ids = [%q]
}
`, ids["shop-db-1"]),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(fmt.Sprintf(`Source server %s belongs to protection group "shop-db"`, ids["shop-db-1"])),
			},
		},
	})
}

func TestAccProtectionGroupPlanTimeErrors(t *testing.T) {
	env := acctest.Start(t)
	ids, _ := demoServers(t, env)
	cases := map[string]struct {
		body string
		want string
	}{
		"unknown server": {`source_server_ids = ["s-00000000000000000"]`, `DRS in us-east-1 has no source server s-00000000000000000`},
		"empty selector": {`selection_tags = { app = "nope" }`, `No DRS source server in us-east-1 carries all of the tags \{app=nope\}`},
		"both selections": {fmt.Sprintf(`selection_tags = { app = "shop" }
  source_server_ids = [%q]`, ids["shop-db-1"]), `Exactly one of these attributes must be configured`},
		"neither selection": {``, `Exactly one of these attributes must be configured`},
		"bad id":            {`source_server_ids = ["i-123"]`, `must be a source server ID`},
		"bad name":          {`source_server_ids = ["s-00000000000000000"]` + "\n  # name below", `.`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			groupName := "g1"
			if name == "bad name" {
				groupName = "-bad"
				tc.want = `must start with a letter or digit`
			}
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testFactories,
				Steps: []resource.TestStep{{
					Config: env.ProviderConfig() + fmt.Sprintf(`
resource "drsorch_protection_group" "g" {
  name = %q
  %s
}
`, groupName, tc.body),
					PlanOnly:    true,
					ExpectError: regexp.MustCompile(tc.want),
				}},
			})
		})
	}
}

func TestAccProtectionGroupNameUniqueIgnoringCase(t *testing.T) {
	env := acctest.Start(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{
			{Config: env.ProviderConfig() + `
resource "drsorch_protection_group" "a" {
  name           = "Shop-App"
  selection_tags = { tier = "app" }
}
`},
			{
				Config: env.ProviderConfig() + `
resource "drsorch_protection_group" "a" {
  name           = "Shop-App"
  selection_tags = { tier = "app" }
}
resource "drsorch_protection_group" "b" {
  name           = "shop-app"
  selection_tags = { tier = "web" }
}
`,
				ExpectError: regexp.MustCompile(`(?s)already belongs to protection group\s+"Shop-App".*Choose another name`),
			},
		},
	})
}

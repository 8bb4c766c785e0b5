package provider

import (
	"context"
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/drs"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/drsorch/terraform-provider-drsorch/internal/acctest"
)

const tagsAddr = "drsorch_source_server_tags.web"

func tagsHCL(env *acctest.Env, id, tags string) string {
	return env.ProviderConfig() + fmt.Sprintf(`
resource "drsorch_source_server_tags" "web" {
  source_server_id = %q
  tags             = %s
}
`, id, tags)
}

func serverTags(env *acctest.Env, arn string) (map[string]string, error) {
	out, err := settingsDRS(env).ListTagsForResource(context.Background(), &drs.ListTagsForResourceInput{ResourceArn: aws.String(arn)})
	if err != nil {
		return nil, err
	}
	return out.Tags, nil
}

// expectTags checks the server's tags: want values, and keys that must be absent ("").
func expectTags(env *acctest.Env, arn string, want map[string]string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		got, err := serverTags(env, arn)
		if err != nil {
			return err
		}
		for k, v := range want {
			if g, ok := got[k]; (v == "" && ok) || (v != "" && g != v) {
				return fmt.Errorf("tag %s: got %q (present %v), want %q; all tags %v", k, g, ok, v, got)
			}
		}
		return nil
	}
}

func TestAccSourceServerTagsLifecycle(t *testing.T) {
	env := acctest.Start(t)
	server := serverByHostname(t, env, "shop-web-1")
	id, arn := aws.ToString(server.SourceServerID), aws.ToString(server.Arn)
	ctx := context.Background()
	// A tag of drsorch itself and one of another tool are on the server.
	if _, err := settingsDRS(env).TagResource(ctx, &drs.TagResourceInput{ResourceArn: aws.String(arn),
		Tags: map[string]string{"drsorch:protection-group": "shop", "backup": "daily"}}); err != nil {
		t.Fatal(err)
	}
	untouched := map[string]string{"drsorch:protection-group": "shop", "backup": "daily", "app": "shop", "tier": "web"}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		CheckDestroy: func(s *terraform.State) error {
			want := map[string]string{"owner": "", "cost-center": ""}
			for k, v := range untouched {
				want[k] = v
			}
			return expectTags(env, arn, want)(s)
		},
		Steps: []resource.TestStep{
			{
				Config: tagsHCL(env, id, `{ owner = "dr-team", cost-center = "42" }`),
				// The id is the source server ID: known when planned.
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectKnownValue(tagsAddr, tfjsonpath.New("id"), knownvalue.StringExact(id)),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(tagsAddr, "arn", arn),
					resource.TestCheckResourceAttr(tagsAddr, "tags.%", "2"),
					expectTags(env, arn, map[string]string{"owner": "dr-team", "cost-center": "42"}),
					expectTags(env, arn, untouched),
				),
			},
			{ // drop one key, change another
				Config: tagsHCL(env, id, `{ owner = "platform" }`),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(tagsAddr, "tags.%", "1"),
					expectTags(env, arn, map[string]string{"owner": "platform", "cost-center": ""}),
					expectTags(env, arn, untouched),
				),
			},
			{ // import only the managed key
				ResourceName:      tagsAddr,
				ImportState:       true,
				ImportStateId:     id + ",owner",
				ImportStateVerify: true,
			},
			{ // drift on a managed key shows; unmanaged changes do not
				PreConfig: func() {
					if _, err := settingsDRS(env).TagResource(ctx, &drs.TagResourceInput{ResourceArn: aws.String(arn),
						Tags: map[string]string{"owner": "someone-else", "backup": "weekly"}}); err != nil {
						t.Fatal(err)
					}
					untouched["backup"] = "weekly"
				},
				Config: tagsHCL(env, id, `{ owner = "platform" }`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(tagsAddr, plancheck.ResourceActionUpdate),
				}},
				Check: expectTags(env, arn, map[string]string{"owner": "platform", "backup": "weekly"}),
			},
			{ // a managed key removed outside Terraform comes back
				PreConfig: func() {
					if _, err := settingsDRS(env).UntagResource(ctx, &drs.UntagResourceInput{ResourceArn: aws.String(arn), TagKeys: []string{"owner"}}); err != nil {
						t.Fatal(err)
					}
				},
				Config: tagsHCL(env, id, `{ owner = "platform" }`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(tagsAddr, plancheck.ResourceActionUpdate),
				}},
				Check: expectTags(env, arn, map[string]string{"owner": "platform"}),
			},
		},
	})
}

func TestAccSourceServerTagsImportEveryUserTag(t *testing.T) {
	env := acctest.Start(t)
	server := serverByHostname(t, env, "shop-web-2")
	id := aws.ToString(server.SourceServerID)
	if _, err := settingsDRS(env).TagResource(context.Background(), &drs.TagResourceInput{ResourceArn: server.Arn,
		Tags: map[string]string{"drsorch:protection-group": "shop"}}); err != nil {
		t.Fatal(err)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{{
			// The demo server carries app and tier: importing by ID alone
			// takes every tag but drsorch's own.
			Config:             tagsHCL(env, id, `{ app = "shop", tier = "web" }`),
			ResourceName:       tagsAddr,
			ImportState:        true,
			ImportStateId:      id,
			ImportStatePersist: true,
			ImportStateCheck: func(states []*terraform.InstanceState) error {
				if len(states) != 1 {
					return fmt.Errorf("imported %d instances", len(states))
				}
				a := states[0].Attributes
				if a["tags.%"] != "2" || a["tags.app"] != "shop" || a["tags.tier"] != "web" {
					return fmt.Errorf("imported tags %v, want app and tier only", a)
				}
				return nil
			},
		}, {
			Config:   tagsHCL(env, id, `{ app = "shop", tier = "web" }`),
			PlanOnly: true,
		}},
	})
}

func TestAccSourceServerTagsValidation(t *testing.T) {
	env := acctest.Start(t)
	id := serverIDByHostname(t, env, "shop-web-3")
	many := "{"
	for i := range 51 {
		many += fmt.Sprintf(" k%d = \"v\",", i)
	}
	many += " }"
	cases := []struct{ name, id, tags, want string }{
		{"reserved", id, `{ "drsorch:protection-group" = "mine" }`, `tag key "drsorch:protection-group" is reserved: keys under "drsorch:" are written by drsorch itself`},
		{"reserved upper case", id, `{ "DRSORCH:plan" = "x" }`, `is reserved`},
		{"aws prefix", id, `{ "aws:owner" = "x" }`, `uses the prefix aws:`},
		{"empty key", id, `{ "" = "x" }`, `must be 1 to 128 characters long`},
		{"long value", id, fmt.Sprintf(`{ k = %q }`, longName(257)), `at most 256 are allowed`},
		{"too many", id, many, `(?s)map must contain at most 50 elements`},
		{"unknown server", "s-0000000000000000b", `{ a = "b" }`, `no source server s-0000000000000000b`},
	}
	var steps []resource.TestStep
	for _, c := range cases {
		steps = append(steps, resource.TestStep{Config: tagsHCL(env, c.id, c.tags), PlanOnly: true, ExpectError: diagRE(c.want)})
	}
	resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: testFactories, Steps: steps})
}

func TestAccSourceServerTagsSurvivesThrottling(t *testing.T) {
	env := acctest.Start(t)
	server := serverByHostname(t, env, "shop-web-4")
	throttle(t, env, 50)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{
			{Config: tagsHCL(env, aws.ToString(server.SourceServerID), `{ owner = "dr" }`), Check: resource.TestCheckResourceAttr(tagsAddr, "tags.owner", "dr")},
		},
		CheckDestroy: func(s *terraform.State) error {
			throttle(t, env, 0)
			return expectTags(env, aws.ToString(server.Arn), map[string]string{"owner": "", "app": "shop"})(s)
		},
	})
}

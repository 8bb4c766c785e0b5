package provider

import (
	"context"
	"fmt"
	"regexp"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/drsorch/terraform-provider-drsorch/internal/acctest"
	"github.com/drsorch/terraform-provider-drsorch/internal/plans"
)

// expectPlanTags checks the plan's state machine tags in the service: want
// values, and keys that must be absent ("").
func expectPlanTags(env *acctest.Env, want map[string]string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		got, err := plans.Tags(context.Background(), sfnClient(env), plans.ARN("aws", env.Region, "123456789012", "shop"))
		if err != nil {
			return err
		}
		for k, v := range want {
			if g, ok := got[k]; (v == "" && ok) || (v != "" && g != v) {
				return fmt.Errorf("state machine tag %s = %q (present %v), want %q; all tags %v", k, g, ok, v, got)
			}
		}
		return nil
	}
}

func tagMap(kv ...string) knownvalue.Check {
	m := map[string]knownvalue.Check{}
	for i := 0; i < len(kv); i += 2 {
		m[kv[i]] = knownvalue.StringExact(kv[i+1])
	}
	return knownvalue.MapExact(m)
}

// Recovery plans carry user tags on their state machine: default_tags
// under tags in tags_all (known at plan), ignore_tags left alone, a tag
// changed outside Terraform planned back, a default repeated in tags kept
// without a diff, and drsorch's own keys refused at plan.
func TestAccRecoveryPlanTagsDefaultTagsIgnoreTags(t *testing.T) {
	env := acctest.Start(t)
	arn := plans.ARN("aws", env.Region, "123456789012", "shop")
	config := func(tags string) string {
		return env.ProviderConfig(testRole,
			`default_tags {
    tags = { team = "dr", env = "test" }
  }`,
			`ignore_tags {
    keys         = ["scanner"]
    key_prefixes = ["ops/"]
  }`) + threeTierPlan("  tags = "+tags+"\n")
	}
	const addr = "drsorch_recovery_plan.shop"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{
			{
				Config: config(`{ env = "prod", app = "shop" }`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectKnownValue(addr, tfjsonpath.New("tags_all"), tagMap("team", "dr", "env", "prod", "app", "shop")),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(addr, "tags.%", "2"),
					resource.TestCheckResourceAttr(addr, "tags_all.%", "3"),
					expectPlanTags(env, map[string]string{"team": "dr", "env": "prod", "app": "shop", plans.TagPlan: "shop", plans.TagManagedBy: "terraform"}),
				),
			},
			{
				// Changed outside Terraform: env (drift, planned back) and
				// ignored tags (no drift, left alone).
				PreConfig: func() {
					_, err := sfnClient(env).TagResource(context.Background(), &sfn.TagResourceInput{ResourceArn: aws.String(arn),
						Tags: plans.SFNTags(map[string]string{"env": "staging", "scanner": "found", "ops/ticket": "42"})})
					if err != nil {
						t.Fatal(err)
					}
				},
				Config: config(`{ env = "prod", app = "shop" }`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(addr, tfjsonpath.New("tags_all"), tagMap("team", "dr", "env", "prod", "app", "shop")),
				}},
				Check: expectPlanTags(env, map[string]string{"env": "prod", "scanner": "found", "ops/ticket": "42", plans.TagPlan: "shop"}),
			},
			{
				// A resource tag removed is untagged; a default repeated with
				// its value stays in tags, with no diff afterwards.
				Config: config(`{ team = "dr" }`),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(addr, "tags.%", "1"),
					resource.TestCheckResourceAttr(addr, "tags_all.env", "test"),
					expectPlanTags(env, map[string]string{"app": "", "env": "test", "team": "dr", "scanner": "found", plans.TagManagedBy: "terraform"}),
				),
			},
			{
				Config:      config(`{ "drsorch:plan" = "other" }`),
				ExpectError: regexp.MustCompile(`(?s)Invalid tag.*tags = \{ "drsorch:plan" = "other" \}.*drsorch: prefix`),
			},
			{Config: config(`{ team = "dr" }`), PlanOnly: true},
			{
				// An import cannot tell a default repeated in tags from the
				// default itself (the AWS provider's rule): tags comes back
				// without team, tags_all the same.
				ResourceName:            addr,
				ImportState:             true,
				ImportStateId:           "shop",
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"tags.", "timeouts", "wave", "force_destroy", "estimated_state_transitions", "version", "version_arn", "levels", "server_count", "definition", "log_retention_days", "log_level", "log_group_name", "log_group_arn", "keep_log_group"},
				Config:                  config(`{ team = "dr" }`),
			},
		},
	})
}

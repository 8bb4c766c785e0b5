package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/drs"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/drsorch/terraform-provider-drsorch/internal/acctest"
	"github.com/drsorch/terraform-provider-drsorch/internal/plans"
	"github.com/drsorch/terraform-provider-drsorch/internal/protectiongroup"
)

// tagOutside changes a server's tags through the DRS API, as someone
// working outside Terraform would.
func tagOutside(t *testing.T, env *acctest.Env, arn string, tags map[string]string) {
	t.Helper()
	client := drs.NewFromConfig(env.Service.AWSConfig(env.Region))
	if _, err := client.TagResource(context.Background(), &drs.TagResourceInput{ResourceArn: aws.String(arn), Tags: tags}); err != nil {
		t.Fatal(err)
	}
}

func untagOutside(t *testing.T, env *acctest.Env, arn string, keys ...string) {
	t.Helper()
	client := drs.NewFromConfig(env.Service.AWSConfig(env.Region))
	if _, err := client.UntagResource(context.Background(), &drs.UntagResourceInput{ResourceArn: aws.String(arn), TagKeys: keys}); err != nil {
		t.Fatal(err)
	}
}

// checkDeployedServers checks the servers of the deployed state machine
// of plan (not the Terraform state): what a recovery started now recovers.
func checkDeployedServers(env *acctest.Env, plan string, include, exclude []string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		out, found, err := plans.Find(context.Background(), sfnClient(env), plans.ARN("aws", env.Region, "123456789012", plan))
		if err != nil || !found {
			return fmt.Errorf("plan %s not deployed (%v)", plan, err)
		}
		def := aws.ToString(out.Definition)
		for _, id := range include {
			if !strings.Contains(def, id) {
				return fmt.Errorf("deployed plan %s lacks server %s", plan, id)
			}
		}
		for _, id := range exclude {
			if strings.Contains(def, id) {
				return fmt.Errorf("deployed plan %s still holds server %s", plan, id)
			}
		}
		return nil
	}
}

// A membership change made in an apply reaches the deployed plan in that
// same apply; a membership tag removed outside Terraform is drift that the
// next apply heals, not a provider error.
func TestAccMembershipReachesPlanInSameApply(t *testing.T) {
	env := acctest.Start(t)
	ids, arns := demoServers(t, env)
	config := env.ProviderConfig(testRole) + threeTierPlan("")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{
			{
				Config: config,
				Check:  resource.TestCheckResourceAttr("drsorch_recovery_plan.shop", "server_count", "9"),
			},
			{
				// files-1 now matches the db group's selection: one apply
				// tags it and deploys it in the plan.
				PreConfig: func() { tagOutside(t, env, arns["files-1"], map[string]string{"app": "shop", "tier": "db"}) },
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("drsorch_protection_group.db", plancheck.ResourceActionUpdate),
					plancheck.ExpectResourceAction("drsorch_recovery_plan.shop", plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue("drsorch_recovery_plan.shop", tfjsonpath.New("server_count"), knownvalue.Int64Exact(10)),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("drsorch_recovery_plan.shop", "server_count", "10"),
					checkGroupMembers(env, "shop-db", "files-1", "shop-db-1", "shop-db-2"),
					checkDeployedServers(env, "shop", []string{ids["files-1"]}, nil),
				),
			},
			{
				// A server leaving the selection leaves the deployed plan in
				// the same apply.
				PreConfig: func() { untagOutside(t, env, arns["files-1"], "tier") },
				Config:    config,
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("drsorch_recovery_plan.shop", "server_count", "9"),
					checkGroupMembers(env, "shop-db", "shop-db-1", "shop-db-2"),
					checkDeployedServers(env, "shop", nil, []string{ids["files-1"]}),
				),
			},
		},
	})
}

// A membership tag removed outside Terraform is drift of the group that
// the next apply heals; it never makes the provider produce an
// inconsistent final plan for the recovery plan.
func TestAccMembershipTagRemovedOutsideIsDrift(t *testing.T) {
	env := acctest.Start(t)
	ids, arns := demoServers(t, env)
	config := env.ProviderConfig(testRole) + threeTierPlan("")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{
			{Config: config},
			{
				// The group shows the drift, and the apply restores the tag;
				// the deployed plan still holds the server.
				PreConfig: func() { untagOutside(t, env, arns["shop-db-2"], protectiongroup.TagKey) },
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("drsorch_protection_group.db", plancheck.ResourceActionUpdate),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("drsorch_recovery_plan.shop", "server_count", "9"),
					checkGroupMembers(env, "shop-db", "shop-db-1", "shop-db-2"),
					checkDeployedServers(env, "shop", []string{ids["shop-db-2"]}, nil),
				),
			},
		},
	})
}

// An ID-based group whose only server lost its membership tag is drift
// that the apply heals, not an "empty protection group" that blocks plans.
func TestAccMembershipIDGroupLostItsTag(t *testing.T) {
	env := acctest.Start(t)
	ids, arns := demoServers(t, env)
	config := env.ProviderConfig(testRole) + fmt.Sprintf(`
resource "drsorch_protection_group" "files" {
  name              = "files"
  source_server_ids = [%q]
}
resource "drsorch_recovery_plan" "it" {
  name = "it"
  wave {
    name             = "files"
    protection_group = drsorch_protection_group.files.id
  }
}
`, ids["files-1"])
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig:          func() { untagOutside(t, env, arns["files-1"], protectiongroup.TagKey) },
				Config:             config,
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			},
			{
				Config: config,
				Check: resource.ComposeAggregateTestCheckFunc(
					checkGroupMembers(env, "files", "files-1"),
					resource.TestCheckResourceAttr("drsorch_recovery_plan.it", "server_count", "1"),
				),
			},
		},
	})
}

// Two groups of one configuration claiming one server, or names that
// differ only in case, fail the plan, naming both groups.
func TestAccMembershipContestedInOneConfiguration(t *testing.T) {
	env := acctest.Start(t)
	ids, _ := demoServers(t, env)
	cases := map[string]struct{ config, want string }{
		"one server, two groups": {fmt.Sprintf(`
resource "drsorch_protection_group" "a" {
  name           = "db-by-tags"
  selection_tags = { app = "shop", tier = "db" }
}
resource "drsorch_protection_group" "b" {
  name              = "db-by-id"
  source_server_ids = [%q]
}
`, ids["shop-db-1"]), fmt.Sprintf(`(?s)Source server %s is claimed by\s+protection\s+groups\s+"db-by-(tags|id)"\s+and\s+"db-by-(tags|id)"`, ids["shop-db-1"])},
		"names differing in case": {`
resource "drsorch_protection_group" "a" {
  name           = "Shop-Web"
  selection_tags = { app = "shop", tier = "web" }
}
resource "drsorch_protection_group" "b" {
  name           = "shop-web"
  selection_tags = { app = "shop", tier = "app" }
}
`, `(?s)Protection groups\s+"(Shop-Web|shop-web)"\s+and\s+"(Shop-Web|shop-web)"\s+of\s+this\s+configuration\s+differ\s+only\s+in\s+case`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testFactories,
				Steps: []resource.TestStep{{
					Config:      env.ProviderConfig(testRole) + tc.config,
					PlanOnly:    true,
					ExpectError: regexp.MustCompile(tc.want),
				}},
			})
		})
	}
}

// Checks about the world (ownership, quotas) never block a destroy.
func TestAccMembershipDestroyNotBlockedByTheWorld(t *testing.T) {
	env := acctest.Start(t)
	_, arns := demoServers(t, env)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		CheckDestroy: func(*terraform.State) error {
			defer resetQuotas(t, env)
			for _, g := range []string{"shop-db", "shop-app", "shop-web"} {
				if hosts, err := groupMembers(env, g); err != nil || len(hosts) != 0 {
					return fmt.Errorf("group %s left members %v (%v)", g, hosts, err)
				}
			}
			// The server another group took keeps its new owner.
			return checkGroupMembers(env, "someone-else", "shop-db-1")(nil)
		},
		Steps: []resource.TestStep{
			{Config: env.ProviderConfig(testRole) + threeTierPlan("")},
			{
				PreConfig: func() {
					tagOutside(t, env, arns["shop-db-1"], map[string]string{protectiongroup.TagKey: "someone-else"})
					setQuota(t, env, "L-B827C881", 1) // servers per job: every wave is now over it
				},
				Config:  env.ProviderConfig(testRole) + threeTierPlan(""),
				Destroy: true,
			},
		},
	})
}

// Mistakes that used to surface only mid-apply, leaving partial state,
// fail the plan of a first apply.
func TestAccPlanTimeErrorsOfAFirstApply(t *testing.T) {
	wave := func(name, group string) string {
		return fmt.Sprintf("  wave {\n    name = %q\n    protection_group = %s\n  }\n", name, group)
	}
	plan := func(resName, name, waves string) string {
		return fmt.Sprintf("resource \"drsorch_recovery_plan\" %q {\n  name = %q\n%s}\n", resName, name, waves)
	}
	cases := map[string]struct {
		setup  func(t *testing.T, env *acctest.Env)
		config string
		want   string
	}{
		"two plans with one name": {
			config: shopGroups + plan("a", "shop", wave("db", "drsorch_protection_group.db.id")) + plan("b", "shop", wave("web", "drsorch_protection_group.web.id")),
			want:   `(?s)Recovery plan name used twice.*also named "shop"`,
		},
		"plan of another workspace": {
			setup: func(t *testing.T, env *acctest.Env) {
				_, err := sfnClient(env).CreateStateMachine(context.Background(), &sfn.CreateStateMachineInput{
					Name: aws.String(plans.StateMachineName("shop")), RoleArn: aws.String("arn:aws:iam::123456789012:role/drsorch"),
					Definition: aws.String(`{"StartAt":"x","States":{"x":{"Type":"Succeed"}}}`)})
				if err != nil {
					t.Fatal(err)
				}
			},
			config: shopGroups + plan("shop", "shop", wave("db", "drsorch_protection_group.db.id")),
			want:   `(?s)Recovery plan already exists.*not\s+in\s+this\s+configuration's\s+state.*terraform import <address> shop`,
		},
		"execution of a plan that does not exist": {
			config: `
resource "drsorch_execution" "drill" {
  recovery_plan = "no-such-plan"
  type          = "DRILL"
}
`,
			want: `(?s)Recovery plan not found.*no\s+drsorch_recovery_plan\s+of\s+this\s+configuration\s+deploys\s+it`,
		},
		"wave over the per-job quota, groups created in the same apply": {
			setup:  func(t *testing.T, env *acctest.Env) { setQuota(t, env, "L-B827C881", 3) },
			config: shopGroups + plan("shop", "shop", wave("web", "drsorch_protection_group.web.id")),
			want:   `(?s)recovers 4 servers but DRS allows 3 source servers in a single job`,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			env := acctest.Start(t)
			if tc.setup != nil {
				tc.setup(t, env)
			}
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testFactories,
				Steps: []resource.TestStep{{
					Config:      env.ProviderConfig(testRole) + tc.config,
					PlanOnly:    true,
					ExpectError: regexp.MustCompile(tc.want),
				}},
			})
		})
	}
}

// A plan whose members change while one of its executions runs says so
// at plan, naming the execution and the servers (through the terraform
// CLI: the acceptance harness does not show warnings).
func TestAccMembershipChangeWarnsAboutRunningExecutions(t *testing.T) {
	env := acctest.Start(t) // frozen clock: the drill stays in its first wave
	t.Setenv("DRSORCH_RUN_SERVICE_ENDPOINT", env.Service.URL)
	t.Setenv("AWS_REGION", env.Region)
	ids, arns := demoServers(t, env)
	tf := newTerraformCLI(t, map[string]string{"main.tf": `
terraform {
  required_providers {
    drsorch = { source = "drsorch/drsorch" }
  }
}
provider "drsorch" {
  ` + testRole + `
}
` + threeTierPlan("")})
	tf.must("apply", "-auto-approve", "-input=false", "-no-color")
	_, err := sfnClient(env).StartExecution(context.Background(), &sfn.StartExecutionInput{
		StateMachineArn: aws.String(plans.ARN("aws", env.Region, "123456789012", "shop")), Name: aws.String("drill-during-change"),
		Input: aws.String(`{"type":"DRILL"}`)})
	if err != nil {
		t.Fatal(err)
	}
	tagOutside(t, env, arns["files-1"], map[string]string{"app": "shop", "tier": "db"})
	untagOutside(t, env, arns["shop-web-4"], "tier")
	out := tf.must("plan", "-input=false", "-no-color")
	for _, want := range []string{
		"Running execution keeps the old membership",
		"Execution drill-during-change of recovery plan shop is RUNNING",
		"wave db: added " + ids["files-1"] + " (the run does not recover them)",
		"wave web: removed " + ids["shop-web-4"] + " (the run still recovers them)",
	} {
		if !strings.Contains(strings.Join(strings.Fields(out), " "), want) {
			t.Errorf("plan output lacks %q:\n%s", want, out)
		}
	}
}

// Two groups of one configuration whose overlap is known only at apply
// (one selection comes from another resource): never both get a server,
// and the apply fails naming both groups (the apply walk's re-plan catches
// it; a race with another workspace is caught by the claim, see
// protectiongroup's claim tests).
func TestAccMembershipClaimAtApplyHasOneWinner(t *testing.T) {
	env := acctest.Start(t)
	config := env.ProviderConfig(testRole) + `
resource "terraform_data" "tier" {
  input = "db"
}
resource "drsorch_protection_group" "a" {
  name           = "db-a"
  selection_tags = { app = "shop", tier = "db" }
}
resource "drsorch_protection_group" "b" {
  name           = "db-b"
  selection_tags = { app = "shop", tier = terraform_data.tier.output }
}
`
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		ExternalProviders:        map[string]resource.ExternalProvider{"terraform": {Source: "terraform.io/builtin/terraform"}},
		Steps: []resource.TestStep{{
			Config:      config,
			ExpectError: regexp.MustCompile(`(?s)protection\s+groups?\s+"db-(a|b)".*"db-(a|b)"`),
			Check: func(*terraform.State) error {
				a, errA := groupMembers(env, "db-a")
				b, errB := groupMembers(env, "db-b")
				if errA != nil || errB != nil {
					return fmt.Errorf("%v %v", errA, errB)
				}
				if len(a)+len(b) > 2 {
					return fmt.Errorf("servers in two groups: db-a %v, db-b %v", a, b)
				}
				return nil
			},
		}},
	})
}

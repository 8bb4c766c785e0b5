package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/drs"
	drstypes "github.com/aws/aws-sdk-go-v2/service/drs/types"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	sfntypes "github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/drsorch/terraform-provider-drsorch/internal/acctest"
	"github.com/drsorch/terraform-provider-drsorch/internal/drsapi"
	"github.com/drsorch/terraform-provider-drsorch/internal/plans"
	"github.com/drsorch/terraform-provider-drsorch/internal/protectiongroup"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/drssim"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/events"
	"github.com/drsorch/terraform-provider-drsorch/internal/statemachine"
)

const testRole = `execution_role_arn = "arn:aws:iam::123456789012:role/drsorch"`

// shopGroups are the demo estate's three tiers as protection groups.
const shopGroups = `
resource "drsorch_protection_group" "db" {
  name           = "shop-db"
  selection_tags = { app = "shop", tier = "db" }
}
resource "drsorch_protection_group" "app" {
  name           = "shop-app"
  selection_tags = { app = "shop", tier = "app" }
}
resource "drsorch_protection_group" "web" {
  name           = "shop-web"
  selection_tags = { app = "shop", tier = "web" }
}
`

func threeTierPlan(extraWave string) string {
	return shopGroups + `
resource "drsorch_recovery_plan" "shop" {
  name        = "shop"
  description = "three-tier shop"
  wave {
    name             = "db"
    protection_group = drsorch_protection_group.db.id
  }
  wave {
    name             = "app"
    protection_group = drsorch_protection_group.app.id
  }
  wave {
    name             = "web"
    protection_group = drsorch_protection_group.web.id
    pause_before     = true
    timeout          = "90m"
  }
` + extraWave + `
}
`
}

func TestAccRecoveryPlanLifecycle(t *testing.T) {
	env := acctest.Start(t)
	ctx := context.Background()
	sfnClient := sfn.NewFromConfig(env.Service.AWSConfig(env.Region))
	arn := plans.ARN("aws", env.Region, "123456789012", "shop")
	// The shop plan plus a wave for the file servers, beside db.
	withFiles := env.ProviderConfig(testRole) + `
resource "drsorch_protection_group" "files" {
  name              = "files"
  selection_tags    = { team = "it" }
}
` + threeTierPlan(`
  wave {
    name             = "files"
    protection_group = drsorch_protection_group.files.id
    depends_on       = []
    poll_interval    = "1m"
  }
`)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		CheckDestroy: func(*terraform.State) error {
			if _, found, err := plans.Find(ctx, sfnClient, arn); err != nil || found {
				return fmt.Errorf("state machine still there (err %v)", err)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config: env.ProviderConfig(testRole) + threeTierPlan(""),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("drsorch_recovery_plan.shop", "arn", arn),
					resource.TestCheckResourceAttr("drsorch_recovery_plan.shop", "levels.#", "3"),
					resource.TestCheckResourceAttr("drsorch_recovery_plan.shop", "levels.2.0", "web"),
					resource.TestCheckResourceAttr("drsorch_recovery_plan.shop", "server_count", "9"),
					resource.TestCheckResourceAttrSet("drsorch_recovery_plan.shop", "estimated_state_transitions"),
					resource.TestCheckResourceAttr("drsorch_recovery_plan.shop", "execution_role_arn", "arn:aws:iam::123456789012:role/drsorch"),
					func(*terraform.State) error {
						out, found, err := plans.Find(ctx, sfnClient, arn)
						if err != nil || !found {
							return fmt.Errorf("state machine not deployed: %v", err)
						}
						if !strings.Contains(aws.ToString(out.Definition), `"web: pause"`) {
							return fmt.Errorf("deployed definition lacks the pause gate")
						}
						tags, err := plans.Tags(ctx, sfnClient, arn)
						if err != nil || tags[plans.TagPlan] != "shop" || tags[plans.TagDescription] != "three-tier shop" {
							return fmt.Errorf("tags = %v (%v)", tags, err)
						}
						return nil
					},
				),
			},
			{
				// Adding a wave that runs beside db changes the levels.
				Config: withFiles,
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("drsorch_recovery_plan.shop", "levels.0.#", "2"),
					resource.TestCheckResourceAttr("drsorch_recovery_plan.shop", "levels.0.1", "files"),
					resource.TestCheckResourceAttr("drsorch_recovery_plan.shop", "server_count", "10"),
				),
			},
			{
				ResourceName:      "drsorch_recovery_plan.shop",
				ImportState:       true,
				ImportStateId:     "shop",
				ImportStateVerify: true,
				// Durations read back in Go's canonical form ("1h30m0s" for
				// "90m"); they are semantically equal, so plans stay empty.
				ImportStateVerifyIgnore: []string{"force_destroy", "wave.2.timeout", "wave.3.poll_interval"},
			},
			{
				// A definition changed outside Terraform shows as drift.
				PreConfig: func() {
					_, err := sfnClient.UpdateStateMachine(ctx, &sfn.UpdateStateMachineInput{StateMachineArn: aws.String(arn),
						Definition: aws.String(`{"StartAt":"x","States":{"x":{"Type":"Succeed"}}}`)})
					if err != nil {
						t.Fatal(err)
					}
				},
				Config:             withFiles,
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			},
		},
	})
}

func TestAccRecoveryPlanPlanTimeErrors(t *testing.T) {
	env := acctest.Start(t)
	wave := func(name, group, extra string) string {
		return fmt.Sprintf("  wave {\n    name = %q\n    protection_group = %s\n    %s\n  }\n", name, group, extra)
	}
	db, app, web := `"shop-db"`, `"shop-app"`, `"shop-web"`
	cases := map[string]struct {
		waves string
		want  string
		setup func()
	}{
		"duplicate wave":              {wave("db", db, "") + wave("DB", app, ""), `(?s)wave 2 is named "DB" like wave 1`, nil},
		"unknown depends_on":          {wave("db", db, "") + wave("app", app, `depends_on = ["cache"]`), `(?s)depends on "cache", which is not a wave of this plan`, nil},
		"cycle":                       {wave("db", db, "") + wave("app", app, `depends_on = ["db", "web"]`) + wave("web", web, `depends_on = ["app"]`), `(app → web → app|web → app → web)`, nil},
		"pause on first level":        {wave("db", db, "pause_before = true"), `(?s)runs in the first level`, nil},
		"bad duration":                {wave("db", db, `timeout = "ten minutes"`), `(?s)timeout`, nil},
		"short timeout":               {wave("db", db, `timeout = "30s"`), `(?s)between 1m and 24h`, nil},
		"server in two waves":         {wave("db", db, "") + wave("db-again", db, ""), `(?s)(is|are)\s+in\s+wave\s+"db"\s+\(group\s+"shop-db"\)\s+and\s+wave\s+"db-again"`, nil},
		"empty group":                 {wave("db", `"no-such-group"`, ""), `(?s)protection group "no-such-group", which has no\s+source\s+servers`, nil},
		"description not a tag value": {"  description = \"db → app\"\n" + wave("db", db, ""), `(?s)description.*may contain only letters, digits, spaces`, nil},
		"wave over per-job quota": {wave("web", web, ""), `(?s)recovers 4 servers but DRS allows 3 source servers in a single job`,
			func() { setQuota(t, env, "L-B827C881", 3) }},
		"level over concurrent jobs": {wave("db", db, "") + wave("app", app, "depends_on = []") + wave("web", web, "depends_on = []"),
			`(?s)level 1 runs 3 waves at once but DRS allows 2 concurrent jobs`, func() { setQuota(t, env, "L-D88FAC3A", 2) }},
	}
	// The groups exist first, so plan-time checks see their members.
	tagShopGroups(t, env)
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if tc.setup != nil {
				tc.setup()
				defer resetQuotas(t, env)
			}
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testFactories,
				Steps: []resource.TestStep{{
					Config:      env.ProviderConfig(testRole) + "resource \"drsorch_recovery_plan\" \"p\" {\n  name = \"p\"\n" + tc.waves + "}\n",
					PlanOnly:    true,
					ExpectError: regexp.MustCompile(tc.want),
				}},
			})
		})
	}
	t.Run("no execution role", func(t *testing.T) {
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: testFactories,
			Steps: []resource.TestStep{{
				Config:      env.ProviderConfig() + "resource \"drsorch_recovery_plan\" \"p\" {\n  name = \"p\"\n" + wave("db", db, "") + "}\n",
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Set execution_role_arn here or\s+in the provider block`),
			}},
		})
	})
}

// tagShopGroups makes the demo tiers protection groups directly through
// the DRS API, for tests that only plan.
func tagShopGroups(t *testing.T, env *acctest.Env) {
	t.Helper()
	ctx := context.Background()
	client := drs.NewFromConfig(env.Service.AWSConfig(env.Region))
	servers, err := drsapi.ListSourceServers(ctx, client, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tier := range []string{"db", "app", "web"} {
		res := protectiongroup.Resolve("shop-"+tier, protectiongroup.Selection{Tags: map[string]string{"app": "shop", "tier": tier}}, servers)
		if err := protectiongroup.Apply(ctx, client, "shop-"+tier, nil, res.Members); err != nil {
			t.Fatal(err)
		}
	}
}

func setQuota(t *testing.T, env *acctest.Env, code string, value int) {
	t.Helper()
	if err := env.Service.App.DRS.SetQuota(drssim.Estate{Account: "123456789012", Region: env.Region}, code, value); err != nil {
		t.Fatal(err)
	}
}

func resetQuotas(t *testing.T, env *acctest.Env) {
	setQuota(t, env, "L-B827C881", 100)
	setQuota(t, env, "L-D88FAC3A", 20)
}

// TestAccRecoveryPlanRunsOnTheEngine deploys a plan through Terraform and
// runs it as a drill on the run service's engine: waves in level order,
// the parallel waves of a level overlapping, the pause gate holding the
// web wave until resumed.
func TestAccRecoveryPlanRunsOnTheEngine(t *testing.T) {
	env := acctest.Start(t)
	cfg := env.Service.AWSConfig(env.Region)
	sfnClient, drsClient := sfn.NewFromConfig(cfg), drs.NewFromConfig(cfg)
	config := env.ProviderConfig(testRole) + `
resource "drsorch_protection_group" "files" {
  name           = "files"
  selection_tags = { team = "it" }
}
` + threeTierPlan(`
  wave {
    name             = "files"
    protection_group = drsorch_protection_group.files.id
    depends_on       = []
  }
`)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{{
			Config: config,
			Check: func(s *terraform.State) error {
				arn := s.RootModule().Resources["drsorch_recovery_plan.shop"].Primary.Attributes["arn"]
				runDrill(t, env, sfnClient, drsClient, arn)
				return nil
			},
		}},
	})
}

func runDrill(t *testing.T, env *acctest.Env, sfnClient *sfn.Client, drsClient *drs.Client, planARN string) {
	ctx := context.Background()
	start, err := sfnClient.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(planARN), Input: aws.String(`{"type":"DRILL"}`)})
	if err != nil {
		t.Fatal(err)
	}
	status := func() sfntypes.ExecutionStatus {
		out, err := sfnClient.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: start.ExecutionArn})
		if err != nil {
			t.Fatal(err)
		}
		return out.Status
	}
	// Run until the web wave's pause gate publishes its event.
	var token string
	env.Service.Drive(t, 500, func() bool {
		evs, err := env.Service.App.Events.List(ctx, events.Filter{DetailType: statemachine.PauseEventDetailType})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range evs {
			var detail struct {
				Wave, TaskToken, Execution string
			}
			if json.Unmarshal([]byte(e.Detail), &detail) == nil && detail.Wave == "web" && detail.Execution == aws.ToString(start.ExecutionArn) {
				token = detail.TaskToken
				return true
			}
		}
		if st := status(); st != sfntypes.ExecutionStatusRunning {
			t.Fatalf("execution ended %s before the pause gate", st)
		}
		return false
	})
	jobs := jobsByWave(t, drsClient)
	if _, started := jobs["web"]; started {
		t.Fatal("web started before its pause gate was resumed")
	}
	for _, w := range []string{"db", "files", "app"} {
		for _, s := range jobs[w].ParticipatingServers {
			if s.LaunchStatus != drstypes.LaunchStatusLaunched {
				t.Fatalf("wave %s: server %s is %s at web's pause gate", w, aws.ToString(s.SourceServerID), s.LaunchStatus)
			}
		}
	}
	if aws.ToString(jobs["db"].CreationDateTime) != aws.ToString(jobs["files"].CreationDateTime) {
		t.Errorf("parallel waves db and files started apart: %s vs %s", *jobs["db"].CreationDateTime, *jobs["files"].CreationDateTime)
	}
	if *jobs["app"].CreationDateTime <= *jobs["db"].CreationDateTime {
		t.Errorf("app started (%s) no later than db (%s)", *jobs["app"].CreationDateTime, *jobs["db"].CreationDateTime)
	}
	if _, err := sfnClient.SendTaskSuccess(ctx, &sfn.SendTaskSuccessInput{TaskToken: aws.String(token), Output: aws.String(`{"approvedBy":"test"}`)}); err != nil {
		t.Fatal(err)
	}
	env.Service.Drive(t, 500, func() bool { return status() != sfntypes.ExecutionStatusRunning })
	out, err := sfnClient.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: start.ExecutionArn})
	if err != nil {
		t.Fatal(err)
	}
	if out.Status != sfntypes.ExecutionStatusSucceeded {
		t.Fatalf("execution %s: %s %s", out.Status, aws.ToString(out.Error), aws.ToString(out.Cause))
	}
	var output struct {
		Levels map[string][]struct {
			Wave      string
			Status    string
			Instances struct{ Ec2InstanceIds []string }
		}
	}
	if err := json.Unmarshal([]byte(aws.ToString(out.Output)), &output); err != nil {
		t.Fatal(err)
	}
	web := output.Levels["level3"]
	if len(web) != 1 || web[0].Wave != "web" || web[0].Status != "RECOVERED" || len(web[0].Instances.Ec2InstanceIds) != 4 {
		t.Fatalf("level 3 output = %+v", web)
	}
}

// jobsByWave maps each wave to its DRS job, by the drsorch:wave tag.
func jobsByWave(t *testing.T, client *drs.Client) map[string]drstypes.Job {
	out, err := client.DescribeJobs(context.Background(), &drs.DescribeJobsInput{})
	if err != nil {
		t.Fatal(err)
	}
	jobs := map[string]drstypes.Job{}
	for _, j := range out.Items {
		if w := j.Tags["drsorch:wave"]; w != "" {
			jobs[w] = j
		}
	}
	return jobs
}

// Destroying a plan while an execution of it runs is refused, unless
// force_destroy, which stops the execution first.
func TestAccRecoveryPlanDestroyWithRunningExecution(t *testing.T) {
	env := acctest.Start(t)
	client := sfnClient(env)
	var execution string
	base := env.ProviderConfig(testRole) + threeTierPlan("")
	forced := strings.Replace(base, `description = "three-tier shop"`, "description = \"three-tier shop\"\n  force_destroy = true", 1)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		CheckDestroy: func(*terraform.State) error {
			out, err := client.DescribeExecution(context.Background(), &sfn.DescribeExecutionInput{ExecutionArn: aws.String(execution)})
			if err != nil || out.Status != sfntypes.ExecutionStatusAborted {
				return fmt.Errorf("execution after forced destroy: %v (%v)", out.Status, err)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config: base,
				Check: func(s *terraform.State) error {
					out, err := client.StartExecution(context.Background(), &sfn.StartExecutionInput{
						StateMachineArn: aws.String(s.RootModule().Resources["drsorch_recovery_plan.shop"].Primary.Attributes["arn"]),
						Input:           aws.String(`{"type":"DRILL"}`)})
					if err != nil {
						return err
					}
					execution = aws.ToString(out.ExecutionArn)
					return nil
				},
			},
			{
				Config:      base,
				Destroy:     true,
				ExpectError: regexp.MustCompile(`(?s)Recovery plan has running executions.*force_destroy = true`),
			},
			{Config: forced},
		},
	})
}

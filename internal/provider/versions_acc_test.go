package provider

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/drs"
	"github.com/aws/aws-sdk-go-v2/service/servicequotas"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/drsorch/terraform-provider-drsorch/internal/acctest"
	"github.com/drsorch/terraform-provider-drsorch/internal/awsclient"
	"github.com/drsorch/terraform-provider-drsorch/internal/drsapi"
	"github.com/drsorch/terraform-provider-drsorch/internal/executions"
	"github.com/drsorch/terraform-provider-drsorch/internal/plans"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice"
)

func versionClients(env *acctest.Env) executions.Clients {
	cfg := env.Service.AWSConfig(env.Region)
	cfg.HTTPClient = awsclient.NewHTTPClient()
	return executions.Clients{SFN: sfn.NewFromConfig(cfg), DRS: drs.NewFromConfig(cfg), Quotas: servicequotas.NewFromConfig(cfg)}
}

// A plan updated (a wave added) and a drill started in the same apply,
// inside Step Functions' read-after-write window: the drill runs the new
// definition, on the version the apply published.
func TestAccRecoveryPlanVersionDrillRunsTheNewDefinition(t *testing.T) {
	// A day of simulated time is about 40 s of wall clock at the test's
	// time scale: the window stays open through the apply.
	env := startRunning(t, func(c *runservice.Config) { c.SFNUpdateWindow = 24 * time.Hour })
	ctx := context.Background()
	c := versionClients(env)
	arn := plans.ARN("aws", env.Region, "123456789012", "shop")
	files := `
resource "drsorch_protection_group" "files" {
  name           = "files"
  selection_tags = { team = "it" }
}
`
	withFiles := func(description string) string {
		return env.ProviderConfig(testRole) + files + strings.Replace(threeTierPlan(`
  wave {
    name             = "files"
    protection_group = drsorch_protection_group.files.id
    depends_on       = []
  }
`), `"three-tier shop"`, fmt.Sprintf("%q", description), 1) + `
resource "drsorch_execution" "drill" {
  recovery_plan = drsorch_recovery_plan.shop.id
  type          = "DRILL"
  wait_until    = "started"
}
`
	}
	var drillARN string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{
			{
				Config: env.ProviderConfig(testRole) + files + threeTierPlan(""),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("drsorch_recovery_plan.shop", "version_arn", arn+":1"),
					resource.TestCheckResourceAttr("drsorch_recovery_plan.shop", "version", "1"),
				),
			},
			{
				// The wave is added and the drill started by one apply.
				Config: withFiles("three-tier shop"),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("drsorch_recovery_plan.shop", "version_arn", arn+":2"),
					resource.TestCheckResourceAttr("drsorch_recovery_plan.shop", "version", "2"),
					resource.TestCheckResourceAttrPair("drsorch_execution.drill", "state_machine_version_arn", "drsorch_recovery_plan.shop", "version_arn"),
					resource.TestCheckResourceAttr("drsorch_execution.drill", "waves.#", "4"),
					resource.TestCheckTypeSetElemNestedAttrs("drsorch_execution.drill", "waves.*", map[string]string{"name": "files", "level": "1"}),
					func(s *terraform.State) error {
						drillARN = s.RootModule().Resources["drsorch_execution.drill"].Primary.Attributes["arn"]
						// The window is open: a start on the unqualified ARN
						// still gets the old definition, so the check above
						// can fail.
						out, err := c.SFN.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(arn),
							Name: aws.String("unqualified"), Input: aws.String(`{"type":"DRILL"}`)})
						if err != nil {
							return err
						}
						defer func() { _ = executions.Cancel(ctx, c, aws.ToString(out.ExecutionArn), "test") }()
						old, err := c.SFN.DescribeStateMachineForExecution(ctx, &sfn.DescribeStateMachineForExecutionInput{ExecutionArn: out.ExecutionArn})
						if err != nil {
							return err
						}
						if strings.Contains(aws.ToString(old.Definition), `"files"`) {
							return fmt.Errorf("the update window is closed: an unqualified start ran the new definition, so this test proves nothing")
						}
						return nil
					},
				),
			},
			{
				// Only the description changes: no new version. The
				// execution data source shows the version too.
				Config: withFiles("three-tier shop and files") + `
data "drsorch_execution" "drill" {
  arn = drsorch_execution.drill.arn
}
`,
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("drsorch_recovery_plan.shop", "version_arn", arn+":2"),
					resource.TestCheckResourceAttrPair("data.drsorch_execution.drill", "state_machine_version_arn", "drsorch_recovery_plan.shop", "version_arn"),
					resource.TestCheckResourceAttrPair("drsorch_execution.drill", "state_machine_version_arn", "drsorch_recovery_plan.shop", "version_arn"),
					func(s *terraform.State) error {
						if got := s.RootModule().Resources["drsorch_execution.drill"].Primary.Attributes["arn"]; got != drillARN {
							return fmt.Errorf("the drill was replaced: %s, was %s", got, drillARN)
						}
						versions, err := plans.Versions(ctx, c.SFN, arn)
						if err != nil || len(versions) != 2 {
							return fmt.Errorf("versions %v (%v); want 2", versions, err)
						}
						return nil
					},
				),
			},
		},
	})
}

// A plan deployed by an earlier drsorch (CreateStateMachine without
// publish, the definition of the compiler of 2026-11-30) imports with no
// version, shows its status, runs (the start falls back to the
// unqualified ARN), and the next apply publishes a version.
func TestAccRecoveryPlanVersionImportOfAPlanWithoutVersions(t *testing.T) {
	env := acctest.Start(t)
	ctx := context.Background()
	c := versionClients(env)
	arn := plans.ARN("aws", env.Region, "123456789012", "shop")
	legacy := func() {
		def, err := os.ReadFile("../statemachine/testdata/compiled-2026-11-30-three-tier.json")
		if err != nil {
			t.Fatal(err)
		}
		servers, err := drsapi.ListSourceServers(ctx, c.DRS, nil)
		if err != nil {
			t.Fatal(err)
		}
		tiers := map[string][]string{}
		for _, s := range servers {
			if s.Tags["app"] == "shop" {
				tiers[s.Tags["tier"]] = append(tiers[s.Tags["tier"]], aws.ToString(s.SourceServerID))
			}
		}
		text := string(def)
		for old, at := range map[string]struct {
			tier string
			i    int
		}{"s-db1": {"db", 0}, "s-db2": {"db", 1}, "s-c1": {"app", 0}, "s-a1": {"app", 1}, "s-w1": {"web", 0}, "s-w2": {"web", 1}} {
			text = strings.ReplaceAll(text, `"`+old+`"`, `"`+tiers[at.tier][at.i]+`"`)
		}
		_, err = c.SFN.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String(plans.StateMachineName("shop")),
			Definition: aws.String(text), RoleArn: aws.String("arn:aws:iam::123456789012:role/drsorch"),
			Tags: plans.SFNTags(map[string]string{plans.TagPlan: "shop", plans.TagManagedBy: "terraform"})})
		if err != nil {
			t.Fatal(err)
		}
	}
	config := env.ProviderConfig(testRole) + threeTierPlan("")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{
			{
				PreConfig:          legacy,
				Config:             config,
				ResourceName:       "drsorch_recovery_plan.shop",
				ImportState:        true,
				ImportStateId:      "shop",
				ImportStatePersist: true,
				ImportStateCheck: func(states []*terraform.InstanceState) error {
					if len(states) != 1 {
						return fmt.Errorf("%d states imported", len(states))
					}
					a := states[0].Attributes
					if a["version_arn"] != "" || a["version"] != "" || a["wave.#"] != "4" {
						return fmt.Errorf("imported version_arn %q version %q levels %s waves %s", a["version_arn"], a["version"], a["levels.#"], a["wave.#"])
					}
					// It runs: the start falls back to the unqualified ARN,
					// with a warning, and the status shows its waves.
					var warned []string
					c := c
					c.Warn = func(s string) { warned = append(warned, s) }
					run, err := executions.Start(ctx, c, arn, executions.TypeDrill, "test", "")
					if err != nil {
						return err
					}
					defer func() { _ = executions.Cancel(ctx, c, run, "test") }()
					e, err := executions.Describe(ctx, c, run)
					if err != nil {
						return err
					}
					if e.VersionARN != "" || e.Plan != "shop" || len(e.Waves) != 4 || len(warned) != 1 {
						return fmt.Errorf("run of the imported plan: version %q plan %q waves %d warnings %q", e.VersionARN, e.Plan, len(e.Waves), warned)
					}
					return nil
				},
			},
			{
				// The next apply publishes a version.
				Config: config,
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("drsorch_recovery_plan.shop", "version_arn", arn+":1"),
					resource.TestCheckResourceAttr("drsorch_recovery_plan.shop", "version", "1"),
					resource.TestCheckResourceAttr("drsorch_recovery_plan.shop", "levels.#", "3"),
					func(*terraform.State) error {
						latest, err := executions.LatestVersion(ctx, c.SFN, arn)
						if err != nil || latest != arn+":1" {
							return fmt.Errorf("latest version %q (%v)", latest, err)
						}
						return nil
					},
				),
			},
		},
	})
}

package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/drs"
	drstypes "github.com/aws/aws-sdk-go-v2/service/drs/types"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/drsorch/terraform-provider-drsorch/internal/acctest"
	"github.com/drsorch/terraform-provider-drsorch/internal/awsclient"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/drssim"
)

// startRunning starts a run service whose simulated time runs fast on the
// wall clock, since terraform apply waits for executions in real time: a
// ten-minute DRS launch takes a fraction of a second.
func startRunning(t *testing.T, opts ...acctest.Option) *acctest.Env {
	t.Helper()
	old := executionPollInterval
	executionPollInterval = 50 * time.Millisecond
	t.Cleanup(func() { executionPollInterval = old })
	return acctest.Start(t, append(opts, func(c *runservice.Config) { c.TimeScale = 2000 })...)
}

func drsClient(env *acctest.Env) *drs.Client {
	cfg := env.Service.AWSConfig(env.Region)
	cfg.HTTPClient = awsclient.NewHTTPClient()
	return drs.NewFromConfig(cfg)
}

// liveInstances lists the recovery instances that are not terminated.
func liveInstances(env *acctest.Env) ([]drstypes.RecoveryInstance, error) {
	out, err := drsClient(env).DescribeRecoveryInstances(context.Background(), &drs.DescribeRecoveryInstancesInput{})
	if err != nil {
		return nil, err
	}
	var live []drstypes.RecoveryInstance
	for _, ri := range out.Items {
		if ri.Ec2InstanceState != drstypes.EC2InstanceStateTerminated {
			live = append(live, ri)
		}
	}
	return live, nil
}

func drillConfig(env *acctest.Env, execution string) string {
	return env.ProviderConfig(testRole) + threeTierPlan("") + execution
}

func TestAccExecutionDrillPauseApproveDestroy(t *testing.T) {
	env := startRunning(t)
	paused := drillConfig(env, `
resource "drsorch_execution" "drill" {
  recovery_plan = drsorch_recovery_plan.shop.id
  type          = "DRILL"
}
`)
	approved := drillConfig(env, `
resource "drsorch_execution" "drill" {
  recovery_plan  = drsorch_recovery_plan.shop.id
  type           = "DRILL"
  approved_waves = ["web"]
}
`)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		CheckDestroy: func(*terraform.State) error {
			live, err := liveInstances(env)
			if err != nil || len(live) != 0 {
				return fmt.Errorf("destroy left %d recovery instances (%v)", len(live), err)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config: paused,
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("drsorch_execution.drill", "status", "RUNNING"),
					resource.TestCheckResourceAttr("drsorch_execution.drill", "paused_before", "web"),
					resource.TestCheckResourceAttr("drsorch_execution.drill", "phase", "PAUSED before wave web"),
					resource.TestCheckResourceAttr("drsorch_execution.drill", "terminate_on_destroy", "true"),
					resource.TestCheckResourceAttr("drsorch_execution.drill", "waves.0.status", "RECOVERED"),
					resource.TestCheckResourceAttr("drsorch_execution.drill", "waves.1.status", "RECOVERED"),
					resource.TestCheckResourceAttr("drsorch_execution.drill", "waves.2.status", "PAUSED"),
					resource.TestCheckResourceAttr("drsorch_execution.drill", "waves.0.servers.0.launch_status", "LAUNCHED"),
					resource.TestCheckResourceAttrSet("drsorch_execution.drill", "waves.0.servers.0.ec2_instance_id"),
					resource.TestMatchResourceAttr("drsorch_execution.drill", "invoked_by", regexp.MustCompile(`^arn:aws:iam::123456789012:`)),
				),
			},
			{
				// A paused run that is not approved is settled: nothing to do.
				Config:   paused,
				PlanOnly: true,
			},
			{
				// Approving the wave resumes the run and follows it to the end.
				Config: approved,
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("drsorch_execution.drill", "status", "SUCCEEDED"),
					resource.TestCheckResourceAttr("drsorch_execution.drill", "phase", "SUCCEEDED"),
					resource.TestCheckResourceAttr("drsorch_execution.drill", "waves.2.status", "RECOVERED"),
					resource.TestCheckResourceAttr("drsorch_execution.drill", "waves.2.servers.#", "4"),
					resource.TestCheckResourceAttrSet("drsorch_execution.drill", "stopped_at"),
					func(*terraform.State) error {
						live, err := liveInstances(env)
						if err != nil || len(live) != 9 {
							return fmt.Errorf("%d live instances after the drill, want 9 (%v)", len(live), err)
						}
						return nil
					},
				),
			},
			{Config: approved, PlanOnly: true},
			{
				ResourceName:            "drsorch_execution.drill",
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"approved_waves", "timeouts", "recovery_plan"},
			},
		},
	})
}

func TestAccExecutionLaunchFailureStopsLaterWaves(t *testing.T) {
	env := startRunning(t)
	ids, _ := demoServers(t, env)
	bad := ids["shop-app-2"]
	if err := env.Service.App.DRS.SetFailLaunch(drssim.Estate{Account: "123456789012", Region: env.Region}, true, bad); err != nil {
		t.Fatal(err)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{{
			Config: drillConfig(env, `
resource "drsorch_execution" "drill" {
  recovery_plan  = drsorch_recovery_plan.shop.id
  type           = "DRILL"
  approved_waves = ["web"]
}
`),
			ExpectError: regexp.MustCompile(fmt.Sprintf(`(?s)FAILED in wave app.*wave app \(job drsjob-[0-9a-f]+\): launch FAILED;\s+source\s+servers\s+\[.*"%s".*\]\s+ended\s+\[.*"FAILED"`, bad)),
		}},
	})
	jobs := jobsByWave(t, drsClient(env))
	if _, ok := jobs["web"]; ok {
		t.Fatal("web started after app failed")
	}
	if _, ok := jobs["app"]; !ok {
		t.Fatal("app never started")
	}
}

// A RECOVERY whose wave fails is kept in state untainted, with a warning:
// the next plan changes nothing, so no second recovery starts on its own.
func TestAccExecutionFailedRecoveryIsNotReplaced(t *testing.T) {
	env := startRunning(t)
	ids, _ := demoServers(t, env)
	if err := env.Service.App.DRS.SetFailLaunch(drssim.Estate{Account: "123456789012", Region: env.Region}, true, ids["shop-app-2"]); err != nil {
		t.Fatal(err)
	}
	config := drillConfig(env, `
resource "drsorch_execution" "recovery" {
  recovery_plan    = drsorch_recovery_plan.shop.id
  type             = "RECOVERY"
  confirm_recovery = true
  approved_waves   = ["web"]
}
`)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{
			{
				Config: config,
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("drsorch_execution.recovery", "status", "FAILED"),
					expectRuns(env, 1),
				),
			},
			{
				Config:             config,
				PlanOnly:           true,
				ExpectNonEmptyPlan: false,
			},
		},
	})
	runs, err := runsOf(env)
	if err != nil || len(runs) != 1 {
		t.Fatalf("%d executions (%v), want the one failed recovery", len(runs), err)
	}
}

func TestAccExecutionRecoveryNeedsConfirmation(t *testing.T) {
	env := acctest.Start(t)
	for _, tc := range []struct{ body, want string }{
		{`type = "RECOVERY"`, `(?s)Set confirm_recovery =\s+true to start it`},
		{"type = \"RECOVERY\"\n  confirm_recovery = true\n  terminate_on_destroy = true", `(?s)A RECOVERY's instances are not terminated by destroy`},
		{`type = "FAILOVER"`, `(?s)value must be one of`},
	} {
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: testFactories,
			Steps: []resource.TestStep{{
				Config:      env.ProviderConfig(testRole) + "resource \"drsorch_execution\" \"x\" {\n  recovery_plan = \"shop\"\n  " + tc.body + "\n}\n",
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(tc.want),
			}},
		})
	}
}

func TestAccExecutionConflictBetweenPlansSharingAServer(t *testing.T) {
	env := startRunning(t)
	base := drillConfig(env, `
resource "drsorch_execution" "drill" {
  recovery_plan = drsorch_recovery_plan.shop.id
  type          = "DRILL"
  wait_until    = "paused"
}
resource "drsorch_recovery_plan" "web_only" {
  name = "web-only"
  wave {
    name             = "web"
    protection_group = drsorch_protection_group.web.id
  }
}
`)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{
			{Config: base, Check: resource.TestCheckResourceAttr("drsorch_execution.drill", "paused_before", "web")},
			{
				Config: base + `
resource "drsorch_execution" "other" {
  recovery_plan = drsorch_recovery_plan.web_only.id
  type          = "DRILL"
}
`,
				ExpectError: regexp.MustCompile(`(?s)Source server busy.*is in running\s+execution\s+arn:aws:states:.*of plan shop`),
			},
		},
	})
}

func TestAccExecutionDestroyCancelsARunningDrill(t *testing.T) {
	env := startRunning(t)
	var arn string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		CheckDestroy: func(*terraform.State) error {
			live, err := liveInstances(env)
			if err != nil || len(live) != 0 {
				return fmt.Errorf("destroy left %d recovery instances (%v)", len(live), err)
			}
			out, err := sfnClient(env).DescribeExecution(context.Background(), &sfn.DescribeExecutionInput{ExecutionArn: aws.String(arn)})
			if err != nil || out.Status != "ABORTED" {
				return fmt.Errorf("execution after destroy: %v (%v)", out.Status, err)
			}
			return nil
		},
		Steps: []resource.TestStep{{
			Config: drillConfig(env, `
resource "drsorch_execution" "drill" {
  recovery_plan = drsorch_recovery_plan.shop.id
  type          = "DRILL"
  wait_until    = "paused"
}
`),
			Check: func(s *terraform.State) error {
				arn = s.RootModule().Resources["drsorch_execution.drill"].Primary.ID
				if !strings.Contains(arn, ":execution:drsorch-plan-shop:") {
					return fmt.Errorf("id %q", arn)
				}
				return nil
			},
		}},
	})
}

func sfnClient(env *acctest.Env) *sfn.Client {
	cfg := env.Service.AWSConfig(env.Region)
	cfg.HTTPClient = awsclient.NewHTTPClient()
	return sfn.NewFromConfig(cfg)
}

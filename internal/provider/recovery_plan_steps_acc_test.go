package provider

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/servicequotas"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/drsorch/terraform-provider-drsorch/internal/acctest"
	"github.com/drsorch/terraform-provider-drsorch/internal/executions"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/ssmsim"
)

// stepsPlan is the shop in the order db, web, app, web with a post-launch
// command and an HTTP health check.
func stepsPlan(webSteps string) string {
	return shopGroups + `
resource "drsorch_recovery_plan" "shop" {
  name = "shop"
  wave {
    name             = "db"
    protection_group = drsorch_protection_group.db.id
    post_launch {
      type               = "automation"
      document           = "AWS-RestartEC2Instance"
      instance_parameter = "InstanceId"
    }
  }
  wave {
    name             = "web"
    protection_group = drsorch_protection_group.web.id
` + webSteps + `
  }
  wave {
    name             = "app"
    protection_group = drsorch_protection_group.app.id
  }
}
`
}

const webSteps = `
    post_launch {
      type       = "command"
      document   = "AWS-RunShellScript"
      parameters = { commands = ["systemctl start nginx"] }
      timeout    = "5m"
    }
    health_check {
      type    = "http"
      port    = 80
      path    = "/health"
      retries = 2
    }
`

func startDrill(t *testing.T, env *acctest.Env, name string) {
	t.Helper()
	cfg := env.Service.AWSConfig(env.Region)
	c := executions.Clients{SFN: sfnClient(env), DRS: drsClient(env), Quotas: servicequotas.NewFromConfig(cfg)}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	arn, err := executions.Start(ctx, c, "arn:aws:states:us-east-1:123456789012:stateMachine:drsorch-plan-shop", executions.TypeDrill, "test", name)
	if err != nil {
		t.Fatal(err)
	}
	if e, err := executions.Wait(ctx, c, arn, executions.UntilCompleted, 20*time.Millisecond, nil); err != nil || e.Running() {
		t.Fatalf("drill: %v", err)
	}
}

// A drill of a plan whose web wave has a post-launch command and an HTTP
// health check runs end to end through SSM; the steps read back on
// import; a failing check fails the wave with its output in the cause,
// and the wave after it does not start.
func TestAccRecoveryPlanWaveSteps(t *testing.T) {
	env := startRunning(t)
	plan := env.ProviderConfig(testRole) + stepsPlan(webSteps)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{
			{
				Config: plan + `
resource "drsorch_execution" "drill" {
  recovery_plan = drsorch_recovery_plan.shop.id
  type          = "DRILL"
}
`,
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("drsorch_recovery_plan.shop", "wave.1.health_check.0.retries", "2"),
					resource.TestCheckResourceAttr("drsorch_execution.drill", "status", "SUCCEEDED"),
					resource.TestCheckResourceAttr("drsorch_execution.drill", "waves.0.steps.0.name", "post_launch 1"),
					resource.TestCheckResourceAttr("drsorch_execution.drill", "waves.0.steps.0.kind", "automation"),
					resource.TestCheckResourceAttr("drsorch_execution.drill", "waves.0.steps.0.status", "Success"),
					resource.TestCheckResourceAttr("drsorch_execution.drill", "waves.1.steps.#", "2"),
					resource.TestCheckResourceAttr("drsorch_execution.drill", "waves.1.steps.1.name", "health_check 1"),
					resource.TestCheckResourceAttr("drsorch_execution.drill", "waves.1.steps.1.check", "http://127.0.0.1:80/health"),
					resource.TestCheckResourceAttr("drsorch_execution.drill", "waves.1.steps.1.status", "Success"),
					resource.TestMatchResourceAttr("drsorch_execution.drill", "waves.1.steps.1.ssm_id", regexp.MustCompile(`^[0-9a-f-]{36}$`)),
					resource.TestCheckResourceAttr("drsorch_execution.drill", "waves.2.steps.#", "0"),
				),
			},
			{Config: plan, ResourceName: "drsorch_recovery_plan.shop", ImportState: true, ImportStateVerify: true,
				// Durations read back normalised ("5m" as "5m0s"), as the wave's do.
				ImportStateVerifyIgnore: []string{"force_destroy", "wave.1.post_launch.0.timeout"}},
			{
				PreConfig: func() {
					env.Service.App.SSM.SetRules([]ssmsim.Rule{{Check: "http", Status: "Failed"}})
					startDrill(t, env, "unhealthy")
				},
				Config: plan + `
data "drsorch_execution" "unhealthy" {
  plan = "shop"
  name = "unhealthy"
}
`,
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("data.drsorch_execution.unhealthy", "status", "FAILED"),
					resource.TestCheckResourceAttr("data.drsorch_execution.unhealthy", "waves.1.status", "FAILED"),
					resource.TestCheckResourceAttr("data.drsorch_execution.unhealthy", "waves.1.error", "drsorch.WaveStepFailed"),
					resource.TestMatchResourceAttr("data.drsorch_execution.unhealthy", "waves.1.cause",
						regexp.MustCompile(`(?s)health_check 1 \(command AWS-RunShellScript, command [0-9a-f-]+\) failed on instance i-[0-9a-f]+: Failed .*attempt 3: HTTP 000.*expected HTTP 200`)),
					resource.TestCheckResourceAttr("data.drsorch_execution.unhealthy", "waves.1.steps.0.status", "Success"),
					resource.TestCheckResourceAttr("data.drsorch_execution.unhealthy", "waves.1.steps.1.status", "FAILED"),
					resource.TestMatchResourceAttr("data.drsorch_execution.unhealthy", "waves.1.steps.1.detail", regexp.MustCompile(`expected HTTP 200`)),
					// The wave after the failed check never started.
					resource.TestCheckResourceAttr("data.drsorch_execution.unhealthy", "waves.2.status", "PENDING"),
					resource.TestCheckNoResourceAttr("data.drsorch_execution.unhealthy", "waves.2.job_id"),
				),
			},
		},
	})
}

// Step settings are checked at plan, on the attribute at fault.
func TestAccRecoveryPlanWaveStepsValidation(t *testing.T) {
	env := acctest.Start(t)
	for _, tc := range []struct{ name, steps, want string }{
		{"port", `
    health_check {
      type = "http"
      port = 0
    }`, `(?s)Invalid port.*port = 0.*wave "web" health_check 1 has port 0`},
		{"tcp path", `
    health_check {
      type = "tcp"
      port = 5432
      path = "/x"
    }`, `(?s)path needs an HTTP check.*path = "/x"`},
		{"instance_parameter on a command", `
    post_launch {
      type               = "command"
      document           = "AWS-RunShellScript"
      instance_parameter = "InstanceId"
    }`, `(?s)instance_parameter needs an automation.*instance_parameter = "InstanceId"`},
		{"timeout", `
    post_launch {
      type     = "automation"
      document = "AWS-RestartEC2Instance"
      timeout  = "5s"
    }`, `(?s)Step timeout out of range.*timeout\s+= "5s".*between 30s and 2h0m0s`},
		{"document", `
    post_launch {
      type     = "command"
      document = "no spaces allowed"
    }`, `(?s)Invalid SSM document.*document = "no spaces allowed"`},
	} {
		t.Run(strings.ReplaceAll(tc.name, " ", "_"), func(t *testing.T) {
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testFactories,
				Steps: []resource.TestStep{{
					Config:      env.ProviderConfig(testRole) + stepsPlan(tc.steps),
					PlanOnly:    true,
					ExpectError: regexp.MustCompile(tc.want),
				}},
			})
		})
	}
}

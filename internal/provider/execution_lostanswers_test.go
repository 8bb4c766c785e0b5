package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/drs"
	drstypes "github.com/aws/aws-sdk-go-v2/service/drs/types"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	sfntypes "github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/echoprovider"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/drsorch/terraform-provider-drsorch/internal/acctest"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/runservicetest"
)

// viaFront is a provider block that reaches env's run service through
// front, retrying each call a little (the SDK retry layer, as configured
// by users).
func viaFront(env *acctest.Env, front *runservicetest.Front) string {
	return acctest.ProviderBlock("",
		fmt.Sprintf("region = %q", env.Region),
		fmt.Sprintf("run_service_endpoint = %q", front.URL),
		"max_retries = 2",
		testRole)
}

// runsOf lists the executions of the shop plan, straight from the service.
func runsOf(env *acctest.Env) ([]sfntypes.ExecutionListItem, error) {
	out, err := sfnClient(env).ListExecutions(context.Background(), &sfn.ListExecutionsInput{
		StateMachineArn: aws.String("arn:aws:states:us-east-1:123456789012:stateMachine:drsorch-plan-shop")})
	if err != nil {
		return nil, err
	}
	return out.Executions, nil
}

func expectRuns(env *acctest.Env, want int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		runs, err := runsOf(env)
		if err != nil || len(runs) != want {
			return fmt.Errorf("%d executions of the plan, want %d (%v)", len(runs), want, err)
		}
		return nil
	}
}

// The run service starts the recovery, and StartExecution's answer is lost
// on the way back; the provider's SDK retries. One apply, one recovery.
func TestAccExecutionRecoveryStartAnswerLost(t *testing.T) {
	env := startRunning(t)
	front := env.Service.Front(t)
	front.LoseAnswers("StartExecution", 1)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{{
			Config: viaFront(env, front) + threeTierPlan("") + `
resource "drsorch_execution" "recovery" {
  recovery_plan    = drsorch_recovery_plan.shop.id
  type             = "RECOVERY"
  confirm_recovery = true
  approved_waves   = ["web"]
}
`,
			Check: resource.ComposeAggregateTestCheckFunc(
				func(*terraform.State) error {
					if front.Lost("StartExecution") != 1 {
						return fmt.Errorf("no StartExecution answer was lost (%d calls)", front.Calls("StartExecution"))
					}
					return nil
				},
				expectRuns(env, 1),
				resource.TestCheckResourceAttr("drsorch_execution.recovery", "status", "SUCCEEDED"),
				resource.TestMatchResourceAttr("drsorch_execution.recovery", "name", regexp.MustCompile(`^recovery-\d{8}T\d{6}Z-[0-9a-f]{12}$`)),
			),
		}},
	})
}

// expectFollowed fails unless addr is planned as an update (the next
// apply follows the same execution) or left alone: never created,
// deleted or replaced.
type expectFollowed struct{ addr string }

func (c expectFollowed) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	for _, rc := range req.Plan.ResourceChanges {
		if rc.Address != c.addr {
			continue
		}
		if a := rc.Change.Actions; !a.Update() && !a.NoOp() {
			resp.Error = fmt.Errorf("%s is planned %v: an execution that exists must be followed or left alone, never replaced", c.addr, a)
		}
		return
	}
	resp.Error = fmt.Errorf("%s is not in the plan", c.addr)
}

// Following the run fails after it started (the service's read APIs are
// out): apply ends with a warning and the run in state, not tainted; the
// next apply follows the same run to its end and starts no other.
func TestAccExecutionFollowOutageKeepsTheRun(t *testing.T) {
	testRunSurvivesOutage(t, func(front *runservicetest.Front) {
		front.Outage("DescribeExecution", "GetExecutionHistory")
	}, func(*runservicetest.Front) error { return nil })
}

// Every StartExecution answer is lost (the first attempt started the run)
// and the lookup by name fails too: the outcome is unknown. Apply records
// the run with a warning; the next plan reads it, and apply follows it.
func TestAccExecutionStartOutcomeUnknownIsSettledByTheNextPlan(t *testing.T) {
	testRunSurvivesOutage(t, func(front *runservicetest.Front) {
		front.LoseAnswers("StartExecution", 3) // max_retries = 2: every attempt
		front.Outage("DescribeExecution")
	}, func(front *runservicetest.Front) error {
		if n := front.Lost("StartExecution"); n != 3 || front.Calls("StartExecution") != 3 {
			return fmt.Errorf("%d of %d StartExecution answers lost, want all 3", n, front.Calls("StartExecution"))
		}
		return nil
	})
}

// testRunSurvivesOutage applies a drill while outage(front) holds, ends the
// outage, and checks that the run was kept and is followed, not replaced.
func testRunSurvivesOutage(t *testing.T, outage func(*runservicetest.Front), met func(*runservicetest.Front) error) {
	env := acctest.Start(t)
	old := executionPollInterval
	executionPollInterval = 5 * time.Millisecond
	t.Cleanup(func() { executionPollInterval = old })
	front := env.Service.Front(t)
	// Simulated time moves to its next event whenever the provider reads
	// the execution, so the run advances exactly as it is followed.
	front.Before("DescribeExecution", func() { tick(t, env.Service) })
	outage(front)
	var arn string
	config := viaFront(env, front) + threeTierPlan("") + `
resource "drsorch_execution" "drill" {
  recovery_plan  = drsorch_recovery_plan.shop.id
  type           = "DRILL"
  approved_waves = ["web"]
}
`
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{
			{
				Config: config,
				Check: resource.ComposeAggregateTestCheckFunc(
					func(s *terraform.State) error {
						r := s.RootModule().Resources["drsorch_execution.drill"]
						if r == nil || r.Primary.Tainted {
							return fmt.Errorf("execution not in state, or tainted: %+v", r)
						}
						arn = r.Primary.ID
						if !regexp.MustCompile(`:execution:drsorch-plan-shop:drill-\d{8}T\d{6}Z-[0-9a-f]{12}$`).MatchString(arn) {
							return fmt.Errorf("id %q", arn)
						}
						if front.Calls("DescribeExecution") == 0 {
							return fmt.Errorf("the outage was never met")
						}
						if err := met(front); err != nil {
							return err
						}
						front.Restore() // the outage ends
						return nil
					},
					expectRuns(env, 1),
					resource.TestCheckNoResourceAttr("drsorch_execution.drill", "status"),
				),
				// The refresh reads the run again: still RUNNING, so the
				// plan follows it.
				ExpectNonEmptyPlan: true,
			},
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					expectFollowed{"drsorch_execution.drill"},
					plancheck.ExpectResourceAction("drsorch_execution.drill", plancheck.ResourceActionUpdate),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					func(s *terraform.State) error {
						if id := s.RootModule().Resources["drsorch_execution.drill"].Primary.ID; id != arn {
							return fmt.Errorf("followed %s, want %s", id, arn)
						}
						return nil
					},
					resource.TestCheckResourceAttr("drsorch_execution.drill", "status", "SUCCEEDED"),
					resource.TestCheckResourceAttr("drsorch_execution.drill", "waves.2.status", "RECOVERED"),
					expectRuns(env, 1),
					func(*terraform.State) error {
						// Destroy terminates the drill's instances: DRS's
						// terminate job moves on as it is polled.
						front.Before("DescribeJobs", func() { env.Service.App.DRS.Advance(30 * time.Second) })
						return nil
					},
				),
			},
			{Config: config, PlanOnly: true},
		},
	})
}

// tick lets the engine settle, jumps the frozen clock to the next timer
// and settles again, so a read sees the next step of the run.
func tick(t *testing.T, svc *runservicetest.Service) {
	ctx := context.Background()
	engine := svc.App.SFN.Engine()
	if err := engine.Settle(ctx); err != nil {
		t.Errorf("settle: %v", err)
	}
	if next, ok := svc.App.Clock.NextDeadline(); ok {
		svc.App.Clock.AdvanceTo(next)
	}
	if err := engine.Settle(ctx); err != nil {
		t.Errorf("settle: %v", err)
	}
}

// The ephemeral drill's StartExecution answer is lost: each opening still
// makes exactly one drill, under the name it chose, and each is cleaned up.
func TestAccDrillEphemeralStartAnswerLost(t *testing.T) {
	env := startRunning(t)
	front := env.Service.Front(t)
	factories := map[string]func() (tfprotov6.ProviderServer, error){"echo": echoprovider.NewProviderServer()}
	for k, v := range testFactories {
		factories[k] = v
	}
	groupsAndPlan := viaFront(env, front) + threeTierPlan("")
	// Every execution of the plan is one opening of the drill: as many as
	// the names the provider chose, none left running.
	oneRunPerOpening := func(*terraform.State) error {
		names := map[string]bool{}
		for _, body := range front.Requests("StartExecution") {
			var req struct{ Name string }
			if err := json.Unmarshal(body, &req); err != nil {
				return err
			}
			names[req.Name] = true
		}
		runs, err := runsOf(env)
		if err != nil {
			return err
		}
		if len(runs) != len(names) || names[""] {
			return fmt.Errorf("%d executions for %d named starts (%v)", len(runs), len(names), names)
		}
		for _, r := range runs {
			if r.Status == sfntypes.ExecutionStatusRunning {
				return fmt.Errorf("execution %s still runs: nobody follows it", aws.ToString(r.Name))
			}
		}
		live, err := liveInstances(env)
		if err != nil || len(live) != 0 {
			return fmt.Errorf("%d drill instances left (%v)", len(live), err)
		}
		return nil
	}
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_10_0)},
		ProtoV6ProviderFactories: factories,
		CheckDestroy:             oneRunPerOpening,
		Steps: []resource.TestStep{
			{Config: groupsAndPlan, Check: func(*terraform.State) error { front.LoseAnswers("StartExecution", 1); return nil }},
			{
				Config: groupsAndPlan + `
ephemeral "drsorch_drill" "check" {
  recovery_plan = drsorch_recovery_plan.shop.id
  launch        = true
  timeout       = "30m"
}
provider "echo" {
  data = ephemeral.drsorch_drill.check
}
resource "echo" "drill" {}
`,
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("echo.drill", "data.status", "SUCCEEDED"),
					resource.TestCheckResourceAttr("echo.drill", "data.instances.#", "9"),
					func(*terraform.State) error {
						if front.Lost("StartExecution") != 1 {
							return fmt.Errorf("no StartExecution answer was lost (%d calls)", front.Calls("StartExecution"))
						}
						return nil
					},
					oneRunPerOpening,
				),
			},
		},
	})
}

// Destroying a drill terminates its instances; TerminateRecoveryInstances
// starts the job and its answer is lost. Destroy finds the job and waits
// for it instead of asking again: one terminate job, nothing left.
func TestAccExecutionDrillDestroyTerminateAnswerLost(t *testing.T) {
	env := startRunning(t)
	front := env.Service.Front(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		CheckDestroy: func(*terraform.State) error {
			if front.Lost("TerminateRecoveryInstances") != 1 || front.Calls("TerminateRecoveryInstances") != 1 {
				return fmt.Errorf("%d TerminateRecoveryInstances calls, %d answers lost; want 1 call, its answer lost",
					front.Calls("TerminateRecoveryInstances"), front.Lost("TerminateRecoveryInstances"))
			}
			live, err := liveInstances(env)
			if err != nil || len(live) != 0 {
				return fmt.Errorf("destroy left %d recovery instances (%v)", len(live), err)
			}
			jobs, err := drsClient(env).DescribeJobs(context.Background(), &drs.DescribeJobsInput{})
			if err != nil {
				return err
			}
			terminates := 0
			for _, j := range jobs.Items {
				if j.Type == drstypes.JobTypeTerminate {
					terminates++
				}
			}
			if terminates != 1 {
				return fmt.Errorf("%d terminate jobs, want 1", terminates)
			}
			return nil
		},
		Steps: []resource.TestStep{{
			Config: viaFront(env, front) + threeTierPlan("") + `
resource "drsorch_execution" "drill" {
  recovery_plan  = drsorch_recovery_plan.shop.id
  type           = "DRILL"
  approved_waves = ["web"]
}
`,
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr("drsorch_execution.drill", "status", "SUCCEEDED"),
				func(*terraform.State) error { front.LoseAnswers("TerminateRecoveryInstances", 1); return nil },
			),
		}},
	})
}

// Apply approves the web wave; SendTaskSuccess's answer is lost and the
// retry meets the closed task. The gate was released: apply follows the
// drill to its end instead of failing.
func TestAccExecutionApprovalAnswerLost(t *testing.T) {
	env := startRunning(t)
	front := env.Service.Front(t)
	front.LoseAnswers("SendTaskSuccess", 1)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{{
			Config: viaFront(env, front) + threeTierPlan("") + `
resource "drsorch_execution" "drill" {
  recovery_plan  = drsorch_recovery_plan.shop.id
  type           = "DRILL"
  approved_waves = ["web"]
}
`,
			Check: resource.ComposeAggregateTestCheckFunc(
				func(*terraform.State) error {
					if front.Lost("SendTaskSuccess") != 1 || front.Calls("SendTaskSuccess") != 2 {
						return fmt.Errorf("%d SendTaskSuccess calls, %d answers lost", front.Calls("SendTaskSuccess"), front.Lost("SendTaskSuccess"))
					}
					return nil
				},
				resource.TestCheckResourceAttr("drsorch_execution.drill", "status", "SUCCEEDED"),
				resource.TestCheckResourceAttr("drsorch_execution.drill", "waves.2.status", "RECOVERED"),
				expectRuns(env, 1),
			),
		}},
	})
}

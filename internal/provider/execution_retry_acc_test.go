package provider

import (
	"context"
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/drs"
	drstypes "github.com/aws/aws-sdk-go-v2/service/drs/types"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/drsorch/terraform-provider-drsorch/internal/acctest"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/drssim"
)

// launchJobsPerServer counts the DRS launch jobs each source server took
// part in (one per StartRecovery naming it); done reports whether every
// job has completed.
func launchJobsPerServer(t *testing.T, env *acctest.Env) (count map[string]int, done bool) {
	t.Helper()
	out, err := drsClient(env).DescribeJobs(context.Background(), &drs.DescribeJobsInput{})
	if err != nil {
		t.Fatal(err)
	}
	count, done = map[string]int{}, true
	for _, j := range out.Items {
		if j.Type != drstypes.JobTypeLaunch {
			continue
		}
		done = done && j.Status == drstypes.JobStatusCompleted
		for _, s := range j.ParticipatingServers {
			count[aws.ToString(s.SourceServerID)]++
		}
	}
	return count, done
}

// A drill fails in wave app for one server; a second drsorch_execution
// with retry_of continues it: db is not relaunched (SKIPPED, recovered in
// the first run), app relaunches only the failed server, web runs.
func TestAccExecutionRetryOfAFailedDrill(t *testing.T) {
	env := startRunning(t)
	ids, _ := demoServers(t, env)
	bad := ids["shop-app-2"]
	sim := env.Service.App.DRS
	if err := sim.SetFailLaunch(drssim.Estate{Account: "123456789012", Region: env.Region}, true, bad); err != nil {
		t.Fatal(err)
	}
	// The first drill keeps its instances when Terraform forgets it.
	first := drillConfig(env, `
resource "drsorch_execution" "first" {
  recovery_plan        = drsorch_recovery_plan.shop.id
  type                 = "DRILL"
  approved_waves       = ["web"]
  terminate_on_destroy = false
}
`)
	vars := config.Variables{} // filled once the first drill's ARN is known
	var firstARN string
	var before map[string]int
	retry := drillConfig(env, `
variable "first" {
  type = string
}

removed {
  from = drsorch_execution.first
  lifecycle {
    destroy = false
  }
}

resource "drsorch_execution" "retry" {
  recovery_plan  = drsorch_recovery_plan.shop.id
  type           = "DRILL"
  approved_waves = ["web"]
  retry_of       = var.first
}
`)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{
			{Config: first, ExpectError: regexp.MustCompile(`FAILED in wave app`)},
			{
				PreConfig: func() {
					if err := sim.SetFailLaunch(drssim.Estate{Account: "123456789012", Region: env.Region}, false, bad); err != nil {
						t.Fatal(err)
					}
					out, err := sfnClient(env).ListExecutions(context.Background(), &sfn.ListExecutionsInput{
						StateMachineArn: aws.String(fmt.Sprintf("arn:aws:states:%s:123456789012:stateMachine:drsorch-plan-shop", env.Region))})
					if err != nil || len(out.Executions) != 1 {
						t.Fatalf("executions of shop: %v (%v)", out, err)
					}
					firstARN = aws.ToString(out.Executions[0].ExecutionArn)
					vars["first"] = config.StringVariable(firstARN)
					// DRS goes on launching app's other server after the
					// wave failed: a retry waits for that job to end.
					for deadline := time.Now().Add(time.Minute); ; time.Sleep(100 * time.Millisecond) {
						var done bool
						if before, done = launchJobsPerServer(t, env); done {
							break
						}
						if time.Now().After(deadline) {
							t.Fatal("the first drill's jobs never completed")
						}
					}
				},
				Config:          retry,
				ConfigVariables: vars,
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("drsorch_execution.retry", "status", "SUCCEEDED"),
					resource.TestCheckResourceAttr("drsorch_execution.retry", "waves.0.status", "SKIPPED"),
					resource.TestCheckResourceAttrPtr("drsorch_execution.retry", "waves.0.recovered_in", &firstARN),
					resource.TestCheckResourceAttr("drsorch_execution.retry", "waves.1.status", "RECOVERED"),
					resource.TestCheckResourceAttr("drsorch_execution.retry", "waves.1.servers.#", "1"),
					resource.TestCheckResourceAttr("drsorch_execution.retry", "waves.1.servers.0.source_server_id", bad),
					resource.TestCheckResourceAttr("drsorch_execution.retry", "waves.2.status", "RECOVERED"),
					func(*terraform.State) error {
						after, _ := launchJobsPerServer(t, env)
						for name, id := range ids {
							want := 0
							switch {
							case id == bad || regexp.MustCompile(`^shop-web-`).MatchString(name):
								want = 1
							case !regexp.MustCompile(`^shop-`).MatchString(name):
								continue
							}
							if got := after[id] - before[id]; got != want {
								return fmt.Errorf("%s (%s) launched %d times by the retry, want %d", name, id, got, want)
							}
						}
						return nil
					},
				),
			},
		},
	})
}

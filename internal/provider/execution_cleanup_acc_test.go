package provider

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/drs"
	drstypes "github.com/aws/aws-sdk-go-v2/service/drs/types"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	sfntypes "github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/drsorch/terraform-provider-drsorch/internal/acctest"
	"github.com/drsorch/terraform-provider-drsorch/internal/drsapi"
	"github.com/drsorch/terraform-provider-drsorch/internal/protectiongroup"
)

// terminateJobsOf lists the TERMINATE jobs of env's estate.
func terminateJobsOf(env *acctest.Env) ([]drstypes.Job, error) {
	var out []drstypes.Job
	pages := drs.NewDescribeJobsPaginator(drsClient(env), &drs.DescribeJobsInput{})
	for pages.HasMorePages() {
		page, err := pages.NextPage(context.Background())
		if err != nil {
			return nil, err
		}
		for _, j := range page.Items {
			if j.Type == drstypes.JobTypeTerminate {
				out = append(out, j)
			}
		}
	}
	return out, nil
}

func noDrillInstancesLeft(env *acctest.Env, wantJobs int) func(*terraform.State) error {
	return func(*terraform.State) error {
		live, err := liveInstances(env)
		if err != nil || len(live) != 0 {
			return fmt.Errorf("destroy left %d recovery instances running (%v)", len(live), err)
		}
		jobs, err := terminateJobsOf(env)
		if err != nil || len(jobs) != wantJobs {
			return fmt.Errorf("%d terminate jobs, want %d (%v)", len(jobs), wantJobs, err)
		}
		for _, j := range jobs {
			if n := len(j.ParticipatingServers); n > 100 {
				return fmt.Errorf("terminate job %s holds %d instances, over the per-job quota of 100", *j.JobID, n)
			}
		}
		return nil
	}
}

// Destroying a drill of 150 instances used to fail with
// ServiceQuotaExceededException (one TerminateRecoveryInstances call of
// 150 > the per-job quota of 100) and leave them running. Now two jobs
// terminate them all.
func TestAccExecutionDestroyTerminatesAHundredAndFiftyDrillInstances(t *testing.T) {
	const servers = 150
	env := startRunning(t, acctest.WithInventory(t, acctest.Inventory{Estates: []acctest.Estate{
		acctest.GeneratedEstate("123456789012", "us-east-1", servers, map[string]string{"app": "big"}),
	}}))
	ctx := context.Background()
	all, err := drsapi.ListSourceServers(ctx, drsClient(env), nil)
	if err != nil || len(all) != servers {
		t.Fatalf("%d servers: %v", len(all), err)
	}
	for i, g := range []string{"big-a", "big-b"} {
		if err := protectiongroup.Apply(ctx, drsClient(env), g, nil, all[i*servers/2:(i+1)*servers/2]); err != nil {
			t.Fatal(err)
		}
	}
	start := time.Now()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		CheckDestroy:             noDrillInstancesLeft(env, 2),
		Steps: []resource.TestStep{{
			Config: env.ProviderConfig(testRole) + `
resource "drsorch_recovery_plan" "big" {
  name = "big"
  wave {
    name             = "a"
    protection_group = "big-a"
  }
  wave {
    name             = "b"
    protection_group = "big-b"
  }
}
resource "drsorch_execution" "drill" {
  recovery_plan = drsorch_recovery_plan.big.id
  type          = "DRILL"
}
`,
			Check: func(*terraform.State) error {
				live, err := liveInstances(env)
				if err != nil || len(live) != servers {
					return fmt.Errorf("%d recovery instances after the drill, want %d (%v)", len(live), servers, err)
				}
				return nil
			},
		}},
	})
	t.Logf("drill and destroy of %d instances through terraform: %.1fs", servers, time.Since(start).Seconds())
}

// Step Functions keeps a closed execution 90 days. Past that the next
// refresh used to drop the drill from state, and its instances ran on
// with nothing left to destroy them. Now it stays (with a warning) and
// destroy finds its instances through its DRS jobs.
func TestAccExecutionDestroyAfterTheHistoryExpired(t *testing.T) {
	env := startRunning(t)
	cfg := drillConfig(env, `
resource "drsorch_execution" "drill" {
  recovery_plan  = drsorch_recovery_plan.shop.id
  type           = "DRILL"
  approved_waves = ["web"]
}
`)
	var arn string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		CheckDestroy:             noDrillInstancesLeft(env, 1),
		Steps: []resource.TestStep{
			{Config: cfg, Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr("drsorch_execution.drill", "status", "SUCCEEDED"),
				func(s *terraform.State) error {
					arn = s.RootModule().Resources["drsorch_execution.drill"].Primary.ID
					return nil
				},
			)},
			{
				// The drill stays in state: an empty plan, no second drill.
				PreConfig: func() {
					env.Service.App.Clock.Advance(91 * 24 * time.Hour)
					_, err := sfnClient(env).DescribeExecution(context.Background(), &sfn.DescribeExecutionInput{ExecutionArn: aws.String(arn)})
					var missing *sfntypes.ExecutionDoesNotExist
					if !errors.As(err, &missing) {
						t.Fatalf("after 91 days DescribeExecution of %s: %v, want ExecutionDoesNotExist", arn, err)
					}
				},
				Config:   cfg,
				PlanOnly: true,
			},
		},
	})
}

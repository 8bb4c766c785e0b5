package provider

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/servicequotas"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/drsorch/terraform-provider-drsorch/internal/executions"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/drssim"
)

// The execution data source gives each failed server DRS's own error text
// (from the job log), besides the wave's cause.
func TestAccExecutionDataSourceNamesDRSErrorOfFailedServers(t *testing.T) {
	env := startRunning(t)
	ids, _ := demoServers(t, env)
	bad := ids["shop-app-2"]
	if err := env.Service.App.DRS.SetFailLaunch(drssim.Estate{Account: "123456789012", Region: env.Region}, true, bad); err != nil {
		t.Fatal(err)
	}
	plan := env.ProviderConfig(testRole) + threeTierPlan("")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{
			{Config: plan},
			{
				PreConfig: func() {
					cfg := env.Service.AWSConfig(env.Region)
					c := executions.Clients{SFN: sfnClient(env), DRS: drsClient(env), Quotas: servicequotas.NewFromConfig(cfg)}
					ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
					defer cancel()
					arn, err := executions.Start(ctx, c, "arn:aws:states:us-east-1:123456789012:stateMachine:drsorch-plan-shop", executions.TypeDrill, "test", "doomed")
					if err != nil {
						t.Fatal(err)
					}
					if e, err := executions.Wait(ctx, c, arn, executions.UntilCompleted, 20*time.Millisecond, nil); err != nil || e.Running() {
						t.Fatalf("drill: %v", err)
					}
				},
				Config: plan + `
data "drsorch_execution" "doomed" {
  plan = "shop"
  name = "doomed"
}
`,
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("data.drsorch_execution.doomed", "waves.1.status", "FAILED"),
					resource.TestCheckTypeSetElemNestedAttrs("data.drsorch_execution.doomed", "waves.1.servers.*", map[string]string{
						"source_server_id": bad, "launch_status": "FAILED",
						"launch_error": "LAUNCH_FAILED: simulated launch failure: the EC2 instance did not pass its status checks",
					}),
					resource.TestCheckNoResourceAttr("data.drsorch_execution.doomed", "waves.0.servers.0.launch_error"),
				),
			},
		},
	})
}

// drsorch_execution shows a run's waves in the one shape the data source
// shows: a RECOVERY whose app wave fails (a warning, so the run stays in
// state) has each failed server's DRS error, the wave's error and cause,
// and the same waves, attribute for attribute, as data.drsorch_execution
// of the same run.
func TestAccExecutionResourceShowsTheDataSourceWaves(t *testing.T) {
	env := startRunning(t)
	ids, _ := demoServers(t, env)
	bad := ids["shop-app-2"]
	if err := env.Service.App.DRS.SetFailLaunch(drssim.Estate{Account: "123456789012", Region: env.Region}, true, bad); err != nil {
		t.Fatal(err)
	}
	config := env.ProviderConfig(testRole) + threeTierPlan("") + `
resource "drsorch_execution" "recovery" {
  recovery_plan    = drsorch_recovery_plan.shop.id
  type             = "RECOVERY"
  confirm_recovery = true
  approved_waves   = ["web"]
}

data "drsorch_execution" "same" {
  arn = drsorch_execution.recovery.arn
}
`
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{{
			Config: config,
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr("drsorch_execution.recovery", "status", "FAILED"),
				resource.TestCheckResourceAttr("drsorch_execution.recovery", "waves.1.status", "FAILED"),
				resource.TestCheckResourceAttrSet("drsorch_execution.recovery", "waves.1.error"),
				resource.TestCheckResourceAttrSet("drsorch_execution.recovery", "waves.1.cause"),
				resource.TestCheckResourceAttr("drsorch_execution.recovery", "waves.2.pause_before", "true"),
				resource.TestCheckTypeSetElemNestedAttrs("drsorch_execution.recovery", "waves.1.servers.*", map[string]string{
					"source_server_id": bad, "launch_status": "FAILED",
					"launch_error": "LAUNCH_FAILED: simulated launch failure: the EC2 instance did not pass its status checks",
				}),
				resource.TestCheckNoResourceAttr("drsorch_execution.recovery", "waves.0.servers.0.launch_error"),
			),
		}, {
			// DRS goes on launching app's other servers after the wave
			// failed: once its jobs have completed, a refresh reads both
			// views of a run that no longer changes.
			PreConfig: func() {
				for deadline := time.Now().Add(time.Minute); ; time.Sleep(100 * time.Millisecond) {
					if _, done := launchJobsPerServer(t, env); done {
						break
					}
					if time.Now().After(deadline) {
						t.Fatal("the recovery's DRS jobs never completed")
					}
				}
			},
			Config: config,
			Check:  sameWaves("drsorch_execution.recovery", "data.drsorch_execution.same"),
		}},
	})
}

// sameWaves checks that two objects hold the same waves attributes, keys
// and values.
func sameWaves(a, b string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		waves := func(addr string) (map[string]string, error) {
			r, ok := s.RootModule().Resources[addr]
			if !ok {
				return nil, fmt.Errorf("%s not in state", addr)
			}
			out := map[string]string{}
			for k, v := range r.Primary.Attributes {
				if strings.HasPrefix(k, "waves.") {
					out[k] = v
				}
			}
			return out, nil
		}
		wa, err := waves(a)
		if err != nil {
			return err
		}
		wb, err := waves(b)
		if err != nil {
			return err
		}
		if len(wa) == 0 {
			return fmt.Errorf("%s has no waves", a)
		}
		for k, v := range wa {
			if w, ok := wb[k]; !ok || w != v {
				return fmt.Errorf("%s: %s = %q, %s: %q (present %v)", a, k, v, b, w, ok)
			}
		}
		for k := range wb {
			if _, ok := wa[k]; !ok {
				return fmt.Errorf("%s has %s, %s has not", b, k, a)
			}
		}
		return nil
	}
}

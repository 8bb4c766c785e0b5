package provider

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/servicequotas"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

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

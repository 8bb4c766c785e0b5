package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// An approval by apply records the identity of the provider's credentials
// (STS GetCallerIdentity), not the free text "terraform (approved_waves)";
// the free text is the reason beside it. The execution data source shows
// who started the run and who approved each gate.
func TestAccExecutionApprovalRecordsTheCallerIdentity(t *testing.T) {
	env := startRunning(t)
	const caller = "arn:aws:iam::123456789012:user/drsorch-local"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{
			{
				Config: drillConfig(env, `
resource "drsorch_execution" "drill" {
  recovery_plan  = drsorch_recovery_plan.shop.id
  type           = "DRILL"
  approved_waves = ["web"]
}
`),
				Check: resource.TestCheckResourceAttr("drsorch_execution.drill", "invoked_by", caller),
			},
			{
				Config: drillConfig(env, `
resource "drsorch_execution" "drill" {
  recovery_plan  = drsorch_recovery_plan.shop.id
  type           = "DRILL"
  approved_waves = ["web"]
}
data "drsorch_execution" "drill" {
  arn = drsorch_execution.drill.arn
}
`),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("data.drsorch_execution.drill", "invoked_by", caller),
					resource.TestCheckResourceAttr("data.drsorch_execution.drill", "waves.2.name", "web"),
					resource.TestCheckResourceAttr("data.drsorch_execution.drill", "waves.2.approved_by", caller),
					resource.TestCheckResourceAttr("data.drsorch_execution.drill", "waves.2.approval_reason", approvedWavesReason),
					resource.TestCheckResourceAttrSet("data.drsorch_execution.drill", "waves.2.approved_at"),
					resource.TestCheckNoResourceAttr("data.drsorch_execution.drill", "waves.0.approved_by"),
				),
			},
		},
	})
}

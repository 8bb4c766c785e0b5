package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/drsorch/terraform-provider-drsorch/internal/acctest"
)

// The instances of a real drill are checked in TestAccExecutionDataSources;
// these are the empty cases and the refusals.
func TestAccRecoveryInstancesEmptyAndBadInputs(t *testing.T) {
	env := acctest.Start(t)
	var steps []resource.TestStep
	for _, tc := range []struct{ body, err string }{
		{`execution_arn = "arn:aws:states:us-east-1:123456789012:execution:drsorch-plan-shop:gone"`, `(?s)Execution not found.*drsorch-plan-shop:gone`},
		{`source_server_ids = ["i-123"]`, `(?s)source_server_ids.*must be a source server ID like s-`},
		{`source_server_ids = []`, `(?s)source_server_ids.*at least 1`},
		{`execution_arn = "arn:aws:states:us-east-1:123456789012:stateMachine:drsorch-plan-shop"`, `(?s)Invalid execution ARN.*is not a Step Functions execution ARN`},
	} {
		steps = append(steps, resource.TestStep{
			Config:      env.ProviderConfig() + "data \"drsorch_recovery_instances\" \"x\" {\n" + tc.body + "\n}\n",
			ExpectError: errorPattern(tc.err),
		})
	}
	// Nothing launched yet: an empty list, not an error. (Last, so that the
	// post-test destroy has a valid configuration.)
	steps = append(steps, resource.TestStep{
		Config: env.ProviderConfig() + `data "drsorch_recovery_instances" "all" {}`,
		Check:  resource.TestCheckResourceAttr("data.drsorch_recovery_instances.all", "recovery_instances.#", "0"),
	})
	resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: testFactories, Steps: steps})
}

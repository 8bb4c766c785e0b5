package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/drsorch/terraform-provider-drsorch/internal/executions"
)

// keepExpiredDrill decides what Read does with an execution Step Functions
// no longer knows. A run that never started is forgotten. A drill whose
// history expired (closed executions are kept 90 days) but whose recovery
// instances still run stays in state, so that destroy can find them through
// its DRS jobs and terminate them; forgetting it would leak them.
func keepExpiredDrill(ctx context.Context, c executions.Clients, state executionModel, diags *diag.Diagnostics) bool {
	if state.Type.ValueString() != executions.TypeDrill || !state.TerminateOnDestroy.ValueBool() {
		return false
	}
	e, found, err := executions.FromJobs(ctx, c, state.ARN.ValueString())
	if err != nil {
		addAPIError(diags, "find the DRS jobs of execution "+state.ARN.ValueString(), err)
		return true
	}
	if !found {
		return false
	}
	n := len(executions.LaunchedInstances(e))
	if n == 0 {
		return false
	}
	diags.AddWarning("Execution history expired",
		fmt.Sprintf("Step Functions no longer knows drill %s (closed executions are kept 90 days), but its DRS jobs name %d recovery instances that still exist. "+
			"The resource stays in state so that destroy terminates them.", e.Name, n))
	return true
}

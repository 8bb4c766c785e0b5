package provider

import (
	"fmt"

	sfntypes "github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/drsorch/terraform-provider-drsorch/internal/executions"
)

// allowAbortAttr is the opt-in that lets destroy or replacement stop a
// RECOVERY that still runs (or waits at a pause gate). Without it a
// `count = var.disaster ? 1 : 0` flipping back to 0, or a change of
// recovery_plan or type, would abort the production recovery with nothing
// in the plan but `status = "RUNNING" -> null`.
const allowAbortAttr = "allow_abort_running_recovery"

// runningRecovery says whether state holds a RECOVERY that has not ended.
func runningRecovery(state executionModel) bool {
	return state.Type.ValueString() == executions.TypeRecovery &&
		state.Status.ValueString() == string(sfntypes.ExecutionStatusRunning)
}

// guardDestroyPlan refuses at plan the destroy (plan nil) or replacement of
// a running RECOVERY unless allow_abort_running_recovery is true in state
// or, for a replacement, in the new configuration.
func guardDestroyPlan(state executionModel, plan *executionModel, diags *diag.Diagnostics) {
	if !runningRecovery(state) || state.AllowAbortRunningRecovery.ValueBool() {
		return
	}
	doing := "Destroying"
	if plan != nil {
		replaced := !plan.Type.Equal(state.Type) || !plan.RecoveryPlan.Equal(state.RecoveryPlan)
		if !replaced || plan.AllowAbortRunningRecovery.ValueBool() {
			return
		}
		doing = "Replacing (a change of recovery_plan or type)"
	}
	diags.AddAttributeError(path.Root(allowAbortAttr), "Refusing to abort a running RECOVERY",
		abortRefusal(doing, state.Name.ValueString(), state.Phase.ValueString(), state.ARN.ValueString()))
}

// guardDestroy is the backstop in Delete, for a plan made with
// -refresh=false or before the run started: it reads the run as it is now.
func guardDestroy(state executionModel, e *executions.Execution, diags *diag.Diagnostics) bool {
	if e.Type != executions.TypeRecovery || !e.Running() || state.AllowAbortRunningRecovery.ValueBool() {
		return true
	}
	diags.AddError("Refusing to abort a running RECOVERY", abortRefusal("Destroying", e.Name, e.Phase(), e.ARN))
	return false
}

func abortRefusal(doing, name, phase, arn string) string {
	return fmt.Sprintf("%s this drsorch_execution would stop RECOVERY %s, which is %s: the waves not yet recovered would never start and "+
		"production stays half recovered. Nothing was stopped.\n\n"+
		"To stop it on purpose, either cancel the run first (`drsorch cancel %s`) and then destroy, or set "+
		"%s = true on this resource, apply, and destroy again (on destroy the value is read from state, so it must be applied first). "+
		"To keep it running and only stop managing it: terraform state rm <this resource>.", doing, name, phase, arn, allowAbortAttr)
}

// defaultAllowAbort fills the attribute for states written before it existed
// and for imports.
func defaultAllowAbort(m *executionModel) {
	if m.AllowAbortRunningRecovery.IsNull() || m.AllowAbortRunningRecovery.IsUnknown() {
		m.AllowAbortRunningRecovery = types.BoolValue(false)
	}
}

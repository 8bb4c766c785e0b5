package provider

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/drsorch/terraform-provider-drsorch/internal/plans"
	"github.com/drsorch/terraform-provider-drsorch/internal/recoveryplan"
	"github.com/drsorch/terraform-provider-drsorch/internal/statemachine"
)

// checkLimits refuses at plan time a compiled plan that Step Functions
// would refuse (definition or request over 1 MB) or that would fail mid-run
// (over 25,000 history events or 256 KiB of state in the worst case), each
// on the attribute that causes it (statemachine.Problems). domain must
// carry the waves' resolved servers.
func checkLimits(plan recoveryPlanModel, domain recoveryplan.Plan, compiled *statemachine.Compiled, diags *diag.Diagnostics) {
	f, err := statemachine.Measure(domain, compiled, statemachine.RequestInfo{
		Name:    plans.StateMachineName(plan.Name.ValueString()),
		RoleARN: plan.ExecutionRoleARN.ValueString(),
		Tags:    plan.tags(),
	})
	if err != nil {
		diags.AddError("Cannot check the recovery plan against Step Functions' limits", err.Error())
		return
	}
	addProblems(statemachine.Problems(domain, f), diags)
}

// checkHistoryOffline runs at validate time, before the protection groups'
// members are known: the worst-case history of an execution depends on the
// waves' structure, timeouts and poll intervals, not on their servers, so
// each wave is compiled with one placeholder server and only the history
// limit is judged here (the definition and the state need the servers:
// checkLimits judges them at plan).
func checkHistoryOffline(p recoveryplan.Plan, diags *diag.Diagnostics) {
	q := recoveryplan.Plan{Name: p.Name, Waves: make([]recoveryplan.Wave, len(p.Waves))}
	for i, w := range p.Waves {
		w.ServerIDs = []string{fmt.Sprintf("s-%017d", i)}
		q.Waves[i] = w
	}
	// The history does not depend on the partition: any region will do.
	c, err := statemachine.Compile(q, "us-east-1", statemachine.PlaceholderRunnerARN("us-east-1"))
	if err != nil {
		return // reported by the structural checks
	}
	f, err := statemachine.Measure(q, c, statemachine.RequestInfo{})
	if err != nil {
		diags.AddError("Cannot check the recovery plan against Step Functions' limits", err.Error())
		return
	}
	if f.HistoryEvents < statemachine.MaxHistoryEvents {
		return
	}
	f.DefinitionCharacters, f.RequestBytes, f.StateBytes = 0, 0, 0 // judged at plan
	addProblems(statemachine.Problems(q, f), diags)
}

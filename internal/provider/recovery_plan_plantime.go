package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	drstypes "github.com/aws/aws-sdk-go-v2/service/drs/types"
	sfntypes "github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/drsorch/terraform-provider-drsorch/internal/executions"
	"github.com/drsorch/terraform-provider-drsorch/internal/plans"
	"github.com/drsorch/terraform-provider-drsorch/internal/protectiongroup"
	"github.com/drsorch/terraform-provider-drsorch/internal/recoveryplan"
	"github.com/drsorch/terraform-provider-drsorch/internal/statemachine"
)

// waveMembers fills each wave's ServerIDs with its group's members as they
// will be once this apply is done: the planned members a group of this
// configuration recorded in this walk (so a membership change reaches the
// plan in the same apply, and a tag removed outside Terraform that the
// apply restores does not change the plan between plan and apply), else
// the servers that carry the group's tag now. known is false while a
// group's planned members are known only at apply; changed reports a group
// whose configuration asks for new members (created, selection changed).
func (r *recoveryPlanResource) waveMembers(domain recoveryplan.Plan, servers []drstypes.SourceServer) (known, changed bool) {
	for i := range domain.Waves {
		w := &domain.Waves[i]
		w.ServerIDs = nil
		if g, ok := r.data.planned.plannedGroups().Group(w.ProtectionGroup); ok {
			if !g.Known {
				return false, changed
			}
			changed = changed || g.Changed
			w.ServerIDs = append(w.ServerIDs, g.Members...)
			continue
		}
		for _, s := range protectiongroup.CurrentMembers(w.ProtectionGroup, servers) {
			w.ServerIDs = append(w.ServerIDs, aws.ToString(s.SourceServerID))
		}
	}
	return true, changed
}

// addWorldProblems reports problems found against the world (empty groups,
// quotas). strict says they protect a change the configuration asks for:
// then they are errors. Otherwise only the world changed, and they are
// warnings, so that no plan — least of all the normal plan Terraform runs
// before a destroy, which the provider cannot tell from another — is
// blocked; held then says the deployed definition must stay as it is.
func addWorldProblems(ps recoveryplan.Problems, strict bool, diags *diag.Diagnostics) (held bool) {
	if strict || !ps.HasErrors() {
		addProblems(ps, diags)
		return false
	}
	addProblems(ps.AsWarnings(), diags)
	diags.AddWarning("Recovery plan kept as deployed",
		"The problems above come from changes in DRS (members, quotas), not from this configuration, so the plan keeps the deployed "+
			"definition instead of failing. Fix them, or change the configuration to deploy anyway (then they are errors).")
	return true
}

// configChanged reports whether the configuration asks for a change that
// world checks protect: new waves, groups, role or RTO (which only a new
// definition carries).
func configChanged(plan, state recoveryPlanModel) bool {
	return !plan.Waves.Equal(state.Waves) || !plan.Name.Equal(state.Name) || !plan.ExecutionRoleARN.Equal(state.ExecutionRoleARN) ||
		!plan.RTO.Equal(state.RTO)
}

// keepDeployed plans the deployed definition unchanged (see addWorldProblems).
func keepDeployed(plan *recoveryPlanModel, state recoveryPlanModel) {
	plan.Definition = state.Definition
	plan.ServerCount = state.ServerCount
	plan.Levels = state.Levels
	plan.EstimatedStateTransitions = state.EstimatedStateTransitions
}

// warnStaleRuns warns, at plan, about each running or paused execution of
// the plan when this apply changes the plan's members: a run keeps the
// definition (version) it started with, so it still recovers the servers
// removed and misses those added.
func (r *recoveryPlanResource) warnStaleRuns(ctx context.Context, req resource.ModifyPlanRequest, planned recoveryplan.Plan, diags *diag.Diagnostics) {
	if req.State.Raw.IsNull() {
		return
	}
	var state recoveryPlanModel
	diags.Append(req.State.Get(ctx, &state)...)
	if diags.HasError() || state.Definition.ValueString() == "" {
		return
	}
	view, err := statemachine.Describe(state.Definition.ValueString())
	if err != nil {
		return // not a definition drsorch can read: nothing to compare
	}
	changes := recoveryplan.MembershipChanges(view.Plan(), planned)
	if len(changes) == 0 {
		return
	}
	c := r.data.clients
	running, err := plans.Executions(ctx, c.SFN, state.ARN.ValueString(), sfntypes.ExecutionStatusRunning)
	if err != nil {
		addAPIError(diags, "list the running executions of recovery plan "+state.Name.ValueString(), err)
		return
	}
	var lines []string
	for _, ch := range changes {
		if len(ch.Added) > 0 {
			lines = append(lines, fmt.Sprintf("wave %s: added %s (the run does not recover them)", ch.Wave, strings.Join(ch.Added, ", ")))
		}
		if len(ch.Removed) > 0 {
			lines = append(lines, fmt.Sprintf("wave %s: removed %s (the run still recovers them)", ch.Wave, strings.Join(ch.Removed, ", ")))
		}
	}
	for _, e := range running {
		status := "RUNNING"
		if ex, err := executions.Describe(ctx, executions.Clients{SFN: c.SFN, DRS: c.DRS, Quotas: c.ServiceQuotas}, aws.ToString(e.ExecutionArn)); err == nil {
			if w := ex.PausedBefore(); w != "" {
				status = "PAUSED before wave " + w
			}
		}
		diags.AddAttributeWarning(path.Root("wave"), "Running execution keeps the old membership",
			fmt.Sprintf("Execution %s of recovery plan %s is %s. It keeps the definition it started with, so this apply's membership changes do not reach it:\n  %s\n"+
				"Start a new run after the apply (or cancel and restart this one: drsorch cancel) to recover the new membership.",
				aws.ToString(e.Name), state.Name.ValueString(), status, strings.Join(lines, "\n  ")))
	}
}

// checkPlanName refuses at plan what would fail mid-apply: two recovery
// plans of this configuration with one name, and a new plan whose state
// machine already exists (another workspace's plan, or one made by hand).
func (r *recoveryPlanResource) checkPlanName(ctx context.Context, creating bool, plan recoveryPlanModel, diags *diag.Diagnostics) {
	if plan.ARN.IsUnknown() || plan.ARN.IsNull() {
		return
	}
	arn, name := plan.ARN.ValueString(), plan.Name.ValueString()
	if !r.data.planned.recordPlan(arn) {
		diags.AddAttributeError(path.Root("name"), "Recovery plan name used twice",
			fmt.Sprintf("Another drsorch_recovery_plan of this configuration is also named %q: both would be the state machine %s in %s. Rename one of them.",
				name, plans.StateMachineName(name), r.data.clients.Region))
		return
	}
	if !creating {
		return
	}
	_, found, err := plans.Find(ctx, r.data.clients.SFN, arn)
	if err != nil {
		addAPIError(diags, "check whether recovery plan "+name+" exists", err)
		return
	}
	if found {
		diags.AddAttributeError(path.Root("name"), "Recovery plan already exists",
			fmt.Sprintf("The state machine %s already exists in %s and is not in this configuration's state (another workspace manages it, or it was made outside Terraform). "+
				"Choose another name, or manage it here by importing it: terraform import <address> %s", plans.StateMachineName(name), r.data.clients.Region, name))
	}
}

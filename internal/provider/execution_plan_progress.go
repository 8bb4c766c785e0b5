package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/drsorch/terraform-provider-drsorch/internal/executions"
)

// Precise plans of a run's progress. An update of drsorch_execution (an
// approval, a longer wait_until) changes only what apply follows: the run's
// status and the waves still to run. Everything else is planned from state,
// so approving one wave renders approved_waves, the run's status and that
// wave's progress, not every wave and server as "known after apply".

// keepProgress plans every computed attribute as it stands in state.
func keepProgress(plan *executionModel, state executionModel) {
	plan.Name, plan.PlanARN, plan.InvokedBy, plan.VersionARN, plan.StartedAt = state.Name, state.PlanARN, state.InvokedBy, state.VersionARN, state.StartedAt
	plan.Status, plan.Phase, plan.PausedBefore = state.Status, state.Phase, state.PausedBefore
	plan.StoppedAt, plan.Error, plan.Cause = state.StoppedAt, state.Error, state.Cause
	plan.Waves = state.Waves
}

// planProgress marks unknown what following the run will change: its
// status and the waves that have not ended. Ended waves stay as they are;
// a wave's name, level, recovered_in and servers are fixed when the run
// starts (the plan version it runs), so they stay known too.
func planProgress(ctx context.Context, plan *executionModel, diags *diag.Diagnostics) {
	for _, p := range []*types.String{&plan.Status, &plan.Phase, &plan.PausedBefore, &plan.StoppedAt, &plan.Error, &plan.Cause} {
		*p = types.StringUnknown()
	}
	if plan.Waves.IsNull() || plan.Waves.IsUnknown() {
		plan.Waves = types.ListUnknown(executionWaveType)
		return
	}
	var waves []executionWaveValue
	if d := plan.Waves.ElementsAs(ctx, &waves, false); d.HasError() {
		plan.Waves = types.ListUnknown(executionWaveType)
		return
	}
	for i := range waves {
		w := &waves[i]
		if waveEnded(w.Status.ValueString()) {
			continue
		}
		w.Status, w.JobID, w.StartedAt, w.EndedAt = types.StringUnknown(), types.StringUnknown(), types.StringUnknown(), types.StringUnknown()
		for j := range w.Servers {
			s := &w.Servers[j]
			s.LaunchStatus, s.RecoveryInstanceID = types.StringUnknown(), types.StringUnknown()
			s.EC2InstanceID, s.EC2InstanceState = types.StringUnknown(), types.StringUnknown()
		}
	}
	list, d := types.ListValueFrom(ctx, executionWaveType, waves)
	diags.Append(d...)
	plan.Waves = list
}

// waveEnded: a wave in one of these statuses does not change again in
// this run.
func waveEnded(status string) bool {
	switch status {
	case executions.WaveRecovered, executions.WaveFailed, executions.WaveTimedOut, executions.WaveCancelled, executions.WaveSkipped:
		return true
	}
	return false
}

// keepPlannedWaves puts back the waves the plan held as known (ended
// before the apply): the read after following the run may see an ended
// wave's instance in another EC2 state, which the next refresh reports,
// while apply must return what it planned.
func keepPlannedWaves(ctx context.Context, planned types.List, m *executionModel, diags *diag.Diagnostics) {
	if planned.IsNull() || planned.IsUnknown() || m.Waves.IsNull() || m.Waves.IsUnknown() {
		return
	}
	var before, after []executionWaveValue
	diags.Append(planned.ElementsAs(ctx, &before, false)...)
	diags.Append(m.Waves.ElementsAs(ctx, &after, false)...)
	if diags.HasError() || len(before) != len(after) {
		return
	}
	for i, w := range before {
		if !w.Status.IsUnknown() {
			after[i] = w
		}
	}
	list, d := types.ListValueFrom(ctx, executionWaveType, after)
	diags.Append(d...)
	m.Waves = list
}

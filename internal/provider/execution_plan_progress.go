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
// status and the waves that have not ended. Ended waves stay as they are.
// Of a wave still to run, what the run fixed when it started (the plan
// version it runs, its input) stays known: name, level, pause_before,
// recovered_in, each server and the snapshot it launches from, each step's
// definition. Its job, times, outcome (error, cause, each server's launch
// and launch_error, each step's run) become unknown, and so does its
// approval while its pause gate may still be released.
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
		for _, p := range []*types.String{&w.Status, &w.JobID, &w.StartedAt, &w.EndedAt, &w.Error, &w.Cause} {
			*p = types.StringUnknown()
		}
		if w.PauseBefore.IsNull() { // a state written before it was recorded
			w.PauseBefore = types.BoolUnknown()
		}
		if gateOpen(*w) {
			w.ApprovedBy, w.ApprovedAt, w.ApprovalReason = types.StringUnknown(), types.StringUnknown(), types.StringUnknown()
		}
		for j := range w.Servers {
			s := &w.Servers[j]
			s.LaunchStatus, s.RecoveryInstanceID = types.StringUnknown(), types.StringUnknown()
			s.EC2InstanceID, s.EC2InstanceState = types.StringUnknown(), types.StringUnknown()
			// The snapshot a server recovers from is chosen at start; the
			// point in time its instance holds is known once it launched.
			s.SnapshotTime, s.LaunchError = types.StringUnknown(), types.StringUnknown()
			s.LaunchActions = types.ListUnknown(executionLaunchActionType)
		}
		// A step's name, kind, document and check come from the plan
		// version; its SSM run and outcome from following the wave.
		for j := range w.Steps {
			st := &w.Steps[j]
			st.SSMID, st.Status, st.Detail = types.StringUnknown(), types.StringUnknown(), types.StringUnknown()
		}
	}
	list, d := types.ListValueFrom(ctx, executionWaveType, waves)
	diags.Append(d...)
	plan.Waves = list
}

// gateOpen: the wave's approval may still be recorded by this run. A wave
// without a pause gate has none, and a released gate is not released
// again. A wave whose gate is not known (a state written before
// pause_before was recorded) may have one.
func gateOpen(w executionWaveValue) bool {
	if w.PauseBefore.IsUnknown() {
		return true
	}
	return w.PauseBefore.ValueBool() && w.ApprovedBy.IsNull()
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

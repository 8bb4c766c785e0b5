package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/drsorch/terraform-provider-drsorch/internal/executions"
	"github.com/drsorch/terraform-provider-drsorch/internal/statemachine"
)

// Point-in-time recovery (internal/executions/pointintime.go): a run
// recovers each server from its latest recovery snapshot at or before
// point_in_time, or from the snapshot recovery_snapshots names for it.

const (
	pointInTimeAttr       = "point_in_time"
	recoverySnapshotsAttr = "recovery_snapshots"
)

// wallClock is the provider's notion of now for "not in the future";
// tests replace it.
var wallClock = time.Now

func pointInTimeSchema() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		pointInTimeAttr: schema.StringAttribute{Optional: true,
			Description: "Recover every server from its latest DRS recovery snapshot taken at or before this time (RFC 3339, e.g. " +
				"`2026-11-30T22:00:00Z`): a recovery from before a ransomware attack. The snapshots are chosen when the run starts and " +
				"recorded in its input (`waves[*].servers[*].recovery_snapshot_id`); a server without a snapshot at or before it fails the " +
				"plan and the start, naming the server and its oldest snapshot, and nothing is launched. Not in the future. A retry (`retry_of`) " +
				"keeps the snapshots of the run it continues. Changing it starts a new execution.",
			PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()}},
		recoverySnapshotsAttr: schema.MapAttribute{Optional: true, ElementType: types.StringType,
			Description: "Recovery snapshot per source server: source server ID → snapshot ID (`pit-` and 17 letters or digits, as " +
				"`aws drs describe-recovery-snapshots` lists them). Wins over `point_in_time` for those servers; servers not named launch " +
				"from `point_in_time` if set, else from the latest data. Each server must be in the plan and have the snapshot. " +
				"Changing it starts a new execution.",
			PlanModifiers: []planmodifier.Map{mapplanmodifier.RequiresReplace()}},
	}
}

// validatePointInTime checks the attributes offline: the time's form and
// that it is not in the future, the snapshot IDs' form, and that a retry
// (which keeps its run's snapshots) does not ask for others.
func validatePointInTime(ctx context.Context, cfg executionModel, diags *diag.Diagnostics) {
	if !cfg.PointInTime.IsNull() && !cfg.PointInTime.IsUnknown() {
		if _, err := executions.ParsePointInTime(cfg.PointInTime.ValueString(), wallClock()); err != nil {
			diags.AddAttributeError(path.Root(pointInTimeAttr), "Invalid point in time", err.Error())
		}
	}
	if !cfg.RecoverySnapshots.IsNull() && !cfg.RecoverySnapshots.IsUnknown() {
		var m map[string]types.String
		diags.Append(cfg.RecoverySnapshots.ElementsAs(ctx, &m, false)...)
		for server, snap := range m {
			if snap.IsUnknown() {
				continue
			}
			if err := executions.ValidateSnapshotID(snap.ValueString()); err != nil {
				diags.AddAttributeError(path.Root(recoverySnapshotsAttr).AtMapKey(server), "Invalid recovery snapshot ID",
					fmt.Sprintf("source server %s: %v", server, err))
			}
		}
	}
	if !cfg.RetryOf.IsNull() && (!cfg.PointInTime.IsNull() || !cfg.RecoverySnapshots.IsNull()) {
		diags.AddAttributeError(path.Root("retry_of"), "A retry keeps the snapshots of the run it continues",
			"retry_of continues a run from the snapshots that run chose: remove point_in_time and recovery_snapshots, or remove retry_of to start a new point-in-time run.")
	}
}

// snapshotRequest reads the attributes; ok false when one is unknown.
func snapshotRequest(ctx context.Context, m executionModel, diags *diag.Diagnostics) (executions.SnapshotRequest, bool) {
	var req executions.SnapshotRequest
	if m.PointInTime.IsUnknown() || m.RecoverySnapshots.IsUnknown() {
		return req, false
	}
	if s := m.PointInTime.ValueString(); s != "" {
		t, err := executions.ParsePointInTime(s, wallClock())
		if err != nil {
			diags.AddAttributeError(path.Root(pointInTimeAttr), "Invalid point in time", err.Error())
			return req, false
		}
		req.PointInTime = t
	}
	if !m.RecoverySnapshots.IsNull() {
		var snaps map[string]string
		if d := m.RecoverySnapshots.ElementsAs(ctx, &snaps, false); d.HasError() {
			return req, false // an unknown element: chosen at apply
		}
		req.Servers = snaps
	}
	return req, true
}

// chooseSnapshots resolves the request into in (a run's input), or
// reports why the run cannot recover from it, on the attribute.
func (r *executionResource) chooseSnapshots(ctx context.Context, m executionModel, view *statemachine.PlanView, in *executions.Input, diags *diag.Diagnostics) bool {
	req, ok := snapshotRequest(ctx, m, diags)
	if !ok || req.Empty() {
		return !diags.HasError()
	}
	chosen, err := executions.ChooseSnapshots(ctx, r.data.clients.DRS, view, req, in)
	if err != nil {
		at := path.Root(pointInTimeAttr)
		if req.PointInTime.IsZero() {
			at = path.Root(recoverySnapshotsAttr)
		}
		diags.AddAttributeError(at, "Cannot recover from the snapshots asked for", err.Error())
		return false
	}
	tflog.Info(ctx, "drsorch: recovering from chosen recovery snapshots", map[string]any{"plan": view.Name, "snapshots": executions.DescribeSnapshots(chosen)})
	return true
}

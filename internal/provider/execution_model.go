package provider

import (
	"context"
	"maps"
	"slices"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	dsschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	rschema "github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/drsorch/terraform-provider-drsorch/internal/executions"
)

// The one shape of a run's waves and servers, in the drsorch_execution
// resource and in data.drsorch_execution: one Go type, one Terraform
// type and one description per attribute, so both read the same.
//
// The resource's state holds this shape at schema version 0. Adding an
// attribute keeps older state readable without a state upgrader (the
// framework decodes a missing attribute as null and Read fills it; see
// TestExecutionStateBeforeOneWaveShape); renaming, removing or retyping one
// needs an UpgradeState.

type executionServerValue struct {
	SourceServerID     types.String `tfsdk:"source_server_id"`
	LaunchStatus       types.String `tfsdk:"launch_status"`
	RecoveryInstanceID types.String `tfsdk:"recovery_instance_id"`
	EC2InstanceID      types.String `tfsdk:"ec2_instance_id"`
	EC2InstanceState   types.String `tfsdk:"ec2_instance_state"`
	RecoverySnapshotID types.String `tfsdk:"recovery_snapshot_id"`
	SnapshotTime       types.String `tfsdk:"snapshot_time"`
	LaunchError        types.String `tfsdk:"launch_error"`
	// LaunchActions: execution_launch_actions.go.
	// A list value, not a slice: unknown at plan while the wave can run.
	LaunchActions types.List `tfsdk:"launch_actions"`
}

type executionWaveValue struct {
	Name        types.String `tfsdk:"name"`
	Level       types.Int64  `tfsdk:"level"`
	Status      types.String `tfsdk:"status"`
	PauseBefore types.Bool   `tfsdk:"pause_before"`
	JobID       types.String `tfsdk:"job_id"`
	// RecoveredIn: where a SKIPPED wave was recovered.
	RecoveredIn    types.String           `tfsdk:"recovered_in"`
	StartedAt      types.String           `tfsdk:"started_at"`
	EndedAt        types.String           `tfsdk:"ended_at"`
	Error          types.String           `tfsdk:"error"`
	Cause          types.String           `tfsdk:"cause"`
	ApprovedBy     types.String           `tfsdk:"approved_by"`
	ApprovedAt     types.String           `tfsdk:"approved_at"`
	ApprovalReason types.String           `tfsdk:"approval_reason"`
	Servers        []executionServerValue `tfsdk:"servers"`
	Steps          []executionStepValue   `tfsdk:"steps"` // execution_steps.go
}

// viewField is one computed attribute of the view: its type and its
// documentation.
type viewField struct {
	typ  attr.Type
	desc string
}

var executionServerFields = map[string]viewField{
	"source_server_id":     {types.StringType, "Source server ID."},
	"launch_status":        {types.StringType, "Launch status in the wave's job: `PENDING`, `IN_PROGRESS`, `LAUNCHED`, `FAILED` or `TERMINATED`."},
	"recovery_instance_id": {types.StringType, "The recovery instance the job launched."},
	"ec2_instance_id":      {types.StringType, "The EC2 instance of that recovery instance."},
	"ec2_instance_state":   {types.StringType, "Its EC2 instance state, e.g. `RUNNING`."},
	"recovery_snapshot_id": {types.StringType, "The recovery snapshot the server launches from, as recorded in the execution input (`point_in_time`, `recovery_snapshots`); null: the latest data (DRS takes a snapshot at launch)."},
	"snapshot_time":        {types.StringType, "The point in time its recovery instance holds (DRS's pointInTimeSnapshotDateTime), once launched."},
	"launch_error": {types.StringType, "For a `FAILED` launch, DRS's own error for this server from the job log (DescribeJobLogItems): " +
		"the event and its raw error, e.g. `LAUNCH_FAILED: …`; null otherwise."},
}

var executionWaveFields = map[string]viewField{
	"name":  {types.StringType, "Wave name."},
	"level": {types.Int64Type, "Level (1-based): waves of one level run in parallel."},
	"status": {types.StringType, "`PENDING`, `PAUSED`, `RUNNING`, `RECOVERED`, `FAILED`, `TIMED_OUT`, `CANCELLED` or `SKIPPED` " +
		"(taken as recovered, see `recovered_in`)."},
	"pause_before": {types.BoolType, "Whether the wave waits for approval at a pause gate before it starts."},
	"job_id":       {types.StringType, "The wave's DRS recovery job; null until it started."},
	"recovered_in": {types.StringType, "For a `SKIPPED` wave: the earlier execution that recovered it (`retry_of`), or why it is taken as recovered (`start_from_wave`); null otherwise."},
	"started_at":   {types.StringType, "When the wave's recovery job was started (RFC 3339)."},
	"ended_at":     {types.StringType, "When the wave ended (RFC 3339)."},
	"error":        {types.StringType, "Error name of a failed wave, e.g. `drsorch.WaveFailed`."},
	"cause":        {types.StringType, "Why the wave failed: names the job and the servers."},
	"approved_by": {types.StringType, "Who released the wave's pause gate: the approver's identity (ARN) from STS GetCallerIdentity of the caller " +
		"who approved (`approved_waves`, `drsorch resume`, the dashboard); null while not approved or without a gate."},
	"approved_at":     {types.StringType, "When the pause gate was released (RFC 3339)."},
	"approval_reason": {types.StringType, "Free text recorded with the approval, e.g. `terraform apply: wave listed in approved_waves` or the `--reason` of `drsorch resume`."},
}

const (
	executionWavesDescription   = "Every wave of the plan, in level order, with its progress."
	executionServersDescription = "The wave's source servers."
)

var executionServerType = types.ObjectType{AttrTypes: func() map[string]attr.Type {
	t := fieldTypes(executionServerFields)
	t["launch_actions"] = types.ListType{ElemType: executionLaunchActionType}
	return t
}()}

var executionWaveType = types.ObjectType{AttrTypes: func() map[string]attr.Type {
	t := fieldTypes(executionWaveFields)
	t["servers"] = types.ListType{ElemType: executionServerType}
	t["steps"] = types.ListType{ElemType: executionStepType}
	return t
}()}

func fieldTypes(fields map[string]viewField) map[string]attr.Type {
	out := make(map[string]attr.Type, len(fields))
	for k, f := range fields {
		out[k] = f.typ
	}
	return out
}

// executionWavesResourceAttribute is the computed waves attribute of
// drsorch_execution.
func executionWavesResourceAttribute() rschema.ListNestedAttribute {
	attrs := resourceFields(executionWaveFields)
	attrs["servers"] = rschema.ListNestedAttribute{Computed: true, Description: executionServersDescription,
		NestedObject: rschema.NestedAttributeObject{Attributes: serverResourceFields()}}
	attrs["steps"] = executionStepsResourceAttribute()
	return rschema.ListNestedAttribute{Computed: true, Description: executionWavesDescription,
		NestedObject: rschema.NestedAttributeObject{Attributes: attrs}}
}

// executionWavesDataSourceAttribute is the same attribute in
// data.drsorch_execution.
func executionWavesDataSourceAttribute() dsschema.ListNestedAttribute {
	attrs := dataSourceFields(executionWaveFields)
	attrs["servers"] = dsschema.ListNestedAttribute{Computed: true, Description: executionServersDescription,
		NestedObject: dsschema.NestedAttributeObject{Attributes: serverDataSourceFields()}}
	attrs["steps"] = executionStepsDataSourceAttribute()
	return dsschema.ListNestedAttribute{Computed: true, Description: executionWavesDescription,
		NestedObject: dsschema.NestedAttributeObject{Attributes: attrs}}
}

func serverResourceFields() map[string]rschema.Attribute {
	attrs := resourceFields(executionServerFields)
	attrs["launch_actions"] = executionLaunchActionsResourceAttribute()
	return attrs
}

func serverDataSourceFields() map[string]dsschema.Attribute {
	attrs := dataSourceFields(executionServerFields)
	attrs["launch_actions"] = executionLaunchActionsDataSourceAttribute()
	return attrs
}

func resourceFields(fields map[string]viewField) map[string]rschema.Attribute {
	out := make(map[string]rschema.Attribute, len(fields))
	for _, k := range sortedKeys(fields) {
		switch f := fields[k]; f.typ {
		case types.Int64Type:
			out[k] = rschema.Int64Attribute{Computed: true, Description: f.desc}
		case types.BoolType:
			out[k] = rschema.BoolAttribute{Computed: true, Description: f.desc}
		default:
			out[k] = rschema.StringAttribute{Computed: true, Description: f.desc}
		}
	}
	return out
}

func dataSourceFields(fields map[string]viewField) map[string]dsschema.Attribute {
	out := make(map[string]dsschema.Attribute, len(fields))
	for _, k := range sortedKeys(fields) {
		switch f := fields[k]; f.typ {
		case types.Int64Type:
			out[k] = dsschema.Int64Attribute{Computed: true, Description: f.desc}
		case types.BoolType:
			out[k] = dsschema.BoolAttribute{Computed: true, Description: f.desc}
		default:
			out[k] = dsschema.StringAttribute{Computed: true, Description: f.desc}
		}
	}
	return out
}

func sortedKeys(fields map[string]viewField) []string { return slices.Sorted(maps.Keys(fields)) }

// optionalString is null for the empty string: "not known (yet)".
func optionalString(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}

// optionalTime is a time in RFC 3339, null for the zero time.
func optionalTime(t time.Time) types.String {
	if t.IsZero() {
		return types.StringNull()
	}
	return types.StringValue(t.UTC().Format(time.RFC3339))
}

// executionWaveValues is the view of an execution's waves; failures
// (executions.Failures) give DRS's error for each failed server.
func executionWaveValues(e *executions.Execution, failures []executions.ServerFailure) []executionWaveValue {
	launchErrors := map[[2]string]string{} // wave, source server → error
	for _, f := range failures {
		why := "DRS gave no error text"
		if f.Error != "" {
			why = f.Event + ": " + f.Error
		}
		launchErrors[[2]string{f.Wave, f.SourceServerID}] = why
	}
	waves := make([]executionWaveValue, len(e.Waves))
	for i, w := range e.Waves {
		wv := executionWaveValue{
			Name: types.StringValue(w.Name), Level: types.Int64Value(int64(w.Level)), Status: types.StringValue(w.Status),
			PauseBefore: types.BoolValue(w.PauseBefore), JobID: optionalString(w.JobID), RecoveredIn: optionalString(w.RecoveredIn),
			StartedAt: optionalTime(w.StartedAt), EndedAt: optionalTime(w.EndedAt), Error: optionalString(w.Error), Cause: optionalString(w.Cause),
			ApprovedBy: types.StringNull(), ApprovedAt: types.StringNull(), ApprovalReason: types.StringNull(),
			Servers: make([]executionServerValue, len(w.Servers)), Steps: executionSteps(w.Steps),
		}
		if a := w.Approval; a != nil {
			wv.ApprovedBy, wv.ApprovedAt, wv.ApprovalReason = optionalString(a.ApprovedBy), optionalTime(a.ApprovedAt), optionalString(a.Reason)
		}
		for j, s := range w.Servers {
			wv.Servers[j] = executionServerValue{
				SourceServerID: types.StringValue(s.SourceServerID), LaunchStatus: optionalString(s.LaunchStatus),
				RecoveryInstanceID: optionalString(s.RecoveryInstanceID), EC2InstanceID: optionalString(s.EC2InstanceID),
				EC2InstanceState:   optionalString(s.EC2InstanceState),
				RecoverySnapshotID: optionalString(s.RecoverySnapshotID), SnapshotTime: optionalString(s.SnapshotTime),
				LaunchError:   optionalString(launchErrors[[2]string{w.Name, s.SourceServerID}]),
				LaunchActions: executionLaunchActions(s.LaunchActions),
			}
		}
		waves[i] = wv
	}
	return waves
}

// executionWaves is executionWaveValues as a Terraform list.
func executionWaves(ctx context.Context, e *executions.Execution, failures []executions.ServerFailure, diags *diag.Diagnostics) types.List {
	list, d := types.ListValueFrom(ctx, executionWaveType, executionWaveValues(e, failures))
	diags.Append(d...)
	return list
}

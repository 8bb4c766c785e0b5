package provider

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/drsorch/terraform-provider-drsorch/internal/executions"
)

// The computed view of an execution's waves and servers, shared by the
// drsorch_execution resource and the ephemeral drsorch_drill.

type executionServerValue struct {
	SourceServerID     types.String `tfsdk:"source_server_id"`
	LaunchStatus       types.String `tfsdk:"launch_status"`
	RecoveryInstanceID types.String `tfsdk:"recovery_instance_id"`
	EC2InstanceID      types.String `tfsdk:"ec2_instance_id"`
	EC2InstanceState   types.String `tfsdk:"ec2_instance_state"`
	RecoverySnapshotID types.String `tfsdk:"recovery_snapshot_id"`
	SnapshotTime       types.String `tfsdk:"snapshot_time"`
}

type executionWaveValue struct {
	Name   types.String `tfsdk:"name"`
	Level  types.Int64  `tfsdk:"level"`
	Status types.String `tfsdk:"status"`
	JobID  types.String `tfsdk:"job_id"`
	// RecoveredIn: where a SKIPPED wave was recovered.
	RecoveredIn types.String           `tfsdk:"recovered_in"`
	StartedAt   types.String           `tfsdk:"started_at"`
	EndedAt     types.String           `tfsdk:"ended_at"`
	Servers     []executionServerValue `tfsdk:"servers"`
	Steps       []executionStepValue   `tfsdk:"steps"` // execution_steps.go
}

var executionServerType = types.ObjectType{AttrTypes: map[string]attr.Type{
	"source_server_id": types.StringType, "launch_status": types.StringType, "recovery_instance_id": types.StringType,
	"ec2_instance_id": types.StringType, "ec2_instance_state": types.StringType,
	"recovery_snapshot_id": types.StringType, "snapshot_time": types.StringType,
}}

var executionWaveType = types.ObjectType{AttrTypes: map[string]attr.Type{
	"name": types.StringType, "level": types.Int64Type, "status": types.StringType, "job_id": types.StringType,
	"recovered_in": types.StringType, "started_at": types.StringType, "ended_at": types.StringType, "servers": types.ListType{ElemType: executionServerType},
	"steps": types.ListType{ElemType: executionStepType},
}}

func optionalString(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}

func optionalTime(t time.Time) types.String {
	if t.IsZero() {
		return types.StringNull()
	}
	return types.StringValue(t.UTC().Format(time.RFC3339))
}

func executionServers(servers []executions.Server) []executionServerValue {
	out := make([]executionServerValue, len(servers))
	for i, s := range servers {
		out[i] = executionServerValue{
			SourceServerID: types.StringValue(s.SourceServerID), LaunchStatus: optionalString(s.LaunchStatus),
			RecoveryInstanceID: optionalString(s.RecoveryInstanceID), EC2InstanceID: optionalString(s.EC2InstanceID),
			EC2InstanceState:   optionalString(s.EC2InstanceState),
			RecoverySnapshotID: optionalString(s.RecoverySnapshotID), SnapshotTime: optionalString(s.SnapshotTime),
		}
	}
	return out
}

// executionWaves converts an execution's waves for Terraform.
func executionWaves(ctx context.Context, e *executions.Execution, diags *diag.Diagnostics) types.List {
	waves := make([]executionWaveValue, len(e.Waves))
	for i, w := range e.Waves {
		waves[i] = executionWaveValue{
			Name: types.StringValue(w.Name), Level: types.Int64Value(int64(w.Level)), Status: types.StringValue(w.Status),
			JobID: optionalString(w.JobID), StartedAt: optionalTime(w.StartedAt), EndedAt: optionalTime(w.EndedAt),
			RecoveredIn: optionalString(w.RecoveredIn), Servers: executionServers(w.Servers), Steps: executionSteps(w.Steps),
		}
	}
	list, d := types.ListValueFrom(ctx, executionWaveType, waves)
	diags.Append(d...)
	return list
}

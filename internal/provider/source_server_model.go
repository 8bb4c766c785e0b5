package provider

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	drstypes "github.com/aws/aws-sdk-go-v2/service/drs/types"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/drsorch/terraform-provider-drsorch/internal/drsapi"
)

// sourceServerItem is one source server as the discovery data sources
// report it.
type sourceServerItem struct {
	ID                      types.String      `tfsdk:"id"`
	ARN                     types.String      `tfsdk:"arn"`
	Region                  types.String      `tfsdk:"region"`
	Hostname                types.String      `tfsdk:"hostname"`
	Tags                    map[string]string `tfsdk:"tags"`
	ReplicationState        types.String      `tfsdk:"replication_state"`
	LagDuration             types.String      `tfsdk:"lag_duration"`
	LastLaunchResult        types.String      `tfsdk:"last_launch_result"`
	OS                      types.String      `tfsdk:"os"`
	RecommendedInstanceType types.String      `tfsdk:"recommended_instance_type"`
	RecoveryInstanceID      types.String      `tfsdk:"recovery_instance_id"`
	ProtectionGroup         types.String      `tfsdk:"protection_group"`
	ReadyForRecovery        types.Bool        `tfsdk:"ready_for_recovery"`
}

// sourceServerItemAttributes describes sourceServerItem; the singular data
// source extends it.
func sourceServerItemAttributes() map[string]schema.Attribute {
	str := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{Computed: true, Description: desc}
	}
	return map[string]schema.Attribute{
		"id":                        str("Source server ID (`s-…`)."),
		"arn":                       str("Source server ARN."),
		"region":                    str("Region the server was found in."),
		"hostname":                  str("Hostname reported by the replication agent."),
		"tags":                      schema.MapAttribute{Computed: true, ElementType: types.StringType, Description: "The server's tags."},
		"replication_state":         str("Data replication state, e.g. `CONTINUOUS`, `STALLED`, `DISCONNECTED`."),
		"lag_duration":              str("Replication lag as an ISO 8601 duration (e.g. `PT5S`); empty when DRS reports none."),
		"last_launch_result":        str("Result of the last launch: `NOT_STARTED`, `PENDING`, `SUCCEEDED` or `FAILED`."),
		"os":                        str("Operating system as reported by the agent."),
		"recommended_instance_type": str("EC2 instance type DRS recommends for recovery."),
		"recovery_instance_id":      str("ID of the server's current recovery instance, if any."),
		"protection_group":          str("Protection group the server belongs to (the `" + drsapi.ProtectionGroupTag + "` tag); empty when none."),
		"ready_for_recovery":        schema.BoolAttribute{Computed: true, Description: "True when replication is CONTINUOUS without a replication error, so a recent point in time can be launched."},
	}
}

func flattenSourceServer(region string, s drstypes.SourceServer) sourceServerItem {
	item := sourceServerItem{
		ID:                      types.StringPointerValue(s.SourceServerID),
		ARN:                     types.StringValue(aws.ToString(s.Arn)),
		Region:                  types.StringValue(region),
		Hostname:                types.StringValue(drsapi.Hostname(s)),
		Tags:                    s.Tags,
		ReplicationState:        types.StringValue(string(drsapi.ReplicationState(s))),
		LastLaunchResult:        types.StringValue(string(s.LastLaunchResult)),
		RecoveryInstanceID:      types.StringValue(aws.ToString(s.RecoveryInstanceId)),
		ProtectionGroup:         types.StringValue(s.Tags[drsapi.ProtectionGroupTag]),
		ReadyForRecovery:        types.BoolValue(drsapi.ReadyForRecovery(s)),
		LagDuration:             types.StringValue(""),
		OS:                      types.StringValue(""),
		RecommendedInstanceType: types.StringValue(""),
	}
	if item.Tags == nil {
		item.Tags = map[string]string{}
	}
	if s.DataReplicationInfo != nil {
		item.LagDuration = types.StringValue(aws.ToString(s.DataReplicationInfo.LagDuration))
	}
	if p := s.SourceProperties; p != nil {
		item.RecommendedInstanceType = types.StringValue(aws.ToString(p.RecommendedInstanceType))
		if p.Os != nil {
			item.OS = types.StringValue(aws.ToString(p.Os.FullString))
		}
	}
	return item
}

// sourceServerItemTypes is the object type of one item. Lists of
// thousands of items are built from it directly: the framework's
// reflection costs about a millisecond per item.
var sourceServerItemTypes = map[string]attr.Type{
	"id": types.StringType, "arn": types.StringType, "region": types.StringType, "hostname": types.StringType,
	"tags":              types.MapType{ElemType: types.StringType},
	"replication_state": types.StringType, "lag_duration": types.StringType, "last_launch_result": types.StringType,
	"os": types.StringType, "recommended_instance_type": types.StringType, "recovery_instance_id": types.StringType,
	"protection_group": types.StringType, "ready_for_recovery": types.BoolType,
}

func (i sourceServerItem) objectValue() (attr.Value, diag.Diagnostics) {
	tags := make(map[string]attr.Value, len(i.Tags))
	for k, v := range i.Tags {
		tags[k] = types.StringValue(v)
	}
	tagValue, diags := types.MapValue(types.StringType, tags)
	if diags.HasError() {
		return nil, diags
	}
	return types.ObjectValue(sourceServerItemTypes, map[string]attr.Value{
		"id": i.ID, "arn": i.ARN, "region": i.Region, "hostname": i.Hostname, "tags": tagValue,
		"replication_state": i.ReplicationState, "lag_duration": i.LagDuration, "last_launch_result": i.LastLaunchResult,
		"os": i.OS, "recommended_instance_type": i.RecommendedInstanceType, "recovery_instance_id": i.RecoveryInstanceID,
		"protection_group": i.ProtectionGroup, "ready_for_recovery": i.ReadyForRecovery,
	})
}

// sourceServerList converts items into the value of a `servers` list.
func sourceServerList(items []sourceServerItem) (types.List, diag.Diagnostics) {
	elems := make([]attr.Value, 0, len(items))
	for _, it := range items {
		v, diags := it.objectValue()
		if diags.HasError() {
			return types.ListNull(types.ObjectType{AttrTypes: sourceServerItemTypes}), diags
		}
		elems = append(elems, v)
	}
	return types.ListValue(types.ObjectType{AttrTypes: sourceServerItemTypes}, elems)
}

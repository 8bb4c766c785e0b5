package provider

import (
	"context"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/drs"
	drstypes "github.com/aws/aws-sdk-go-v2/service/drs/types"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/drsorch/terraform-provider-drsorch/internal/drssettings"
)

type replicationSettingsModel struct {
	regional                                   // region: regional.go
	ID                            types.String `tfsdk:"id"`
	SourceServerID                types.String `tfsdk:"source_server_id"`
	Name                          types.String `tfsdk:"name"`
	StagingAreaSubnetID           types.String `tfsdk:"staging_area_subnet_id"`
	AssociateDefaultSecurityGroup types.Bool   `tfsdk:"associate_default_security_group"`
	SecurityGroupIDs              types.Set    `tfsdk:"replication_servers_security_groups_ids"`
	ReplicationServerInstanceType types.String `tfsdk:"replication_server_instance_type"`
	UseDedicatedReplicationServer types.Bool   `tfsdk:"use_dedicated_replication_server"`
	DefaultLargeStagingDiskType   types.String `tfsdk:"default_large_staging_disk_type"`
	ReplicatedDisks               types.List   `tfsdk:"replicated_disks"`
	EBSEncryption                 types.String `tfsdk:"ebs_encryption"`
	EBSEncryptionKeyARN           types.String `tfsdk:"ebs_encryption_key_arn"`
	BandwidthThrottling           types.Int64  `tfsdk:"bandwidth_throttling"`
	DataPlaneRouting              types.String `tfsdk:"data_plane_routing"`
	CreatePublicIP                types.Bool   `tfsdk:"create_public_ip"`
	InternetProtocol              types.String `tfsdk:"internet_protocol"`
	StagingAreaTags               types.Map    `tfsdk:"staging_area_tags"`
	PITPolicy                     types.List   `tfsdk:"pit_policy"`
	AutoReplicateNewDisks         types.Bool   `tfsdk:"auto_replicate_new_disks"`
	Timeouts                      types.Object `tfsdk:"timeouts"`
}

type replicatedDiskModel struct {
	DeviceName               types.String `tfsdk:"device_name"`
	IsBootDisk               types.Bool   `tfsdk:"is_boot_disk"`
	StagingDiskType          types.String `tfsdk:"staging_disk_type"`
	IOPS                     types.Int64  `tfsdk:"iops"`
	Throughput               types.Int64  `tfsdk:"throughput"`
	OptimizedStagingDiskType types.String `tfsdk:"optimized_staging_disk_type"`
}

type pitRuleModel struct {
	RuleID            types.Int64  `tfsdk:"rule_id"`
	Units             types.String `tfsdk:"units"`
	Interval          types.Int64  `tfsdk:"interval"`
	RetentionDuration types.Int64  `tfsdk:"retention_duration"`
	Enabled           types.Bool   `tfsdk:"enabled"`
}

var (
	replicatedDiskType = types.ObjectType{AttrTypes: map[string]attr.Type{
		"device_name": types.StringType, "is_boot_disk": types.BoolType, "staging_disk_type": types.StringType,
		"iops": types.Int64Type, "throughput": types.Int64Type, "optimized_staging_disk_type": types.StringType,
	}}
	pitRuleType = types.ObjectType{AttrTypes: map[string]attr.Type{
		"rule_id": types.Int64Type, "units": types.StringType, "interval": types.Int64Type,
		"retention_duration": types.Int64Type, "enabled": types.BoolType,
	}}
)

func disksFrom(ctx context.Context, l types.List, diags *diag.Diagnostics) []replicatedDiskModel {
	var out []replicatedDiskModel
	if l.IsNull() || l.IsUnknown() {
		return nil
	}
	diags.Append(l.ElementsAs(ctx, &out, false)...)
	return out
}

func pitRulesFrom(ctx context.Context, l types.List, diags *diag.Diagnostics) []pitRuleModel {
	var out []pitRuleModel
	if l.IsNull() || l.IsUnknown() {
		return nil
	}
	diags.Append(l.ElementsAs(ctx, &out, false)...)
	return out
}

// replicationConfig is the replication configuration as Get and Update
// both return it (the two outputs have the same members).
type replicationConfig drs.GetReplicationConfigurationOutput

func replicationConfigFromGet(o *drs.GetReplicationConfigurationOutput) replicationConfig {
	return replicationConfig(*o)
}

func replicationConfigFromUpdate(o *drs.UpdateReplicationConfigurationOutput) replicationConfig {
	return replicationConfig(drs.GetReplicationConfigurationOutput(*o))
}

// model converts the configuration to state. Disks and PIT rules keep the
// order of prior (state or plan), so that DRS listing them in another
// order is not a change.
func (rc replicationConfig) model(ctx context.Context, id string, prior replicationSettingsModel, diags *diag.Diagnostics) replicationSettingsModel {
	sgs, d := types.SetValueFrom(ctx, types.StringType, nonNil(rc.ReplicationServersSecurityGroupsIDs))
	diags.Append(d...)
	tags := rc.StagingAreaTags
	if tags == nil {
		tags = map[string]string{}
	}
	tagMap, d := types.MapValueFrom(ctx, types.StringType, tags)
	diags.Append(d...)

	var priorDisks []string
	for _, pd := range disksFrom(ctx, prior.ReplicatedDisks, diags) {
		priorDisks = append(priorDisks, pd.DeviceName.ValueString())
	}
	disks := slices.Clone(rc.ReplicatedDisks)
	sortLike(disks, priorDisks, func(d drstypes.ReplicationConfigurationReplicatedDisk) string { return aws.ToString(d.DeviceName) })
	diskModels := make([]replicatedDiskModel, 0, len(disks))
	for _, d := range disks {
		diskModels = append(diskModels, replicatedDiskModel{
			DeviceName:               types.StringValue(aws.ToString(d.DeviceName)),
			IsBootDisk:               types.BoolValue(aws.ToBool(d.IsBootDisk)),
			StagingDiskType:          types.StringValue(string(d.StagingDiskType)),
			IOPS:                     types.Int64Value(d.Iops),
			Throughput:               types.Int64Value(d.Throughput),
			OptimizedStagingDiskType: types.StringValue(string(d.OptimizedStagingDiskType)),
		})
	}
	diskList, d := types.ListValueFrom(ctx, replicatedDiskType, diskModels)
	diags.Append(d...)

	var priorRules []int64
	for _, pr := range pitRulesFrom(ctx, prior.PITPolicy, diags) {
		priorRules = append(priorRules, pr.RuleID.ValueInt64())
	}
	rules := slices.Clone(rc.PitPolicy)
	sortLike(rules, priorRules, func(r drstypes.PITPolicyRule) int64 { return r.RuleID })
	ruleModels := make([]pitRuleModel, 0, len(rules))
	for _, r := range rules {
		ruleModels = append(ruleModels, pitRuleModel{
			RuleID:            types.Int64Value(r.RuleID),
			Units:             types.StringValue(string(r.Units)),
			Interval:          types.Int64Value(int64(aws.ToInt32(r.Interval))),
			RetentionDuration: types.Int64Value(int64(aws.ToInt32(r.RetentionDuration))),
			Enabled:           types.BoolValue(aws.ToBool(r.Enabled)),
		})
	}
	ruleList, d := types.ListValueFrom(ctx, pitRuleType, ruleModels)
	diags.Append(d...)

	return replicationSettingsModel{
		ID:                            types.StringValue(id),
		SourceServerID:                types.StringValue(id),
		Name:                          types.StringValue(aws.ToString(rc.Name)),
		StagingAreaSubnetID:           types.StringValue(aws.ToString(rc.StagingAreaSubnetId)),
		AssociateDefaultSecurityGroup: types.BoolValue(aws.ToBool(rc.AssociateDefaultSecurityGroup)),
		SecurityGroupIDs:              sgs,
		ReplicationServerInstanceType: types.StringValue(aws.ToString(rc.ReplicationServerInstanceType)),
		UseDedicatedReplicationServer: types.BoolValue(aws.ToBool(rc.UseDedicatedReplicationServer)),
		DefaultLargeStagingDiskType:   types.StringValue(string(rc.DefaultLargeStagingDiskType)),
		ReplicatedDisks:               diskList,
		EBSEncryption:                 types.StringValue(string(rc.EbsEncryption)),
		EBSEncryptionKeyARN:           types.StringValue(aws.ToString(rc.EbsEncryptionKeyArn)),
		BandwidthThrottling:           types.Int64Value(rc.BandwidthThrottling),
		DataPlaneRouting:              types.StringValue(string(rc.DataPlaneRouting)),
		CreatePublicIP:                types.BoolValue(aws.ToBool(rc.CreatePublicIP)),
		InternetProtocol:              types.StringValue(string(rc.InternetProtocol)),
		StagingAreaTags:               tagMap,
		PITPolicy:                     ruleList,
		AutoReplicateNewDisks:         types.BoolValue(aws.ToBool(rc.AutoReplicateNewDisks)),
		Timeouts:                      keepTimeouts(prior.Timeouts),
	}
}

// sortLike orders items by the position of their key in order; keys not
// in order keep DRS's order after the known ones.
func sortLike[T any, K comparable](items []T, order []K, key func(T) K) {
	pos := make(map[K]int, len(order))
	for i, k := range order {
		if _, seen := pos[k]; !seen {
			pos[k] = i
		}
	}
	rank := func(t T) int {
		if p, ok := pos[key(t)]; ok {
			return p
		}
		return len(order)
	}
	slices.SortStableFunc(items, func(a, b T) int { return rank(a) - rank(b) })
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// defaultReplicationInput restores the defaults; disks keep their device
// names and boot flags.
func defaultReplicationInput(id string, disks []replicatedDiskModel) *drs.UpdateReplicationConfigurationInput {
	d := drssettings.DefaultReplication
	in := &drs.UpdateReplicationConfigurationInput{
		SourceServerID:                      aws.String(id),
		AssociateDefaultSecurityGroup:       aws.Bool(d.AssociateDefaultSecurityGroup),
		ReplicationServersSecurityGroupsIDs: []string{},
		ReplicationServerInstanceType:       aws.String(d.ReplicationServerInstanceType),
		UseDedicatedReplicationServer:       aws.Bool(d.UseDedicatedReplicationServer),
		DefaultLargeStagingDiskType:         drstypes.ReplicationConfigurationDefaultLargeStagingDiskType(d.DefaultLargeStagingDiskType),
		EbsEncryption:                       drstypes.ReplicationConfigurationEbsEncryption(d.EBSEncryption),
		DataPlaneRouting:                    drstypes.ReplicationConfigurationDataPlaneRouting(d.DataPlaneRouting),
		CreatePublicIP:                      aws.Bool(d.CreatePublicIP),
		InternetProtocol:                    drstypes.InternetProtocol(d.InternetProtocol),
		StagingAreaTags:                     map[string]string{},
		AutoReplicateNewDisks:               aws.Bool(d.AutoReplicateNewDisks),
		// BandwidthThrottling 0 is added by withZeroBandwidthThrottling.
	}
	for _, r := range d.PITPolicy {
		in.PitPolicy = append(in.PitPolicy, drstypes.PITPolicyRule{RuleID: r.RuleID, Units: drstypes.PITPolicyRuleUnits(r.Units),
			Interval: aws.Int32(int32(r.Interval)), RetentionDuration: aws.Int32(int32(r.RetentionDuration)), Enabled: aws.Bool(d.PITRulesEnabled)})
	}
	if len(disks) > 0 {
		for _, disk := range disks {
			in.ReplicatedDisks = append(in.ReplicatedDisks, drstypes.ReplicationConfigurationReplicatedDisk{
				DeviceName:      aws.String(disk.DeviceName.ValueString()),
				IsBootDisk:      aws.Bool(disk.IsBootDisk.ValueBool()),
				StagingDiskType: drstypes.ReplicationConfigurationReplicatedDiskStagingDiskType(d.StagingDiskType),
			})
		}
	}
	return in
}

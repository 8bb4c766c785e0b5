package provider

import (
	"context"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/drs"
	drstypes "github.com/aws/aws-sdk-go-v2/service/drs/types"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// The replication configuration template as DRS returns it, to state.

func rctFromCreate(o *drs.CreateReplicationConfigurationTemplateOutput) drstypes.ReplicationConfigurationTemplate {
	return drstypes.ReplicationConfigurationTemplate{ReplicationConfigurationTemplateID: o.ReplicationConfigurationTemplateID, Arn: o.Arn,
		AssociateDefaultSecurityGroup: o.AssociateDefaultSecurityGroup, AutoReplicateNewDisks: o.AutoReplicateNewDisks, BandwidthThrottling: o.BandwidthThrottling,
		CreatePublicIP: o.CreatePublicIP, DataPlaneRouting: o.DataPlaneRouting, DefaultLargeStagingDiskType: o.DefaultLargeStagingDiskType,
		EbsEncryption: o.EbsEncryption, EbsEncryptionKeyArn: o.EbsEncryptionKeyArn, InternetProtocol: o.InternetProtocol, PitPolicy: o.PitPolicy,
		ReplicationServerInstanceType: o.ReplicationServerInstanceType, ReplicationServersSecurityGroupsIDs: o.ReplicationServersSecurityGroupsIDs,
		StagingAreaSubnetId: o.StagingAreaSubnetId, StagingAreaTags: o.StagingAreaTags, Tags: o.Tags, UseDedicatedReplicationServer: o.UseDedicatedReplicationServer}
}

func rctFromUpdate(o *drs.UpdateReplicationConfigurationTemplateOutput) drstypes.ReplicationConfigurationTemplate {
	return drstypes.ReplicationConfigurationTemplate{ReplicationConfigurationTemplateID: o.ReplicationConfigurationTemplateID, Arn: o.Arn,
		AssociateDefaultSecurityGroup: o.AssociateDefaultSecurityGroup, AutoReplicateNewDisks: o.AutoReplicateNewDisks, BandwidthThrottling: o.BandwidthThrottling,
		CreatePublicIP: o.CreatePublicIP, DataPlaneRouting: o.DataPlaneRouting, DefaultLargeStagingDiskType: o.DefaultLargeStagingDiskType,
		EbsEncryption: o.EbsEncryption, EbsEncryptionKeyArn: o.EbsEncryptionKeyArn, InternetProtocol: o.InternetProtocol, PitPolicy: o.PitPolicy,
		ReplicationServerInstanceType: o.ReplicationServerInstanceType, ReplicationServersSecurityGroupsIDs: o.ReplicationServersSecurityGroupsIDs,
		StagingAreaSubnetId: o.StagingAreaSubnetId, StagingAreaTags: o.StagingAreaTags, Tags: o.Tags, UseDedicatedReplicationServer: o.UseDedicatedReplicationServer}
}

// store writes t to state; PIT rules keep the order of prior (plan or
// state), so DRS listing them in another order is not a change.
func (r *replicationConfigurationTemplateResource) store(ctx context.Context, t drstypes.ReplicationConfigurationTemplate, prior replicationConfigurationTemplateModel, state stateSetter, diags *diag.Diagnostics) {
	sgs, d := types.SetValueFrom(ctx, types.StringType, nonNil(t.ReplicationServersSecurityGroupsIDs))
	diags.Append(d...)
	stagingTags, d := types.MapValueFrom(ctx, types.StringType, nonNilMap(t.StagingAreaTags))
	diags.Append(d...)
	tags, d := types.MapValueFrom(ctx, types.StringType, nonNilMap(t.Tags))
	diags.Append(d...)
	var order []int64
	for _, pr := range pitRulesFrom(ctx, prior.PITPolicy, diags) {
		order = append(order, pr.RuleID.ValueInt64())
	}
	rules := slices.Clone(t.PitPolicy)
	sortLike(rules, order, func(r drstypes.PITPolicyRule) int64 { return r.RuleID })
	ruleModels := make([]pitRuleModel, 0, len(rules))
	for _, r := range rules {
		ruleModels = append(ruleModels, pitRuleModel{RuleID: types.Int64Value(r.RuleID), Units: types.StringValue(string(r.Units)),
			Interval: types.Int64Value(int64(aws.ToInt32(r.Interval))), RetentionDuration: types.Int64Value(int64(aws.ToInt32(r.RetentionDuration))),
			Enabled: types.BoolValue(aws.ToBool(r.Enabled))})
	}
	ruleList, d := types.ListValueFrom(ctx, pitRuleType, ruleModels)
	diags.Append(d...)
	key := types.StringNull()
	if k := aws.ToString(t.EbsEncryptionKeyArn); k != "" {
		key = types.StringValue(k)
	}
	diags.Append(state.Set(ctx, replicationConfigurationTemplateModel{
		ID: types.StringValue(aws.ToString(t.ReplicationConfigurationTemplateID)), Arn: types.StringValue(aws.ToString(t.Arn)),
		StagingAreaSubnetID:           types.StringValue(aws.ToString(t.StagingAreaSubnetId)),
		AssociateDefaultSecurityGroup: types.BoolValue(aws.ToBool(t.AssociateDefaultSecurityGroup)),
		SecurityGroupIDs:              sgs,
		ReplicationServerInstanceType: types.StringValue(aws.ToString(t.ReplicationServerInstanceType)),
		UseDedicatedReplicationServer: types.BoolValue(aws.ToBool(t.UseDedicatedReplicationServer)),
		DefaultLargeStagingDiskType:   types.StringValue(string(t.DefaultLargeStagingDiskType)),
		EBSEncryption:                 types.StringValue(string(t.EbsEncryption)),
		EBSEncryptionKeyARN:           key,
		BandwidthThrottling:           types.Int64Value(t.BandwidthThrottling),
		DataPlaneRouting:              types.StringValue(string(t.DataPlaneRouting)),
		CreatePublicIP:                types.BoolValue(aws.ToBool(t.CreatePublicIP)),
		InternetProtocol:              types.StringValue(string(t.InternetProtocol)),
		StagingAreaTags:               stagingTags,
		PITPolicy:                     ruleList,
		AutoReplicateNewDisks:         types.BoolValue(aws.ToBool(t.AutoReplicateNewDisks)),
		Tags:                          tags,
		Timeouts:                      keepTimeouts(prior.Timeouts),
	})...)
}

package provider

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/drs"
	drstypes "github.com/aws/aws-sdk-go-v2/service/drs/types"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// write sends the configured attributes in one UpdateReplicationConfiguration
// (reading first only when a disk entry leaves attributes to DRS and no
// state knows them), or only reads when nothing is configured.
func (r *replicationSettingsResource) write(ctx context.Context, cfg, plan replicationSettingsModel, st *replicationSettingsModel, op string, state *tfsdk.State, diags *diag.Diagnostics) {
	ctx, cancel, limit := withSettingsTimeout(ctx, cfg.Timeouts, op)
	defer cancel()
	id := plan.SourceServerID.ValueString()
	get := func() (replicationConfig, bool) {
		out, err := r.clients.DRS.GetReplicationConfiguration(ctx, &drs.GetReplicationConfigurationInput{SourceServerID: aws.String(id)})
		if err != nil {
			addSettingsError(ctx, diags, op, limit, "read the DRS replication settings of "+id, err)
			return replicationConfig{}, false
		}
		return replicationConfigFromGet(out), true
	}

	in, changes := replicationUpdateInput(ctx, cfg, plan, diags)
	if diags.HasError() {
		return
	}
	if configured(cfg.ReplicatedDisks) {
		planned := disksFrom(ctx, plan.ReplicatedDisks, diags)
		var current []replicatedDiskModel
		if st != nil && st.SourceServerID.Equal(plan.SourceServerID) {
			current = disksFrom(ctx, st.ReplicatedDisks, diags)
		} else if hasUnknownDiskValues(planned) {
			rc, ok := get()
			if !ok {
				return
			}
			current = disksFrom(ctx, rc.model(ctx, id, plan, diags).ReplicatedDisks, diags)
		}
		for _, d := range mergeDisks(planned, current, false) {
			in.ReplicatedDisks = append(in.ReplicatedDisks, drstypes.ReplicationConfigurationReplicatedDisk{
				DeviceName:      aws.String(d.DeviceName.ValueString()),
				IsBootDisk:      aws.Bool(d.IsBootDisk.ValueBool()),
				StagingDiskType: drstypes.ReplicationConfigurationReplicatedDiskStagingDiskType(d.StagingDiskType.ValueString()),
				Iops:            d.IOPS.ValueInt64(),
				Throughput:      d.Throughput.ValueInt64(),
			})
		}
		changes = true
	}

	var rc replicationConfig
	if changes {
		var opts []func(*drs.Options)
		if configured(cfg.BandwidthThrottling) && cfg.BandwidthThrottling.ValueInt64() == 0 {
			opts = append(opts, withZeroBandwidthThrottling)
		}
		out, err := r.clients.DRS.UpdateReplicationConfiguration(ctx, in, opts...)
		if err != nil {
			addSettingsError(ctx, diags, op, limit, "update the DRS replication settings of "+id, err)
			return
		}
		rc = replicationConfigFromUpdate(out)
	} else {
		var ok bool
		if rc, ok = get(); !ok {
			return
		}
	}
	diags.Append(state.Set(ctx, rc.model(ctx, id, plan, diags))...)
}

func hasUnknownDiskValues(disks []replicatedDiskModel) bool {
	for _, d := range disks {
		if d.IsBootDisk.IsUnknown() || d.StagingDiskType.IsUnknown() || d.IOPS.IsUnknown() || d.Throughput.IsUnknown() {
			return true
		}
	}
	return false
}

// replicationUpdateInput holds the top-level attributes the configuration
// sets (disks are added by write); changes is false when it sets none.
func replicationUpdateInput(ctx context.Context, cfg, plan replicationSettingsModel, diags *diag.Diagnostics) (*drs.UpdateReplicationConfigurationInput, bool) {
	in := &drs.UpdateReplicationConfigurationInput{SourceServerID: aws.String(plan.SourceServerID.ValueString())}
	changes := false
	str := func(v types.String) *string {
		if !configured(v) {
			return nil
		}
		changes = true
		return aws.String(v.ValueString())
	}
	boolean := func(v types.Bool) *bool {
		if !configured(v) {
			return nil
		}
		changes = true
		return aws.Bool(v.ValueBool())
	}
	in.Name = str(cfg.Name)
	in.StagingAreaSubnetId = str(cfg.StagingAreaSubnetID)
	in.AssociateDefaultSecurityGroup = boolean(cfg.AssociateDefaultSecurityGroup)
	in.ReplicationServerInstanceType = str(cfg.ReplicationServerInstanceType)
	in.UseDedicatedReplicationServer = boolean(cfg.UseDedicatedReplicationServer)
	in.CreatePublicIP = boolean(cfg.CreatePublicIP)
	in.AutoReplicateNewDisks = boolean(cfg.AutoReplicateNewDisks)
	in.EbsEncryptionKeyArn = str(cfg.EBSEncryptionKeyARN)
	if v := str(cfg.DefaultLargeStagingDiskType); v != nil {
		in.DefaultLargeStagingDiskType = drstypes.ReplicationConfigurationDefaultLargeStagingDiskType(*v)
	}
	if v := str(cfg.EBSEncryption); v != nil {
		in.EbsEncryption = drstypes.ReplicationConfigurationEbsEncryption(*v)
	}
	if v := str(cfg.DataPlaneRouting); v != nil {
		in.DataPlaneRouting = drstypes.ReplicationConfigurationDataPlaneRouting(*v)
	}
	if v := str(cfg.InternetProtocol); v != nil {
		in.InternetProtocol = drstypes.InternetProtocol(*v)
	}
	if configured(cfg.BandwidthThrottling) {
		in.BandwidthThrottling, changes = cfg.BandwidthThrottling.ValueInt64(), true
	}
	if configured(cfg.SecurityGroupIDs) {
		ids := []string{}
		diags.Append(cfg.SecurityGroupIDs.ElementsAs(ctx, &ids, false)...)
		in.ReplicationServersSecurityGroupsIDs, changes = ids, true
	}
	if configured(cfg.StagingAreaTags) {
		tags := map[string]string{}
		diags.Append(cfg.StagingAreaTags.ElementsAs(ctx, &tags, false)...)
		in.StagingAreaTags, changes = tags, true
	}
	if configured(cfg.PITPolicy) {
		for _, r := range pitRulesFrom(ctx, plan.PITPolicy, diags) {
			in.PitPolicy = append(in.PitPolicy, drstypes.PITPolicyRule{
				RuleID:            r.RuleID.ValueInt64(),
				Units:             drstypes.PITPolicyRuleUnits(r.Units.ValueString()),
				Interval:          aws.Int32(int32(r.Interval.ValueInt64())),
				RetentionDuration: aws.Int32(int32(r.RetentionDuration.ValueInt64())),
				Enabled:           aws.Bool(r.Enabled.ValueBool()),
			})
		}
		changes = true
	}
	return in, changes
}

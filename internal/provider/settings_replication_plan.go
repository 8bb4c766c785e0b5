package provider

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/drsorch/terraform-provider-drsorch/internal/drssettings"
)

// ValidateConfig applies the rules that span attributes, offline.
func (r *replicationSettingsResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var cfg replicationSettingsModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	diags := &resp.Diagnostics

	// The key goes with CUSTOM encryption, and both are written together
	// so the rule can be checked without asking DRS.
	enc, key := cfg.EBSEncryption, cfg.EBSEncryptionKeyARN
	keyPath := path.Root("ebs_encryption_key_arn")
	switch {
	case enc.IsUnknown() || key.IsUnknown():
	case enc.IsNull() && !key.IsNull() && key.ValueString() != "":
		diags.AddAttributeError(keyPath, "Encryption key without ebs_encryption",
			"ebs_encryption_key_arn is set but ebs_encryption is not: set ebs_encryption = \"CUSTOM\" next to the key.")
	case !enc.IsNull():
		if msg := drssettings.CheckEncryptionKey(enc.ValueString(), key.ValueString()); msg != "" {
			diags.AddAttributeError(keyPath, "Invalid encryption key", "ebs_encryption_key_arn "+msg+".")
		}
	}

	disksPath := path.Root("replicated_disks")
	seen := map[string]int{}
	for i, d := range disksFrom(ctx, cfg.ReplicatedDisks, diags) {
		at := disksPath.AtListIndex(i)
		if !d.DeviceName.IsUnknown() {
			name := d.DeviceName.ValueString()
			if j, dup := seen[name]; dup {
				addAttributeError(diags, at.AtName("device_name"), "Disk listed twice",
					fmt.Sprintf("%q is already replicated_disks[%d]; list each disk once.", name, j))
			}
			seen[name] = i
		}
		if d.StagingDiskType.IsUnknown() {
			continue
		}
		diskType := d.StagingDiskType.ValueString()
		perf := []struct {
			name  string
			value types.Int64
			check func(string, int64) string
		}{{"iops", d.IOPS, drssettings.CheckIOPS}, {"throughput", d.Throughput, drssettings.CheckThroughput}}
		for _, p := range perf {
			if p.value.IsNull() || p.value.IsUnknown() || p.value.ValueInt64() == 0 {
				continue
			}
			if d.StagingDiskType.IsNull() {
				addAttributeError(diags, at.AtName(p.name), "Staging disk type needed",
					fmt.Sprintf("%s is set but staging_disk_type is not: its range depends on the type, so set staging_disk_type (GP3, or IO1 for iops) in the same entry.", p.name))
				continue
			}
			if msg := p.check(diskType, p.value.ValueInt64()); msg != "" {
				addAttributeError(diags, at.AtName(p.name), "Invalid "+p.name, p.name+" "+msg+".")
			}
		}
	}

	if !cfg.PITPolicy.IsNull() && !cfg.PITPolicy.IsUnknown() {
		rules := pitRulesFrom(ctx, cfg.PITPolicy, diags)
		known := true
		var plain []drssettings.PITRule
		for _, r := range rules {
			if r.RuleID.IsUnknown() || r.Units.IsUnknown() || r.Interval.IsUnknown() || r.RetentionDuration.IsUnknown() {
				known = false
				break
			}
			plain = append(plain, drssettings.PITRule{RuleID: r.RuleID.ValueInt64(), Units: r.Units.ValueString(),
				Interval: r.Interval.ValueInt64(), RetentionDuration: r.RetentionDuration.ValueInt64()})
		}
		if known {
			for _, p := range drssettings.CheckPITPolicy(plain) {
				at := path.Root("pit_policy")
				if p.Index >= 0 {
					at = at.AtListIndex(p.Index).AtName(p.Field)
				}
				addAttributeError(diags, at, "Invalid PIT policy", fmt.Sprintf("%s %s.", lastStep(p.Field, "pit_policy"), p.Message))
			}
		}
	}

	if !cfg.StagingAreaTags.IsNull() && !cfg.StagingAreaTags.IsUnknown() {
		tags := map[string]types.String{}
		diags.Append(cfg.StagingAreaTags.ElementsAs(ctx, &tags, false)...)
		keys := make([]string, 0, len(tags))
		for k := range tags {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			msg := ""
			switch {
			case k == "" || len(k) > drssettings.MaxTagKeyLength:
				msg = fmt.Sprintf("tag key %q must be 1 to %d characters long", k, drssettings.MaxTagKeyLength)
			case strings.HasPrefix(strings.ToLower(k), "aws:"):
				msg = fmt.Sprintf("tag key %q uses the prefix aws:, which AWS reserves; use another key", k)
			default:
				msg = drssettings.CheckTagValue(k, tags[k].ValueString())
			}
			if msg != "" {
				diags.AddAttributeError(path.Root("staging_area_tags").AtMapKey(k), "Invalid staging area tag", msg+".")
			}
		}
	}
}

func lastStep(field, fallback string) string {
	if field == "" {
		return fallback
	}
	return field
}

// ModifyPlan checks the server and its disks against DRS (one listing per
// provider run), clears a stale key when encryption leaves CUSTOM, and
// fills the disk attributes the configuration leaves out from state.
func (r *replicationSettingsResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	var cfg, plan replicationSettingsModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	var state *replicationSettingsModel
	if !req.State.Raw.IsNull() {
		state = &replicationSettingsModel{}
		resp.Diagnostics.Append(req.State.Get(ctx, state)...)
	}
	server, found := checkServerAtPlan(ctx, r.clients, req, plan.SourceServerID, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}

	if cfg.EBSEncryptionKeyARN.IsNull() && !plan.EBSEncryption.IsUnknown() && plan.EBSEncryption.ValueString() != "CUSTOM" {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("ebs_encryption_key_arn"), "")...)
	}

	if cfg.ReplicatedDisks.IsNull() || cfg.ReplicatedDisks.IsUnknown() {
		return
	}
	// The disks DRS knows: the server's (create) or the state's (update).
	var known []string
	switch {
	case found && server.SourceProperties != nil:
		for _, d := range server.SourceProperties.Disks {
			known = append(known, aws.ToString(d.DeviceName))
		}
	case state != nil && state.SourceServerID.Equal(plan.SourceServerID):
		for _, d := range disksFrom(ctx, state.ReplicatedDisks, &resp.Diagnostics) {
			known = append(known, d.DeviceName.ValueString())
		}
	}
	planned := disksFrom(ctx, plan.ReplicatedDisks, &resp.Diagnostics)
	if len(known) > 0 {
		checkDiskNames(planned, known, plan.SourceServerID.ValueString(), resp)
	}
	if state == nil || !state.SourceServerID.Equal(plan.SourceServerID) || resp.Diagnostics.HasError() {
		return
	}
	current := disksFrom(ctx, state.ReplicatedDisks, &resp.Diagnostics)
	merged := mergeDisks(planned, current, true)
	list, d := types.ListValueFrom(ctx, replicatedDiskType, merged)
	resp.Diagnostics.Append(d...)
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("replicated_disks"), list)...)
}

func checkDiskNames(planned []replicatedDiskModel, known []string, serverID string, resp *resource.ModifyPlanResponse) {
	listed := map[string]bool{}
	for i, d := range planned {
		if d.DeviceName.IsUnknown() {
			return
		}
		name := d.DeviceName.ValueString()
		listed[name] = true
		if !slices.Contains(known, name) {
			addAttributeError(&resp.Diagnostics, path.Root("replicated_disks").AtListIndex(i).AtName("device_name"), "Unknown disk",
				fmt.Sprintf("Source server %s has no disk %q; its disks are %s.", serverID, name, strings.Join(known, ", ")))
		}
	}
	var missing []string
	for _, k := range known {
		if !listed[k] {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 {
		resp.Diagnostics.AddAttributeError(path.Root("replicated_disks"), "Disks missing from replicated_disks",
			fmt.Sprintf("DRS replaces the whole disk list, so replicated_disks must name every disk of source server %s; add %s (or leave replicated_disks out to keep DRS's disk settings).",
				serverID, strings.Join(missing, ", ")))
	}
}

// mergeDisks resolves the disk attributes that planned leaves unknown from
// current (matched by device name): the boot flag and staging type stay,
// IOPS, throughput and the optimized type stay only while the staging type
// does. forPlan leaves what cannot be known yet unknown; otherwise (apply)
// it becomes zero, which lets DRS choose.
func mergeDisks(planned, current []replicatedDiskModel, forPlan bool) []replicatedDiskModel {
	byName := map[string]replicatedDiskModel{}
	for _, c := range current {
		byName[c.DeviceName.ValueString()] = c
	}
	out := make([]replicatedDiskModel, 0, len(planned))
	for _, p := range planned {
		c, have := byName[p.DeviceName.ValueString()]
		if p.IsBootDisk.IsUnknown() && have {
			p.IsBootDisk = c.IsBootDisk
		}
		if p.StagingDiskType.IsUnknown() && have {
			p.StagingDiskType = c.StagingDiskType
		}
		sameType := have && !p.StagingDiskType.IsUnknown() && p.StagingDiskType.Equal(c.StagingDiskType)
		if sameType {
			if p.IOPS.IsUnknown() {
				p.IOPS = c.IOPS
			}
			if p.Throughput.IsUnknown() {
				p.Throughput = c.Throughput
			}
			if p.OptimizedStagingDiskType.IsUnknown() {
				p.OptimizedStagingDiskType = c.OptimizedStagingDiskType
			}
		}
		if !forPlan {
			if p.IsBootDisk.IsUnknown() {
				p.IsBootDisk = types.BoolValue(false)
			}
			if p.StagingDiskType.IsUnknown() {
				p.StagingDiskType = types.StringValue(drssettings.DefaultReplication.StagingDiskType)
			}
			if p.IOPS.IsUnknown() {
				p.IOPS = types.Int64Value(0)
			}
			if p.Throughput.IsUnknown() {
				p.Throughput = types.Int64Value(0)
			}
		}
		out = append(out, p)
	}
	return out
}

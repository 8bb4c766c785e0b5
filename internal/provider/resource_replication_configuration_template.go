package provider

import (
	"context"
	"fmt"
	"regexp"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/drs"
	drstypes "github.com/aws/aws-sdk-go-v2/service/drs/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64default"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/drsorch/terraform-provider-drsorch/internal/awsclient"
	"github.com/drsorch/terraform-provider-drsorch/internal/drssettings"
)

// replicationConfigurationTemplateResource manages a DRS replication
// configuration template: the replication settings DRS gives source
// servers added after it. DRS requires every setting at creation, so the
// attributes left out take the DRS console's defaults (those of
// drssettings.DefaultReplication), and all of them are managed.
type replicationConfigurationTemplateResource struct{ clients *awsclient.Clients }

var (
	_ resource.ResourceWithConfigure      = (*replicationConfigurationTemplateResource)(nil)
	_ resource.ResourceWithImportState    = (*replicationConfigurationTemplateResource)(nil)
	_ resource.ResourceWithValidateConfig = (*replicationConfigurationTemplateResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*replicationConfigurationTemplateResource)(nil)
)

func newReplicationConfigurationTemplateResource() resource.Resource {
	return &replicationConfigurationTemplateResource{}
}

type replicationConfigurationTemplateModel struct {
	regional                                   // region: regional.go
	ID                            types.String `tfsdk:"id"`
	Arn                           types.String `tfsdk:"arn"`
	StagingAreaSubnetID           types.String `tfsdk:"staging_area_subnet_id"`
	AssociateDefaultSecurityGroup types.Bool   `tfsdk:"associate_default_security_group"`
	SecurityGroupIDs              types.Set    `tfsdk:"replication_servers_security_groups_ids"`
	ReplicationServerInstanceType types.String `tfsdk:"replication_server_instance_type"`
	UseDedicatedReplicationServer types.Bool   `tfsdk:"use_dedicated_replication_server"`
	DefaultLargeStagingDiskType   types.String `tfsdk:"default_large_staging_disk_type"`
	EBSEncryption                 types.String `tfsdk:"ebs_encryption"`
	EBSEncryptionKeyARN           types.String `tfsdk:"ebs_encryption_key_arn"`
	BandwidthThrottling           types.Int64  `tfsdk:"bandwidth_throttling"`
	DataPlaneRouting              types.String `tfsdk:"data_plane_routing"`
	CreatePublicIP                types.Bool   `tfsdk:"create_public_ip"`
	InternetProtocol              types.String `tfsdk:"internet_protocol"`
	StagingAreaTags               types.Map    `tfsdk:"staging_area_tags"`
	PITPolicy                     types.List   `tfsdk:"pit_policy"`
	AutoReplicateNewDisks         types.Bool   `tfsdk:"auto_replicate_new_disks"`
	Tags                          types.Map    `tfsdk:"tags"`
	Timeouts                      types.Object `tfsdk:"timeouts"`
}

func (r *replicationConfigurationTemplateResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_replication_configuration_template"
}

// defaultPITPolicy is DRS's default policy as a Terraform list.
func defaultPITPolicy() types.List {
	var rules []attr.Value
	for _, r := range drssettings.DefaultReplication.PITPolicy {
		rules = append(rules, types.ObjectValueMust(pitRuleType.AttrTypes, map[string]attr.Value{
			"rule_id": types.Int64Value(r.RuleID), "units": types.StringValue(r.Units), "interval": types.Int64Value(r.Interval),
			"retention_duration": types.Int64Value(r.RetentionDuration), "enabled": types.BoolValue(true),
		}))
	}
	return types.ListValueMust(pitRuleType, rules)
}

func (r *replicationConfigurationTemplateResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	d := drssettings.DefaultReplication
	str := func(desc, def string, v ...validator.String) schema.StringAttribute {
		return schema.StringAttribute{Optional: true, Computed: true, Default: stringdefault.StaticString(def),
			Description: fmt.Sprintf("%s Default `%s`.", desc, def), Validators: v}
	}
	boolean := func(desc string, def bool) schema.BoolAttribute {
		return schema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(def), Description: fmt.Sprintf("%s Default `%t`.", desc, def)}
	}
	resp.Schema = schema.Schema{
		Description: "A DRS replication configuration template: the replication settings DRS gives every source server added to the account and region " +
			"after it exists (servers already added keep theirs; `drsorch_replication_settings` changes those). DRS needs every setting, so the ones " +
			"left out take the DRS console's defaults, and a change to any of them outside Terraform shows in the plan. Destroying the resource deletes the template.",
		Attributes: map[string]schema.Attribute{
			"id":  schema.StringAttribute{Computed: true, PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}, Description: "The template ID (`rct-…`)."},
			"arn": schema.StringAttribute{Computed: true, PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}, Description: "The template's ARN."},
			"staging_area_subnet_id": schema.StringAttribute{
				Required: true, Description: "Subnet (`subnet-…`) of the replication servers and staging disks, in this region.",
				Validators: []validator.String{checkString("a subnet ID", drssettings.CheckSubnetID)},
			},
			"associate_default_security_group": boolean("Attach the DRS default security group to the replication servers.", d.AssociateDefaultSecurityGroup),
			"replication_servers_security_groups_ids": schema.SetAttribute{
				ElementType: types.StringType, Optional: true, Computed: true,
				Default:     setdefault.StaticValue(types.SetValueMust(types.StringType, nil)),
				Description: "Security groups (`sg-…`, at most 32) of the replication servers. Default none.",
				Validators: []validator.Set{
					setvalidator.SizeAtMost(drssettings.MaxSecurityGroups),
					setvalidator.ValueStringsAre(checkString("a security group ID", drssettings.CheckSecurityGroupID)),
				},
			},
			"replication_server_instance_type": str("EC2 instance type of the replication servers.", d.ReplicationServerInstanceType,
				checkString("an EC2 instance type", checkInstanceType)),
			"use_dedicated_replication_server": boolean("Give each server a replication server of its own.", d.UseDedicatedReplicationServer),
			"default_large_staging_disk_type": str("Staging disk type for large disks: `GP2`, `GP3`, `ST1` or `AUTO`.", d.DefaultLargeStagingDiskType,
				enumValidator(drssettings.LargeStagingDiskTypes)),
			"ebs_encryption": str("Encryption of the staging disks: `DEFAULT`, `CUSTOM` (set `ebs_encryption_key_arn`) or `NONE`.", d.EBSEncryption,
				enumValidator(drssettings.EBSEncryptions)),
			"ebs_encryption_key_arn": schema.StringAttribute{Optional: true, Description: "KMS key ARN of the staging disks; required exactly when `ebs_encryption` is `CUSTOM`."},
			"bandwidth_throttling": schema.Int64Attribute{
				Optional: true, Computed: true, Default: int64default.StaticInt64(d.BandwidthThrottling),
				Description: "Replication bandwidth limit in Mbps; 0 (default) means no limit.",
				Validators:  []validator.Int64{int64Check(drssettings.CheckBandwidth)},
			},
			"data_plane_routing": str("How replication data travels: `PRIVATE_IP` or `PUBLIC_IP`.", d.DataPlaneRouting, enumValidator(drssettings.DataPlaneRoutings)),
			"create_public_ip":   boolean("Give the replication servers a public IP.", d.CreatePublicIP),
			"internet_protocol":  str("IP version of replication: `IPV4` or `IPV6`.", d.InternetProtocol, enumValidator(drssettings.InternetProtocols)),
			"staging_area_tags": schema.MapAttribute{
				ElementType: types.StringType, Optional: true, Computed: true,
				Default:     mapdefault.StaticValue(types.MapValueMust(types.StringType, map[string]attr.Value{})),
				Description: "Tags DRS puts on the staging area resources. Default none.",
			},
			"pit_policy": schema.ListNestedAttribute{
				Optional: true, Computed: true, Default: listdefault.StaticValue(defaultPITPolicy()),
				Description: "Point-in-time snapshot policy: 1 to 10 rules with unique `rule_id`s. Default DRS's: every 10 minutes kept 1 hour, hourly kept 24 hours, daily kept 7 days.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"rule_id":            schema.Int64Attribute{Required: true, Description: "ID of the rule, unique within the policy."},
					"units":              schema.StringAttribute{Required: true, Description: "Unit of `interval` and `retention_duration`: `MINUTE`, `HOUR` or `DAY`."},
					"interval":           schema.Int64Attribute{Required: true, Description: "Take a snapshot every `interval` units (at least 1)."},
					"retention_duration": schema.Int64Attribute{Required: true, Description: "Keep each snapshot for `retention_duration` units (at least 1)."},
					"enabled":            schema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(true), Description: "Whether the rule is in force. Default true."},
				}},
			},
			"auto_replicate_new_disks": boolean("Start replicating disks added to a server automatically.", d.AutoReplicateNewDisks),
			"tags": schema.MapAttribute{
				ElementType: types.StringType, Optional: true, Computed: true,
				PlanModifiers: []planmodifier.Map{mapplanmodifier.UseStateForUnknown()},
				Description:   "Tags of the template.",
			},
		},
		Blocks: map[string]schema.Block{"timeouts": settingsTimeoutsBlock()},
	}
}

func (r *replicationConfigurationTemplateResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.clients = clientsFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *replicationConfigurationTemplateResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var cfg replicationConfigurationTemplateModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	enc, key := cfg.EBSEncryption, cfg.EBSEncryptionKeyARN
	if !enc.IsUnknown() && !key.IsUnknown() {
		e := enc.ValueString()
		if enc.IsNull() {
			e = drssettings.DefaultReplication.EBSEncryption
		}
		if msg := drssettings.CheckEncryptionKey(e, key.ValueString()); msg != "" {
			resp.Diagnostics.AddAttributeError(path.Root("ebs_encryption_key_arn"), "Invalid encryption key", "ebs_encryption_key_arn "+msg+".")
		}
	}
	if cfg.PITPolicy.IsNull() || cfg.PITPolicy.IsUnknown() {
		return
	}
	var plain []drssettings.PITRule
	for _, r := range pitRulesFrom(ctx, cfg.PITPolicy, &resp.Diagnostics) {
		if r.RuleID.IsUnknown() || r.Units.IsUnknown() || r.Interval.IsUnknown() || r.RetentionDuration.IsUnknown() {
			return
		}
		plain = append(plain, drssettings.PITRule{RuleID: r.RuleID.ValueInt64(), Units: r.Units.ValueString(),
			Interval: r.Interval.ValueInt64(), RetentionDuration: r.RetentionDuration.ValueInt64()})
	}
	for _, p := range drssettings.CheckPITPolicy(plain) {
		at := path.Root("pit_policy")
		if p.Index >= 0 {
			at = at.AtListIndex(p.Index).AtName(p.Field)
		}
		addAttributeError(&resp.Diagnostics, at, "Invalid PIT policy", fmt.Sprintf("%s %s.", lastStep(p.Field, "pit_policy"), p.Message))
	}
}

// ModifyPlan checks that the staging subnet exists in the region.
func (r *replicationConfigurationTemplateResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || r.clients == nil {
		return
	}
	var plan, prior replicationConfigurationTemplateModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if !req.State.Raw.IsNull() {
		resp.Diagnostics.Append(req.State.Get(ctx, &prior)...)
	}
	if resp.Diagnostics.HasError() || !known(plan.StagingAreaSubnetID) || plan.StagingAreaSubnetID.Equal(prior.StagingAreaSubnetID) {
		return
	}
	id := plan.StagingAreaSubnetID.ValueString()
	if drssettings.CheckSubnetID(id) != "" {
		return
	}
	_, err := r.clients.EC2.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{SubnetIds: []string{id}})
	switch {
	case isEC2Code(err, "InvalidSubnetID.NotFound"):
		resp.Diagnostics.AddAttributeError(path.Root("staging_area_subnet_id"), "Unknown subnet",
			fmt.Sprintf("EC2 in %s has no subnet %s. The staging area must be a subnet of this region (aws ec2 describe-subnets --region %s).",
				r.clients.Region, id, r.clients.Region))
	case err != nil:
		addAPIError(&resp.Diagnostics, "look up subnet "+id, err)
	}
}

func (r *replicationConfigurationTemplateResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan replicationConfigurationTemplateModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel, limit := withSettingsTimeout(ctx, plan.Timeouts, "create")
	defer cancel()
	u := rctFields(ctx, plan, &resp.Diagnostics)
	tags := map[string]string{}
	if known(plan.Tags) && !plan.Tags.IsNull() {
		resp.Diagnostics.Append(plan.Tags.ElementsAs(ctx, &tags, false)...)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	out, err := r.clients.DRS.CreateReplicationConfigurationTemplate(ctx, &drs.CreateReplicationConfigurationTemplateInput{
		StagingAreaSubnetId: u.StagingAreaSubnetId, AssociateDefaultSecurityGroup: u.AssociateDefaultSecurityGroup,
		ReplicationServersSecurityGroupsIDs: u.ReplicationServersSecurityGroupsIDs, ReplicationServerInstanceType: u.ReplicationServerInstanceType,
		UseDedicatedReplicationServer: u.UseDedicatedReplicationServer, DefaultLargeStagingDiskType: u.DefaultLargeStagingDiskType,
		EbsEncryption: u.EbsEncryption, EbsEncryptionKeyArn: u.EbsEncryptionKeyArn, BandwidthThrottling: u.BandwidthThrottling,
		DataPlaneRouting: u.DataPlaneRouting, CreatePublicIP: u.CreatePublicIP, InternetProtocol: u.InternetProtocol,
		StagingAreaTags: u.StagingAreaTags, PitPolicy: u.PitPolicy, AutoReplicateNewDisks: u.AutoReplicateNewDisks, Tags: tags,
	})
	if err != nil {
		addSettingsError(ctx, &resp.Diagnostics, "create", limit, "create a DRS replication configuration template", err)
		return
	}
	r.store(ctx, rctFromCreate(out), plan, &resp.State, &resp.Diagnostics)
}

func (r *replicationConfigurationTemplateResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, st replicationConfigurationTemplateModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &st)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel, limit := withSettingsTimeout(ctx, plan.Timeouts, "update")
	defer cancel()
	u := rctFields(ctx, plan, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	u.ReplicationConfigurationTemplateID = aws.String(st.ID.ValueString())
	out, err := r.clients.DRS.UpdateReplicationConfigurationTemplate(ctx, u)
	if err != nil {
		addSettingsError(ctx, &resp.Diagnostics, "update", limit, "update DRS replication configuration template "+st.ID.ValueString(), err)
		return
	}
	t := rctFromUpdate(out)
	if known(plan.Tags) && !plan.Tags.IsNull() {
		syncTags(ctx, r.clients.DRS, st.Arn.ValueString(), st.Tags, plan.Tags, &resp.Diagnostics)
		t.Tags = map[string]string{}
		resp.Diagnostics.Append(plan.Tags.ElementsAs(ctx, &t.Tags, false)...)
	}
	r.store(ctx, t, plan, &resp.State, &resp.Diagnostics)
}

func (r *replicationConfigurationTemplateResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var st replicationConfigurationTemplateModel
	resp.Diagnostics.Append(req.State.Get(ctx, &st)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := st.ID.ValueString()
	out, err := r.clients.DRS.DescribeReplicationConfigurationTemplates(ctx, &drs.DescribeReplicationConfigurationTemplatesInput{ReplicationConfigurationTemplateIDs: []string{id}})
	if isNotFound(err) || (err == nil && len(out.Items) == 0) {
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "read DRS replication configuration template "+id, err)
		return
	}
	r.store(ctx, out.Items[0], st, &resp.State, &resp.Diagnostics)
}

func (r *replicationConfigurationTemplateResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var st replicationConfigurationTemplateModel
	resp.Diagnostics.Append(req.State.Get(ctx, &st)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel, limit := withSettingsTimeout(ctx, st.Timeouts, "delete")
	defer cancel()
	_, err := r.clients.DRS.DeleteReplicationConfigurationTemplate(ctx, &drs.DeleteReplicationConfigurationTemplateInput{ReplicationConfigurationTemplateID: aws.String(st.ID.ValueString())})
	if err != nil && !isNotFound(err) {
		addSettingsError(ctx, &resp.Diagnostics, "delete", limit, "delete DRS replication configuration template "+st.ID.ValueString(), err)
	}
}

var rctIDPattern = regexp.MustCompile(`^rct-[0-9a-zA-Z]{17}$`)

func (r *replicationConfigurationTemplateResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if !rctIDPattern.MatchString(req.ID) {
		resp.Diagnostics.AddError("Invalid import ID", fmt.Sprintf("%q is not a replication configuration template ID: import drsorch_replication_configuration_template by its rct-… ID "+
			"(aws drs describe-replication-configuration-templates lists them).", req.ID))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), req.ID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("timeouts"), nullSettingsTimeouts())...)
}

// rctFields is the planned template as an Update input (every member:
// the plan holds defaults for what the configuration leaves out).
func rctFields(ctx context.Context, plan replicationConfigurationTemplateModel, diags *diag.Diagnostics) *drs.UpdateReplicationConfigurationTemplateInput {
	var sgs []string
	diags.Append(plan.SecurityGroupIDs.ElementsAs(ctx, &sgs, false)...)
	tags := map[string]string{}
	diags.Append(plan.StagingAreaTags.ElementsAs(ctx, &tags, false)...)
	var rules []drstypes.PITPolicyRule
	for _, r := range pitRulesFrom(ctx, plan.PITPolicy, diags) {
		rules = append(rules, drstypes.PITPolicyRule{RuleID: r.RuleID.ValueInt64(), Units: drstypes.PITPolicyRuleUnits(r.Units.ValueString()),
			Interval: aws.Int32(int32(r.Interval.ValueInt64())), RetentionDuration: aws.Int32(int32(r.RetentionDuration.ValueInt64())),
			Enabled: aws.Bool(r.Enabled.IsNull() || r.Enabled.ValueBool())})
	}
	in := &drs.UpdateReplicationConfigurationTemplateInput{
		StagingAreaSubnetId:                 aws.String(plan.StagingAreaSubnetID.ValueString()),
		AssociateDefaultSecurityGroup:       aws.Bool(plan.AssociateDefaultSecurityGroup.ValueBool()),
		ReplicationServersSecurityGroupsIDs: nonNil(sgs),
		ReplicationServerInstanceType:       aws.String(plan.ReplicationServerInstanceType.ValueString()),
		UseDedicatedReplicationServer:       aws.Bool(plan.UseDedicatedReplicationServer.ValueBool()),
		DefaultLargeStagingDiskType:         drstypes.ReplicationConfigurationDefaultLargeStagingDiskType(plan.DefaultLargeStagingDiskType.ValueString()),
		EbsEncryption:                       drstypes.ReplicationConfigurationEbsEncryption(plan.EBSEncryption.ValueString()),
		BandwidthThrottling:                 plan.BandwidthThrottling.ValueInt64(),
		DataPlaneRouting:                    drstypes.ReplicationConfigurationDataPlaneRouting(plan.DataPlaneRouting.ValueString()),
		CreatePublicIP:                      aws.Bool(plan.CreatePublicIP.ValueBool()),
		InternetProtocol:                    drstypes.InternetProtocol(plan.InternetProtocol.ValueString()),
		StagingAreaTags:                     tags,
		PitPolicy:                           rules,
		AutoReplicateNewDisks:               aws.Bool(plan.AutoReplicateNewDisks.ValueBool()),
	}
	if k := plan.EBSEncryptionKeyARN.ValueString(); k != "" {
		in.EbsEncryptionKeyArn = aws.String(k)
	}
	return in
}

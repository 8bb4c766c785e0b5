package provider

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/drs"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/drsorch/terraform-provider-drsorch/internal/awsclient"
	"github.com/drsorch/terraform-provider-drsorch/internal/drssettings"
)

// replicationSettingsResource manages the DRS replication configuration
// of one source server, with the same adopt / restore-defaults lifecycle
// as drsorch_launch_settings.
type replicationSettingsResource struct{ clients *awsclient.Clients }

var (
	_ resource.ResourceWithConfigure      = (*replicationSettingsResource)(nil)
	_ resource.ResourceWithImportState    = (*replicationSettingsResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*replicationSettingsResource)(nil)
	_ resource.ResourceWithValidateConfig = (*replicationSettingsResource)(nil)
)

func newReplicationSettingsResource() resource.Resource { return &replicationSettingsResource{} }

func (r *replicationSettingsResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_replication_settings"
}

func (r *replicationSettingsResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	keepStr := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	keepBool := []planmodifier.Bool{boolplanmodifier.UseStateForUnknown()}
	optStr := func(desc string, v ...validator.String) schema.StringAttribute {
		return schema.StringAttribute{Optional: true, Computed: true, PlanModifiers: keepStr, Description: desc, Validators: v}
	}
	optBool := func(desc string) schema.BoolAttribute {
		return schema.BoolAttribute{Optional: true, Computed: true, PlanModifiers: keepBool, Description: desc}
	}
	d := drssettings.DefaultReplication
	resp.Schema = schema.Schema{
		Description: "The DRS replication settings (replication configuration) of one source server. " +
			"Creating the resource adopts the server's configuration and changes only the attributes you set; " +
			"the others keep the value DRS has. Destroying it restores the DRS defaults: " +
			fmt.Sprintf("`associate_default_security_group = %t`, no extra security groups, `replication_server_instance_type = %q`, "+
				"`use_dedicated_replication_server = %t`, `default_large_staging_disk_type = %q`, every replicated disk on staging type `%s` without IOPS or throughput, "+
				"`ebs_encryption = %q`, `bandwidth_throttling = 0`, `data_plane_routing = %q`, `create_public_ip = %t`, `internet_protocol = %q`, "+
				"no staging area tags, `auto_replicate_new_disks = %t` and the default PIT policy (every 10 minutes kept 1 hour, hourly kept 24 hours, daily kept 7 days). ",
				d.AssociateDefaultSecurityGroup, d.ReplicationServerInstanceType, d.UseDedicatedReplicationServer, d.DefaultLargeStagingDiskType,
				d.StagingDiskType, d.EBSEncryption, d.DataPlaneRouting, d.CreatePublicIP, d.InternetProtocol, d.AutoReplicateNewDisks) +
			"The `name` and `staging_area_subnet_id` are left as they are (their defaults differ per server and account).",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{Computed: true, PlanModifiers: []planmodifier.String{sameAs(path.Root("source_server_id"))}, Description: "The source server ID, known at plan."},
			"source_server_id": schema.StringAttribute{
				Required:      true,
				Description:   "ID of the DRS source server (`s-…`). Changing it moves the resource to another server (the old one gets its defaults back).",
				Validators:    []validator.String{sourceServerIDValidator},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"name": optStr("Name of the replication configuration (at most 128 characters).",
				checkString("at most 128 characters", drssettings.CheckName)),
			"staging_area_subnet_id": optStr("Subnet of the replication servers (`subnet-…`).",
				checkString("a subnet ID", drssettings.CheckSubnetID)),
			"associate_default_security_group": optBool("Attach the DRS default security group to the replication servers."),
			"replication_servers_security_groups_ids": schema.SetAttribute{
				ElementType: types.StringType, Optional: true, Computed: true,
				PlanModifiers: []planmodifier.Set{setplanmodifier.UseStateForUnknown()},
				Description:   "Security groups (`sg-…`, at most 32) of the replication servers.",
				Validators: []validator.Set{
					setvalidator.SizeAtMost(drssettings.MaxSecurityGroups),
					setvalidator.ValueStringsAre(checkString("a security group ID", drssettings.CheckSecurityGroupID)),
				},
			},
			"replication_server_instance_type": optStr("EC2 instance type of the replication servers, e.g. `t3.small`.",
				checkString("an EC2 instance type", func(v string) string {
					if v == "" || len(v) > 255 {
						return "must be an EC2 instance type such as t3.small"
					}
					return ""
				})),
			"use_dedicated_replication_server": optBool("Give this server a replication server of its own."),
			"default_large_staging_disk_type": optStr("Staging disk type for large disks: `GP2`, `GP3`, `ST1` or `AUTO`.",
				enumValidator(drssettings.LargeStagingDiskTypes)),
			"replicated_disks": schema.ListNestedAttribute{
				Optional: true, Computed: true,
				PlanModifiers: []planmodifier.List{listplanmodifier.UseStateForUnknown()},
				Description: "Staging disk settings per disk. When set, list every disk of the server once (DRS replaces the whole list); " +
					"attributes left out of an entry keep DRS's value, and IOPS or throughput fall back to DRS's choice when the staging disk type changes.",
				Validators: []validator.List{listvalidator.SizeAtMost(drssettings.MaxReplicatedDisks)},
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"device_name":  schema.StringAttribute{Required: true, Description: "Device name of the disk on the source server, e.g. `/dev/sda1` or `C:`."},
					"is_boot_disk": schema.BoolAttribute{Optional: true, Computed: true, Description: "Whether the server boots from this disk."},
					"staging_disk_type": schema.StringAttribute{Optional: true, Computed: true,
						Description: "EBS type of the staging disk: `AUTO`, `GP2`, `GP3`, `IO1`, `SC1`, `ST1` or `STANDARD` (DRS offers no `IO2` staging disks).",
						Validators:  []validator.String{enumValidator(drssettings.StagingDiskTypes)}},
					"iops": schema.Int64Attribute{Optional: true, Computed: true,
						Description: "Provisioned IOPS: GP3 3000–16000, IO1 100–64000; not for other types. 0 lets DRS choose."},
					"throughput": schema.Int64Attribute{Optional: true, Computed: true,
						Description: "Throughput in MiB/s, GP3 only: 125–1000. 0 lets DRS choose."},
					"optimized_staging_disk_type": schema.StringAttribute{Computed: true, Description: "The staging disk type DRS actually uses (it resolves `AUTO`)."},
				}},
			},
			"ebs_encryption": optStr("Encryption of the staging disks: `DEFAULT` (the account's EBS default key), `CUSTOM` (set `ebs_encryption_key_arn`) or `NONE`.",
				enumValidator(drssettings.EBSEncryptions)),
			"ebs_encryption_key_arn": optStr("KMS key ARN of the staging disks; required exactly when `ebs_encryption` is `CUSTOM`."),
			"bandwidth_throttling": schema.Int64Attribute{
				Optional: true, Computed: true, PlanModifiers: []planmodifier.Int64{int64planmodifier.UseStateForUnknown()},
				Description: "Replication bandwidth limit in Mbps; 0 means no limit (at most 10000).",
				Validators:  []validator.Int64{int64Check(drssettings.CheckBandwidth)},
			},
			"data_plane_routing": optStr("How replication data travels: `PRIVATE_IP` or `PUBLIC_IP`.",
				enumValidator(drssettings.DataPlaneRoutings)),
			"create_public_ip":  optBool("Give the replication servers a public IP."),
			"internet_protocol": optStr("IP version of replication: `IPV4` or `IPV6`.", enumValidator(drssettings.InternetProtocols)),
			"staging_area_tags": schema.MapAttribute{
				ElementType: types.StringType, Optional: true, Computed: true,
				PlanModifiers: []planmodifier.Map{mapplanmodifier.UseStateForUnknown()},
				Description:   "Tags DRS puts on the staging area resources (replication servers, staging disks, snapshots).",
			},
			"pit_policy": schema.ListNestedAttribute{
				Optional: true, Computed: true,
				PlanModifiers: []planmodifier.List{listplanmodifier.UseStateForUnknown()},
				Description:   "Point-in-time snapshot policy: 1 to 10 rules with unique `rule_id`s.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"rule_id":            schema.Int64Attribute{Required: true, Description: "ID of the rule, unique within the policy."},
					"units":              schema.StringAttribute{Required: true, Description: "Unit of `interval` and `retention_duration`: `MINUTE`, `HOUR` or `DAY`."},
					"interval":           schema.Int64Attribute{Required: true, Description: "Take a snapshot every `interval` units (at least 1)."},
					"retention_duration": schema.Int64Attribute{Required: true, Description: "Keep each snapshot for `retention_duration` units (at least 1)."},
					"enabled":            schema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(true), Description: "Whether the rule is in force. Default true."},
				}},
			},
			"auto_replicate_new_disks": optBool("Start replicating disks added to the server automatically."),
		},
		Blocks: map[string]schema.Block{"timeouts": settingsTimeoutsBlock()},
	}
}

func (r *replicationSettingsResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.clients = clientsFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *replicationSettingsResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if msg := drssettings.CheckSourceServerID(req.ID); msg != "" {
		resp.Diagnostics.AddError("Invalid import ID", msg+". Import drsorch_replication_settings by the source server ID.")
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("source_server_id"), req.ID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), req.ID)...)
}

func (r *replicationSettingsResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var st replicationSettingsModel
	resp.Diagnostics.Append(req.State.Get(ctx, &st)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := st.SourceServerID.ValueString()
	out, err := r.clients.DRS.GetReplicationConfiguration(ctx, &drs.GetReplicationConfigurationInput{SourceServerID: aws.String(id)})
	if isNotFound(err) {
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "read the DRS replication settings of "+id, err)
		return
	}
	m := replicationConfigFromGet(out).model(ctx, id, st, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
}

func (r *replicationSettingsResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var cfg, plan replicationSettingsModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	r.write(ctx, cfg, plan, nil, "create", &resp.State, &resp.Diagnostics)
}

func (r *replicationSettingsResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var cfg, plan, st replicationSettingsModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &st)...)
	if resp.Diagnostics.HasError() {
		return
	}
	r.write(ctx, cfg, plan, &st, "update", &resp.State, &resp.Diagnostics)
}

func (r *replicationSettingsResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var st replicationSettingsModel
	resp.Diagnostics.Append(req.State.Get(ctx, &st)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := st.SourceServerID.ValueString()
	disks := disksFrom(ctx, st.ReplicatedDisks, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel, limit := withSettingsTimeout(ctx, st.Timeouts, "delete")
	defer cancel()
	_, err := r.clients.DRS.UpdateReplicationConfiguration(ctx, defaultReplicationInput(id, disks), withZeroBandwidthThrottling)
	if err != nil && !isNotFound(err) {
		addSettingsError(ctx, &resp.Diagnostics, "delete", limit, "restore the default DRS replication settings of "+id, err)
	}
}

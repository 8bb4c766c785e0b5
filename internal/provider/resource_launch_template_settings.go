package provider

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/drs"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/smithy-go"
	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/drsorch/terraform-provider-drsorch/internal/awsclient"
	"github.com/drsorch/terraform-provider-drsorch/internal/drssettings"
)

// launchTemplateSettingsResource manages the EC2 launch template DRS keeps
// for one source server (the ec2LaunchTemplateID of its launch
// configuration), from which DRS launches the recovery instance. The
// template always exists: create adopts it, and every change is a new
// version, made from the default one and made default; destroy makes the
// version that was default at adoption the default again.
type launchTemplateSettingsResource struct{ clients *awsclient.Clients }

var (
	_ resource.ResourceWithConfigure   = (*launchTemplateSettingsResource)(nil)
	_ resource.ResourceWithImportState = (*launchTemplateSettingsResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*launchTemplateSettingsResource)(nil)
)

func newLaunchTemplateSettingsResource() resource.Resource { return &launchTemplateSettingsResource{} }

func (r *launchTemplateSettingsResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_launch_template_settings"
}

func (r *launchTemplateSettingsResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	keepStr := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	resp.Schema = schema.Schema{
		Description: "The EC2 launch template that DRS launches one source server's recovery instance from: instance type, subnet, " +
			"security groups, private IP, public IP, IAM instance profile and instance tags. " +
			"DRS creates the template with the server; creating this resource adopts it and changes only the attributes you set " +
			"(the others keep the template's values and are read back). Each change is written as a new template version, " +
			"made from the default version (so members this resource does not manage, such as disks, are kept) and made the default. " +
			"Destroying the resource makes the version that was the default when it was adopted the default again (`restore_version`). " +
			"A pinned `instance_type` needs DRS right-sizing off (`target_instance_type_right_sizing_method = \"NONE\"` in `drsorch_launch_settings`), " +
			"since DRS otherwise replaces the type at launch: the plan fails unless DRS has it off, or a `drsorch_launch_settings` this resource depends on turns it off. The plan also checks that the subnet and security groups exist " +
			"in the region and share a VPC, that the private IP is in the subnet, and that the instance type is offered in the region.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{Computed: true, PlanModifiers: []planmodifier.String{sameAs(path.Root("source_server_id"))}, Description: "The source server ID, known at plan."},
			"source_server_id": schema.StringAttribute{
				Required:      true,
				Description:   "ID of the DRS source server (`s-…`). Changing it moves the resource to another server (the old one gets its adopted version back).",
				Validators:    []validator.String{sourceServerIDValidator},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"launch_template_id": schema.StringAttribute{Computed: true, PlanModifiers: keepStr, Description: "The EC2 launch template (`lt-…`) DRS keeps for the server."},
			"instance_type": schema.StringAttribute{
				Optional: true, Computed: true, PlanModifiers: keepStr,
				Description: "EC2 instance type of the recovery instance, e.g. `m6i.large`. Must be offered in the region, and DRS right-sizing must be `NONE`.",
				Validators:  []validator.String{checkString("an EC2 instance type", checkInstanceType)},
			},
			"subnet_id": schema.StringAttribute{
				Optional: true, Computed: true, PlanModifiers: keepStr,
				Description: "Subnet (`subnet-…`) the recovery instance is launched in.",
				Validators:  []validator.String{checkString("a subnet ID", drssettings.CheckSubnetID)},
			},
			"security_group_ids": schema.SetAttribute{
				ElementType: types.StringType, Optional: true, Computed: true,
				PlanModifiers: []planmodifier.Set{setplanmodifier.UseStateForUnknown()},
				Description:   "Security groups (`sg-…`) of the recovery instance's network interface; they must be in the subnet's VPC.",
				Validators:    []validator.Set{setvalidator.SizeAtLeast(1), setvalidator.ValueStringsAre(checkString("a security group ID", drssettings.CheckSecurityGroupID))},
			},
			"private_ip_address": schema.StringAttribute{
				Optional: true, Computed: true, PlanModifiers: keepStr,
				Description: "Private IPv4 address of the recovery instance, inside the subnet's range. `\"\"` lets EC2 pick one. " +
					"(DRS's `copy_private_ip` in `drsorch_launch_settings` copies the source server's address instead.)",
				Validators: []validator.String{checkString("an IPv4 address or empty", checkPrivateIP)},
			},
			"associate_public_ip_address": schema.BoolAttribute{
				Optional: true, Computed: true, PlanModifiers: []planmodifier.Bool{boolplanmodifier.UseStateForUnknown()},
				Description: "Give the recovery instance a public IPv4 address.",
			},
			"iam_instance_profile_name": schema.StringAttribute{
				Optional: true, Computed: true, PlanModifiers: keepStr,
				Description: "Name of the IAM instance profile of the recovery instance (for example one allowing SSM). Once set it can be changed, not removed: " +
					"destroying the resource restores the adopted version.",
				Validators: []validator.String{checkString("an instance profile name", checkProfileName)},
			},
			"tags": schema.MapAttribute{
				ElementType: types.StringType, Optional: true, Computed: true,
				PlanModifiers: []planmodifier.Map{mapplanmodifier.UseStateForUnknown()},
				Description: "Tags of the recovery instance. The tags DRS itself writes into the template (keys starting with `" + drsTagPrefix +
					"`) are kept and not shown.",
				Validators: []validator.Map{mapvalidator.KeysAre(checkString("a tag key", checkTagKey))},
			},
			"default_version": schema.Int64Attribute{Computed: true, Description: "The template's default version: the one DRS launches from."},
			"restore_version": schema.Int64Attribute{
				Computed: true, PlanModifiers: []planmodifier.Int64{int64planmodifier.UseStateForUnknown()},
				Description: "The version that was the default when the resource adopted (or imported) the template; destroy makes it the default again.",
			},
		},
		Blocks: map[string]schema.Block{"timeouts": settingsTimeoutsBlock()},
	}
}

func (r *launchTemplateSettingsResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.clients = clientsFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *launchTemplateSettingsResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var cfg launchTemplateSettingsModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if !resp.Diagnostics.HasError() {
		r.write(ctx, cfg, 0, "create", &resp.State, &resp.Diagnostics)
	}
}

func (r *launchTemplateSettingsResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var cfg, st launchTemplateSettingsModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &st)...)
	if !resp.Diagnostics.HasError() {
		r.write(ctx, cfg, st.RestoreVersion.ValueInt64(), "update", &resp.State, &resp.Diagnostics)
	}
}

// write makes a new default version holding the configured values, unless
// the default version already holds them, and stores what EC2 answers.
// restore is the version to restore on destroy (0: the current default,
// i.e. adopt).
func (r *launchTemplateSettingsResource) write(ctx context.Context, cfg launchTemplateSettingsModel, restore int64, op string, state stateSetter, diags *diag.Diagnostics) {
	ctx, cancel, limit := withSettingsTimeout(ctx, cfg.Timeouts, op)
	defer cancel()
	id := cfg.SourceServerID.ValueString()
	ltID, cur, err := r.defaultVersion(ctx, id)
	if err != nil {
		addSettingsError(ctx, diags, op, limit, "read the EC2 launch template of "+id, err)
		return
	}
	if restore == 0 {
		restore = aws.ToInt64(cur.VersionNumber)
	}
	data := requestData(ctx, cfg, cur.LaunchTemplateData, diags)
	if diags.HasError() {
		return
	}
	if data != nil {
		out, err := r.clients.EC2.CreateLaunchTemplateVersion(ctx, &ec2.CreateLaunchTemplateVersionInput{
			LaunchTemplateId: aws.String(ltID), SourceVersion: aws.String(strconv.FormatInt(aws.ToInt64(cur.VersionNumber), 10)),
			VersionDescription: aws.String("drsorch_launch_template_settings"), LaunchTemplateData: data,
		})
		if err != nil {
			addSettingsError(ctx, diags, op, limit, fmt.Sprintf("create a version of launch template %s (server %s)", ltID, id), err)
			return
		}
		cur = out.LaunchTemplateVersion
		_, err = r.clients.EC2.ModifyLaunchTemplate(ctx, &ec2.ModifyLaunchTemplateInput{
			LaunchTemplateId: aws.String(ltID), DefaultVersion: aws.String(strconv.FormatInt(aws.ToInt64(cur.VersionNumber), 10)),
		})
		if err != nil {
			addSettingsError(ctx, diags, op, limit, fmt.Sprintf("make version %d of launch template %s the default", aws.ToInt64(cur.VersionNumber), ltID), err)
			return
		}
	}
	m := settingsOf(cur.LaunchTemplateData).model(ctx, id, ltID, aws.ToInt64(cur.VersionNumber), diags)
	m.RestoreVersion = types.Int64Value(restore)
	m.Timeouts = keepTimeouts(cfg.Timeouts)
	diags.Append(state.Set(ctx, m)...)
}

// defaultVersion reads the server's launch template ID from DRS and the
// template's default version from EC2.
func (r *launchTemplateSettingsResource) defaultVersion(ctx context.Context, serverID string) (string, *ec2types.LaunchTemplateVersion, error) {
	lc, err := r.clients.DRS.GetLaunchConfiguration(ctx, &drs.GetLaunchConfigurationInput{SourceServerID: aws.String(serverID)})
	if err != nil {
		return "", nil, err
	}
	ltID := aws.ToString(lc.Ec2LaunchTemplateID)
	if ltID == "" {
		return "", nil, fmt.Errorf("DRS reports no EC2 launch template for source server %s", serverID)
	}
	out, err := r.clients.EC2.DescribeLaunchTemplateVersions(ctx, &ec2.DescribeLaunchTemplateVersionsInput{
		LaunchTemplateId: aws.String(ltID), Versions: []string{"$Default"},
	})
	if err != nil {
		return ltID, nil, err
	}
	if len(out.LaunchTemplateVersions) != 1 {
		return ltID, nil, fmt.Errorf("EC2 returned %d default versions of launch template %s", len(out.LaunchTemplateVersions), ltID)
	}
	return ltID, &out.LaunchTemplateVersions[0], nil
}

func (r *launchTemplateSettingsResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var st launchTemplateSettingsModel
	resp.Diagnostics.Append(req.State.Get(ctx, &st)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := st.SourceServerID.ValueString()
	ltID, cur, err := r.defaultVersion(ctx, id)
	if isNotFound(err) || isEC2Code(err, "InvalidLaunchTemplateId.NotFound") {
		resp.State.RemoveResource(ctx) // the server left DRS, and its template with it
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "read the EC2 launch template of "+id, err)
		return
	}
	m := settingsOf(cur.LaunchTemplateData).model(ctx, id, ltID, aws.ToInt64(cur.VersionNumber), &resp.Diagnostics)
	m.RestoreVersion = st.RestoreVersion
	if m.RestoreVersion.IsNull() || m.RestoreVersion.IsUnknown() {
		m.RestoreVersion = m.DefaultVersion // imported: the version found is the one to restore
	}
	m.Timeouts = keepTimeouts(st.Timeouts)
	resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
}

func (r *launchTemplateSettingsResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var st launchTemplateSettingsModel
	resp.Diagnostics.Append(req.State.Get(ctx, &st)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel, limit := withSettingsTimeout(ctx, st.Timeouts, "delete")
	defer cancel()
	ltID, restore := st.LaunchTemplateID.ValueString(), st.RestoreVersion.ValueInt64()
	if ltID == "" || restore == 0 {
		return
	}
	_, err := r.clients.EC2.ModifyLaunchTemplate(ctx, &ec2.ModifyLaunchTemplateInput{
		LaunchTemplateId: aws.String(ltID), DefaultVersion: aws.String(strconv.FormatInt(restore, 10)),
	})
	if err != nil && !isEC2Code(err, "InvalidLaunchTemplateId.NotFound") {
		addSettingsError(ctx, &resp.Diagnostics, "delete", limit,
			fmt.Sprintf("make version %d (the adopted one) the default of launch template %s again", restore, ltID), err)
	}
}

func (r *launchTemplateSettingsResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if msg := drssettings.CheckSourceServerID(req.ID); msg != "" {
		resp.Diagnostics.AddError("Invalid import ID", msg+". Import drsorch_launch_template_settings by the source server ID.")
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("source_server_id"), req.ID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), req.ID)...)
}

// isEC2Code reports an EC2 error code (EC2 has no modelled error types).
func isEC2Code(err error, code string) bool {
	var api smithy.APIError
	return errors.As(err, &api) && api.ErrorCode() == code
}

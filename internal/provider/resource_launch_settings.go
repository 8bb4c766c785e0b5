package provider

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/drs"
	drstypes "github.com/aws/aws-sdk-go-v2/service/drs/types"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/objectplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/drsorch/terraform-provider-drsorch/internal/awsclient"
	"github.com/drsorch/terraform-provider-drsorch/internal/drssettings"
)

// launchSettingsResource manages the DRS launch configuration of one
// source server. The configuration always exists: create adopts it and
// writes only the attributes in the configuration, destroy writes the DRS
// defaults back.
type launchSettingsResource struct{ clients *awsclient.Clients }

var (
	_ resource.ResourceWithConfigure   = (*launchSettingsResource)(nil)
	_ resource.ResourceWithImportState = (*launchSettingsResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*launchSettingsResource)(nil)
)

func newLaunchSettingsResource() resource.Resource { return &launchSettingsResource{} }

type launchSettingsModel struct {
	regional                          // region: regional.go
	ID                   types.String `tfsdk:"id"`
	SourceServerID       types.String `tfsdk:"source_server_id"`
	Name                 types.String `tfsdk:"name"`
	LaunchDisposition    types.String `tfsdk:"launch_disposition"`
	RightSizingMethod    types.String `tfsdk:"target_instance_type_right_sizing_method"`
	CopyPrivateIP        types.Bool   `tfsdk:"copy_private_ip"`
	CopyTags             types.Bool   `tfsdk:"copy_tags"`
	Licensing            types.Object `tfsdk:"licensing"`
	PostLaunchEnabled    types.Bool   `tfsdk:"post_launch_enabled"`
	LaunchIntoInstanceID types.String `tfsdk:"launch_into_instance_id"`
	EC2LaunchTemplateID  types.String `tfsdk:"ec2_launch_template_id"`
	Timeouts             types.Object `tfsdk:"timeouts"`
}

var licensingAttrTypes = map[string]attr.Type{"os_byol": types.BoolType}

func (r *launchSettingsResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_launch_settings"
}

func (r *launchSettingsResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	keepStr := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	keepBool := []planmodifier.Bool{boolplanmodifier.UseStateForUnknown()}
	d := drssettings.DefaultLaunch
	resp.Schema = schema.Schema{
		Description: "The DRS launch settings (launch configuration) of one source server. " +
			"A launch configuration always exists in DRS: creating this resource adopts it and changes only the attributes you set; " +
			"attributes you leave out keep the value DRS has (and are read back, so drift on them is not reported). " +
			"Destroying the resource restores the DRS defaults: " +
			fmt.Sprintf("`launch_disposition = %q`, `target_instance_type_right_sizing_method = %q`, `copy_private_ip = %t`, `copy_tags = %t`, "+
				"`licensing.os_byol = %t`, `post_launch_enabled = %t`, and no `launch_into_instance_id`. ",
				d.LaunchDisposition, d.RightSizingMethod, d.CopyPrivateIP, d.CopyTags, d.OSByol, d.PostLaunchEnabled) +
			"The `name` and the EC2 launch template are left as they are.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed: true, PlanModifiers: []planmodifier.String{sameAs(path.Root("source_server_id"))},
				Description: "The source server ID, known at plan.",
			},
			"source_server_id": schema.StringAttribute{
				Required:      true,
				Description:   "ID of the DRS source server (`s-…`). Changing it moves the resource to another server (the old one gets its defaults back).",
				Validators:    []validator.String{sourceServerIDValidator},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"name": schema.StringAttribute{
				Optional: true, Computed: true, PlanModifiers: keepStr,
				Description: "Name of the launch configuration (at most 128 characters). DRS names it after the server's hostname.",
				Validators:  []validator.String{checkString("at most 128 characters", drssettings.CheckName)},
			},
			"launch_disposition": schema.StringAttribute{
				Optional: true, Computed: true, PlanModifiers: keepStr,
				Description: "State of the recovery instance after launch: `STARTED` or `STOPPED`. A recovery plan's wave reads it when its servers have launched and expects a stopped instance for a `STOPPED` server, a running one for the others.",
				Validators:  []validator.String{enumValidator(drssettings.LaunchDispositions)},
			},
			"target_instance_type_right_sizing_method": schema.StringAttribute{
				Optional: true, Computed: true, PlanModifiers: keepStr,
				Description: "How DRS picks the recovery instance type: `NONE` (the launch template's), `BASIC` (matches CPU and RAM) or `IN_AWS` (follows the instance type in AWS).",
				Validators:  []validator.String{enumValidator(drssettings.RightSizingMethods)},
			},
			"copy_private_ip": schema.BoolAttribute{
				Optional: true, Computed: true, PlanModifiers: keepBool,
				Description: "Give the recovery instance the source server's private IP.",
			},
			"copy_tags": schema.BoolAttribute{
				Optional: true, Computed: true, PlanModifiers: keepBool,
				Description: "Copy the source server's tags to the recovery instance.",
			},
			"licensing": schema.SingleNestedAttribute{
				Optional: true, Computed: true,
				PlanModifiers: []planmodifier.Object{objectplanmodifier.UseStateForUnknown()},
				Description:   "Operating system licensing, e.g. `licensing = { os_byol = false }`.",
				Attributes: map[string]schema.Attribute{
					"os_byol": schema.BoolAttribute{
						Optional: true, Computed: true, PlanModifiers: keepBool,
						Description: "Bring your own license (true) or use an AWS-provided license (false).",
					},
				},
			},
			"post_launch_enabled": schema.BoolAttribute{
				Optional: true, Computed: true, PlanModifiers: keepBool,
				Description: "Run the post-launch actions on the recovery instance.",
			},
			"launch_into_instance_id": schema.StringAttribute{
				Optional: true, Computed: true, PlanModifiers: keepStr,
				Description: "EC2 instance (`i-…`) to launch into instead of a new instance. `\"\"` launches a new instance.",
				Validators: []validator.String{checkString("an EC2 instance ID or empty", func(v string) string {
					if v == "" {
						return ""
					}
					return drssettings.CheckEC2InstanceID(v)
				})},
			},
			"ec2_launch_template_id": schema.StringAttribute{
				Computed: true, PlanModifiers: keepStr,
				Description: "The EC2 launch template DRS keeps for this server.",
			},
		},
		Blocks: map[string]schema.Block{"timeouts": settingsTimeoutsBlock()},
	}
}

func (r *launchSettingsResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.clients = clientsFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *launchSettingsResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return // destroy
	}
	var id types.String
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("source_server_id"), &id)...)
	checkServerAtPlan(ctx, r.clients, req, id, &resp.Diagnostics)
	notePlannedRightSizing(ctx, r.clients, req.Plan, id)
}

func (r *launchSettingsResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var cfg launchSettingsModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	r.write(ctx, cfg, "create", &resp.State, &resp.Diagnostics)
}

func (r *launchSettingsResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var cfg launchSettingsModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	r.write(ctx, cfg, "update", &resp.State, &resp.Diagnostics)
}

// write sends the configured attributes (one UpdateLaunchConfiguration),
// or only reads when none is set, and stores what DRS answers.
func (r *launchSettingsResource) write(ctx context.Context, cfg launchSettingsModel, op string, state stateSetter, diags *diag.Diagnostics) {
	ctx, cancel, limit := withSettingsTimeout(ctx, cfg.Timeouts, op)
	defer cancel()
	id := cfg.SourceServerID.ValueString()
	in, changes := launchUpdateInput(ctx, cfg, diags)
	if diags.HasError() {
		return
	}
	var lc launchConfig
	if changes {
		out, err := r.clients.DRS.UpdateLaunchConfiguration(ctx, in)
		if err != nil {
			addSettingsError(ctx, diags, op, limit, "update the DRS launch settings of "+id, err)
			return
		}
		lc = launchConfigFromUpdate(out)
	} else {
		out, err := r.clients.DRS.GetLaunchConfiguration(ctx, &drs.GetLaunchConfigurationInput{SourceServerID: aws.String(id)})
		if err != nil {
			addSettingsError(ctx, diags, op, limit, "read the DRS launch settings of "+id, err)
			return
		}
		lc = launchConfigFromGet(out)
	}
	m := lc.model(id)
	m.Timeouts = keepTimeouts(cfg.Timeouts)
	diags.Append(state.Set(ctx, m)...)
}

// stateSetter is the part of tfsdk.State that write needs.
type stateSetter interface {
	Set(context.Context, any) diag.Diagnostics
}

func (r *launchSettingsResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var st launchSettingsModel
	resp.Diagnostics.Append(req.State.Get(ctx, &st)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := st.SourceServerID.ValueString()
	out, err := r.clients.DRS.GetLaunchConfiguration(ctx, &drs.GetLaunchConfigurationInput{SourceServerID: aws.String(id)})
	if isNotFound(err) {
		resp.State.RemoveResource(ctx) // the server left DRS
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "read the DRS launch settings of "+id, err)
		return
	}
	m := launchConfigFromGet(out).model(id)
	m.Timeouts = keepTimeouts(st.Timeouts)
	resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
}

func (r *launchSettingsResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var st launchSettingsModel
	resp.Diagnostics.Append(req.State.Get(ctx, &st)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := st.SourceServerID.ValueString()
	ctx, cancel, limit := withSettingsTimeout(ctx, st.Timeouts, "delete")
	defer cancel()
	_, err := r.clients.DRS.UpdateLaunchConfiguration(ctx, defaultLaunchInput(id))
	if err != nil && !isNotFound(err) {
		addSettingsError(ctx, &resp.Diagnostics, "delete", limit, "restore the default DRS launch settings of "+id, err)
	}
}

func (r *launchSettingsResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if msg := drssettings.CheckSourceServerID(req.ID); msg != "" {
		resp.Diagnostics.AddError("Invalid import ID", msg+". Import drsorch_launch_settings by the source server ID.")
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("source_server_id"), req.ID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), req.ID)...)
}

// launchUpdateInput holds the attributes the configuration sets; changes
// is false when it sets none.
func launchUpdateInput(ctx context.Context, cfg launchSettingsModel, diags *diag.Diagnostics) (*drs.UpdateLaunchConfigurationInput, bool) {
	in := &drs.UpdateLaunchConfigurationInput{SourceServerID: aws.String(cfg.SourceServerID.ValueString())}
	changes := false
	if configured(cfg.Name) {
		in.Name, changes = aws.String(cfg.Name.ValueString()), true
	}
	if configured(cfg.LaunchDisposition) {
		in.LaunchDisposition, changes = drstypes.LaunchDisposition(cfg.LaunchDisposition.ValueString()), true
	}
	if configured(cfg.RightSizingMethod) {
		in.TargetInstanceTypeRightSizingMethod, changes = drstypes.TargetInstanceTypeRightSizingMethod(cfg.RightSizingMethod.ValueString()), true
	}
	if configured(cfg.CopyPrivateIP) {
		in.CopyPrivateIp, changes = aws.Bool(cfg.CopyPrivateIP.ValueBool()), true
	}
	if configured(cfg.CopyTags) {
		in.CopyTags, changes = aws.Bool(cfg.CopyTags.ValueBool()), true
	}
	if configured(cfg.PostLaunchEnabled) {
		in.PostLaunchEnabled, changes = aws.Bool(cfg.PostLaunchEnabled.ValueBool()), true
	}
	if configured(cfg.LaunchIntoInstanceID) {
		in.LaunchIntoInstanceProperties = &drstypes.LaunchIntoInstanceProperties{LaunchIntoEC2InstanceID: aws.String(cfg.LaunchIntoInstanceID.ValueString())}
		changes = true
	}
	if configured(cfg.Licensing) {
		var lic struct {
			OSByol types.Bool `tfsdk:"os_byol"`
		}
		diags.Append(cfg.Licensing.As(ctx, &lic, objectAsOptions)...)
		if configured(lic.OSByol) {
			in.Licensing, changes = &drstypes.Licensing{OsByol: aws.Bool(lic.OSByol.ValueBool())}, true
		}
	}
	return in, changes
}

func defaultLaunchInput(id string) *drs.UpdateLaunchConfigurationInput {
	d := drssettings.DefaultLaunch
	return &drs.UpdateLaunchConfigurationInput{
		SourceServerID:                      aws.String(id),
		LaunchDisposition:                   drstypes.LaunchDisposition(d.LaunchDisposition),
		TargetInstanceTypeRightSizingMethod: drstypes.TargetInstanceTypeRightSizingMethod(d.RightSizingMethod),
		CopyPrivateIp:                       aws.Bool(d.CopyPrivateIP),
		CopyTags:                            aws.Bool(d.CopyTags),
		Licensing:                           &drstypes.Licensing{OsByol: aws.Bool(d.OSByol)},
		PostLaunchEnabled:                   aws.Bool(d.PostLaunchEnabled),
		LaunchIntoInstanceProperties:        &drstypes.LaunchIntoInstanceProperties{LaunchIntoEC2InstanceID: aws.String(d.LaunchIntoInstanceID)},
	}
}

// launchConfig is the launch configuration as both Get and Update return it.
type launchConfig struct {
	name, disposition, rightSizing, templateID, launchInto *string
	copyPrivateIP, copyTags, postLaunch, osByol            *bool
}

func launchConfigFromGet(o *drs.GetLaunchConfigurationOutput) launchConfig {
	return launchConfig{name: o.Name, disposition: enumPtr(o.LaunchDisposition), rightSizing: enumPtr(o.TargetInstanceTypeRightSizingMethod),
		templateID: o.Ec2LaunchTemplateID, launchInto: launchIntoID(o.LaunchIntoInstanceProperties),
		copyPrivateIP: o.CopyPrivateIp, copyTags: o.CopyTags, postLaunch: o.PostLaunchEnabled, osByol: osByol(o.Licensing)}
}

func launchConfigFromUpdate(o *drs.UpdateLaunchConfigurationOutput) launchConfig {
	return launchConfig{name: o.Name, disposition: enumPtr(o.LaunchDisposition), rightSizing: enumPtr(o.TargetInstanceTypeRightSizingMethod),
		templateID: o.Ec2LaunchTemplateID, launchInto: launchIntoID(o.LaunchIntoInstanceProperties),
		copyPrivateIP: o.CopyPrivateIp, copyTags: o.CopyTags, postLaunch: o.PostLaunchEnabled, osByol: osByol(o.Licensing)}
}

func (lc launchConfig) model(id string) launchSettingsModel {
	lic, _ := types.ObjectValue(licensingAttrTypes, map[string]attr.Value{"os_byol": types.BoolValue(aws.ToBool(lc.osByol))})
	return launchSettingsModel{
		ID:                   types.StringValue(id),
		SourceServerID:       types.StringValue(id),
		Name:                 types.StringValue(aws.ToString(lc.name)),
		LaunchDisposition:    types.StringValue(aws.ToString(lc.disposition)),
		RightSizingMethod:    types.StringValue(aws.ToString(lc.rightSizing)),
		CopyPrivateIP:        types.BoolValue(aws.ToBool(lc.copyPrivateIP)),
		CopyTags:             types.BoolValue(aws.ToBool(lc.copyTags)),
		Licensing:            lic,
		PostLaunchEnabled:    types.BoolValue(aws.ToBool(lc.postLaunch)),
		LaunchIntoInstanceID: types.StringValue(aws.ToString(lc.launchInto)),
		EC2LaunchTemplateID:  types.StringValue(aws.ToString(lc.templateID)),
	}
}

func enumPtr[E ~string](v E) *string {
	s := string(v)
	return &s
}

func launchIntoID(p *drstypes.LaunchIntoInstanceProperties) *string {
	if p == nil {
		return nil
	}
	return p.LaunchIntoEC2InstanceID
}

func osByol(l *drstypes.Licensing) *bool {
	if l == nil {
		return nil
	}
	return l.OsByol
}

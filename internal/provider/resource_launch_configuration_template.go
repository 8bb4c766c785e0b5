package provider

import (
	"context"
	"fmt"
	"regexp"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/drs"
	drstypes "github.com/aws/aws-sdk-go-v2/service/drs/types"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/objectplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/drsorch/terraform-provider-drsorch/internal/awsclient"
	"github.com/drsorch/terraform-provider-drsorch/internal/drssettings"
)

// launchConfigurationTemplateResource manages a DRS launch configuration
// template: the launch settings DRS gives source servers added after it
// (CreateLaunchConfigurationTemplate …). Unlike a server's settings it is
// an object of its own, created and deleted with the resource.
type launchConfigurationTemplateResource struct{ clients *awsclient.Clients }

var (
	_ resource.ResourceWithConfigure   = (*launchConfigurationTemplateResource)(nil)
	_ resource.ResourceWithImportState = (*launchConfigurationTemplateResource)(nil)
)

func newLaunchConfigurationTemplateResource() resource.Resource {
	return &launchConfigurationTemplateResource{}
}

type launchConfigurationTemplateModel struct {
	regional                              // region: regional.go
	ID                       types.String `tfsdk:"id"`
	Arn                      types.String `tfsdk:"arn"`
	LaunchDisposition        types.String `tfsdk:"launch_disposition"`
	RightSizingMethod        types.String `tfsdk:"target_instance_type_right_sizing_method"`
	CopyPrivateIP            types.Bool   `tfsdk:"copy_private_ip"`
	CopyTags                 types.Bool   `tfsdk:"copy_tags"`
	Licensing                types.Object `tfsdk:"licensing"`
	PostLaunchEnabled        types.Bool   `tfsdk:"post_launch_enabled"`
	LaunchIntoSourceInstance types.Bool   `tfsdk:"launch_into_source_instance"`
	ExportBucketArn          types.String `tfsdk:"export_bucket_arn"`
	Tags                     types.Map    `tfsdk:"tags"`
	Timeouts                 types.Object `tfsdk:"timeouts"`
}

var s3BucketArnPattern = regexp.MustCompile(`^arn:aws[a-z-]*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)

func (r *launchConfigurationTemplateResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_launch_configuration_template"
}

func (r *launchConfigurationTemplateResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	keepStr := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	keepBool := []planmodifier.Bool{boolplanmodifier.UseStateForUnknown()}
	resp.Schema = schema.Schema{
		Description: "A DRS launch configuration template: the launch settings DRS gives every source server added to the account and region " +
			"after it exists (servers already added keep theirs; `drsorch_launch_settings` changes those). Attributes left out get DRS's defaults, " +
			"and are read back. Destroying the resource deletes the template.",
		Attributes: map[string]schema.Attribute{
			"id":  schema.StringAttribute{Computed: true, PlanModifiers: keepStr, Description: "The template ID (`lct-…`)."},
			"arn": schema.StringAttribute{Computed: true, PlanModifiers: keepStr, Description: "The template's ARN."},
			"launch_disposition": schema.StringAttribute{
				Optional: true, Computed: true, PlanModifiers: keepStr,
				Description: "State of recovery instances after launch: `STARTED` (DRS default) or `STOPPED`.",
				Validators:  []validator.String{enumValidator(drssettings.LaunchDispositions)},
			},
			"target_instance_type_right_sizing_method": schema.StringAttribute{
				Optional: true, Computed: true, PlanModifiers: keepStr,
				Description: "How DRS picks the instance type: `NONE` (the launch template's), `BASIC` (DRS default) or `IN_AWS`.",
				Validators:  []validator.String{enumValidator(drssettings.RightSizingMethods)},
			},
			"copy_private_ip":     schema.BoolAttribute{Optional: true, Computed: true, PlanModifiers: keepBool, Description: "Give recovery instances their source server's private IP."},
			"copy_tags":           schema.BoolAttribute{Optional: true, Computed: true, PlanModifiers: keepBool, Description: "Copy source server tags to the recovery instances."},
			"post_launch_enabled": schema.BoolAttribute{Optional: true, Computed: true, PlanModifiers: keepBool, Description: "Run post-launch actions on recovery instances."},
			"launch_into_source_instance": schema.BoolAttribute{
				Optional: true, Computed: true, PlanModifiers: keepBool,
				Description: "For servers that are EC2 instances: recover into the source instance on a drill, recovery or failback to the previous region or zone.",
			},
			"licensing": schema.SingleNestedAttribute{
				Optional: true, Computed: true,
				PlanModifiers: []planmodifier.Object{objectplanmodifier.UseStateForUnknown()},
				Description:   "Operating system licensing, e.g. `licensing = { os_byol = false }`.",
				Attributes: map[string]schema.Attribute{
					"os_byol": schema.BoolAttribute{Optional: true, Computed: true, PlanModifiers: keepBool,
						Description: "Bring your own license (true, DRS default) or use an AWS-provided license (false)."},
				},
			},
			"export_bucket_arn": schema.StringAttribute{
				Optional: true, Computed: true, PlanModifiers: keepStr,
				Description: "S3 bucket (ARN) DRS exports source network templates to.",
				Validators: []validator.String{checkString("an S3 bucket ARN", func(v string) string {
					if !s3BucketArnPattern.MatchString(v) {
						return fmt.Sprintf("%q is not an S3 bucket ARN: write it like arn:aws:s3:::my-dr-exports", v)
					}
					return ""
				})},
			},
			"tags": schema.MapAttribute{
				ElementType: types.StringType, Optional: true, Computed: true,
				PlanModifiers: []planmodifier.Map{mapplanmodifier.UseStateForUnknown()},
				Description:   "Tags of the template.",
			},
		},
		Blocks: map[string]schema.Block{"timeouts": settingsTimeoutsBlock()},
	}
}

func (r *launchConfigurationTemplateResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.clients = clientsFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *launchConfigurationTemplateResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var cfg launchConfigurationTemplateModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel, limit := withSettingsTimeout(ctx, cfg.Timeouts, "create")
	defer cancel()
	f := lctFields(ctx, cfg, &resp.Diagnostics)
	tags := map[string]string{}
	if configured(cfg.Tags) {
		resp.Diagnostics.Append(cfg.Tags.ElementsAs(ctx, &tags, false)...)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	out, err := r.clients.DRS.CreateLaunchConfigurationTemplate(ctx, &drs.CreateLaunchConfigurationTemplateInput{
		LaunchDisposition: f.LaunchDisposition, TargetInstanceTypeRightSizingMethod: f.TargetInstanceTypeRightSizingMethod,
		CopyPrivateIp: f.CopyPrivateIp, CopyTags: f.CopyTags, Licensing: f.Licensing, PostLaunchEnabled: f.PostLaunchEnabled,
		LaunchIntoSourceInstance: f.LaunchIntoSourceInstance, ExportBucketArn: f.ExportBucketArn, Tags: tags,
	})
	if err != nil {
		addSettingsError(ctx, &resp.Diagnostics, "create", limit, "create a DRS launch configuration template", err)
		return
	}
	r.store(ctx, out.LaunchConfigurationTemplate, cfg.Timeouts, &resp.State, &resp.Diagnostics)
}

func (r *launchConfigurationTemplateResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var cfg, st launchConfigurationTemplateModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &st)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel, limit := withSettingsTimeout(ctx, cfg.Timeouts, "update")
	defer cancel()
	id := st.ID.ValueString()
	f := lctFields(ctx, cfg, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	f.LaunchConfigurationTemplateID = aws.String(id)
	out, err := r.clients.DRS.UpdateLaunchConfigurationTemplate(ctx, f)
	if err != nil {
		addSettingsError(ctx, &resp.Diagnostics, "update", limit, "update DRS launch configuration template "+id, err)
		return
	}
	if configured(cfg.Tags) {
		syncTags(ctx, r.clients.DRS, st.Arn.ValueString(), st.Tags, cfg.Tags, &resp.Diagnostics)
		if resp.Diagnostics.HasError() {
			return
		}
		tags := map[string]string{}
		resp.Diagnostics.Append(cfg.Tags.ElementsAs(ctx, &tags, false)...)
		out.LaunchConfigurationTemplate.Tags = tags
	}
	r.store(ctx, out.LaunchConfigurationTemplate, cfg.Timeouts, &resp.State, &resp.Diagnostics)
}

func (r *launchConfigurationTemplateResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var st launchConfigurationTemplateModel
	resp.Diagnostics.Append(req.State.Get(ctx, &st)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := st.ID.ValueString()
	out, err := r.clients.DRS.DescribeLaunchConfigurationTemplates(ctx, &drs.DescribeLaunchConfigurationTemplatesInput{LaunchConfigurationTemplateIDs: []string{id}})
	if isNotFound(err) || (err == nil && len(out.Items) == 0) {
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "read DRS launch configuration template "+id, err)
		return
	}
	r.store(ctx, &out.Items[0], st.Timeouts, &resp.State, &resp.Diagnostics)
}

func (r *launchConfigurationTemplateResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var st launchConfigurationTemplateModel
	resp.Diagnostics.Append(req.State.Get(ctx, &st)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel, limit := withSettingsTimeout(ctx, st.Timeouts, "delete")
	defer cancel()
	_, err := r.clients.DRS.DeleteLaunchConfigurationTemplate(ctx, &drs.DeleteLaunchConfigurationTemplateInput{LaunchConfigurationTemplateID: aws.String(st.ID.ValueString())})
	if err != nil && !isNotFound(err) {
		addSettingsError(ctx, &resp.Diagnostics, "delete", limit, "delete DRS launch configuration template "+st.ID.ValueString(), err)
	}
}

func (r *launchConfigurationTemplateResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if !regexp.MustCompile(`^lct-[0-9a-zA-Z]{17}$`).MatchString(req.ID) {
		resp.Diagnostics.AddError("Invalid import ID", fmt.Sprintf("%q is not a launch configuration template ID: import drsorch_launch_configuration_template by its lct-… ID "+
			"(aws drs describe-launch-configuration-templates lists them).", req.ID))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), req.ID)...)
}

// lctFields holds the configured attributes as an Update input (Create
// takes the same members).
func lctFields(ctx context.Context, cfg launchConfigurationTemplateModel, diags *diag.Diagnostics) *drs.UpdateLaunchConfigurationTemplateInput {
	in := &drs.UpdateLaunchConfigurationTemplateInput{}
	if configured(cfg.LaunchDisposition) {
		in.LaunchDisposition = drstypes.LaunchDisposition(cfg.LaunchDisposition.ValueString())
	}
	if configured(cfg.RightSizingMethod) {
		in.TargetInstanceTypeRightSizingMethod = drstypes.TargetInstanceTypeRightSizingMethod(cfg.RightSizingMethod.ValueString())
	}
	boolPtr := func(v types.Bool) *bool {
		if !configured(v) {
			return nil
		}
		return aws.Bool(v.ValueBool())
	}
	in.CopyPrivateIp, in.CopyTags, in.PostLaunchEnabled = boolPtr(cfg.CopyPrivateIP), boolPtr(cfg.CopyTags), boolPtr(cfg.PostLaunchEnabled)
	in.LaunchIntoSourceInstance = boolPtr(cfg.LaunchIntoSourceInstance)
	if configured(cfg.ExportBucketArn) {
		in.ExportBucketArn = aws.String(cfg.ExportBucketArn.ValueString())
	}
	if configured(cfg.Licensing) {
		var lic struct {
			OSByol types.Bool `tfsdk:"os_byol"`
		}
		diags.Append(cfg.Licensing.As(ctx, &lic, objectAsOptions)...)
		if configured(lic.OSByol) {
			in.Licensing = &drstypes.Licensing{OsByol: aws.Bool(lic.OSByol.ValueBool())}
		}
	}
	return in
}

func (r *launchConfigurationTemplateResource) store(ctx context.Context, t *drstypes.LaunchConfigurationTemplate, timeouts types.Object, state stateSetter, diags *diag.Diagnostics) {
	lic, d := types.ObjectValue(licensingAttrTypes, map[string]attr.Value{"os_byol": types.BoolValue(aws.ToBool(osByol(t.Licensing)))})
	diags.Append(d...)
	tags, d := types.MapValueFrom(ctx, types.StringType, nonNilMap(t.Tags))
	diags.Append(d...)
	diags.Append(state.Set(ctx, launchConfigurationTemplateModel{
		ID: types.StringValue(aws.ToString(t.LaunchConfigurationTemplateID)), Arn: types.StringValue(aws.ToString(t.Arn)),
		LaunchDisposition: types.StringValue(string(t.LaunchDisposition)), RightSizingMethod: types.StringValue(string(t.TargetInstanceTypeRightSizingMethod)),
		CopyPrivateIP: types.BoolValue(aws.ToBool(t.CopyPrivateIp)), CopyTags: types.BoolValue(aws.ToBool(t.CopyTags)), Licensing: lic,
		PostLaunchEnabled: types.BoolValue(aws.ToBool(t.PostLaunchEnabled)), LaunchIntoSourceInstance: types.BoolValue(aws.ToBool(t.LaunchIntoSourceInstance)),
		ExportBucketArn: types.StringValue(aws.ToString(t.ExportBucketArn)), Tags: tags, Timeouts: keepTimeouts(timeouts),
	})...)
}

func nonNilMap(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}

// syncTags makes a DRS resource's tags those of want (TagResource and
// UntagResource: Update operations do not change tags).
func syncTags(ctx context.Context, c *drs.Client, arn string, have, want types.Map, diags *diag.Diagnostics) {
	var from, to map[string]string
	if !have.IsNull() && !have.IsUnknown() {
		diags.Append(have.ElementsAs(ctx, &from, false)...)
	}
	diags.Append(want.ElementsAs(ctx, &to, false)...)
	var remove []string
	for k := range from {
		if _, ok := to[k]; !ok {
			remove = append(remove, k)
		}
	}
	add := map[string]string{}
	for k, v := range to {
		if w, ok := from[k]; !ok || w != v {
			add[k] = v
		}
	}
	if len(remove) > 0 {
		if _, err := c.UntagResource(ctx, &drs.UntagResourceInput{ResourceArn: aws.String(arn), TagKeys: remove}); err != nil {
			addAPIError(diags, "remove tags of "+arn, err)
			return
		}
	}
	if len(add) > 0 {
		if _, err := c.TagResource(ctx, &drs.TagResourceInput{ResourceArn: aws.String(arn), Tags: add}); err != nil {
			addAPIError(diags, "tag "+arn, err)
		}
	}
}

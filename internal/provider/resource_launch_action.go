package provider

import (
	"context"
	"crypto/rand"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/drs"
	drstypes "github.com/aws/aws-sdk-go-v2/service/drs/types"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/drsorch/terraform-provider-drsorch/internal/awsclient"
	"github.com/drsorch/terraform-provider-drsorch/internal/drssettings"
)

// launchActionResource manages one DRS launch action: an SSM document DRS
// runs on a recovery instance after launch (PutLaunchAction …), kept on a
// source server or on a launch configuration template (whose actions new
// servers inherit). The launch configuration's post_launch_enabled decides
// whether DRS runs them at all.
type launchActionResource struct{ clients *awsclient.Clients }

var (
	_ resource.ResourceWithConfigure      = (*launchActionResource)(nil)
	_ resource.ResourceWithImportState    = (*launchActionResource)(nil)
	_ resource.ResourceWithValidateConfig = (*launchActionResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*launchActionResource)(nil)
)

func newLaunchActionResource() resource.Resource { return &launchActionResource{} }

type launchActionModel struct {
	ID            types.String `tfsdk:"id"`
	ResourceID    types.String `tfsdk:"resource_id"`
	ActionID      types.String `tfsdk:"action_id"`
	ActionCode    types.String `tfsdk:"action_code"`
	Name          types.String `tfsdk:"name"`
	Order         types.Int64  `tfsdk:"order"`
	ActionVersion types.String `tfsdk:"action_version"`
	Active        types.Bool   `tfsdk:"active"`
	Optional      types.Bool   `tfsdk:"optional"`
	Category      types.String `tfsdk:"category"`
	Description   types.String `tfsdk:"description"`
	Parameters    types.Map    `tfsdk:"parameters"`
	Type          types.String `tfsdk:"type"`
	Timeouts      types.Object `tfsdk:"timeouts"`
	regional                   // region: regional.go
}

type launchActionParameterModel struct {
	Value types.String `tfsdk:"value"`
	Type  types.String `tfsdk:"type"`
}

func (r *launchActionResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_launch_action"
}

func (r *launchActionResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	replace := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	resp.Schema = schema.Schema{
		Description: "A DRS launch action (post-launch action): an SSM Command or Automation document DRS runs on a recovery instance after it launches, " +
			"in `order`, on one source server or on a launch configuration template (servers added later inherit the template's actions). " +
			"DRS runs a server's actions only when its launch settings have `post_launch_enabled = true`, one after another in `order`; an action with " +
			"`optional = false` that fails makes the server's launch `FAILED`. Each run's outcome shows in `drsorch_execution` and " +
			"`data.drsorch_execution` (`waves[*].servers[*].launch_actions`) and in `drsorch status`. Destroying the resource deletes the action.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{Computed: true, PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
				Description: "`<resource_id>/<action_id>`, also the import ID."},
			"resource_id": schema.StringAttribute{Required: true, PlanModifiers: replace,
				Description: "The source server (`s-…`) or launch configuration template (`lct-…`) the action belongs to.",
				Validators:  []validator.String{checkString("a source server or launch configuration template ID", drssettings.CheckLaunchActionResource)}},
			"action_id": schema.StringAttribute{Optional: true, Computed: true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown(), stringplanmodifier.RequiresReplace()},
				Description:   "The action's UUID. Left out, the provider makes a new one.",
				Validators:    []validator.String{checkString("a UUID", drssettings.CheckLaunchActionID)}},
			"action_code": schema.StringAttribute{Required: true,
				Description: "The SSM document to run: its name (e.g. `AWS-RunShellScript`, `AWS-CreateImage`) or ARN.",
				Validators:  []validator.String{checkString("an SSM document name", drssettings.CheckSSMDocumentName)}},
			"name": schema.StringAttribute{Required: true, Description: "The action's name as DRS shows it.",
				Validators: []validator.String{checkString("a launch action name", drssettings.CheckLaunchActionName)}},
			"order": schema.Int64Attribute{Required: true,
				Description: fmt.Sprintf("When the action runs among the resource's actions: %d to %d, unique per source server or template.", drssettings.MinLaunchActionOrder, drssettings.MaxLaunchActionOrder),
				Validators:  []validator.Int64{int64Check(drssettings.CheckLaunchActionOrder)}},
			"action_version": schema.StringAttribute{Optional: true, Computed: true, Default: stringdefault.StaticString("$DEFAULT"),
				Description: "The document version: `$DEFAULT` (default), `$LATEST` or a version number.",
				Validators:  []validator.String{checkString("a document version", drssettings.CheckLaunchActionVersion)}},
			"active": schema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(true),
				Description: "Run the action (default true); false keeps it configured but skipped."},
			"optional": schema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(true),
				Description: "A failure of the action does not fail the launch (default true). Set false for an action that must succeed."},
			"category": schema.StringAttribute{Optional: true, Computed: true, Default: stringdefault.StaticString("OTHER"),
				Description: "One of `MONITORING`, `VALIDATION`, `CONFIGURATION`, `SECURITY`, `OTHER` (default).",
				Validators:  []validator.String{enumValidator(drssettings.LaunchActionCategories)}},
			"description": schema.StringAttribute{Optional: true, Computed: true, Default: stringdefault.StaticString(""),
				Description: "Free text, up to 1024 letters, digits, spaces and ():/.,'-_#*;",
				Validators:  []validator.String{checkString("a launch action description", drssettings.CheckLaunchActionDescription)}},
			"parameters": schema.MapNestedAttribute{Optional: true,
				Description: fmt.Sprintf("The document's parameters by name (at most %d): `value` is an SSM Parameter Store parameter name (`type = \"SSM_STORE\"`) or a dynamic value (`type = \"DYNAMIC\"`).", drssettings.MaxLaunchActionParameters),
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"value": schema.StringAttribute{Required: true, Description: "The parameter's value: 1 to 1011 letters, digits, . or -.",
						Validators: []validator.String{checkString("a launch action parameter value", drssettings.CheckLaunchActionParameterValue)}},
					"type": schema.StringAttribute{Required: true, Description: "`SSM_STORE` or `DYNAMIC`.",
						Validators: []validator.String{enumValidator(drssettings.LaunchActionParameterTypes)}},
				}}},
			"type": schema.StringAttribute{Computed: true, Description: "What DRS runs the document as: `SSM_COMMAND` or `SSM_AUTOMATION`."},
		},
		Blocks: map[string]schema.Block{"timeouts": settingsTimeoutsBlock()},
	}
}

func (r *launchActionResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.clients = clientsFrom(req.ProviderData, &resp.Diagnostics)
}

// ValidateConfig checks what single attributes cannot: the parameter
// names (map keys) and their count.
func (r *launchActionResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var params types.Map
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("parameters"), &params)...)
	if resp.Diagnostics.HasError() || params.IsNull() || params.IsUnknown() {
		return
	}
	if n := len(params.Elements()); n > drssettings.MaxLaunchActionParameters {
		resp.Diagnostics.AddAttributeError(path.Root("parameters"), "Too many parameters",
			fmt.Sprintf("%d parameters: DRS takes at most %d per launch action; pass the rest through one SSM_STORE parameter.", n, drssettings.MaxLaunchActionParameters))
	}
	for name := range params.Elements() {
		if msg := drssettings.CheckLaunchActionParameterName(name); msg != "" {
			resp.Diagnostics.AddAttributeError(path.Root("parameters").AtMapKey(name), "Invalid parameter name", msg)
		}
	}
}

// ModifyPlan checks with DRS what PutLaunchAction would refuse at apply:
// a source server or template that does not exist, and an order another
// action of the same resource already holds (orders are unique there).
func (r *launchActionResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || r.clients == nil {
		return // destroy
	}
	var res, actionID types.String
	var order types.Int64
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("resource_id"), &res)...)
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("action_id"), &actionID)...)
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("order"), &order)...)
	if resp.Diagnostics.HasError() || res.IsUnknown() || res.IsNull() || drssettings.CheckLaunchActionResource(res.ValueString()) != "" {
		return // created in the same apply, or reported by the attribute validator
	}
	var actions []drstypes.LaunchAction
	p := drs.NewListLaunchActionsPaginator(r.clients.DRS, &drs.ListLaunchActionsInput{ResourceId: aws.String(res.ValueString())})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if isNotFound(err) {
			what := "source server"
			if strings.HasPrefix(res.ValueString(), "lct-") {
				what = "launch configuration template"
			}
			resp.Diagnostics.AddAttributeError(path.Root("resource_id"), "Unknown "+what,
				fmt.Sprintf("DRS in %s has no %s %s. Check the ID and the provider's region and account.", r.clients.Region, what, res.ValueString()))
			return
		}
		if err != nil {
			addAPIError(&resp.Diagnostics, "list the launch actions of "+res.ValueString(), err)
			return
		}
		actions = append(actions, page.Items...)
	}
	if order.IsUnknown() || order.IsNull() {
		return
	}
	for _, a := range actions {
		if aws.ToInt32(a.Order) == int32(order.ValueInt64()) && (actionID.IsUnknown() || aws.ToString(a.ActionId) != actionID.ValueString()) {
			resp.Diagnostics.AddAttributeError(path.Root("order"), "Launch action order taken",
				fmt.Sprintf("Launch action %q (%s) of %s already runs at order %d, and DRS keeps orders unique per resource: choose another order.",
					aws.ToString(a.Name), aws.ToString(a.ActionId), res.ValueString(), order.ValueInt64()))
			return
		}
	}
}

func (r *launchActionResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan launchActionModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if plan.ActionID.IsUnknown() || plan.ActionID.IsNull() {
		plan.ActionID = types.StringValue(newUUID())
	}
	r.put(ctx, plan, "create", &resp.State, &resp.Diagnostics)
}

func (r *launchActionResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan launchActionModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	r.put(ctx, plan, "update", &resp.State, &resp.Diagnostics)
}

// put writes the action (PutLaunchAction creates or replaces it whole).
func (r *launchActionResource) put(ctx context.Context, plan launchActionModel, op string, state stateSetter, diags *diag.Diagnostics) {
	ctx, cancel, limit := withSettingsTimeout(ctx, plan.Timeouts, op)
	defer cancel()
	in := &drs.PutLaunchActionInput{
		ResourceId: aws.String(plan.ResourceID.ValueString()), ActionId: aws.String(plan.ActionID.ValueString()),
		ActionCode: aws.String(plan.ActionCode.ValueString()), Name: aws.String(plan.Name.ValueString()),
		Order: aws.Int32(int32(plan.Order.ValueInt64())), ActionVersion: aws.String(plan.ActionVersion.ValueString()),
		Active: aws.Bool(plan.Active.ValueBool()), Optional: aws.Bool(plan.Optional.ValueBool()),
		Category: drstypes.LaunchActionCategory(plan.Category.ValueString()), Description: aws.String(plan.Description.ValueString()),
		Parameters: map[string]drstypes.LaunchActionParameter{},
	}
	if !plan.Parameters.IsNull() {
		var params map[string]launchActionParameterModel
		diags.Append(plan.Parameters.ElementsAs(ctx, &params, false)...)
		for k, p := range params {
			in.Parameters[k] = drstypes.LaunchActionParameter{Value: aws.String(p.Value.ValueString()), Type: drstypes.LaunchActionParameterType(p.Type.ValueString())}
		}
	}
	if diags.HasError() {
		return
	}
	out, err := r.clients.DRS.PutLaunchAction(ctx, in)
	if err != nil {
		addSettingsError(ctx, diags, op, limit, fmt.Sprintf("put launch action %q on %s", plan.Name.ValueString(), plan.ResourceID.ValueString()), err)
		return
	}
	storeLaunchAction(ctx, plan.ResourceID.ValueString(), drstypes.LaunchAction{ActionId: out.ActionId, ActionCode: out.ActionCode, Type: out.Type,
		Name: out.Name, Active: out.Active, Order: out.Order, ActionVersion: out.ActionVersion, Optional: out.Optional,
		Parameters: out.Parameters, Description: out.Description, Category: out.Category}, plan.Timeouts, state, diags)
}

func (r *launchActionResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var st launchActionModel
	resp.Diagnostics.Append(req.State.Get(ctx, &st)...)
	if resp.Diagnostics.HasError() {
		return
	}
	res, id := st.ResourceID.ValueString(), st.ActionID.ValueString()
	out, err := r.clients.DRS.ListLaunchActions(ctx, &drs.ListLaunchActionsInput{ResourceId: aws.String(res),
		Filters: &drstypes.LaunchActionsRequestFilters{ActionIds: []string{id}}})
	if isNotFound(err) {
		resp.State.RemoveResource(ctx) // the server or template is gone, and its actions with it
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("read launch action %s of %s", id, res), err)
		return
	}
	for _, a := range out.Items {
		if aws.ToString(a.ActionId) == id {
			storeLaunchAction(ctx, res, a, st.Timeouts, &resp.State, &resp.Diagnostics)
			return
		}
	}
	resp.State.RemoveResource(ctx)
}

func (r *launchActionResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var st launchActionModel
	resp.Diagnostics.Append(req.State.Get(ctx, &st)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel, limit := withSettingsTimeout(ctx, st.Timeouts, "delete")
	defer cancel()
	_, err := r.clients.DRS.DeleteLaunchAction(ctx, &drs.DeleteLaunchActionInput{ResourceId: aws.String(st.ResourceID.ValueString()), ActionId: aws.String(st.ActionID.ValueString())})
	if err != nil && !isNotFound(err) {
		addSettingsError(ctx, &resp.Diagnostics, "delete", limit, fmt.Sprintf("delete launch action %s of %s", st.ActionID.ValueString(), st.ResourceID.ValueString()), err)
	}
}

func (r *launchActionResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	res, id, ok := strings.Cut(req.ID, "/")
	if !ok || drssettings.CheckLaunchActionResource(res) != "" || drssettings.CheckLaunchActionID(id) != "" {
		resp.Diagnostics.AddError("Invalid import ID", fmt.Sprintf("%q is not <resource_id>/<action_id>: import drsorch_launch_action as "+
			"s-…/<uuid> or lct-…/<uuid> (aws drs list-launch-actions --resource-id … lists the action IDs).", req.ID))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("resource_id"), res)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("action_id"), id)...)
}

var launchActionParameterAttrTypes = map[string]attr.Type{"value": types.StringType, "type": types.StringType}

func storeLaunchAction(ctx context.Context, resourceID string, a drstypes.LaunchAction, timeouts types.Object, state stateSetter, diags *diag.Diagnostics) {
	params := types.MapNull(types.ObjectType{AttrTypes: launchActionParameterAttrTypes})
	if len(a.Parameters) > 0 {
		m := map[string]launchActionParameterModel{}
		for k, p := range a.Parameters {
			m[k] = launchActionParameterModel{Value: types.StringValue(aws.ToString(p.Value)), Type: types.StringValue(string(p.Type))}
		}
		var d diag.Diagnostics
		params, d = types.MapValueFrom(ctx, types.ObjectType{AttrTypes: launchActionParameterAttrTypes}, m)
		diags.Append(d...)
	}
	id := aws.ToString(a.ActionId)
	diags.Append(state.Set(ctx, launchActionModel{
		ID: types.StringValue(resourceID + "/" + id), ResourceID: types.StringValue(resourceID), ActionID: types.StringValue(id),
		ActionCode: types.StringValue(aws.ToString(a.ActionCode)), Name: types.StringValue(aws.ToString(a.Name)),
		Order: types.Int64Value(int64(aws.ToInt32(a.Order))), ActionVersion: types.StringValue(aws.ToString(a.ActionVersion)),
		Active: types.BoolValue(aws.ToBool(a.Active)), Optional: types.BoolValue(aws.ToBool(a.Optional)),
		Category: types.StringValue(string(a.Category)), Description: types.StringValue(aws.ToString(a.Description)),
		Parameters: params, Type: types.StringValue(string(a.Type)), Timeouts: keepTimeouts(timeouts),
	})...)
}

// newUUID makes a random (version 4) UUID for a new action's ID.
func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

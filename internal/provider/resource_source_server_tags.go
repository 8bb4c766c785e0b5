package provider

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/drs"
	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/drsorch/terraform-provider-drsorch/internal/awsclient"
	"github.com/drsorch/terraform-provider-drsorch/internal/drssettings"
)

// sourceServerTagsResource manages some tags of one source server: exactly
// the keys in its configuration. Other tags on the server, including
// drsorch's own under drsorch:, are never read into state nor changed.
type sourceServerTagsResource struct{ clients *awsclient.Clients }

var (
	_ resource.ResourceWithConfigure   = (*sourceServerTagsResource)(nil)
	_ resource.ResourceWithImportState = (*sourceServerTagsResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*sourceServerTagsResource)(nil)
)

func newSourceServerTagsResource() resource.Resource { return &sourceServerTagsResource{} }

type sourceServerTagsModel struct {
	regional                    // region: regional.go
	ID             types.String `tfsdk:"id"`
	SourceServerID types.String `tfsdk:"source_server_id"`
	ARN            types.String `tfsdk:"arn"`
	Tags           types.Map    `tfsdk:"tags"`
	Timeouts       types.Object `tfsdk:"timeouts"`
}

func (r *sourceServerTagsResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_source_server_tags"
}

func (r *sourceServerTagsResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	keepStr := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	resp.Schema = schema.Schema{
		Description: "Tags on one DRS source server, managed key by key: the resource owns exactly the keys in `tags` and leaves every other tag " +
			"on the server alone (tags set by other tools, and drsorch's own `drsorch:` tags such as protection group membership). " +
			"A managed tag changed or removed outside Terraform shows up in the next plan. Destroying the resource removes the managed keys.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{Computed: true, PlanModifiers: []planmodifier.String{sameAs(path.Root("source_server_id"))}, Description: "The source server ID, known at plan."},
			"source_server_id": schema.StringAttribute{
				Required:      true,
				Description:   "ID of the DRS source server (`s-…`).",
				Validators:    []validator.String{sourceServerIDValidator},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"arn": schema.StringAttribute{Computed: true, PlanModifiers: keepStr, Description: "ARN of the source server."},
			"tags": schema.MapAttribute{
				ElementType: types.StringType, Required: true,
				Description: fmt.Sprintf("The tags to manage. Keys under `%s` and `aws:` are reserved and refused; at most %d tags, keys up to %d and values up to %d characters.",
					drssettings.ReservedTagPrefix, drssettings.MaxTagsPerServer, drssettings.MaxTagKeyLength, drssettings.MaxTagValueLength),
				Validators: []validator.Map{
					mapvalidator.SizeAtMost(drssettings.MaxTagsPerServer),
					tagMapValidator{},
				},
			},
		},
		Blocks: map[string]schema.Block{"timeouts": settingsTimeoutsBlock()},
	}
}

// tagMapValidator reports each bad key on its own map key path.
type tagMapValidator struct{}

func (tagMapValidator) Description(context.Context) string {
	return "tag keys outside the reserved prefixes, values within limits"
}
func (v tagMapValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }
func (tagMapValidator) ValidateMap(ctx context.Context, req validator.MapRequest, resp *validator.MapResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	elems := req.ConfigValue.Elements()
	for _, k := range slices.Sorted(maps.Keys(elems)) {
		msg := drssettings.CheckTagKey(k)
		if msg == "" {
			if s, ok := elems[k].(types.String); ok && !s.IsUnknown() {
				msg = drssettings.CheckTagValue(k, s.ValueString())
			}
		}
		if msg != "" {
			resp.Diagnostics.AddAttributeError(req.Path.AtMapKey(k), "Invalid tag", msg+".")
		}
	}
}

func (r *sourceServerTagsResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.clients = clientsFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *sourceServerTagsResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	var id types.String
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("source_server_id"), &id)...)
	if server, found := checkServerAtPlan(ctx, r.clients, req, id, &resp.Diagnostics); found {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("arn"), aws.ToString(server.Arn))...)
	}
}

func (r *sourceServerTagsResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan sourceServerTagsModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel, limit := withSettingsTimeout(ctx, plan.Timeouts, "create")
	defer cancel()
	id := plan.SourceServerID.ValueString()
	arn, ok := r.arnOf(ctx, id, plan.ARN, &resp.Diagnostics)
	if !ok {
		return
	}
	tags := tagsOf(ctx, plan.Tags, &resp.Diagnostics)
	if len(tags) > 0 {
		if _, err := r.clients.DRS.TagResource(ctx, &drs.TagResourceInput{ResourceArn: aws.String(arn), Tags: tags}); err != nil {
			addSettingsError(ctx, &resp.Diagnostics, "create", limit, "tag DRS source server "+id, err)
			return
		}
	}
	plan.ID, plan.ARN = types.StringValue(id), types.StringValue(arn)
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
}

func (r *sourceServerTagsResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var st sourceServerTagsModel
	resp.Diagnostics.Append(req.State.Get(ctx, &st)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := st.SourceServerID.ValueString()
	arn := st.ARN.ValueString()
	if arn == "" { // just imported
		s, err := lookupSourceServer(ctx, r.clients, id)
		if errors.Is(err, errServerNotFound) {
			resp.State.RemoveResource(ctx)
			return
		}
		if err != nil {
			addAPIError(&resp.Diagnostics, "look up DRS source server "+id, err)
			return
		}
		arn = aws.ToString(s.Arn)
	}
	out, err := r.clients.DRS.ListTagsForResource(ctx, &drs.ListTagsForResourceInput{ResourceArn: aws.String(arn)})
	if isNotFound(err) {
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "read the tags of DRS source server "+id, err)
		return
	}
	mine := tagsOf(ctx, st.Tags, &resp.Diagnostics)
	managed := map[string]string{}
	for k, v := range out.Tags {
		// After an import of every tag (null), all manageable keys count.
		if _, ok := mine[k]; ok || (st.Tags.IsNull() && drssettings.IsManageable(k)) {
			managed[k] = v
		}
	}
	tagMap, d := types.MapValueFrom(ctx, types.StringType, managed)
	resp.Diagnostics.Append(d...)
	st.ID, st.ARN, st.Tags = types.StringValue(id), types.StringValue(arn), tagMap
	resp.Diagnostics.Append(resp.State.Set(ctx, st)...)
}

func (r *sourceServerTagsResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, st sourceServerTagsModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &st)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel, limit := withSettingsTimeout(ctx, plan.Timeouts, "update")
	defer cancel()
	id, arn := plan.SourceServerID.ValueString(), st.ARN.ValueString()
	want, had := tagsOf(ctx, plan.Tags, &resp.Diagnostics), tagsOf(ctx, st.Tags, &resp.Diagnostics)
	var gone []string
	for k := range had {
		if _, keep := want[k]; !keep {
			gone = append(gone, k)
		}
	}
	slices.Sort(gone)
	if len(gone) > 0 {
		if _, err := r.clients.DRS.UntagResource(ctx, &drs.UntagResourceInput{ResourceArn: aws.String(arn), TagKeys: gone}); err != nil {
			addSettingsError(ctx, &resp.Diagnostics, "update", limit, "remove tags "+strings.Join(gone, ", ")+" from DRS source server "+id, err)
			return
		}
	}
	changed := map[string]string{}
	for k, v := range want {
		if old, ok := had[k]; !ok || old != v {
			changed[k] = v
		}
	}
	if len(changed) > 0 {
		if _, err := r.clients.DRS.TagResource(ctx, &drs.TagResourceInput{ResourceArn: aws.String(arn), Tags: changed}); err != nil {
			addSettingsError(ctx, &resp.Diagnostics, "update", limit, "tag DRS source server "+id, err)
			return
		}
	}
	plan.ID, plan.ARN = types.StringValue(id), types.StringValue(arn)
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
}

func (r *sourceServerTagsResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var st sourceServerTagsModel
	resp.Diagnostics.Append(req.State.Get(ctx, &st)...)
	tags := tagsOf(ctx, st.Tags, &resp.Diagnostics)
	if resp.Diagnostics.HasError() || len(tags) == 0 {
		return
	}
	keys := slices.Sorted(maps.Keys(tags))
	ctx, cancel, limit := withSettingsTimeout(ctx, st.Timeouts, "delete")
	defer cancel()
	_, err := r.clients.DRS.UntagResource(ctx, &drs.UntagResourceInput{ResourceArn: aws.String(st.ARN.ValueString()), TagKeys: keys})
	if err != nil && !isNotFound(err) {
		addSettingsError(ctx, &resp.Diagnostics, "delete", limit, "remove the managed tags from DRS source server "+st.SourceServerID.ValueString(), err)
	}
}

// ImportState takes "s-…" (every tag outside the reserved prefixes) or
// "s-…,key1,key2" (only those keys).
func (r *sourceServerTagsResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	parts := strings.Split(req.ID, ",")
	id := parts[0]
	if msg := drssettings.CheckSourceServerID(id); msg != "" {
		resp.Diagnostics.AddError("Invalid import ID", msg+". Import drsorch_source_server_tags as s-… (every tag except drsorch: and aws: ones) or s-…,key1,key2 (only those keys).")
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("source_server_id"), id)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id)...)
	if len(parts) > 1 {
		keys := map[string]string{}
		for _, k := range parts[1:] {
			if msg := drssettings.CheckTagKey(k); msg != "" {
				resp.Diagnostics.AddError("Invalid import ID", msg+".")
				return
			}
			keys[k] = ""
		}
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("tags"), keys)...)
	}
}

// arnOf returns the planned ARN, or looks the server up.
func (r *sourceServerTagsResource) arnOf(ctx context.Context, id string, planned types.String, diags *diag.Diagnostics) (string, bool) {
	if v := planned.ValueString(); v != "" {
		return v, true
	}
	s, err := lookupSourceServer(ctx, r.clients, id)
	if err != nil {
		addAPIError(diags, "look up DRS source server "+id, err)
		return "", false
	}
	return aws.ToString(s.Arn), true
}

func tagsOf(ctx context.Context, m types.Map, diags *diag.Diagnostics) map[string]string {
	out := map[string]string{}
	if m.IsNull() || m.IsUnknown() {
		return out
	}
	diags.Append(m.ElementsAs(ctx, &out, false)...)
	return out
}

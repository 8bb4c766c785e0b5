package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	dschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	rschema "github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/drsorch/terraform-provider-drsorch/internal/drsapi"
)

// Per-resource region: every resource and data source takes an optional
// `region` (default: the provider's), as terraform-provider-aws v6 does, so
// that one provider block serves many regions. A wrapper reads the region
// of each request and hands the wrapped resource the provider data of that
// region (clients, caches and planned walk shared by the whole run, one per
// region: providerData.forRegion); the resources themselves stay
// single-region. A change of region replaces a resource. Import IDs may end
// with `@<region>`; an ARN carries its region.

// regional is embedded in the model of every wrapped resource and data
// source.
type regional struct {
	Region types.String `tfsdk:"region"`
}

const regionDescription = "AWS region of this object. Defaults to the provider's `region`; changing it replaces the resource. " +
	"Credentials and endpoints are the provider's."

var regionPattern = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-\d{1,2}$`)

// checkRegion refuses a malformed region or one of another partition than
// the provider's (its credentials do not work there).
func (d *providerData) checkRegion(region string) string {
	if !regionPattern.MatchString(region) {
		return fmt.Sprintf("%q is not an AWS region name like us-east-1", region)
	}
	if p, base := drsapi.PartitionOf(region), d.partition(); p != base {
		return fmt.Sprintf("region %s is in partition %s, but the provider's region %s is in %s, where its credentials belong: use a provider alias for %s",
			region, p, d.clients.Region, base, p)
	}
	return ""
}

// regionOf reads the region attribute of a plan, state or config; empty
// when null (the provider's region then).
func regionOf(ctx context.Context, get func(context.Context, path.Path, any) diag.Diagnostics, diags *diag.Diagnostics) (region string, unknown bool) {
	var v types.String
	diags.Append(get(ctx, path.Root("region"), &v)...)
	return v.ValueString(), v.IsUnknown()
}

// importRegion splits an import ID into the ID the resource reads and the
// region it names: `<id>@<region>`, or an ARN's region field.
func importRegion(id string) (rest, region string) {
	if i := strings.LastIndex(id, "@"); i > 0 && regionPattern.MatchString(id[i+1:]) {
		return id[:i], id[i+1:]
	}
	if parts := strings.SplitN(id, ":", 6); len(parts) == 6 && parts[0] == "arn" && regionPattern.MatchString(parts[3]) {
		return id, parts[3]
	}
	return id, ""
}

// regionalResource wraps a resource with the region attribute.
type regionalResource struct {
	inner resource.Resource
	base  *providerData
}

func withRegion(f func() resource.Resource) func() resource.Resource {
	return func() resource.Resource { return &regionalResource{inner: f()} }
}

var (
	_ resource.ResourceWithConfigure        = (*regionalResource)(nil)
	_ resource.ResourceWithModifyPlan       = (*regionalResource)(nil)
	_ resource.ResourceWithImportState      = (*regionalResource)(nil)
	_ resource.ResourceWithValidateConfig   = (*regionalResource)(nil)
	_ resource.ResourceWithConfigValidators = (*regionalResource)(nil)
)

func (w *regionalResource) Metadata(ctx context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	w.inner.Metadata(ctx, req, resp)
}

func (w *regionalResource) Schema(ctx context.Context, req resource.SchemaRequest, resp *resource.SchemaResponse) {
	w.inner.Schema(ctx, req, resp)
	if resp.Schema.Attributes == nil {
		resp.Schema.Attributes = map[string]rschema.Attribute{}
	}
	resp.Schema.Attributes["region"] = rschema.StringAttribute{Optional: true, Computed: true, Description: regionDescription}
}

func (w *regionalResource) Configure(ctx context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	w.base = providerDataFrom(req.ProviderData, &resp.Diagnostics)
	w.configure(ctx, "", &resp.Diagnostics)
}

// configure hands the wrapped resource the provider data of region.
func (w *regionalResource) configure(ctx context.Context, region string, diags *diag.Diagnostics) {
	c, ok := w.inner.(resource.ResourceWithConfigure)
	if !ok {
		return
	}
	var data any
	if w.base != nil {
		data = w.base.forRegion(region)
	}
	var resp resource.ConfigureResponse
	c.Configure(ctx, resource.ConfigureRequest{ProviderData: data}, &resp)
	diags.Append(resp.Diagnostics...)
}

// effective is region, or the provider's when empty.
func (w *regionalResource) effective(region string) string {
	if region == "" && w.base != nil {
		return w.base.clients.Region
	}
	return region
}

func (w *regionalResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	if v, ok := w.inner.(resource.ResourceWithValidateConfig); ok {
		v.ValidateConfig(ctx, req, resp)
	}
}

func (w *regionalResource) ConfigValidators(ctx context.Context) []resource.ConfigValidator {
	if v, ok := w.inner.(resource.ResourceWithConfigValidators); ok {
		return v.ConfigValidators(ctx)
	}
	return nil
}

func (w *regionalResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	m, hasModify := w.inner.(resource.ResourceWithModifyPlan)
	if req.Plan.Raw.IsNull() { // destroy: where the object is
		region, _ := regionOf(ctx, req.State.GetAttribute, &resp.Diagnostics)
		w.configure(ctx, region, &resp.Diagnostics)
		if hasModify {
			m.ModifyPlan(ctx, req, resp)
		}
		return
	}
	region, unknown := regionOf(ctx, req.Config.GetAttribute, &resp.Diagnostics)
	if unknown {
		resp.Diagnostics.AddAttributeError(path.Root("region"), "Region unknown at plan",
			"The region must be known when planning (a literal, variable or data source), since the plan reads and checks the objects there.")
		return
	}
	if region != "" && w.base != nil {
		if msg := w.base.checkRegion(region); msg != "" {
			resp.Diagnostics.AddAttributeError(path.Root("region"), "Invalid region", msg)
			return
		}
	}
	w.configure(ctx, region, &resp.Diagnostics)
	if hasModify {
		m.ModifyPlan(ctx, req, resp)
	}
	if resp.Diagnostics.HasError() || resp.Plan.Raw.IsNull() || w.base == nil {
		return
	}
	planned := w.effective(region)
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("region"), planned)...)
	if req.State.Raw.IsNull() {
		return
	}
	// A state written before the attribute existed holds null: the object
	// is in the provider's region.
	prior, _ := regionOf(ctx, req.State.GetAttribute, &resp.Diagnostics)
	if w.effective(prior) != planned {
		resp.RequiresReplace = append(resp.RequiresReplace, path.Root("region"))
	}
}

func (w *regionalResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	region, _ := regionOf(ctx, req.Plan.GetAttribute, &resp.Diagnostics)
	w.configure(ctx, region, &resp.Diagnostics)
	w.inner.Create(ctx, req, resp)
	w.recordRegion(ctx, region, &resp.State, &resp.Diagnostics)
}

func (w *regionalResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	region, _ := regionOf(ctx, req.State.GetAttribute, &resp.Diagnostics)
	w.configure(ctx, region, &resp.Diagnostics)
	w.inner.Read(ctx, req, resp)
	w.recordRegion(ctx, region, &resp.State, &resp.Diagnostics)
}

func (w *regionalResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	region, _ := regionOf(ctx, req.Plan.GetAttribute, &resp.Diagnostics)
	w.configure(ctx, region, &resp.Diagnostics)
	w.inner.Update(ctx, req, resp)
	w.recordRegion(ctx, region, &resp.State, &resp.Diagnostics)
}

func (w *regionalResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	region, _ := regionOf(ctx, req.State.GetAttribute, &resp.Diagnostics)
	w.configure(ctx, region, &resp.Diagnostics)
	w.inner.Delete(ctx, req, resp)
}

// ImportState takes the region from the ID (`<id>@<region>` or an ARN) and
// imports there; the wrapped resource sees the ID without the suffix.
func (w *regionalResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	id, region := importRegion(req.ID)
	if region != "" && w.base != nil {
		if msg := w.base.checkRegion(region); msg != "" {
			resp.Diagnostics.AddError("Invalid import ID", msg)
			return
		}
	}
	w.configure(ctx, region, &resp.Diagnostics)
	if i, ok := w.inner.(resource.ResourceWithImportState); ok {
		req.ID = id
		i.ImportState(ctx, req, resp)
	}
	w.recordRegion(ctx, region, &resp.State, &resp.Diagnostics)
}

// recordRegion writes the effective region into a state that exists.
func (w *regionalResource) recordRegion(ctx context.Context, region string, state *tfsdk.State, diags *diag.Diagnostics) {
	if diags.HasError() || state.Raw.IsNull() || w.base == nil {
		return
	}
	diags.Append(state.SetAttribute(ctx, path.Root("region"), w.effective(region))...)
}

// regionalDataSource wraps a data source with the region attribute.
type regionalDataSource struct {
	inner datasource.DataSource
	base  *providerData
}

func dataSourceWithRegion(f func() datasource.DataSource) func() datasource.DataSource {
	return func() datasource.DataSource { return &regionalDataSource{inner: f()} }
}

var (
	_ datasource.DataSourceWithConfigure        = (*regionalDataSource)(nil)
	_ datasource.DataSourceWithValidateConfig   = (*regionalDataSource)(nil)
	_ datasource.DataSourceWithConfigValidators = (*regionalDataSource)(nil)
)

func (w *regionalDataSource) ValidateConfig(ctx context.Context, req datasource.ValidateConfigRequest, resp *datasource.ValidateConfigResponse) {
	if v, ok := w.inner.(datasource.DataSourceWithValidateConfig); ok {
		v.ValidateConfig(ctx, req, resp)
	}
}

func (w *regionalDataSource) ConfigValidators(ctx context.Context) []datasource.ConfigValidator {
	if v, ok := w.inner.(datasource.DataSourceWithConfigValidators); ok {
		return v.ConfigValidators(ctx)
	}
	return nil
}

func (w *regionalDataSource) Metadata(ctx context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	w.inner.Metadata(ctx, req, resp)
}

func (w *regionalDataSource) Schema(ctx context.Context, req datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	w.inner.Schema(ctx, req, resp)
	if resp.Schema.Attributes == nil {
		resp.Schema.Attributes = map[string]dschema.Attribute{}
	}
	resp.Schema.Attributes["region"] = dschema.StringAttribute{Optional: true, Computed: true,
		Description: "AWS region to read. Defaults to the provider's `region`."}
}

func (w *regionalDataSource) Configure(ctx context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	w.base = providerDataFrom(req.ProviderData, &resp.Diagnostics)
	w.configure(ctx, "", &resp.Diagnostics)
}

func (w *regionalDataSource) configure(ctx context.Context, region string, diags *diag.Diagnostics) {
	c, ok := w.inner.(datasource.DataSourceWithConfigure)
	if !ok {
		return
	}
	var data any
	if w.base != nil {
		data = w.base.forRegion(region)
	}
	var resp datasource.ConfigureResponse
	c.Configure(ctx, datasource.ConfigureRequest{ProviderData: data}, &resp)
	diags.Append(resp.Diagnostics...)
}

func (w *regionalDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	region, _ := regionOf(ctx, req.Config.GetAttribute, &resp.Diagnostics)
	if region != "" && w.base != nil {
		if msg := w.base.checkRegion(region); msg != "" {
			resp.Diagnostics.AddAttributeError(path.Root("region"), "Invalid region", msg)
			return
		}
	}
	w.configure(ctx, region, &resp.Diagnostics)
	w.inner.Read(ctx, req, resp)
	if resp.Diagnostics.HasError() || w.base == nil {
		return
	}
	if region == "" {
		region = w.base.clients.Region
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("region"), region)...)
}

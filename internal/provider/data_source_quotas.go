package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/drsorch/terraform-provider-drsorch/internal/awsclient"
	"github.com/drsorch/terraform-provider-drsorch/internal/drsapi"
)

type quotasDataSource struct{ clients *awsclient.Clients }

func newQuotasDataSource() datasource.DataSource { return &quotasDataSource{} }

type quotasModel struct {
	Region types.String          `tfsdk:"region"`
	Quotas []quotaModel          `tfsdk:"quotas"`
	ByCode map[string]quotaModel `tfsdk:"by_code"`
}

type quotaModel struct {
	Code     string      `tfsdk:"code"`
	Name     string      `tfsdk:"name"`
	Limit    int64       `tfsdk:"limit"`
	Default  int64       `tfsdk:"default"`
	Source   string      `tfsdk:"source"`
	Usage    types.Int64 `tfsdk:"usage"`
	Headroom types.Int64 `tfsdk:"headroom"`
}

func (d *quotasDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_quotas"
}

func (d *quotasDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "The DRS quotas of the account in one region: each limit (from Service Quotas, or the published default when " +
			"that API is denied), the current usage and the headroom left.",
		Attributes: map[string]schema.Attribute{
			"region": schema.StringAttribute{Optional: true, Computed: true, Description: "Region to read. Defaults to the provider's region."},
			"quotas": schema.ListNestedAttribute{
				Computed:     true,
				Description:  "One entry per DRS quota.",
				NestedObject: schema.NestedAttributeObject{Attributes: quotaAttributes()},
			},
			"by_code": schema.MapNestedAttribute{
				Computed:     true,
				Description:  "The same entries keyed by quota code, e.g. `by_code[\"L-B827C881\"].limit`.",
				NestedObject: schema.NestedAttributeObject{Attributes: quotaAttributes()},
			},
		},
	}
}

func quotaAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"code":    schema.StringAttribute{Computed: true, Description: "Service Quotas code, e.g. `L-B827C881`."},
		"name":    schema.StringAttribute{Computed: true, Description: "Quota name, e.g. `Source servers in a single job`."},
		"limit":   schema.Int64Attribute{Computed: true, Description: "The limit in force."},
		"default": schema.Int64Attribute{Computed: true, Description: "The published default limit."},
		"source": schema.StringAttribute{Computed: true, Description: "Where `limit` comes from: `" + drsapi.SourceServiceQuotas +
			"` (the live value), `" + drsapi.SourceDefaultAccessDenied + "` (Service Quotas denied access; the published default is used) or `" +
			drsapi.SourceDefaultNotListed + "` (Service Quotas does not list it; the published default is used)."},
		"usage": schema.Int64Attribute{Computed: true, Description: "Current account-wide usage: replicating servers, total servers, active jobs, " +
			"or servers in active jobs. Null for the per-job and per-server quotas, which have no account-wide usage."},
		"headroom": schema.Int64Attribute{Computed: true, Description: "`limit` minus `usage` (never below 0); null when `usage` is null."},
	}
}

func (d *quotasDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.clients = clientsFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *quotasDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m quotasModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	clients := d.clients.ForRegion(m.Region.ValueString())
	where := " in " + clients.Region
	limits, err := drsapi.QuotaLimits(ctx, clients.ServiceQuotas)
	if err != nil {
		addAPIError(&resp.Diagnostics, "read the DRS quotas from Service Quotas"+where, err)
		return
	}
	servers, err := clients.SourceServers().List(ctx)
	if err != nil {
		addAPIError(&resp.Diagnostics, "count the DRS source servers"+where, err)
		return
	}
	jobs, err := drsapi.ActiveJobs(ctx, clients.DRS)
	if err != nil {
		addAPIError(&resp.Diagnostics, "count the active DRS jobs"+where, err)
		return
	}
	usage := drsapi.MeasureUsage(servers, jobs)
	m.Region = types.StringValue(clients.Region)
	m.Quotas = make([]quotaModel, 0, len(limits))
	m.ByCode = make(map[string]quotaModel, len(limits))
	for _, l := range limits {
		q := quotaModel{Code: l.Code, Name: l.Name, Limit: int64(l.Limit), Default: int64(l.Default), Source: l.Source,
			Usage: types.Int64Null(), Headroom: types.Int64Null()}
		if n, ok := usage.Of(l.Code); ok {
			q.Usage = types.Int64Value(int64(n))
			q.Headroom = types.Int64Value(max(0, int64(l.Limit)-int64(n)))
		}
		m.Quotas = append(m.Quotas, q)
		m.ByCode[q.Code] = q
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

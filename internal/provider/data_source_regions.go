package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/drsorch/terraform-provider-drsorch/internal/drsapi"
)

// drsRegions is the table shared with the run service (which refuses DRS calls
// signed for other regions).
var drsRegions = drsapi.Regions

type regionsDataSource struct{}

func newRegionsDataSource() datasource.DataSource { return &regionsDataSource{} }

type regionsModel struct {
	regional                // region: regional.go
	Partition types.String  `tfsdk:"partition"`
	Geography types.String  `tfsdk:"geography"`
	OptIn     types.Bool    `tfsdk:"opt_in"`
	Regions   []regionModel `tfsdk:"regions"`
	Codes     []string      `tfsdk:"codes"`
}

type regionModel struct {
	Code      string `tfsdk:"code"`
	Name      string `tfsdk:"name"`
	Geography string `tfsdk:"geography"`
	Partition string `tfsdk:"partition"`
	OptIn     bool   `tfsdk:"opt_in"`
}

func (d *regionsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_regions"
}

func (d *regionsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "The AWS regions where Elastic Disaster Recovery is available (a static table, no API call), optionally narrowed to one partition or geography.",
		Attributes: map[string]schema.Attribute{
			"partition": schema.StringAttribute{Optional: true, Description: "Only regions of this partition: `aws` or `aws-us-gov`."},
			"geography": schema.StringAttribute{Optional: true, Description: "Only regions of this geography, e.g. `Europe`, `North America`, `Asia Pacific`."},
			"opt_in":    schema.BoolAttribute{Optional: true, Description: "Only opt-in regions (`true`), or only regions enabled in every account by default (`false`)."},
			"codes":     schema.ListAttribute{Computed: true, ElementType: types.StringType, Description: "The region codes, in the order of `regions`."},
			"regions": schema.ListNestedAttribute{
				Computed:    true,
				Description: "The regions.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"code":      schema.StringAttribute{Computed: true, Description: "Region code, e.g. `eu-west-1`."},
					"name":      schema.StringAttribute{Computed: true, Description: "Region name, e.g. `Europe (Ireland)`."},
					"geography": schema.StringAttribute{Computed: true, Description: "Geography: North America, South America, Europe, Asia Pacific, Middle East or Africa."},
					"partition": schema.StringAttribute{Computed: true, Description: "AWS partition: `aws` or `aws-us-gov`."},
					"opt_in": schema.BoolAttribute{Computed: true, Description: "Whether the region is an opt-in region: disabled in an account until the account enables it " +
						"(regions launched after 20 March 2019; see the AWS Account Management guide, \"Enable or disable AWS Regions in your account\"). " +
						"`drsorch_source_servers` reports such a region in `disabled_regions` when the account has not enabled it."},
				}},
			},
		},
	}
}

func (d *regionsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m regionsModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	m.Regions, m.Codes = []regionModel{}, []string{}
	for _, r := range drsRegions {
		if p := m.Partition.ValueString(); p != "" && p != r.Partition {
			continue
		}
		if g := m.Geography.ValueString(); g != "" && g != r.Geography {
			continue
		}
		if !m.OptIn.IsNull() && m.OptIn.ValueBool() != r.OptIn {
			continue
		}
		m.Regions = append(m.Regions, regionModel(r))
		m.Codes = append(m.Codes, r.Code)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

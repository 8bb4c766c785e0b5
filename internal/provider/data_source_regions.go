package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// drsRegion is one region where AWS Elastic Disaster Recovery is offered.
type drsRegion struct {
	Code, Name, Geography, Partition string
}

// drsRegions follows the DRS user guide's list of supported regions and the
// drs endpoints of the AWS SDK endpoint data (28 commercial regions, 2
// GovCloud). The European Sovereign Cloud partition is left out.
var drsRegions = []drsRegion{
	{"us-east-1", "US East (N. Virginia)", "North America", "aws"},
	{"us-east-2", "US East (Ohio)", "North America", "aws"},
	{"us-west-1", "US West (N. California)", "North America", "aws"},
	{"us-west-2", "US West (Oregon)", "North America", "aws"},
	{"ca-central-1", "Canada (Central)", "North America", "aws"},
	{"sa-east-1", "South America (São Paulo)", "South America", "aws"},
	{"af-south-1", "Africa (Cape Town)", "Africa", "aws"},
	{"ap-east-1", "Asia Pacific (Hong Kong)", "Asia Pacific", "aws"},
	{"ap-south-1", "Asia Pacific (Mumbai)", "Asia Pacific", "aws"},
	{"ap-south-2", "Asia Pacific (Hyderabad)", "Asia Pacific", "aws"},
	{"ap-northeast-1", "Asia Pacific (Tokyo)", "Asia Pacific", "aws"},
	{"ap-northeast-2", "Asia Pacific (Seoul)", "Asia Pacific", "aws"},
	{"ap-northeast-3", "Asia Pacific (Osaka)", "Asia Pacific", "aws"},
	{"ap-southeast-1", "Asia Pacific (Singapore)", "Asia Pacific", "aws"},
	{"ap-southeast-2", "Asia Pacific (Sydney)", "Asia Pacific", "aws"},
	{"ap-southeast-3", "Asia Pacific (Jakarta)", "Asia Pacific", "aws"},
	{"ap-southeast-4", "Asia Pacific (Melbourne)", "Asia Pacific", "aws"},
	{"eu-central-1", "Europe (Frankfurt)", "Europe", "aws"},
	{"eu-central-2", "Europe (Zurich)", "Europe", "aws"},
	{"eu-west-1", "Europe (Ireland)", "Europe", "aws"},
	{"eu-west-2", "Europe (London)", "Europe", "aws"},
	{"eu-west-3", "Europe (Paris)", "Europe", "aws"},
	{"eu-south-1", "Europe (Milan)", "Europe", "aws"},
	{"eu-south-2", "Europe (Spain)", "Europe", "aws"},
	{"eu-north-1", "Europe (Stockholm)", "Europe", "aws"},
	{"il-central-1", "Israel (Tel Aviv)", "Middle East", "aws"},
	{"me-central-1", "Middle East (UAE)", "Middle East", "aws"},
	{"me-south-1", "Middle East (Bahrain)", "Middle East", "aws"},
	{"us-gov-east-1", "AWS GovCloud (US-East)", "North America", "aws-us-gov"},
	{"us-gov-west-1", "AWS GovCloud (US-West)", "North America", "aws-us-gov"},
}

type regionsDataSource struct{}

func newRegionsDataSource() datasource.DataSource { return &regionsDataSource{} }

type regionsModel struct {
	Partition types.String  `tfsdk:"partition"`
	Geography types.String  `tfsdk:"geography"`
	Regions   []regionModel `tfsdk:"regions"`
	Codes     []string      `tfsdk:"codes"`
}

type regionModel struct {
	Code      string `tfsdk:"code"`
	Name      string `tfsdk:"name"`
	Geography string `tfsdk:"geography"`
	Partition string `tfsdk:"partition"`
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
			"codes":     schema.ListAttribute{Computed: true, ElementType: types.StringType, Description: "The region codes, in the order of `regions`."},
			"regions": schema.ListNestedAttribute{
				Computed:    true,
				Description: "The regions.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"code":      schema.StringAttribute{Computed: true, Description: "Region code, e.g. `eu-west-1`."},
					"name":      schema.StringAttribute{Computed: true, Description: "Region name, e.g. `Europe (Ireland)`."},
					"geography": schema.StringAttribute{Computed: true, Description: "Geography: North America, South America, Europe, Asia Pacific, Middle East or Africa."},
					"partition": schema.StringAttribute{Computed: true, Description: "AWS partition: `aws` or `aws-us-gov`."},
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
		m.Regions = append(m.Regions, regionModel(r))
		m.Codes = append(m.Codes, r.Code)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

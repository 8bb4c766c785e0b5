package provider

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	drstypes "github.com/aws/aws-sdk-go-v2/service/drs/types"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/drsorch/terraform-provider-drsorch/internal/awsclient"
	"github.com/drsorch/terraform-provider-drsorch/internal/drsapi"
)

type sourceServersDataSource struct{ clients *awsclient.Clients }

func newSourceServersDataSource() datasource.DataSource { return &sourceServersDataSource{} }

type sourceServersModel struct {
	regional                            // region: regional.go
	IDs               []string          `tfsdk:"ids"`
	Tags              map[string]string `tfsdk:"tags"`
	HostnameRegex     types.String      `tfsdk:"hostname_regex"`
	ReplicationStates []string          `tfsdk:"replication_states"`
	ReadyForRecovery  types.Bool        `tfsdk:"ready_for_recovery"`
	Regions           []string          `tfsdk:"regions"`
	Servers           types.List        `tfsdk:"servers"`
	ServerIDs         types.List        `tfsdk:"server_ids"`
	Uninitialized     types.List        `tfsdk:"uninitialized_regions"`
	Disabled          types.List        `tfsdk:"disabled_regions"`
}

func (d *sourceServersDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_source_servers"
}

func replicationStateValues() []string {
	var out []string
	for _, v := range drstypes.DataReplicationState("").Values() {
		out = append(out, string(v))
	}
	return out
}

func (d *sourceServersDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "DRS source servers, read in pages of 1,000 (IDs are filtered by DRS itself; the other filters apply to what it returns), optionally across several regions at once. Every filter that is set must match.",
		Attributes: map[string]schema.Attribute{
			"ids": schema.ListAttribute{
				Optional: true, ElementType: types.StringType,
				Description: "Only these source server IDs.",
				Validators:  []validator.List{listvalidator.ValueStringsAre(stringvalidator.RegexMatches(sourceServerIDPattern, "must be a source server ID like s-1234567890abcdef0"))},
			},
			"tags": schema.MapAttribute{
				Optional: true, ElementType: types.StringType,
				Description: "Only servers carrying every one of these tags with these values.",
			},
			"hostname_regex": schema.StringAttribute{
				Optional:    true,
				Description: "Only servers whose hostname matches this regular expression (Go RE2 syntax).",
			},
			"replication_states": schema.ListAttribute{
				Optional: true, ElementType: types.StringType,
				Description: "Only servers in one of these data replication states.",
				Validators:  []validator.List{listvalidator.ValueStringsAre(stringvalidator.OneOf(replicationStateValues()...))},
			},
			"ready_for_recovery": schema.BoolAttribute{
				Optional:    true,
				Description: "Only servers that are (true) or are not (false) ready for recovery: replication CONTINUOUS without error.",
			},
			"regions": schema.ListAttribute{
				Optional: true, ElementType: types.StringType,
				Description: "Regions to search, concurrently. Defaults to the provider's region.",
				Validators:  []validator.List{listvalidator.UniqueValues(), listvalidator.SizeAtLeast(1)},
			},
			"uninitialized_regions": schema.ListAttribute{
				Computed: true, ElementType: types.StringType,
				Description: "Regions searched where DRS was never initialized (so they hold no servers). A warning names them too.",
			},
			"disabled_regions": schema.ListAttribute{
				Computed: true, ElementType: types.StringType,
				Description: "Opt-in regions searched that the account has not enabled, so no servers could be read there. AWS refuses the credentials in such a region " +
					"as if they were wrong, so a region is reported here only when it is an opt-in region (see `drsorch_regions`) and another region of the same read " +
					"accepted the credentials; otherwise the read fails. A warning names them too.",
			},
			"server_ids": schema.ListAttribute{Computed: true, ElementType: types.StringType, Description: "IDs of the matching servers, in the order of `servers`."},
			"servers": schema.ListNestedAttribute{
				Computed:     true,
				Description:  "The matching servers, ordered by region, then ID.",
				NestedObject: schema.NestedAttributeObject{Attributes: sourceServerItemAttributes()},
			},
		},
	}
}

var sourceServerIDPattern = regexp.MustCompile(`^s-[0-9a-zA-Z]{17}$`)

func (d *sourceServersDataSource) ValidateConfig(ctx context.Context, req datasource.ValidateConfigRequest, resp *datasource.ValidateConfigResponse) {
	var re types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("hostname_regex"), &re)...)
	if re.IsNull() || re.IsUnknown() {
		return
	}
	if _, err := regexp.Compile(re.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("hostname_regex"), "Invalid regular expression",
			fmt.Sprintf("%q does not compile: %v. Use Go RE2 syntax, e.g. \"^db-\".", re.ValueString(), err))
	}
}

func (d *sourceServersDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.clients = clientsFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *sourceServersDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m sourceServersModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	filter := drsapi.ServerFilter{Tags: m.Tags}
	if !m.HostnameRegex.IsNull() {
		filter.HostnameRegex = regexp.MustCompile(m.HostnameRegex.ValueString()) // checked in ValidateConfig
	}
	for _, s := range m.ReplicationStates {
		filter.ReplicationStates = append(filter.ReplicationStates, drstypes.DataReplicationState(s))
	}
	if !m.ReadyForRecovery.IsNull() {
		ready := m.ReadyForRecovery.ValueBool()
		filter.ReadyForRecovery = &ready
	}
	regions := m.Regions
	if len(regions) == 0 {
		regions = []string{d.clients.Region}
	}
	found, err := drsapi.ListInRegions(ctx, regions, func(ctx context.Context, region string) ([]drstypes.SourceServer, error) {
		cache := d.clients.ForRegion(region).SourceServers()
		if len(m.IDs) > 0 {
			return cache.Filter(ctx, m.IDs)
		}
		servers, err := cache.List(ctx)
		return slices.Clone(servers), err // sorted below; the cached listing is shared
	})
	if err != nil {
		addAPIError(&resp.Diagnostics, "read DRS source servers", err)
		return
	}
	items, ids, uninitialized, disabled := []sourceServerItem{}, []string{}, []string{}, []string{}
	for _, rs := range found {
		if rs.Uninitialized {
			uninitialized = append(uninitialized, rs.Region)
			continue
		}
		if rs.Disabled {
			disabled = append(disabled, rs.Region)
			continue
		}
		sort.Slice(rs.Servers, func(i, j int) bool {
			return aws.ToString(rs.Servers[i].SourceServerID) < aws.ToString(rs.Servers[j].SourceServerID)
		})
		for _, s := range rs.Servers {
			if filter.Match(s) {
				item := flattenSourceServer(rs.Region, s)
				items = append(items, item)
				ids = append(ids, item.ID.ValueString())
			}
		}
	}
	list, diags := sourceServerList(items)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	// The inputs pass through from the configuration; only the results are
	// set, without the framework's per-item reflection.
	resp.State.Raw = req.Config.Raw
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("servers"), list)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("server_ids"), ids)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("uninitialized_regions"), uninitialized)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("disabled_regions"), disabled)...)
	if len(uninitialized) > 0 {
		resp.Diagnostics.AddWarning("DRS is not initialized in some regions",
			fmt.Sprintf("No source servers were read in %s: Elastic Disaster Recovery was never initialized there. "+
				"Initialize it where you replicate servers, or leave those regions out of `regions`.", strings.Join(uninitialized, ", ")))
	}
	if len(disabled) > 0 {
		resp.Diagnostics.AddAttributeWarning(path.Root("regions"), "Opt-in regions not enabled in the account",
			fmt.Sprintf("No source servers were read in %s: AWS refused the credentials there although other regions accepted them, "+
				"which is how AWS answers in an opt-in region the account has not enabled. Enable the regions in the account "+
				"(AWS console: Account, AWS Regions; or `aws account enable-region --region-name REGION`), or leave them out of `regions`.",
				strings.Join(disabled, ", ")))
	}
}

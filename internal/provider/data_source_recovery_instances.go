package provider

import (
	"context"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/drs"
	drstypes "github.com/aws/aws-sdk-go-v2/service/drs/types"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

type recoveryInstancesDataSource struct{ data *providerData }

func newRecoveryInstancesDataSource() datasource.DataSource { return &recoveryInstancesDataSource{} }

type recoveryInstancesDataModel struct {
	regional                                  // region: regional.go
	SourceServerIDs   []string                `tfsdk:"source_server_ids"`
	IsDrill           types.Bool              `tfsdk:"is_drill"`
	ExecutionARN      types.String            `tfsdk:"execution_arn"`
	RecoveryInstances []recoveryInstanceModel `tfsdk:"recovery_instances"`
}

type recoveryInstanceModel struct {
	RecoveryInstanceID          string            `tfsdk:"recovery_instance_id"`
	SourceServerID              string            `tfsdk:"source_server_id"`
	EC2InstanceID               types.String      `tfsdk:"ec2_instance_id"`
	EC2InstanceState            string            `tfsdk:"ec2_instance_state"`
	IsDrill                     bool              `tfsdk:"is_drill"`
	JobID                       types.String      `tfsdk:"job_id"`
	PointInTimeSnapshotDateTime types.String      `tfsdk:"point_in_time_snapshot_date_time"`
	ARN                         string            `tfsdk:"arn"`
	Tags                        map[string]string `tfsdk:"tags"`
}

// maxIDsPerFilter is DRS's limit on IDs in one DescribeRecoveryInstances filter.
const maxIDsPerFilter = 200

func (d *recoveryInstancesDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_recovery_instances"
}

func (d *recoveryInstancesDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	str := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{Computed: true, Description: desc}
	}
	resp.Schema = schema.Schema{
		Description: "DRS recovery instances (DescribeRecoveryInstances, every page), filtered by source servers, drill or not, " +
			"and/or the recovery plan execution whose jobs launched them. Without filters, every recovery instance in the region.",
		Attributes: map[string]schema.Attribute{
			"source_server_ids": schema.SetAttribute{
				ElementType: types.StringType, Optional: true, Description: "Keep only the recovery instances of these source servers.",
				Validators: []validator.Set{setvalidator.SizeAtLeast(1), setvalidator.ValueStringsAre(
					stringvalidator.RegexMatches(sourceServerIDPattern, "must be a source server ID like s-1234567890abcdef0"))},
			},
			"is_drill": schema.BoolAttribute{Optional: true, Description: "`true`: only drill instances; `false`: only recovery instances; unset: both."},
			"execution_arn": schema.StringAttribute{
				Optional: true, Description: "Keep only the instances the recovery jobs of this recovery plan execution launched.",
				Validators: []validator.String{funcValidator{what: "execution ARN", check: checkExecutionARN}},
			},
			"recovery_instances": schema.ListNestedAttribute{
				Computed: true, Description: "Matching recovery instances.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"recovery_instance_id":             str("Recovery instance ID."),
					"source_server_id":                 str("Source server it recovers."),
					"ec2_instance_id":                  str("EC2 instance ID."),
					"ec2_instance_state":               str("EC2 instance state: `PENDING`, `RUNNING`, `STOPPING`, `STOPPED`, `SHUTTING-DOWN`, `TERMINATED` or `NOT_FOUND`."),
					"is_drill":                         schema.BoolAttribute{Computed: true, Description: "Whether a drill launched it."},
					"job_id":                           str("The DRS job that launched it."),
					"point_in_time_snapshot_date_time": str("Time of the point-in-time snapshot it was launched from."),
					"arn":                              str("Recovery instance ARN."),
					"tags":                             schema.MapAttribute{ElementType: types.StringType, Computed: true, Description: "Tags of the recovery instance."},
				}},
			},
		},
	}
}

func (d *recoveryInstancesDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *recoveryInstancesDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m recoveryInstancesDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	api := d.data.clients.DRS
	servers := m.SourceServerIDs
	var jobs map[string]bool // nil: any job
	if execARN := m.ExecutionARN.ValueString(); execARN != "" {
		e, ok := describeExecution(ctx, d.data.clients, execARN, path.Root("execution_arn"), &resp.Diagnostics)
		if !ok {
			return
		}
		api = executionClients(d.data.clients, execARN).DRS
		jobs = map[string]bool{}
		var launched []string
		for _, w := range e.Waves {
			if w.JobID == "" {
				continue
			}
			jobs[w.JobID] = true
			for _, s := range w.Servers {
				if m.SourceServerIDs == nil || slices.Contains(m.SourceServerIDs, s.SourceServerID) {
					launched = append(launched, s.SourceServerID)
				}
			}
		}
		if len(launched) == 0 {
			m.RecoveryInstances = []recoveryInstanceModel{}
			resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
			return
		}
		servers = launched
	}
	found, err := describeRecoveryInstances(ctx, api, servers)
	if err != nil {
		addAPIError(&resp.Diagnostics, "read DRS recovery instances", err)
		return
	}
	m.RecoveryInstances = []recoveryInstanceModel{}
	for _, ri := range found {
		if !m.IsDrill.IsNull() && aws.ToBool(ri.IsDrill) != m.IsDrill.ValueBool() ||
			jobs != nil && !jobs[aws.ToString(ri.JobID)] {
			continue
		}
		m.RecoveryInstances = append(m.RecoveryInstances, recoveryInstanceToModel(ri))
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// describeRecoveryInstances reads the recovery instances of servers (all
// of them when servers is nil), in filters of at most 200 IDs.
func describeRecoveryInstances(ctx context.Context, api *drs.Client, servers []string) ([]drstypes.RecoveryInstance, error) {
	var chunks [][]string
	if servers == nil {
		chunks = [][]string{nil}
	}
	for start := 0; start < len(servers); start += maxIDsPerFilter {
		chunks = append(chunks, servers[start:min(start+maxIDsPerFilter, len(servers))])
	}
	var all []drstypes.RecoveryInstance
	for _, chunk := range chunks {
		in := &drs.DescribeRecoveryInstancesInput{}
		if chunk != nil {
			in.Filters = &drstypes.DescribeRecoveryInstancesRequestFilters{SourceServerIDs: chunk}
		}
		pages := drs.NewDescribeRecoveryInstancesPaginator(api, in)
		for pages.HasMorePages() {
			page, err := pages.NextPage(ctx)
			if err != nil {
				return nil, err
			}
			all = append(all, page.Items...)
		}
	}
	return all, nil
}

func recoveryInstanceToModel(ri drstypes.RecoveryInstance) recoveryInstanceModel {
	tags := ri.Tags
	if tags == nil {
		tags = map[string]string{}
	}
	return recoveryInstanceModel{
		RecoveryInstanceID: aws.ToString(ri.RecoveryInstanceID), SourceServerID: aws.ToString(ri.SourceServerID),
		EC2InstanceID: optionalString(aws.ToString(ri.Ec2InstanceID)), EC2InstanceState: string(ri.Ec2InstanceState),
		IsDrill: aws.ToBool(ri.IsDrill), JobID: optionalString(aws.ToString(ri.JobID)),
		PointInTimeSnapshotDateTime: optionalString(aws.ToString(ri.PointInTimeSnapshotDateTime)),
		ARN:                         aws.ToString(ri.Arn), Tags: tags,
	}
}

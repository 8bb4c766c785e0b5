package provider

import (
	"context"
	"fmt"
	"maps"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/drs"
	drstypes "github.com/aws/aws-sdk-go-v2/service/drs/types"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/drsorch/terraform-provider-drsorch/internal/awsclient"
)

type sourceServerDataSource struct{ clients *awsclient.Clients }

func newSourceServerDataSource() datasource.DataSource { return &sourceServerDataSource{} }

type sourceServerModel struct {
	sourceServerItem
	FQDN        types.String     `tfsdk:"fqdn"`
	CPUCores    types.Int64      `tfsdk:"cpu_cores"`
	RAMBytes    types.Int64      `tfsdk:"ram_bytes"`
	Disks       []diskModel      `tfsdk:"disks"`
	Replication replicationModel `tfsdk:"replication"`
	Launch      launchModel      `tfsdk:"launch"`
}

type diskModel struct {
	DeviceName             string `tfsdk:"device_name"`
	Bytes                  int64  `tfsdk:"bytes"`
	ReplicatedStorageBytes int64  `tfsdk:"replicated_storage_bytes"`
	BackloggedStorageBytes int64  `tfsdk:"backlogged_storage_bytes"`
}

type replicationModel struct {
	State        string `tfsdk:"state"`
	LagDuration  string `tfsdk:"lag_duration"`
	ETA          string `tfsdk:"eta"`
	Error        string `tfsdk:"error"`
	StagingZone  string `tfsdk:"staging_availability_zone"`
	ReplicatedOf string `tfsdk:"replicated_of_total"`
}

type launchModel struct {
	LastResult       string `tfsdk:"last_result"`
	LastJobID        string `tfsdk:"last_job_id"`
	LastType         string `tfsdk:"last_type"`
	LastStatus       string `tfsdk:"last_status"`
	LastInitiatedAt  string `tfsdk:"last_initiated_at"`
	Disposition      string `tfsdk:"launch_disposition"`
	RightSizing      string `tfsdk:"right_sizing_method"`
	CopyPrivateIP    bool   `tfsdk:"copy_private_ip"`
	CopyTags         bool   `tfsdk:"copy_tags"`
	LaunchTemplateID string `tfsdk:"ec2_launch_template_id"`
}

func (d *sourceServerDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_source_server"
}

func (d *sourceServerDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	str := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{Computed: true, Description: desc}
	}
	attrs := sourceServerItemAttributes()
	attrs["id"] = schema.StringAttribute{
		Required: true, Description: "Source server ID (`s-…`).",
		Validators: []validator.String{stringvalidator.RegexMatches(sourceServerIDPattern, "must be a source server ID like s-1234567890abcdef0")},
	}
	attrs["region"] = schema.StringAttribute{Optional: true, Computed: true, Description: "Region of the server. Defaults to the provider's region."}
	maps.Copy(attrs, map[string]schema.Attribute{
		"fqdn":      str("Fully qualified domain name reported by the agent."),
		"cpu_cores": schema.Int64Attribute{Computed: true, Description: "Total CPU cores of the source machine."},
		"ram_bytes": schema.Int64Attribute{Computed: true, Description: "Memory of the source machine in bytes."},
		"disks": schema.ListNestedAttribute{
			Computed: true, Description: "The source machine's disks with their replication progress.",
			NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
				"device_name":              str("Device name, e.g. `/dev/sda`."),
				"bytes":                    schema.Int64Attribute{Computed: true, Description: "Disk size in bytes."},
				"replicated_storage_bytes": schema.Int64Attribute{Computed: true, Description: "Bytes replicated so far."},
				"backlogged_storage_bytes": schema.Int64Attribute{Computed: true, Description: "Bytes written on the source and not yet replicated."},
			}},
		},
		"replication": schema.SingleNestedAttribute{
			Computed: true, Description: "Replication summary.",
			Attributes: map[string]schema.Attribute{
				"state":                     str("Data replication state."),
				"lag_duration":              str("Replication lag (ISO 8601 duration)."),
				"eta":                       str("Estimated time to reach continuous replication, when not there."),
				"error":                     str("Replication error code, empty when healthy."),
				"staging_availability_zone": str("Availability zone of the staging area."),
				"replicated_of_total":       str("Replicated bytes over total bytes, e.g. `100%`."),
			},
		},
		"launch": schema.SingleNestedAttribute{
			Computed: true, Description: "Last launch and the launch configuration (GetLaunchConfiguration).",
			Attributes: map[string]schema.Attribute{
				"last_result":            str("Result of the last launch."),
				"last_job_id":            str("Job of the last launch."),
				"last_type":              str("Type of the last launch: `RECOVERY` or `DRILL`."),
				"last_status":            str("Launch status of the last launch, e.g. `LAUNCHED`."),
				"last_initiated_at":      str("When the last launch was requested."),
				"launch_disposition":     str("Whether the recovery instance is started: `STARTED` or `STOPPED`."),
				"right_sizing_method":    str("Instance type right-sizing method: `NONE`, `BASIC` or `IN_AWS`."),
				"copy_private_ip":        schema.BoolAttribute{Computed: true, Description: "Whether the source private IP is copied to the recovery instance."},
				"copy_tags":              schema.BoolAttribute{Computed: true, Description: "Whether the source server's tags are copied to the recovery instance."},
				"ec2_launch_template_id": str("EC2 launch template DRS uses for this server."),
			},
		},
	})
	resp.Schema = schema.Schema{
		Description: "One DRS source server by ID, with its disks, replication summary and launch summary.",
		Attributes:  attrs,
	}
}

func (d *sourceServerDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.clients = clientsFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *sourceServerDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var id, region types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("id"), &id)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("region"), &region)...)
	if resp.Diagnostics.HasError() {
		return
	}
	clients := d.clients.ForRegion(region.ValueString())
	server, found, err := clients.SourceServers().Get(ctx, id.ValueString())
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("read DRS source server %s in %s", id.ValueString(), clients.Region), err)
		return
	}
	if !found {
		resp.Diagnostics.AddAttributeError(path.Root("id"), "Source server not found",
			fmt.Sprintf("DRS has no source server %s in %s. Check the ID and the region (set `region` on the data source or the provider), or list the servers with data.drsorch_source_servers.", id.ValueString(), clients.Region))
		return
	}
	launch, err := clients.DRS.GetLaunchConfiguration(ctx, &drs.GetLaunchConfigurationInput{SourceServerID: server.SourceServerID})
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("read the launch configuration of %s", id.ValueString()), err)
		return
	}
	m := flattenSourceServerDetail(clients.Region, server, launch)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func flattenSourceServerDetail(region string, s drstypes.SourceServer, lc *drs.GetLaunchConfigurationOutput) sourceServerModel {
	m := sourceServerModel{sourceServerItem: flattenSourceServer(region, s), Disks: []diskModel{}}
	m.FQDN, m.CPUCores, m.RAMBytes = types.StringValue(""), types.Int64Value(0), types.Int64Value(0)
	replicated := map[string]drstypes.DataReplicationInfoReplicatedDisk{}
	if ri := s.DataReplicationInfo; ri != nil {
		m.Replication = replicationModel{
			State: string(ri.DataReplicationState), LagDuration: aws.ToString(ri.LagDuration),
			ETA: aws.ToString(ri.EtaDateTime), StagingZone: aws.ToString(ri.StagingAvailabilityZone),
		}
		if ri.DataReplicationError != nil {
			m.Replication.Error = string(ri.DataReplicationError.Error)
		}
		var total, done int64
		for _, rd := range ri.ReplicatedDisks {
			replicated[aws.ToString(rd.DeviceName)] = rd
			total += rd.TotalStorageBytes
			done += rd.ReplicatedStorageBytes
		}
		if total > 0 {
			m.Replication.ReplicatedOf = fmt.Sprintf("%d%%", done*100/total)
		}
	}
	if p := s.SourceProperties; p != nil {
		if p.IdentificationHints != nil {
			m.FQDN = types.StringValue(aws.ToString(p.IdentificationHints.Fqdn))
		}
		var cores int64
		for _, c := range p.Cpus {
			cores += c.Cores
		}
		m.CPUCores, m.RAMBytes = types.Int64Value(cores), types.Int64Value(p.RamBytes)
		for _, disk := range p.Disks {
			name := aws.ToString(disk.DeviceName)
			rd := replicated[name]
			m.Disks = append(m.Disks, diskModel{DeviceName: name, Bytes: disk.Bytes,
				ReplicatedStorageBytes: rd.ReplicatedStorageBytes, BackloggedStorageBytes: rd.BackloggedStorageBytes})
		}
	}
	m.Launch.LastResult = string(s.LastLaunchResult)
	if lc := s.LifeCycle; lc != nil && lc.LastLaunch != nil {
		m.Launch.LastStatus = string(lc.LastLaunch.Status)
		if in := lc.LastLaunch.Initiated; in != nil {
			m.Launch.LastJobID, m.Launch.LastType, m.Launch.LastInitiatedAt = aws.ToString(in.JobID), string(in.Type), aws.ToString(in.ApiCallDateTime)
		}
	}
	if lc != nil {
		m.Launch.Disposition = string(lc.LaunchDisposition)
		m.Launch.RightSizing = string(lc.TargetInstanceTypeRightSizingMethod)
		m.Launch.CopyPrivateIP = aws.ToBool(lc.CopyPrivateIp)
		m.Launch.CopyTags = aws.ToBool(lc.CopyTags)
		m.Launch.LaunchTemplateID = aws.ToString(lc.Ec2LaunchTemplateID)
	}
	return m
}

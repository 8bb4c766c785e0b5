package provider

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/drs"
	drstypes "github.com/aws/aws-sdk-go-v2/service/drs/types"
	"github.com/hashicorp/terraform-plugin-framework-validators/datasourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/drsorch/terraform-provider-drsorch/internal/statemachine"
)

type jobEventsDataSource struct{ data *providerData }

func newJobEventsDataSource() datasource.DataSource { return &jobEventsDataSource{} }

type jobEventsDataModel struct {
	regional                     // region: regional.go
	JobID        types.String    `tfsdk:"job_id"`
	ExecutionARN types.String    `tfsdk:"execution_arn"`
	Events       []jobEventModel `tfsdk:"events"`
}

type jobEventModel struct {
	JobID       string            `tfsdk:"job_id"`
	Wave        types.String      `tfsdk:"wave"`
	Event       string            `tfsdk:"event"`
	LogDateTime string            `tfsdk:"log_date_time"`
	EventData   jobEventDataModel `tfsdk:"event_data"`
}

type jobEventDataModel struct {
	SourceServerID     types.String `tfsdk:"source_server_id"`
	ConversionServerID types.String `tfsdk:"conversion_server_id"`
	TargetInstanceID   types.String `tfsdk:"target_instance_id"`
	RawError           types.String `tfsdk:"raw_error"`
	AttemptCount       types.Int64  `tfsdk:"attempt_count"`
	MaxAttemptsCount   types.Int64  `tfsdk:"max_attempts_count"`
}

var jobIDPattern = regexp.MustCompile(`^drsjob-[0-9a-zA-Z]{17}$`)

func (d *jobEventsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_job_events"
}

func (d *jobEventsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	str := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{Computed: true, Description: desc}
	}
	resp.Schema = schema.Schema{
		Description: "The DRS job log (DescribeJobLogItems, every page) of one job, or of every recovery job of a recovery plan execution, " +
			"in time order: snapshots, conversions, launches and failures per source server.",
		Attributes: map[string]schema.Attribute{
			"job_id": schema.StringAttribute{
				Optional: true, Description: "DRS job ID (`drsjob-…`). Set this or `execution_arn`.",
				Validators: []validator.String{stringvalidator.RegexMatches(jobIDPattern, "must be a DRS job ID like drsjob-1234567890abcdef0")},
			},
			"execution_arn": schema.StringAttribute{
				Optional: true, Description: "Execution ARN of a recovery plan run: the events of every wave's recovery job.",
				Validators: []validator.String{funcValidator{what: "execution ARN", check: checkExecutionARN}},
			},
			"events": schema.ListNestedAttribute{
				Computed: true, Description: "Job log items, oldest first.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"job_id":        str("The job the event belongs to."),
					"wave":          str("The recovery plan wave that started the job (its `drsorch:wave` tag); null for jobs drsorch did not start."),
					"event":         str("Event, e.g. `JOB_START`, `SNAPSHOT_START`, `CONVERSION_END`, `LAUNCH_START`, `LAUNCH_FAILED`, `JOB_END`."),
					"log_date_time": str("When it happened (as DRS reports it, RFC 3339)."),
					"event_data": schema.SingleNestedAttribute{
						Computed: true, Description: "Event details; each field is null when the event does not carry it.",
						Attributes: map[string]schema.Attribute{
							"source_server_id":     str("Source server the event is about."),
							"conversion_server_id": str("Conversion server used."),
							"target_instance_id":   str("EC2 instance launched."),
							"raw_error":            str("Error text of a failure event."),
							"attempt_count":        schema.Int64Attribute{Computed: true, Description: "Attempt number of a retried step."},
							"max_attempts_count":   schema.Int64Attribute{Computed: true, Description: "Attempts allowed for a retried step."},
						},
					},
				}},
			},
		},
	}
}

func (d *jobEventsDataSource) ConfigValidators(context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{
		datasourcevalidator.ExactlyOneOf(path.MatchRoot("job_id"), path.MatchRoot("execution_arn")),
	}
}

func (d *jobEventsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// waveJob is a job and the wave that started it ("" when unknown).
type waveJob struct{ jobID, wave string }

func (d *jobEventsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m jobEventsDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	var (
		api  *drs.Client
		jobs []waveJob
		ok   bool
	)
	if id := m.JobID.ValueString(); id != "" {
		api = d.data.clients.DRS
		jobs, ok = jobWithWave(ctx, api, id, &resp.Diagnostics)
	} else {
		execARN := m.ExecutionARN.ValueString()
		api = executionClients(d.data.clients, execARN).DRS
		jobs, ok = executionJobs(ctx, d, execARN, &resp.Diagnostics)
	}
	if !ok {
		return
	}
	events := []jobEventModel{}
	for _, j := range jobs {
		logs, err := jobLog(ctx, api, j.jobID)
		if err != nil {
			addAPIError(&resp.Diagnostics, "read the log of DRS job "+j.jobID, err)
			return
		}
		for _, l := range logs {
			events = append(events, jobEventToModel(j, l))
		}
	}
	// Each job's log is in order already; the stable sort interleaves the
	// jobs by time and keeps same-instant events in job order.
	sort.SliceStable(events, func(i, k int) bool {
		return parseLogTime(events[i].LogDateTime).Before(parseLogTime(events[k].LogDateTime))
	})
	m.Events = events
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// jobWithWave checks that the job exists and finds its wave tag.
func jobWithWave(ctx context.Context, api *drs.Client, id string, diags *diag.Diagnostics) ([]waveJob, bool) {
	out, err := api.DescribeJobs(ctx, &drs.DescribeJobsInput{Filters: &drstypes.DescribeJobsRequestFilters{JobIDs: []string{id}}})
	if err != nil {
		addAPIError(diags, "read DRS job "+id, err)
		return nil, false
	}
	for _, j := range out.Items {
		if aws.ToString(j.JobID) == id {
			return []waveJob{{jobID: id, wave: j.Tags[statemachine.TagWave]}}, true
		}
	}
	diags.AddAttributeError(path.Root("job_id"), "DRS job not found",
		fmt.Sprintf("DRS has no job %s in %s. Check the ID and the provider's region; deleted jobs have no log.", id, api.Options().Region))
	return nil, false
}

// executionJobs lists the recovery jobs of an execution's waves, in wave
// (level) order.
func executionJobs(ctx context.Context, d *jobEventsDataSource, execARN string, diags *diag.Diagnostics) ([]waveJob, bool) {
	e, ok := describeExecution(ctx, d.data.clients, execARN, path.Root("execution_arn"), diags)
	if !ok {
		return nil, false
	}
	var jobs []waveJob
	for _, w := range e.Waves {
		if w.JobID != "" {
			jobs = append(jobs, waveJob{jobID: w.JobID, wave: w.Name})
		}
	}
	return jobs, true
}

func jobLog(ctx context.Context, api *drs.Client, id string) ([]drstypes.JobLog, error) {
	var all []drstypes.JobLog
	pages := drs.NewDescribeJobLogItemsPaginator(api, &drs.DescribeJobLogItemsInput{JobID: aws.String(id)})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		var missing *drstypes.ResourceNotFoundException
		if errors.As(err, &missing) {
			return nil, fmt.Errorf("job %s no longer exists (deleted since the execution ran): %w", id, err)
		}
		if err != nil {
			return nil, err
		}
		all = append(all, page.Items...)
	}
	return all, nil
}

func jobEventToModel(j waveJob, l drstypes.JobLog) jobEventModel {
	m := jobEventModel{
		JobID: j.jobID, Wave: optionalString(j.wave), Event: string(l.Event), LogDateTime: aws.ToString(l.LogDateTime),
		EventData: jobEventDataModel{
			SourceServerID: types.StringNull(), ConversionServerID: types.StringNull(), TargetInstanceID: types.StringNull(),
			RawError: types.StringNull(), AttemptCount: types.Int64Null(), MaxAttemptsCount: types.Int64Null(),
		},
	}
	if ed := l.EventData; ed != nil {
		m.EventData.SourceServerID = optionalString(aws.ToString(ed.SourceServerID))
		m.EventData.ConversionServerID = optionalString(aws.ToString(ed.ConversionServerID))
		m.EventData.TargetInstanceID = optionalString(aws.ToString(ed.TargetInstanceID))
		m.EventData.RawError = optionalString(aws.ToString(ed.RawError))
		if ed.AttemptCount > 0 || ed.MaxAttemptsCount > 0 {
			m.EventData.AttemptCount = types.Int64Value(ed.AttemptCount)
			m.EventData.MaxAttemptsCount = types.Int64Value(ed.MaxAttemptsCount)
		}
	}
	return m
}

// parseLogTime reads DRS's timestamps; an unreadable one sorts first.
func parseLogTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}
	}
	return t
}

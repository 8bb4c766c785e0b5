package provider

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws/arn"
	sfntypes "github.com/aws/aws-sdk-go-v2/service/sfn/types"
	smithy "github.com/aws/smithy-go"
	"github.com/hashicorp/terraform-plugin-framework-validators/datasourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/drsorch/terraform-provider-drsorch/internal/awsclient"
	"github.com/drsorch/terraform-provider-drsorch/internal/executions"
	"github.com/drsorch/terraform-provider-drsorch/internal/plans"
)

type executionDataSource struct{ data *providerData }

func newExecutionDataSource() datasource.DataSource { return &executionDataSource{} }

type executionDataModel struct {
	regional                          // region: regional.go
	ARN          types.String         `tfsdk:"arn"`
	Plan         types.String         `tfsdk:"plan"`
	Name         types.String         `tfsdk:"name"`
	Type         types.String         `tfsdk:"type"`
	Status       types.String         `tfsdk:"status"`
	Phase        types.String         `tfsdk:"phase"`
	StartedAt    types.String         `tfsdk:"started_at"`
	StoppedAt    types.String         `tfsdk:"stopped_at"`
	InvokedBy    types.String         `tfsdk:"invoked_by"`
	PointInTime  types.String         `tfsdk:"point_in_time"`
	VersionARN   types.String         `tfsdk:"state_machine_version_arn"`
	PausedBefore types.String         `tfsdk:"paused_before"`
	Error        types.String         `tfsdk:"error"`
	Cause        types.String         `tfsdk:"cause"`
	Waves        []executionWaveModel `tfsdk:"waves"`
}

type executionWaveModel struct {
	Name        string                 `tfsdk:"name"`
	Level       int64                  `tfsdk:"level"`
	Status      string                 `tfsdk:"status"`
	PauseBefore bool                   `tfsdk:"pause_before"`
	JobID       types.String           `tfsdk:"job_id"`
	StartedAt   types.String           `tfsdk:"started_at"`
	EndedAt     types.String           `tfsdk:"ended_at"`
	Error       types.String           `tfsdk:"error"`
	Cause       types.String           `tfsdk:"cause"`
	Servers     []executionServerModel `tfsdk:"servers"`
	Steps       []executionStepValue   `tfsdk:"steps"`

	ApprovedBy     types.String `tfsdk:"approved_by"`
	ApprovedAt     types.String `tfsdk:"approved_at"`
	ApprovalReason types.String `tfsdk:"approval_reason"`
}

type executionServerModel struct {
	SourceServerID     string       `tfsdk:"source_server_id"`
	LaunchStatus       types.String `tfsdk:"launch_status"`
	RecoveryInstanceID types.String `tfsdk:"recovery_instance_id"`
	EC2InstanceID      types.String `tfsdk:"ec2_instance_id"`
	EC2InstanceState   types.String `tfsdk:"ec2_instance_state"`
	RecoverySnapshotID types.String `tfsdk:"recovery_snapshot_id"`
	SnapshotTime       types.String `tfsdk:"snapshot_time"`

	LaunchError   types.String                 `tfsdk:"launch_error"`
	LaunchActions []executionLaunchActionModel `tfsdk:"launch_actions"`
}

// executionLaunchActionModel is one DRS launch action (post-launch
// action) run on a server's recovery instance.
type executionLaunchActionModel struct {
	Name          types.String `tfsdk:"name"`
	Document      types.String `tfsdk:"document"`
	Order         types.Int64  `tfsdk:"order"`
	MustSucceed   types.Bool   `tfsdk:"must_succeed"`
	Status        types.String `tfsdk:"status"`
	FailureReason types.String `tfsdk:"failure_reason"`
}

func executionLaunchActions(runs []executions.LaunchActionRun) []executionLaunchActionModel {
	out := []executionLaunchActionModel{}
	for _, r := range runs {
		out = append(out, executionLaunchActionModel{Name: optString(r.Name), Document: optString(r.Document), Order: types.Int64Value(int64(r.Order)),
			MustSucceed: types.BoolValue(r.MustSucceed), Status: optString(r.Status), FailureReason: optString(r.FailureReason)})
	}
	return out
}

func (d *executionDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_execution"
}

func (d *executionDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	str := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{Computed: true, Description: desc}
	}
	resp.Schema = schema.Schema{
		Description: "One run of a recovery plan (a drill or a recovery), by execution ARN or by plan and execution name: its Step Functions status, " +
			"the drsorch-level phase, and the progress of every wave and server. Works for runs started outside Terraform (CLI, console, EventBridge).",
		Attributes: map[string]schema.Attribute{
			"arn": schema.StringAttribute{
				Optional: true, Computed: true,
				Description: "Execution ARN (`arn:<partition>:states:<region>:<account>:execution:drsorch-plan-<plan>:<name>`). Set this, or `plan` and `name`.",
				Validators:  []validator.String{funcValidator{what: "execution ARN", check: checkExecutionARN}},
			},
			"plan": schema.StringAttribute{
				Optional: true, Computed: true,
				Description: "Recovery plan name. With `name`, finds the execution in the provider's region and account.",
				Validators:  []validator.String{funcValidator{what: "recovery plan name", check: plans.ValidateName}},
			},
			"name": schema.StringAttribute{
				Optional: true, Computed: true,
				Description: "Execution name. Set together with `plan`.",
				Validators:  []validator.String{funcValidator{what: "execution name", check: checkExecutionName}},
			},
			"type":                      str("`DRILL` or `RECOVERY`, from the execution input."),
			"status":                    str("Step Functions status: `RUNNING`, `SUCCEEDED`, `FAILED`, `TIMED_OUT`, `ABORTED`, …"),
			"phase":                     str("drsorch-level status in one line, e.g. `PAUSED before wave web`, `RUNNING wave app` or `FAILED in wave db`."),
			"started_at":                str("When the execution started (RFC 3339)."),
			"stopped_at":                str("When it ended (RFC 3339); null while it runs."),
			"invoked_by":                str("Who started it, as recorded in the execution input; null when not recorded."),
			"point_in_time":             str("The point in time the run recovers from (RFC 3339), as recorded in its input; null when it recovers from the latest data."),
			"paused_before":             str("The wave whose pause gate is waiting for approval; null when none is."),
			"state_machine_version_arn": str("The state machine version the run started on (`<plan arn>:<version>`, DescribeExecution's `stateMachineVersionArn`): which definition ran. Null for a run started on the unqualified state machine ARN (a plan deployed by an earlier drsorch)."),
			"error":                     str("Error name of a failed execution, e.g. `drsorch.WaveFailed`."),
			"cause":                     str("Cause of a failed execution: names the wave, the job and the servers."),
			"waves": schema.ListNestedAttribute{
				Computed: true, Description: "Every wave of the plan, in level order.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"name":         str("Wave name."),
					"level":        schema.Int64Attribute{Computed: true, Description: "Level (1-based); waves of a level run in parallel."},
					"status":       str("`PENDING`, `PAUSED`, `RUNNING`, `RECOVERED`, `FAILED`, `TIMED_OUT` or `CANCELLED`."),
					"pause_before": schema.BoolAttribute{Computed: true, Description: "Whether the wave waits for approval before it starts."},
					"job_id":       str("DRS recovery job of the wave; null until it started."),
					"started_at":   str("When the wave's recovery job was started (RFC 3339)."),
					"ended_at":     str("When the wave ended (RFC 3339)."),
					"error":        str("Error of a failed wave."),
					"cause":        str("Cause of a failed wave."),
					"approved_by": str("Who released the wave's pause gate: the approver's identity (ARN) from STS GetCallerIdentity of the caller " +
						"who approved (`approved_waves`, `drsorch resume`, the dashboard); null while not approved or without a gate."),
					"approved_at":     str("When the pause gate was released (RFC 3339)."),
					"approval_reason": str("Free text recorded with the approval, e.g. `terraform apply: wave listed in approved_waves` or the `--reason` of `drsorch resume`."),
					"servers": schema.ListNestedAttribute{
						Computed: true, Description: "The wave's source servers.",
						NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
							"source_server_id":     str("Source server ID."),
							"launch_status":        str("Launch status in the wave's job: `PENDING`, `IN_PROGRESS`, `LAUNCHED`, `FAILED` or `TERMINATED`."),
							"recovery_instance_id": str("Recovery instance the job launched."),
							"ec2_instance_id":      str("EC2 instance of that recovery instance."),
							"ec2_instance_state":   str("EC2 instance state, e.g. `RUNNING`."),
							"recovery_snapshot_id": str("The recovery snapshot the server launches from, as recorded in the execution input; null: the latest data."),
							"snapshot_time":        str("The point in time its recovery instance holds (DRS's pointInTimeSnapshotDateTime), once launched."),
							"launch_error": str("For a `FAILED` launch, DRS's own error for this server from the job log (DescribeJobLogItems): " +
								"the event and its raw error, e.g. `LAUNCH_FAILED: …`; null otherwise."),
							"launch_actions": schema.ListNestedAttribute{
								Computed: true,
								Description: "DRS's launch action (post-launch action) runs on the recovery instance, in order, as the wave's job reports them " +
									"(`drsorch_launch_action`, with post-launch actions enabled in the server's launch settings). An action that must succeed " +
									"and fails makes the launch `FAILED`, and `launch_error` gives its failure.",
								NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
									"name":           str("The action's name."),
									"document":       str("The SSM document it runs (the action code)."),
									"order":          schema.Int64Attribute{Computed: true, Description: "Its order: actions run one after another, lowest first."},
									"must_succeed":   schema.BoolAttribute{Computed: true, Description: "True when the action is not optional: its failure fails the launch."},
									"status":         str("`IN_PROGRESS`, `SUCCEEDED` or `FAILED`."),
									"failure_reason": str("Why a `FAILED` run failed, as DRS reports it (the simulator names the SSM command or automation execution); null otherwise."),
								}},
							},
						}},
					},
					"steps": executionStepsDataSourceAttribute(),
				}},
			},
		},
	}
}

func (d *executionDataSource) ConfigValidators(context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{
		datasourcevalidator.ExactlyOneOf(path.MatchRoot("arn"), path.MatchRoot("plan")),
		datasourcevalidator.ExactlyOneOf(path.MatchRoot("arn"), path.MatchRoot("name")),
	}
}

func (d *executionDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *executionDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m executionDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	where := path.Root("arn")
	execARN := m.ARN.ValueString()
	if execARN == "" {
		where = path.Root("name")
		var ok bool
		if execARN, ok = d.data.executionARN(ctx, m.Plan.ValueString(), m.Name.ValueString(), &resp.Diagnostics); !ok {
			return
		}
	}
	e, ok := describeExecution(ctx, d.data.clients, execARN, where, &resp.Diagnostics)
	if !ok {
		return
	}
	out := executionToModel(e)
	failures, err := executions.Failures(ctx, d.data.clients.DRS, e)
	if err != nil {
		resp.Diagnostics.AddWarning("Could not read DRS's errors for the failed servers", err.Error())
	}
	setLaunchErrors(&out, failures)
	resp.Diagnostics.Append(resp.State.Set(ctx, out)...)
}

// setLaunchErrors puts DRS's error for each failed server on the server.
func setLaunchErrors(m *executionDataModel, failures []executions.ServerFailure) {
	for _, f := range failures {
		for wi := range m.Waves {
			if m.Waves[wi].Name != f.Wave {
				continue
			}
			for si := range m.Waves[wi].Servers {
				if s := &m.Waves[wi].Servers[si]; s.SourceServerID == f.SourceServerID {
					s.LaunchError = types.StringValue("DRS gave no error text")
					if f.Error != "" {
						s.LaunchError = types.StringValue(f.Event + ": " + f.Error)
					}
				}
			}
		}
	}
}

// describeExecution reads an execution for a data source, turning "does
// not exist" into an error on the attribute that named it.
func describeExecution(ctx context.Context, clients *awsclient.Clients, execARN string, where path.Path, diags *diag.Diagnostics) (*executions.Execution, bool) {
	c := executionClients(clients, execARN)
	e, err := executions.Describe(ctx, c, execARN)
	var (
		missing *sfntypes.ExecutionDoesNotExist
		opErr   *smithy.OperationError
	)
	switch {
	case errors.As(err, &missing):
		diags.AddAttributeError(where, "Execution not found",
			fmt.Sprintf("Step Functions has no execution %s. Check the ARN (or the plan and execution names) and the region; "+
				"data.drsorch_executions lists the runs of a plan.", execARN))
		return nil, false
	case errors.As(err, &opErr): // the call failed (API error, network, credentials)
		addAPIError(diags, "read execution "+execARN, err)
		return nil, false
	case err != nil:
		// Every call succeeded: the definition is not one drsorch compiled.
		diags.AddAttributeError(where, "Not a drsorch recovery plan execution",
			fmt.Sprintf("Execution %s runs a state machine that drsorch did not compile (%v). Name an execution of a drsorch recovery plan (state machine drsorch-plan-<name>).", execARN, err))
		return nil, false
	}
	return e, true
}

// executionClients are the clients of the region an execution ARN names.
func executionClients(clients *awsclient.Clients, execARN string) executions.Clients {
	if a, err := arn.Parse(execARN); err == nil {
		clients = clients.ForRegion(a.Region)
	}
	return executions.Clients{SFN: clients.SFN, DRS: clients.DRS, Quotas: clients.ServiceQuotas}
}

// executionARN builds the ARN of execution name of plan in the provider's
// region and the caller's account.
func (d *providerData) executionARN(ctx context.Context, plan, name string, diags *diag.Diagnostics) (string, bool) {
	account, err := d.account(ctx)
	if err != nil {
		addAPIError(diags, "find the account of the provider's credentials (STS GetCallerIdentity)", err)
		return "", false
	}
	planARN := plans.ARN(d.partition(), d.clients.Region, account, plan)
	return strings.Replace(planARN, ":stateMachine:", ":execution:", 1) + ":" + name, true
}

var executionARNPattern = regexp.MustCompile(`^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:execution:[^:\s]+:[^:\s]+$`)

func checkExecutionARN(s string) error {
	if !executionARNPattern.MatchString(s) {
		return fmt.Errorf("%q is not a Step Functions execution ARN; expected arn:<partition>:states:<region>:<account>:execution:drsorch-plan-<plan>:<name>", s)
	}
	return nil
}

func checkExecutionName(s string) error {
	switch {
	case s == "" || len(s) > 80:
		return fmt.Errorf("execution name %q must be 1 to 80 characters long", s)
	case strings.ContainsAny(s, " \t\n<>{}[]?*\"#%\\^|~`$&,;:/"):
		return fmt.Errorf("execution name %q contains a character Step Functions does not allow in names (whitespace, brackets, wildcards or punctuation such as : / , ;)", s)
	}
	return nil
}

func executionToModel(e *executions.Execution) executionDataModel {
	m := executionDataModel{
		ARN: types.StringValue(e.ARN), Plan: types.StringValue(e.Plan), Name: types.StringValue(e.Name),
		Type: optString(e.Type), Status: types.StringValue(string(e.Status)), Phase: types.StringValue(e.Phase()),
		StartedAt: optTime(e.StartedAt), StoppedAt: optTime(e.StoppedAt), InvokedBy: optString(e.InvokedBy), PointInTime: optString(e.PointInTime),
		VersionARN:   optString(e.VersionARN),
		PausedBefore: optString(e.PausedBefore()), Error: optString(e.Error), Cause: optString(e.Cause),
		Waves: []executionWaveModel{},
	}
	for _, w := range e.Waves {
		wm := executionWaveModel{
			Name: w.Name, Level: int64(w.Level), Status: w.Status, PauseBefore: w.PauseBefore, JobID: optString(w.JobID),
			StartedAt: optTime(w.StartedAt), EndedAt: optTime(w.EndedAt), Error: optString(w.Error), Cause: optString(w.Cause),
			Servers: []executionServerModel{}, Steps: executionSteps(w.Steps),
		}
		wm.ApprovedBy, wm.ApprovedAt, wm.ApprovalReason = types.StringNull(), types.StringNull(), types.StringNull()
		if a := w.Approval; a != nil {
			wm.ApprovedBy, wm.ApprovedAt, wm.ApprovalReason = optString(a.ApprovedBy), optTime(a.ApprovedAt), optString(a.Reason)
		}
		for _, s := range w.Servers {
			wm.Servers = append(wm.Servers, executionServerModel{
				SourceServerID: s.SourceServerID, LaunchStatus: optString(s.LaunchStatus), RecoveryInstanceID: optString(s.RecoveryInstanceID),
				EC2InstanceID: optString(s.EC2InstanceID), EC2InstanceState: optString(s.EC2InstanceState), LaunchError: types.StringNull(),
				RecoverySnapshotID: optString(s.RecoverySnapshotID), SnapshotTime: optString(s.SnapshotTime),
				LaunchActions: executionLaunchActions(s.LaunchActions),
			})
		}
		m.Waves = append(m.Waves, wm)
	}
	return m
}

// optString is null for the empty string: "not known (yet)".
func optString(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}

// optTime is a time in RFC 3339, null for the zero time.
func optTime(t time.Time) types.String {
	if t.IsZero() {
		return types.StringNull()
	}
	return types.StringValue(t.UTC().Format(time.RFC3339))
}

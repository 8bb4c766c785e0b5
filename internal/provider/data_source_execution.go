package provider

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"

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
	Waves        []executionWaveValue `tfsdk:"waves"` // execution_model.go
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
			"waves":                     executionWavesDataSourceAttribute(),
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
	failures, err := executions.Failures(ctx, executionClients(d.data.clients, execARN).DRS, e) // the run's region
	if err != nil {
		resp.Diagnostics.AddWarning("Could not read DRS's errors for the failed servers", err.Error())
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, executionToModel(e, failures))...)
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

func executionToModel(e *executions.Execution, failures []executions.ServerFailure) executionDataModel {
	return executionDataModel{
		ARN: types.StringValue(e.ARN), Plan: types.StringValue(e.Plan), Name: types.StringValue(e.Name),
		Type: optionalString(e.Type), Status: types.StringValue(string(e.Status)), Phase: types.StringValue(e.Phase()),
		StartedAt: optionalTime(e.StartedAt), StoppedAt: optionalTime(e.StoppedAt), InvokedBy: optionalString(e.InvokedBy), PointInTime: optionalString(e.PointInTime),
		VersionARN:   optionalString(e.VersionARN),
		PausedBefore: optionalString(e.PausedBefore()), Error: optionalString(e.Error), Cause: optionalString(e.Cause),
		Waves: executionWaveValues(e, failures),
	}
}

package provider

import (
	"context"
	"errors"
	"fmt"
	"time"

	sfntypes "github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/drsorch/terraform-provider-drsorch/internal/executions"
)

var (
	_ ephemeral.EphemeralResourceWithConfigure = (*drillEphemeral)(nil)
	_ ephemeral.EphemeralResourceWithClose     = (*drillEphemeral)(nil)
)

// privateExecution is the private-data key that carries the drill's
// execution ARN from Open to Close.
const privateExecution = "execution_arn"

// drillEphemeral is a drill that exists only for the duration of one
// Terraform run: Open launches it and waits for its instances, Close
// terminates them.
type drillEphemeral struct{ data *providerData }

func newDrillEphemeral() ephemeral.EphemeralResource { return &drillEphemeral{} }

type drillModel struct {
	RecoveryPlan  types.String         `tfsdk:"recovery_plan"`
	Launch        types.Bool           `tfsdk:"launch"`
	ApprovePauses types.Bool           `tfsdk:"approve_pauses"`
	Timeout       timetypes.GoDuration `tfsdk:"timeout"`
	PointInTime   types.String         `tfsdk:"point_in_time"`
	ExecutionARN  types.String         `tfsdk:"execution_arn"`
	Status        types.String         `tfsdk:"status"`
	Instances     types.List           `tfsdk:"instances"`
}

var drillInstanceType = types.ObjectType{AttrTypes: map[string]attr.Type{
	"wave": types.StringType, "source_server_id": types.StringType, "recovery_instance_id": types.StringType,
	"ec2_instance_id": types.StringType, "ec2_instance_state": types.StringType,
	"recovery_snapshot_id": types.StringType, "snapshot_time": types.StringType,
}}

type drillInstanceValue struct {
	Wave               types.String `tfsdk:"wave"`
	SourceServerID     types.String `tfsdk:"source_server_id"`
	RecoveryInstanceID types.String `tfsdk:"recovery_instance_id"`
	EC2InstanceID      types.String `tfsdk:"ec2_instance_id"`
	EC2InstanceState   types.String `tfsdk:"ec2_instance_state"`
	RecoverySnapshotID types.String `tfsdk:"recovery_snapshot_id"`
	SnapshotTime       types.String `tfsdk:"snapshot_time"`
}

func (d *drillEphemeral) Metadata(_ context.Context, req ephemeral.MetadataRequest, resp *ephemeral.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_drill"
}

func (d *drillEphemeral) Schema(_ context.Context, _ ephemeral.SchemaRequest, resp *ephemeral.SchemaResponse) {
	computed := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{Computed: true, Description: desc}
	}
	resp.Schema = schema.Schema{
		Description: "A drill for the length of one Terraform run: opening it with `launch` true (`launch = terraform.applying` drills in the " +
			"apply only) starts a DRILL of a recovery plan (resuming its pause gates " +
			"unless `approve_pauses = false`), waits until every wave recovered and hands back the recovery instances, for tests " +
			"(`terraform test`) and for other providers to check the recovered application; closing it terminates those instances and " +
			"waits for DRS. Nothing is stored in state.",
		Attributes: map[string]schema.Attribute{
			"recovery_plan": schema.StringAttribute{Required: true, Description: "The recovery plan: its name or its state machine ARN."},
			"launch": schema.BoolAttribute{Optional: true,
				Description: "Whether opening launches the drill. Terraform opens ephemeral resources in `terraform plan` too and does not " +
					"tell the provider which phase it is in, so set `launch = terraform.applying` to drill in apply only (and in `terraform test` " +
					"runs with `command = apply`), or `true` to drill in every phase that opens it, plan included. When false or unset, opening " +
					"launches nothing and the results are unknown, so that checks on them wait for the apply; unset also warns."},
			"approve_pauses": schema.BoolAttribute{Optional: true,
				Description: "Resume each pause gate as it is reached. Default true; with false, opening fails when the drill pauses."},
			"timeout": schema.StringAttribute{Optional: true, CustomType: timetypes.GoDurationType{},
				Description: "How long opening may wait for the drill, e.g. `45m`. Default 2h."},
			"point_in_time": schema.StringAttribute{Optional: true,
				Description: "Drill from the past: every server launches from its latest DRS recovery snapshot taken at or before this time " +
					"(RFC 3339), as `drsorch_execution`'s `point_in_time` does; a server without one fails the opening, naming it, before anything launches."},
			"execution_arn": computed("The drill's execution ARN."),
			"status":        computed("The drill's status when it was handed back (SUCCEEDED)."),
			"instances": schema.ListNestedAttribute{Computed: true, Description: "The recovered instances, wave by wave.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"wave":                 computed("The wave that recovered the server."),
					"source_server_id":     computed("The source server."),
					"recovery_instance_id": computed("Its DRS recovery instance."),
					"ec2_instance_id":      computed("The EC2 instance."),
					"ec2_instance_state":   computed("The EC2 instance state."),
					"recovery_snapshot_id": computed("The recovery snapshot the server launched from (`point_in_time`); null: the latest data."),
					"snapshot_time":        computed("The point in time the recovery instance holds (DRS's pointInTimeSnapshotDateTime)."),
				}}},
		},
	}
}

func (d *drillEphemeral) Configure(_ context.Context, req ephemeral.ConfigureRequest, resp *ephemeral.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *drillEphemeral) Open(ctx context.Context, req ephemeral.OpenRequest, resp *ephemeral.OpenResponse) {
	var m drillModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !m.Launch.ValueBool() {
		if m.Launch.IsNull() {
			resp.Diagnostics.AddAttributeWarning(path.Root("launch"), "Drill not launched",
				"drsorch_drill launches a drill only when asked, because Terraform opens ephemeral resources during `terraform plan` too. "+
					"Set `launch = terraform.applying` to drill during apply, or `launch = true` to drill in every phase, plan included.")
		}
		// Unknown results: what depends on the drill waits for the apply.
		m.ExecutionARN, m.Status = types.StringUnknown(), types.StringUnknown()
		m.Instances = types.ListUnknown(drillInstanceType)
		resp.Diagnostics.Append(resp.Result.Set(ctx, &m)...)
		return
	}
	timeout := duration(m.Timeout, path.Root("timeout"), &resp.Diagnostics)
	if timeout == 0 {
		timeout = 2 * time.Hour
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	runner := &executionResource{data: d.data, approvalReason: "terraform: ephemeral drsorch_drill with approve_pauses"}
	planARN, err := runner.resolvePlanARN(ctx, m.RecoveryPlan.ValueString())
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("recovery_plan"), "Invalid recovery plan", err.Error())
		return
	}
	view, found, err := runner.planView(ctx, planARN)
	if err != nil || !found {
		if err == nil {
			err = fmt.Errorf("no state machine %s", planARN)
		}
		addAPIError(&resp.Diagnostics, "find recovery plan "+m.RecoveryPlan.ValueString(), err)
		return
	}
	approve := m.ApprovePauses.IsNull() || m.ApprovePauses.ValueBool()
	settings := executionModel{Type: types.StringValue(executions.TypeDrill), WaitUntil: types.StringValue(string(executions.UntilCompleted)),
		ApprovedWaves: types.SetNull(types.StringType), PointInTime: m.PointInTime, RecoverySnapshots: types.MapNull(types.StringType)}
	if approve {
		var names []string
		for _, w := range view.Waves() {
			names = append(names, w.Name)
		}
		settings.ApprovedWaves, _ = types.SetValueFrom(ctx, types.StringType, names)
	}
	runner.checkStart(ctx, view, settings, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	// Named before the call: a retried StartExecution (its answer lost)
	// finds this drill instead of starting a second one.
	name := executions.NewName(executions.TypeDrill, time.Now())
	invokedBy, err := executions.CallerARN(ctx, d.data.clients.STS)
	if err != nil {
		addAPIError(&resp.Diagnostics, "start a drill of plan "+view.Name, err)
		return
	}
	in := executions.Input{Type: executions.TypeDrill, InvokedBy: invokedBy}
	if !runner.chooseSnapshots(ctx, settings, view, &in, &resp.Diagnostics) {
		return
	}
	arn, err := executions.StartWith(ctx, runner.startClients(&resp.Diagnostics), planARN, name, in)
	if err != nil {
		addAPIError(&resp.Diagnostics, "start a drill of plan "+view.Name, err)
		var unknown *executions.UnknownOutcomeError
		if errors.As(err, &unknown) {
			// It may run: stop it and clean up if it does.
			d.cleanUp(context.WithoutCancel(ctx), unknown.ARN, &resp.Diagnostics)
		}
		return
	}
	tflog.Info(ctx, "drsorch: started drill", map[string]any{"execution": arn, "plan": view.Name})
	e, ferr := runner.follow(ctx, arn, settings, &resp.Diagnostics)
	if ferr != nil {
		resp.Diagnostics.AddError("Could not follow drill "+name, fmt.Sprintf("%v. The drill is stopped and its instances terminated.", ferr))
	}
	if resp.Diagnostics.HasError() || e == nil || e.Status != sfntypes.ExecutionStatusSucceeded {
		if e != nil && e.Running() && !resp.Diagnostics.HasError() {
			resp.Diagnostics.AddError("Drill did not complete", fmt.Sprintf("Drill %s is %s; it was stopped.", e.Name, e.Phase()))
		}
		// Close is not called when Open fails: clean up here.
		d.cleanUp(context.WithoutCancel(ctx), arn, &resp.Diagnostics)
		return
	}
	m.ExecutionARN = types.StringValue(arn)
	m.Status = types.StringValue(string(e.Status))
	instances := []drillInstanceValue{}
	for _, w := range e.Waves {
		for _, s := range w.Servers {
			instances = append(instances, drillInstanceValue{
				Wave: types.StringValue(w.Name), SourceServerID: types.StringValue(s.SourceServerID),
				RecoveryInstanceID: optionalString(s.RecoveryInstanceID), EC2InstanceID: optionalString(s.EC2InstanceID),
				EC2InstanceState:   optionalString(s.EC2InstanceState),
				RecoverySnapshotID: optionalString(s.RecoverySnapshotID), SnapshotTime: optionalString(s.SnapshotTime),
			})
		}
	}
	var diags diag.Diagnostics
	m.Instances, diags = types.ListValueFrom(ctx, drillInstanceType, instances)
	resp.Diagnostics.Append(diags...)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateExecution, []byte(`"`+arn+`"`))...)
	resp.Diagnostics.Append(resp.Result.Set(ctx, &m)...)
}

func (d *drillEphemeral) Close(ctx context.Context, req ephemeral.CloseRequest, resp *ephemeral.CloseResponse) {
	raw, diags := req.Private.GetKey(ctx, privateExecution)
	resp.Diagnostics.Append(diags...)
	if len(raw) < 2 {
		return
	}
	d.cleanUp(ctx, string(raw[1:len(raw)-1]), &resp.Diagnostics)
}

// cleanUp stops the drill if it still runs and terminates its instances.
func (d *drillEphemeral) cleanUp(ctx context.Context, arn string, diags interface {
	AddError(string, string)
	AddWarning(string, string)
}) {
	c := (&executionResource{data: d.data}).clients()
	e, err := executions.Describe(ctx, c, arn)
	var missing *sfntypes.ExecutionDoesNotExist
	if errors.As(err, &missing) {
		return
	}
	if err == nil && e.Running() {
		if err = executions.Cancel(ctx, c, arn, "terraform (ephemeral drsorch_drill closed)"); err == nil {
			e, err = executions.Describe(ctx, c, arn)
		}
	}
	if err == nil {
		var res *executions.TerminateResult
		if res, err = executions.Terminate(ctx, c, e, false, executionPollInterval); err == nil {
			tflog.Info(ctx, fmt.Sprintf("drsorch: terminated %d drill instances of %s (job %s)", len(res.Terminated), e.Name, res.JobID))
			return
		}
	}
	diags.AddError("Could not clean up drill "+arn,
		fmt.Sprintf("%v\n\nTerminate its instances with `drsorch terminate %s`.", err, arn))
}

// EphemeralResources lists every ephemeral resource type of the provider.
func (p *drsorchProvider) EphemeralResources(context.Context) []func() ephemeral.EphemeralResource {
	return []func() ephemeral.EphemeralResource{newDrillEphemeral}
}

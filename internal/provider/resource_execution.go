package provider

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	sfntypes "github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/drsorch/terraform-provider-drsorch/internal/executions"
	"github.com/drsorch/terraform-provider-drsorch/internal/plans"
	"github.com/drsorch/terraform-provider-drsorch/internal/startcheck"
	"github.com/drsorch/terraform-provider-drsorch/internal/statemachine"
)

var (
	_ resource.ResourceWithConfigure      = (*executionResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*executionResource)(nil)
	_ resource.ResourceWithImportState    = (*executionResource)(nil)
	_ resource.ResourceWithValidateConfig = (*executionResource)(nil)
)

// executionPollInterval caps how often a waiting apply polls an
// execution; tests shorten it.
var executionPollInterval = 10 * time.Second

type executionResource struct {
	data *providerData
	// approvalReason is recorded with the approvals apply makes
	// (execution_approval.go); empty means approvedWavesReason.
	approvalReason string
}

func newExecutionResource() resource.Resource { return &executionResource{} }

type executionModel struct {
	regional                          // region: regional.go
	ID                 types.String   `tfsdk:"id"`
	ARN                types.String   `tfsdk:"arn"`
	Name               types.String   `tfsdk:"name"`
	RecoveryPlan       types.String   `tfsdk:"recovery_plan"`
	PlanARN            types.String   `tfsdk:"plan_arn"`
	Type               types.String   `tfsdk:"type"`
	ConfirmRecovery    types.Bool     `tfsdk:"confirm_recovery"`
	WaitUntil          types.String   `tfsdk:"wait_until"`
	ApprovedWaves      types.Set      `tfsdk:"approved_waves"`
	RetryOf            types.String   `tfsdk:"retry_of"`
	StartFromWave      types.String   `tfsdk:"start_from_wave"`
	TerminateOnDestroy types.Bool     `tfsdk:"terminate_on_destroy"`
	Status             types.String   `tfsdk:"status"`
	Phase              types.String   `tfsdk:"phase"`
	PausedBefore       types.String   `tfsdk:"paused_before"`
	InvokedBy          types.String   `tfsdk:"invoked_by"`
	VersionARN         types.String   `tfsdk:"state_machine_version_arn"`
	StartedAt          types.String   `tfsdk:"started_at"`
	StoppedAt          types.String   `tfsdk:"stopped_at"`
	Error              types.String   `tfsdk:"error"`
	Cause              types.String   `tfsdk:"cause"`
	Waves              types.List     `tfsdk:"waves"`
	Timeouts           timeouts.Value `tfsdk:"timeouts"`

	// AllowAbortRunningRecovery: resource_execution_guard.go.
	AllowAbortRunningRecovery types.Bool `tfsdk:"allow_abort_running_recovery"`
	// PointInTime, RecoverySnapshots: resource_execution_pit.go.
	PointInTime       types.String `tfsdk:"point_in_time"`
	RecoverySnapshots types.Map    `tfsdk:"recovery_snapshots"`
}

func (r *executionResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_execution"
}

func (r *executionResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	computed := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{Computed: true, Description: desc}
	}
	stable := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{Computed: true, Description: desc, PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}}
	}
	resp.Schema = schema.Schema{
		Description: "A drill or a recovery: one run of a recovery plan's state machine. Apply starts it and follows it (progress in the provider's logs, " +
			"`TF_LOG=INFO`), resuming the pause gates of `approved_waves`; destroy stops it if it still runs (a RECOVERY only with " +
			"`allow_abort_running_recovery = true`) and, for a drill, terminates the recovery instances it launched. The run continues in AWS even if Terraform stops waiting; the next apply waits again.\n\n" +
			"Exactly one run per resource: the provider names the execution before starting it, so a start whose answer is lost and is " +
			"retried finds the same run. Once the run exists, trouble following it (network, throttling, timeouts) is a warning, not an error: " +
			"the run stays in state, is not tainted, and the next apply follows the same run. Another run starts only when the resource is " +
			"replaced: `terraform apply -replace`, a change of `recovery_plan` or `type`, or after a DRILL that itself ended FAILED, TIMED_OUT or " +
			"ABORTED while apply created it (an error, so Terraform taints the resource and the next apply drills again). A RECOVERY that ends " +
			"that way is a warning instead: it stays in state untainted, so no second recovery starts on its own; " +
			"`drsorch start --adopt-jobs-from` or `terraform apply -replace` runs the plan again.",
		Attributes: map[string]schema.Attribute{
			"id":   stable("The execution ARN."),
			"arn":  stable("The execution ARN."),
			"name": stable("The execution name, chosen by the provider before the start: `<type>-<UTC time>-<random>`, e.g. `drill-20260105T090000Z-5f0c2a9b1e7d`."),
			"recovery_plan": schema.StringAttribute{Required: true,
				Description:   "The recovery plan to run: its name, or the ARN of its state machine. It must exist or be deployed by a drsorch_recovery_plan of this configuration (reference it, e.g. `drsorch_recovery_plan.shop.name`), else the plan fails. Changing it starts a new execution.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()}},
			"plan_arn": stable("ARN of the plan's state machine."),
			"type": schema.StringAttribute{Required: true,
				Description:   "DRILL (isolated recovery instances, cleaned up on destroy) or RECOVERY (the real thing). Shown in the plan for policy checks. Changing it starts a new execution.",
				Validators:    []validator.String{stringvalidator.OneOf(executions.TypeDrill, executions.TypeRecovery)},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()}},
			"confirm_recovery": schema.BoolAttribute{Optional: true,
				Description: "Must be true for a RECOVERY: launching production recovery instances is never an accident."},
			"wait_until": schema.StringAttribute{Optional: true, Computed: true, Default: stringdefault.StaticString(string(executions.UntilCompleted)),
				Description: "How long apply follows the run: `started`, `paused` (the first pause gate not in approved_waves) or `completed` (default). A run paused at a gate that is not approved also ends the wait, with a warning.",
				Validators:  []validator.String{stringvalidator.OneOf(string(executions.UntilStarted), string(executions.UntilPaused), string(executions.UntilCompleted))}},
			"approved_waves": schema.SetAttribute{Optional: true, ElementType: types.StringType,
				Description: "Waves whose pause gate apply resumes. Adding a wave name and applying resumes a run paused before it."},
			"retry_of": schema.StringAttribute{Optional: true,
				Description: "ARN of an execution of the same plan and type that ended without succeeding: this run continues it and recovers " +
					"nothing twice. Its recovered waves are skipped (status SKIPPED, `recovered_in` naming it), a failed wave launches only " +
					"its servers that did not launch (the whole wave when all launched), a wave whose DRS job may still run follows that job, " +
					"and the waves it never reached run. Read when the run starts; changing it starts a new execution.",
				Validators:    []validator.String{stringvalidator.ConflictsWith(path.MatchRoot("start_from_wave"))},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()}},
			"start_from_wave": schema.StringAttribute{Optional: true,
				Description: "Start at this wave: the waves it depends on (directly or not) are taken as already recovered and not run " +
					"(status SKIPPED); every other wave runs. Changing it starts a new execution.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()}},
			"terminate_on_destroy": schema.BoolAttribute{Optional: true, Computed: true,
				Description: "Terminate the recovery instances the run launched when this resource is destroyed. Default true for a DRILL; a RECOVERY's instances are never terminated by destroy."},
			allowAbortAttr: schema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(false),
				Description: "Let destroy or replacement stop this RECOVERY while it still runs or waits at a pause gate. Default false: such a destroy or " +
					"replacement (e.g. `count = var.disaster ? 1 : 0` going back to 0) fails at plan, and again at apply, naming the run, and leaves it running; " +
					"cancel it with `drsorch cancel` first, or set this to true and apply before destroying (destroy reads it from state). " +
					"A DRILL is always stopped on destroy."},
			"status":        computed("Step Functions status: RUNNING, SUCCEEDED, FAILED, TIMED_OUT or ABORTED."),
			"phase":         computed("drsorch-level status: which wave is paused, running or failed, e.g. `PAUSED before wave web`."),
			"paused_before": computed("The wave whose pause gate is waiting, if any."),
			"invoked_by":    stable("Who started the run (the caller's ARN)."),
			"state_machine_version_arn": stable("The version of the plan's state machine the run started on (`<plan arn>:<version>`): runs start on the " +
				"plan's newest published version, so this equals the `version_arn` of the drsorch_recovery_plan applied before it. Null for a run " +
				"of a plan deployed by an earlier drsorch, which has no version (the run started on the unqualified ARN)."),
			"started_at": stable("When the run started (RFC 3339)."),
			"stopped_at": computed("When the run ended (RFC 3339), if it did."),
			"error":      computed("Error name of a failed run."),
			"cause":      computed("Why the run failed: names the wave and the servers."),
			"waves":      executionWavesResourceAttribute(), // execution_model.go
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx, timeouts.Opts{Create: true, Update: true, Delete: true}),
		},
	}
	for name, a := range pointInTimeSchema() {
		resp.Schema.Attributes[name] = a
	}
}

func (r *executionResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *executionResource) clients() executions.Clients {
	c := r.data.clients
	return executions.Clients{SFN: c.SFN, DRS: c.DRS, Quotas: c.ServiceQuotas}
}

// startClients are clients whose warnings (a plan without versions) become
// warning diagnostics.
func (r *executionResource) startClients(diags *diag.Diagnostics) executions.Clients {
	c := r.clients()
	c.Warn = func(s string) { diags.AddWarning("Recovery plan has no published version", s) }
	return c
}

func (r *executionResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var cfg executionModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	validatePointInTime(ctx, cfg, &resp.Diagnostics)
	if cfg.Type.IsUnknown() {
		return
	}
	if cfg.Type.ValueString() == executions.TypeRecovery {
		if !cfg.ConfirmRecovery.ValueBool() && !cfg.ConfirmRecovery.IsUnknown() {
			resp.Diagnostics.AddAttributeError(path.Root("confirm_recovery"), "RECOVERY needs confirmation",
				"A RECOVERY launches production recovery instances. Set confirm_recovery = true to start it, or use type = \"DRILL\".")
		}
		if cfg.TerminateOnDestroy.ValueBool() {
			resp.Diagnostics.AddAttributeError(path.Root("terminate_on_destroy"), "A RECOVERY's instances are not terminated by destroy",
				"After a recovery the recovery instances are your production. Remove terminate_on_destroy; terminate them deliberately with `drsorch terminate --include-recovery` if you must.")
		}
	}
}

// resolvePlanARN turns a plan name or ARN into the state machine ARN.
func (r *executionResource) resolvePlanARN(ctx context.Context, plan string) (string, error) {
	if strings.HasPrefix(plan, "arn:") {
		return plan, nil
	}
	if err := plans.ValidateName(plan); err != nil {
		return "", err
	}
	account, err := r.data.account(ctx)
	if err != nil {
		return "", err
	}
	return plans.ARN(r.data.partition(), r.data.clients.Region, account, plan), nil
}

func (r *executionResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() { // destroy
		var state executionModel
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
		if !resp.Diagnostics.HasError() {
			guardDestroyPlan(state, nil, &resp.Diagnostics)
		}
		return
	}
	if r.data == nil {
		return
	}
	var plan executionModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if plan.TerminateOnDestroy.IsUnknown() && !plan.Type.IsUnknown() {
		plan.TerminateOnDestroy = types.BoolValue(plan.Type.ValueString() == executions.TypeDrill)
	}
	if !req.State.Raw.IsNull() {
		r.planFollowUp(ctx, req, &plan, resp)
		resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
		return
	}
	defer func() { resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...) }()
	if plan.RecoveryPlan.IsUnknown() {
		return
	}
	planARN, err := r.resolvePlanARN(ctx, plan.RecoveryPlan.ValueString())
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("recovery_plan"), "Invalid recovery plan", err.Error())
		return
	}
	plan.PlanARN = types.StringValue(planARN)
	view, found, err := r.planView(ctx, planARN)
	if err != nil {
		addAPIError(&resp.Diagnostics, "read recovery plan "+plan.RecoveryPlan.ValueString(), err)
		return
	}
	if !found {
		if r.data.planned.planPlanned(planARN) {
			return // deployed in this same apply: checked again before the run starts
		}
		resp.Diagnostics.AddAttributeError(path.Root("recovery_plan"), "Recovery plan not found",
			fmt.Sprintf("There is no recovery plan %s in %s (no state machine %s), and no drsorch_recovery_plan of this configuration deploys it. "+
				"Check the name and the provider's region, or reference the plan (recovery_plan = drsorch_recovery_plan.<name>.name) so that it is deployed first.",
				plan.RecoveryPlan.ValueString(), r.data.clients.Region, planARN))
		return
	}
	r.checkStart(ctx, view, plan, &resp.Diagnostics)
	// Chosen again when the run starts: snapshots come and go. A plan
	// deployed by an earlier drsorch that this apply deploys again is
	// checked then only.
	if !resp.Diagnostics.HasError() && (view.RecoverySnapshots || !r.data.planned.planPlanned(planARN)) {
		in := executions.Input{Type: plan.Type.ValueString()}
		if w := plan.StartFromWave.ValueString(); w != "" {
			in.SkipWaves, _ = executions.SkipBefore(view, w)
		}
		r.chooseSnapshots(ctx, plan, view, &in, &resp.Diagnostics)
	}
}

// planFollowUp plans an update when the run has not reached what
// wait_until asks (an earlier apply stopped waiting), so the next apply
// follows it again.
func (r *executionResource) planFollowUp(ctx context.Context, req resource.ModifyPlanRequest, plan *executionModel, resp *resource.ModifyPlanResponse) {
	var state executionModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	guardDestroyPlan(state, plan, &resp.Diagnostics)
	if len(resp.RequiresReplace) > 0 {
		return // replaced: a new run, planned from nothing
	}
	keepProgress(plan, state)
	if !state.Status.IsNull() && state.Status.ValueString() != string(sfntypes.ExecutionStatusRunning) {
		return // ended: apply changes nothing but arguments
	}
	paused := state.PausedBefore.ValueString()
	approved := setStrings(ctx, plan.ApprovedWaves, &resp.Diagnostics)
	settled := false
	switch executions.Milestone(plan.WaitUntil.ValueString()) {
	case executions.UntilStarted:
		settled = true
	case executions.UntilPaused, executions.UntilCompleted:
		settled = paused != "" && !approved[paused]
	}
	if !settled || plan.ApprovedWaves.IsUnknown() {
		planProgress(ctx, plan, &resp.Diagnostics)
	}
}

func setStrings(ctx context.Context, s types.Set, diags *diag.Diagnostics) map[string]bool {
	out := map[string]bool{}
	if s.IsNull() || s.IsUnknown() {
		return out
	}
	var items []string
	diags.Append(s.ElementsAs(ctx, &items, false)...)
	for _, i := range items {
		out[i] = true
	}
	return out
}

func (r *executionResource) planView(ctx context.Context, planARN string) (*statemachine.PlanView, bool, error) {
	out, found, err := plans.Find(ctx, r.data.clients.SFN, planARN)
	if err != nil || !found {
		return nil, found, err
	}
	view, err := statemachine.Describe(*out.Definition)
	if err != nil {
		return nil, false, fmt.Errorf("state machine %s is not a drsorch recovery plan: %w", planARN, err)
	}
	return view, true, nil
}

// checkStart refuses a run whose servers are busy or whose first level
// lacks quota headroom now, and approvals for waves the plan lacks.
func (r *executionResource) checkStart(ctx context.Context, view *statemachine.PlanView, plan executionModel, diags *diag.Diagnostics) {
	for wave := range setStrings(ctx, plan.ApprovedWaves, diags) {
		if _, ok := view.Wave(wave); !ok {
			var names []string
			for _, w := range view.Waves() {
				names = append(names, w.Name)
			}
			diags.AddAttributeError(path.Root("approved_waves"), "Unknown wave",
				fmt.Sprintf("Plan %s has no wave %q; its waves are %s.", view.Name, wave, strings.Join(names, ", ")))
		}
	}
	checkBeforeStart(ctx, r.clients(), view, diags)
}

// checkBeforeStart is the check the CLI and the console run before a
// start (startcheck): busy servers and too little quota headroom for the
// first level refuse it, on the recovery_plan attribute.
func checkBeforeStart(ctx context.Context, c executions.Clients, view *statemachine.PlanView, diags *diag.Diagnostics) {
	res, err := startcheck.Run(ctx, c, view, nil)
	if err != nil {
		addAPIError(diags, "check the plan before it starts", err)
		return
	}
	for _, c := range res.Conflicts {
		diags.AddAttributeError(path.Root("recovery_plan"), "Source server busy",
			fmt.Sprintf("Plan %s cannot start: %s. DRS runs one job per source server; wait for it or cancel it (drsorch cancel).", view.Name, c))
	}
	for _, p := range res.Errors {
		diags.AddAttributeError(path.Root("recovery_plan"), p.Summary, p.Detail)
	}
	for _, p := range res.Warnings {
		diags.AddAttributeWarning(path.Root("recovery_plan"), p.Summary, p.Detail)
	}
}

// startInput is the run's execution input: a plain run, a retry of
// retry_of, or a run that starts at start_from_wave.
func (r *executionResource) startInput(ctx context.Context, plan executionModel, view *statemachine.PlanView, invokedBy string, diags *diag.Diagnostics) (executions.Input, bool) {
	in := executions.Input{Type: plan.Type.ValueString(), InvokedBy: invokedBy}
	if w := plan.StartFromWave.ValueString(); w != "" {
		skip, err := executions.SkipBefore(view, w)
		if err != nil {
			diags.AddAttributeError(path.Root("start_from_wave"), "Unknown wave", err.Error())
			return in, false
		}
		in.SkipWaves = skip
	}
	if arn := plan.RetryOf.ValueString(); arn != "" {
		e, err := executions.Describe(ctx, r.clients(), arn)
		if err != nil {
			diags.AddAttributeError(path.Root("retry_of"), "Cannot read the execution to retry", fmt.Sprintf("read %s: %v", arn, err))
			return in, false
		}
		if e.Plan != view.Name || e.Type != in.Type {
			diags.AddAttributeError(path.Root("retry_of"), "Not a run of this plan and type",
				fmt.Sprintf("execution %s is a %s of plan %s; this resource starts a %s of plan %s: set retry_of to a run of the same plan and type", e.Name, e.Type, e.Plan, in.Type, view.Name))
			return in, false
		}
		retry, err := executions.RetryInput(e, invokedBy)
		if err != nil {
			diags.AddAttributeError(path.Root("retry_of"), "Cannot retry this execution", err.Error())
			return in, false
		}
		in = retry
	}
	if len(in.SkipWaves) > 0 {
		tflog.Info(ctx, "drsorch: resuming", map[string]any{"plan": view.Name, "what": executions.DescribeResume(in)})
	}
	if !r.chooseSnapshots(ctx, plan, view, &in, diags) {
		return in, false
	}
	return in, true
}

func (r *executionResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan executionModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, d := plan.Timeouts.Create(ctx, 3*time.Hour)
	resp.Diagnostics.Append(d...)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	planARN, err := r.resolvePlanARN(ctx, plan.RecoveryPlan.ValueString())
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("recovery_plan"), "Invalid recovery plan", err.Error())
		return
	}
	view, found, err := r.planView(ctx, planARN)
	if err != nil || !found {
		if err == nil {
			err = fmt.Errorf("no state machine %s", planARN)
		}
		addAPIError(&resp.Diagnostics, "find recovery plan "+plan.RecoveryPlan.ValueString(), err)
		return
	}
	r.checkStart(ctx, view, plan, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	// The audit trail records who started the run as STS names them.
	invokedBy, err := executions.CallerARN(ctx, r.data.clients.STS)
	if err != nil {
		addAPIError(&resp.Diagnostics, "start "+plan.Type.ValueString()+" of plan "+view.Name, err)
		return
	}
	// The run is named here, before StartExecution: a retried call (its
	// answer lost) then finds the same run instead of starting a second.
	name := executions.NewName(plan.Type.ValueString(), time.Now())
	in, ok := r.startInput(ctx, plan, view, invokedBy, &resp.Diagnostics)
	if !ok {
		return
	}
	arn, err := executions.StartWith(ctx, r.startClients(&resp.Diagnostics), planARN, name, in)
	var unknown *executions.UnknownOutcomeError
	switch {
	case errors.As(err, &unknown):
		// It may run: record it, so that the next plan reads it (and
		// forgets it if it does not exist) rather than starting another.
		plan.ID, plan.ARN, plan.PlanARN, plan.Name = types.StringValue(unknown.ARN), types.StringValue(unknown.ARN), types.StringValue(planARN), types.StringValue(name)
		resp.Diagnostics.AddWarning("Could not confirm that the "+plan.Type.ValueString()+" started",
			fmt.Sprintf("%v\n\nThe execution %s is recorded in state. The next plan reads it: if it runs, apply follows it; if it never started, the next apply starts it. No second run is started meanwhile.", err, unknown.ARN))
		r.setFrom(ctx, &plan, nil, &resp.Diagnostics)
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
		return
	case err != nil:
		addAPIError(&resp.Diagnostics, "start "+plan.Type.ValueString()+" of plan "+view.Name, err)
		return
	}
	// Record the run at once: whatever happens while waiting, it is in
	// state, never orphaned.
	plan.ID, plan.ARN, plan.PlanARN, plan.Name = types.StringValue(arn), types.StringValue(arn), types.StringValue(planARN), types.StringValue(name)
	tflog.Info(ctx, "drsorch: started "+plan.Type.ValueString(), map[string]any{"execution": arn, "plan": view.Name})
	e, ferr := r.follow(ctx, arn, plan, &resp.Diagnostics)
	if ferr != nil {
		addFollowWarning(&resp.Diagnostics, arn, ferr)
	}
	r.setFrom(ctx, &plan, e, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// addFollowWarning reports that apply stopped following a run that
// exists. It is a warning, never an error: an error after Create would
// taint the resource, and the next apply would replace it, starting a
// second drill or recovery. The run is in state; the next plan reads it and
// the next apply follows the same run.
func addFollowWarning(diags *diag.Diagnostics, arn string, err error) {
	diags.AddWarning("Stopped following the execution",
		fmt.Sprintf("%v.\n\nThe execution exists and keeps running in AWS; it is recorded in state (not tainted). The next plan reads it again and, "+
			"if it has not reached wait_until, the next apply follows the same execution; no other run is started unless you replace the resource "+
			"(terraform apply -replace). Meanwhile: drsorch status %s --watch", err, arn))
}

// follow waits for the run as wait_until asks, resuming approved gates
// and logging progress. It returns the latest view read (nil if none),
// and why it could not follow the run that far (reads failing, a deadline):
// the run goes on regardless, so callers decide what that means. A run
// that ended badly is an error diagnostic.
func (r *executionResource) follow(ctx context.Context, arn string, plan executionModel, diags *diag.Diagnostics) (*executions.Execution, error) {
	approved := setStrings(ctx, plan.ApprovedWaves, diags)
	until := executions.Milestone(plan.WaitUntil.ValueString())
	var last *executions.Execution
	for {
		e, err := executions.Wait(ctx, r.clients(), arn, executions.UntilPaused, executionPollInterval, func(e *executions.Execution) {
			tflog.Info(ctx, "drsorch: "+e.Name+": "+e.Phase(), map[string]any{"waves": waveSummary(e)})
		})
		if e != nil {
			last = e
		}
		if err != nil {
			if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
				return last, err
			}
			return last, fmt.Errorf("read execution %s: %w", arn, err)
		}
		if until == executions.UntilStarted {
			return e, nil
		}
		if paused := e.PausedBefore(); paused != "" {
			if !approved[paused] {
				if until == executions.UntilCompleted {
					diags.AddWarning("Execution paused before wave "+paused,
						fmt.Sprintf("The run waits at the pause gate before wave %q. Add %q to approved_waves and apply to resume it (or `drsorch resume %s --wave %s`).", paused, paused, e.Name, paused))
				}
				return e, nil
			}
			err := r.approve(ctx, e, paused)
			switch {
			case errors.Is(err, executions.ErrAlreadyApproved):
				tflog.Info(ctx, "drsorch: "+err.Error())
			case err != nil && !errors.Is(err, executions.ErrNotPaused):
				return e, fmt.Errorf("resume wave %s: %w", paused, err)
			default:
				tflog.Info(ctx, "drsorch: resumed the pause gate before wave "+paused)
			}
			continue
		}
		if !e.Running() && e.Status != sfntypes.ExecutionStatusSucceeded {
			failedRun(e, diags)
		}
		return e, nil
	}
}

// failedRun reports a run that ended without succeeding. A failed drill is
// an error (a drill pipeline must fail; the tainted resource is replaced by
// the next apply, which runs a fresh drill). A failed RECOVERY is a warning:
// an error would taint the resource and the next apply would start a second
// full recovery on its own, relaunching waves that did recover. Starting
// another recovery takes an explicit action.
func failedRun(e *executions.Execution, diags *diag.Diagnostics) {
	summary := fmt.Sprintf("Execution %s %s", e.Name, e.Phase())
	detail := fmt.Sprintf("%s: %s\n\nLater waves did not start. The execution is kept in state; destroy it to clean up its recovery instances.", e.Error, e.Cause)
	if e.Type != executions.TypeRecovery {
		diags.AddError(summary, detail)
		return
	}
	diags.AddWarning(summary, detail+fmt.Sprintf("\n\nThis RECOVERY stays in state as %s and Terraform will not start another on its own. "+
		"To run the plan again, follow the DRS jobs it left with `drsorch start %s --recovery --adopt-jobs-from %s`, "+
		"or start a new run explicitly with `terraform apply -replace=<this resource>`.", e.Status, e.Plan, e.Name))
}

func waveSummary(e *executions.Execution) string {
	var parts []string
	for _, w := range e.Waves {
		launched := 0
		for _, s := range w.Servers {
			if s.LaunchStatus == "LAUNCHED" {
				launched++
			}
		}
		parts = append(parts, fmt.Sprintf("%s=%s(%d/%d)", w.Name, w.Status, launched, len(w.Servers)))
	}
	return strings.Join(parts, " ")
}

// setFrom copies an execution's state into the model.
func (r *executionResource) setFrom(ctx context.Context, m *executionModel, e *executions.Execution, diags *diag.Diagnostics) {
	if e == nil {
		for _, p := range []*types.String{&m.Status, &m.Phase, &m.PausedBefore, &m.InvokedBy, &m.StartedAt, &m.StoppedAt, &m.Error, &m.Cause, &m.Name, &m.VersionARN} {
			if p.IsUnknown() {
				*p = types.StringNull()
			}
		}
		if m.Waves.IsUnknown() {
			m.Waves = types.ListNull(executionWaveType)
		}
		return
	}
	m.Name = types.StringValue(e.Name)
	m.Status = types.StringValue(string(e.Status))
	m.Phase = types.StringValue(e.Phase())
	m.PausedBefore = optionalString(e.PausedBefore())
	m.InvokedBy = optionalString(e.InvokedBy)
	m.VersionARN = optionalString(e.VersionARN)
	m.StartedAt = optionalTime(e.StartedAt)
	m.StoppedAt = optionalTime(e.StoppedAt)
	m.Error = optionalString(e.Error)
	m.Cause = optionalString(e.Cause)
	// Only the job logs of waves with a failed server are read.
	failures, err := executions.Failures(ctx, r.clients().DRS, e)
	if err != nil {
		diags.AddWarning("Could not read DRS's errors for the failed servers",
			fmt.Sprintf("%v. The waves' launch_error stays null until a refresh reads them.", err))
	}
	m.Waves = executionWaves(ctx, e, failures, diags)
}

func (r *executionResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state executionModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	e, err := executions.Describe(ctx, r.clients(), state.ARN.ValueString())
	var missing *sfntypes.ExecutionDoesNotExist
	if errors.As(err, &missing) {
		if !keepExpiredDrill(ctx, r.clients(), state, &resp.Diagnostics) {
			resp.State.RemoveResource(ctx)
		}
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "read execution "+state.ARN.ValueString(), err)
		return
	}
	if state.RecoveryPlan.IsNull() { // after import
		state.RecoveryPlan = types.StringValue(e.Plan)
		state.Type = types.StringValue(e.Type)
		state.WaitUntil = types.StringValue(string(executions.UntilCompleted))
		state.TerminateOnDestroy = types.BoolValue(e.Type == executions.TypeDrill)
		state.ID = types.StringValue(e.ARN)
		state.PointInTime = optionalString(e.PointInTime)
		if e.Type == executions.TypeRecovery {
			state.ConfirmRecovery = types.BoolValue(true)
		}
	}
	state.PlanARN = types.StringValue(e.PlanARN)
	defaultAllowAbort(&state) // after import, or a state written before the attribute
	r.setFrom(ctx, &state, e, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *executionResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan executionModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, d := plan.Timeouts.Update(ctx, 3*time.Hour)
	resp.Diagnostics.Append(d...)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	if !plan.Status.IsUnknown() {
		// The plan found nothing to follow (the run ended, or waits where
		// wait_until lets it): the next refresh reads it again.
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
		return
	}
	planned := plan.Waves
	e, ferr := r.follow(ctx, plan.ARN.ValueString(), plan, &resp.Diagnostics)
	if ferr != nil {
		addFollowWarning(&resp.Diagnostics, plan.ARN.ValueString(), ferr)
	}
	r.setFrom(ctx, &plan, e, &resp.Diagnostics)
	keepPlannedWaves(ctx, planned, &plan, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *executionResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state executionModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, d := state.Timeouts.Delete(ctx, time.Hour)
	resp.Diagnostics.Append(d...)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	arn := state.ARN.ValueString()
	e, err := executions.Describe(ctx, r.clients(), arn)
	var missing *sfntypes.ExecutionDoesNotExist
	if errors.As(err, &missing) {
		// Its history expired: its DRS jobs still name its instances.
		var found bool
		if e, found, err = executions.FromJobs(ctx, r.clients(), arn); !found || err != nil {
			if err != nil {
				addAPIError(&resp.Diagnostics, "find the DRS jobs of expired execution "+arn, err)
			}
			return
		}
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "read execution "+arn, err)
		return
	}
	if !guardDestroy(state, e, &resp.Diagnostics) {
		return
	}
	if e.Running() {
		if err := executions.Cancel(ctx, r.clients(), arn, "terraform destroy"); err != nil {
			addAPIError(&resp.Diagnostics, "stop execution "+arn, err)
			return
		}
		if e, err = executions.Describe(ctx, r.clients(), arn); err != nil {
			addAPIError(&resp.Diagnostics, "read execution "+arn, err)
			return
		}
	}
	if e.Type != executions.TypeDrill || !state.TerminateOnDestroy.ValueBool() {
		if n := len(executions.LaunchedInstances(e)); n > 0 {
			tflog.Info(ctx, fmt.Sprintf("drsorch: leaving the %d recovery instances of %s running", n, e.Name))
		}
		return
	}
	res, err := executions.Terminate(ctx, r.clients(), e, false, executionPollInterval)
	if err != nil {
		addAPIError(&resp.Diagnostics, "terminate the drill instances of "+e.Name, err)
		return
	}
	if len(res.Terminated) > 0 {
		var lines []string
		for _, s := range res.Terminated {
			instance := s.RecoveryInstanceID
			if s.EC2InstanceID != "" && s.EC2InstanceID != instance {
				instance += " (EC2 " + s.EC2InstanceID + ")"
			}
			lines = append(lines, fmt.Sprintf("%s, recovered from source server %s", instance, s.SourceServerID))
		}
		sort.Strings(lines)
		resp.Diagnostics.AddWarning(fmt.Sprintf("Terminated %d drill instances", len(res.Terminated)),
			fmt.Sprintf("DRS job %s terminated the recovery instances of drill %s:\n  %s", strings.Join(res.JobIDs, ", "), e.Name, strings.Join(lines, "\n  ")))
	}
}

// ImportState imports an execution by its ARN.
func (r *executionResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	arn, err := executionARNFromImportID(ctx, r.data.clients.SFN, req.ID)
	if err != nil {
		resp.Diagnostics.AddError("Invalid import ID", err.Error())
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("arn"), arn)...)
}

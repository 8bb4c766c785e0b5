package provider

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	sfntypes "github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/drsorch/terraform-provider-drsorch/internal/drsapi"
	"github.com/drsorch/terraform-provider-drsorch/internal/executions"
	"github.com/drsorch/terraform-provider-drsorch/internal/plans"
	"github.com/drsorch/terraform-provider-drsorch/internal/recoveryplan"
	"github.com/drsorch/terraform-provider-drsorch/internal/statemachine"
	"github.com/drsorch/terraform-provider-drsorch/internal/tagging"
)

var (
	_ resource.ResourceWithConfigure      = (*recoveryPlanResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*recoveryPlanResource)(nil)
	_ resource.ResourceWithImportState    = (*recoveryPlanResource)(nil)
	_ resource.ResourceWithValidateConfig = (*recoveryPlanResource)(nil)
)

type recoveryPlanResource struct{ data *providerData }

func newRecoveryPlanResource() resource.Resource { return &recoveryPlanResource{} }

type recoveryPlanModel struct {
	regional                                       // region: regional.go
	ID                        types.String         `tfsdk:"id"`
	ARN                       types.String         `tfsdk:"arn"`
	Name                      types.String         `tfsdk:"name"`
	Description               types.String         `tfsdk:"description"`
	ExecutionRoleARN          types.String         `tfsdk:"execution_role_arn"`
	ForceDestroy              types.Bool           `tfsdk:"force_destroy"`
	Waves                     types.List           `tfsdk:"wave"` // of waveModel; unknown with dynamic blocks over unknown values
	Levels                    types.List           `tfsdk:"levels"`
	ServerCount               types.Int64          `tfsdk:"server_count"`
	Definition                types.String         `tfsdk:"definition"`
	EstimatedStateTransitions types.Int64          `tfsdk:"estimated_state_transitions"`
	VersionARN                types.String         `tfsdk:"version_arn"`
	Version                   types.Int64          `tfsdk:"version"`
	RTO                       timetypes.GoDuration `tfsdk:"rto"`
	recoveryPlanLogging
	Tags     types.Map      `tfsdk:"tags"`
	TagsAll  types.Map      `tfsdk:"tags_all"`
	Timeouts timeouts.Value `tfsdk:"timeouts"`
}

type waveModel struct {
	Name            types.String         `tfsdk:"name"`
	ProtectionGroup types.String         `tfsdk:"protection_group"`
	DependsOn       types.List           `tfsdk:"depends_on"`
	PauseBefore     types.Bool           `tfsdk:"pause_before"`
	Optional        types.Bool           `tfsdk:"optional"`
	Timeout         timetypes.GoDuration `tfsdk:"timeout"`
	PollInterval    timetypes.GoDuration `tfsdk:"poll_interval"`
	PostLaunch      types.List           `tfsdk:"post_launch"`  // of postLaunchModel (recovery_plan_steps.go)
	HealthChecks    types.List           `tfsdk:"health_check"` // of healthCheckModel
	RTO             timetypes.GoDuration `tfsdk:"rto"`
}

var levelsType = types.ListType{ElemType: types.ListType{ElemType: types.StringType}}

var waveObjectType = types.ObjectType{AttrTypes: map[string]attr.Type{
	"name": types.StringType, "protection_group": types.StringType, "depends_on": types.ListType{ElemType: types.StringType},
	"pause_before": types.BoolType, "optional": types.BoolType, "timeout": timetypes.GoDurationType{}, "poll_interval": timetypes.GoDurationType{},
	"post_launch": types.ListType{ElemType: postLaunchObjectType}, "health_check": types.ListType{ElemType: healthCheckObjectType},
	"rto": timetypes.GoDurationType{},
}}

// waves reads the wave blocks; known is false while the list itself is
// unknown (dynamic blocks over values known only later).
func (m recoveryPlanModel) waves(ctx context.Context, diags *diag.Diagnostics) (waves []waveModel, known bool) {
	if m.Waves.IsUnknown() || m.Waves.IsNull() {
		return nil, !m.Waves.IsUnknown()
	}
	diags.Append(m.Waves.ElementsAs(ctx, &waves, false)...)
	return waves, !diags.HasError()
}

func (r *recoveryPlanResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_recovery_plan"
}

func (r *recoveryPlanResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	computedString := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{Computed: true, Description: desc}
	}
	resp.Schema = schema.Schema{
		Description: "A recovery plan: ordered waves of protection groups, compiled into one Step Functions state machine " +
			"(`" + plans.StateMachinePrefix + "<name>`) in the recovery region. Anyone allowed to can start it — with Terraform " +
			"(`drsorch_execution`), the `drsorch` CLI, the console or an EventBridge rule — with the input `{\"type\": \"DRILL\"}` or " +
			"`{\"type\": \"RECOVERY\"}`. A wave starts as soon as the waves it depends on have recovered (a dependency graph that is not " +
			"series-parallel gets the fewest waits between levels that keep its order). Every mistake that " +
			"can be seen before a run — cycles, unknown dependencies, empty groups, servers in two waves, DRS quotas, a name another plan or " +
			"workspace uses — fails the plan. Problems that come only from changes in DRS (a lowered quota, a group emptied outside Terraform) " +
			"are warnings on a configuration that did not change: the deployed plan is kept, and destroy is never blocked. A plan whose members " +
			"change while one of its executions runs or is paused warns at plan, naming the execution and the servers added and removed. " +
			"Each wave runs as one execution of the shared wave runner `" + statemachine.RunnerName + "`, a state machine of the account " +
			"and region that create and update publish when needed; destroying a plan never deletes the runner, which other plans use.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{Computed: true, Description: "The plan name.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
			"arn": schema.StringAttribute{Computed: true, Description: "ARN of the plan's state machine.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
			"name": schema.StringAttribute{
				Required:      true,
				Description:   fmt.Sprintf("Plan name: letters, digits, '-' and '_', at most %d characters. Changing it replaces the plan.", plans.MaxNameLength),
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
				Validators:    []validator.String{funcValidator{"a recovery plan name", plans.ValidateName}},
			},
			"description": schema.StringAttribute{Optional: true,
				Description: "What the plan recovers (stored as a tag of the state machine, so at most 256 characters of letters, digits, spaces and `_ . : / = + - @`).",
				Validators: []validator.String{stringvalidator.LengthAtMost(256),
					// Step Functions refuses other characters in tag values:
					// https://docs.aws.amazon.com/step-functions/latest/dg/sfn-best-practices.html#tagging
					stringvalidator.RegexMatches(tagValuePattern, "may contain only letters, digits, spaces and _ . : / = + - @ (it is stored as a Step Functions tag value)")}},
			"execution_role_arn": schema.StringAttribute{
				Optional: true, Computed: true,
				Description: "IAM role the state machine runs as (see data.drsorch_orchestrator_policy for its policy). Defaults to the provider's `execution_role_arn`.",
				Validators:  []validator.String{stringvalidator.RegexMatches(roleARNPattern, "must be an IAM role ARN like arn:aws:iam::123456789012:role/drsorch")},
			},
			"force_destroy": schema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(false),
				Description: "Destroy the plan even while executions of it run, stopping them first. Default false: destroy is refused while one runs."},
			"levels": schema.ListAttribute{Computed: true, ElementType: types.ListType{ElemType: types.StringType},
				Description: "Wave names per level, in run order: the waves of one level run in parallel."},
			"server_count": schema.Int64Attribute{Computed: true, Description: "Source servers the plan recovers."},
			"definition":   computedString("The Amazon States Language definition deployed for the plan."),
			"estimated_state_transitions": schema.Int64Attribute{Computed: true,
				Description: "State transitions of one successful run, assuming launches of about ten minutes (Step Functions bills per transition)."},
			"version_arn": schema.StringAttribute{Computed: true,
				Description: "ARN of the state machine version the last apply published (`<arn>:<version>`). Every apply that changes the definition or " +
					"the role publishes a version, and runs (drsorch_execution, drsorch_drill, `drsorch start`) start on the newest one, so a run " +
					"started right after an update runs the new definition (a start on the unqualified ARN may get the previous one for a while). " +
					"Null for a plan deployed by an earlier drsorch until the next apply publishes one. drsorch keeps the newest " +
					fmt.Sprint(plans.KeepVersions) + " versions (and any a running execution uses) of Step Functions' 1,000.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
			"version": schema.Int64Attribute{Computed: true, Description: "The number of `version_arn`.",
				PlanModifiers: []planmodifier.Int64{int64planmodifier.UseStateForUnknown()}},
			"rto": schema.StringAttribute{Optional: true, CustomType: timetypes.GoDurationType{},
				Description: "Recovery time objective of a whole run, e.g. `4h`: from the start until the last wave is done, pause gates included. " +
					"A target, not a limit: the run is not stopped when it passes it. `drsorch report` (unless `--rto` overrides it) and the console " +
					"measure each run against it. Stored in the plan's definition, so changing it publishes a new version. Between 1m and 8760h, whole seconds."},
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx, timeouts.Opts{Create: true, Update: true, Delete: true, Read: true,
				CreateDescription: "How long create may take, e.g. `30m` (default `" + recoveryPlanTimeout.String() + "`): publishing the wave runner and the plan, " +
					"including waiting for a new execution role to become assumable by Step Functions (IAM propagation).",
				UpdateDescription: "How long update may take (default `" + recoveryPlanTimeout.String() + "`), including waiting for a new execution role to propagate.",
				DeleteDescription: "How long destroy may take (default `" + recoveryPlanTimeout.String() + "`): stopping running executions (force_destroy) and deleting the state machine.",
				ReadDescription:   "How long a refresh may take (default `" + recoveryPlanReadTimeout.String() + "`).",
			}),
			"wave": schema.ListNestedBlock{
				Description: "A wave: one DRS recovery job for one protection group. Waves run in the order given unless `depends_on` says otherwise.",
				Validators:  []validator.List{listvalidator.SizeAtLeast(1)},
				NestedObject: schema.NestedBlockObject{Attributes: map[string]schema.Attribute{
					"name": schema.StringAttribute{Required: true, Description: "Wave name, unique in the plan: 1-40 letters, digits, '.', '_' or '-'."},
					"protection_group": schema.StringAttribute{Required: true,
						Description: "The protection group to recover. Reference `drsorch_protection_group.<x>.id`: the plan then waits for the group and deploys its planned members in the same apply (a literal name uses the servers that carry the group's tag at plan)."},
					"depends_on": schema.ListAttribute{Optional: true, ElementType: types.StringType,
						Description: "Waves that must finish first. Omitted: the wave before this one (a plain list runs in sequence). `[]`: none, so the wave starts with the first level."},
					"pause_before": schema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(false),
						Description: "Pause the run before this wave until someone resumes it (`approved_waves` of drsorch_execution, `drsorch resume`, or SendTaskSuccess with the token of the `" + statemachine.PauseEventDetailType + "` event). Not allowed on a first-level wave."},
					"optional": schema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(false),
						Description: "The wave may fail without stopping the run (like DRS's OPTIONAL impact level): the waves after it still run, and a run whose only failures are optional waves ends `SUCCEEDED` with phase `PARTIAL: optional wave … failed` (drsorch_execution, `drsorch status`, the dashboard)."},
					"timeout": schema.StringAttribute{Optional: true, CustomType: timetypes.GoDurationType{},
						Description: "How long the wave's servers may take to launch, e.g. `90m`. Default 60m; between 1m and 24h."},
					"poll_interval": schema.StringAttribute{Optional: true, CustomType: timetypes.GoDurationType{},
						Description: "How often the job is polled once launched servers are expected, e.g. `30s` (the first polls come sooner to catch early failures). Default 30s; between 5s and 15m."},
					"rto": schema.StringAttribute{Optional: true, CustomType: timetypes.GoDurationType{},
						Description: "Recovery time objective of this wave, e.g. `20m`: its DRS job, from start to end (after its pause gate). A target that " +
							"`drsorch report` (unless `--wave-rto` overrides it) and the console measure runs against; it does not stop the wave (`timeout` does). " +
							"Between 1m and 8760h, whole seconds; a target longer than `timeout` or than the plan's `rto` is a warning."},
				}, Blocks: waveStepBlocks()},
			},
		},
	}
	maps.Copy(resp.Schema.Attributes, recoveryPlanLoggingAttributes())
	maps.Copy(resp.Schema.Attributes, tagsAttributes("plan's state machine"))
}

func (r *recoveryPlanResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// domainPlan converts the model into the domain plan; known is false when
// a name, dependency or duration is not known yet. Server IDs are left
// empty.
func (m recoveryPlanModel) domainPlan(ctx context.Context, diags *diag.Diagnostics) (p recoveryplan.Plan, known bool) {
	p.Name = m.Name.ValueString()
	waves, wavesKnown := m.waves(ctx, diags)
	known = !m.Name.IsUnknown() && wavesKnown && !m.RTO.IsUnknown()
	p.RTO = duration(m.RTO, path.Root("rto"), diags)
	for i, w := range waves {
		wave := recoveryplan.Wave{Name: w.Name.ValueString(), ProtectionGroup: w.ProtectionGroup.ValueString(), PauseBefore: w.PauseBefore.ValueBool(), Optional: w.Optional.ValueBool()}
		if w.Name.IsUnknown() || w.DependsOn.IsUnknown() || w.Timeout.IsUnknown() || w.PollInterval.IsUnknown() || w.PauseBefore.IsUnknown() || w.Optional.IsUnknown() || w.RTO.IsUnknown() {
			known = false
		}
		if !w.DependsOn.IsNull() && !w.DependsOn.IsUnknown() {
			wave.DependsOnSet = true
			wave.DependsOn = []string{}
			diags.Append(w.DependsOn.ElementsAs(ctx, &wave.DependsOn, false)...)
		}
		wave.Timeout = duration(w.Timeout, path.Root("wave").AtListIndex(i).AtName("timeout"), diags)
		wave.PollInterval = duration(w.PollInterval, path.Root("wave").AtListIndex(i).AtName("poll_interval"), diags)
		if !w.domainSteps(ctx, i, &wave, diags) {
			known = false
		}
		wave.RTO = duration(w.RTO, path.Root("wave").AtListIndex(i).AtName("rto"), diags)
		p.Waves = append(p.Waves, wave)
	}
	return p, known && !diags.HasError()
}

func duration(v timetypes.GoDuration, at path.Path, diags *diag.Diagnostics) time.Duration {
	if v.IsNull() || v.IsUnknown() {
		return 0
	}
	d, ds := v.ValueGoDuration()
	for _, e := range ds {
		diags.AddAttributeError(at, e.Summary(), e.Detail())
	}
	return d
}

// addProblems reports domain problems on their attribute paths.
func addProblems(ps recoveryplan.Problems, diags *diag.Diagnostics) {
	for _, p := range ps {
		at := path.Root("wave")
		if p.Wave < 0 && p.Attribute != "" && p.Attribute != "wave" {
			at = path.Root(p.Attribute) // a plan attribute (rto)
		}
		if p.Wave >= 0 {
			at = at.AtListIndex(p.Wave)
			if p.Attribute != "" {
				at = problemPath(at, p.Attribute)
			}
		}
		if p.Severity == recoveryplan.Warning {
			diags.AddAttributeWarning(at, p.Summary, p.Detail)
		} else {
			diags.AddAttributeError(at, p.Summary, p.Detail)
		}
	}
}

// ValidateConfig checks the plan's structure offline: names, dependencies,
// cycles, pause gates and durations.
func (r *recoveryPlanResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var cfg recoveryPlanModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	p, known := cfg.domainPlan(ctx, &resp.Diagnostics)
	if !known || len(p.Waves) == 0 {
		return
	}
	ps := p.ValidateStructure()
	addProblems(ps, &resp.Diagnostics)
	if !ps.HasErrors() {
		checkHistoryOffline(p, &resp.Diagnostics)
	}
}

func (r *recoveryPlanResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || r.data == nil {
		return
	}
	var plan recoveryPlanModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// drsorch's own tags: plan, managed-by, description.
	plan.TagsAll = planTagsAll(r.data, plan.Tags, len(recoveryPlanModel{}.tags())+1, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("tags_all"), plan.TagsAll)...)
	if plan.ExecutionRoleARN.IsUnknown() || plan.ExecutionRoleARN.IsNull() {
		var cfgRole types.String
		resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("execution_role_arn"), &cfgRole)...)
		if cfgRole.IsNull() {
			if r.data.executionRoleARN == "" {
				resp.Diagnostics.AddAttributeError(path.Root("execution_role_arn"), "No execution role",
					"The state machine needs an IAM role to run as. Set execution_role_arn here or in the provider block (data.drsorch_orchestrator_policy gives the policy the role needs).")
				return
			}
			plan.ExecutionRoleARN = types.StringValue(r.data.executionRoleARN)
		}
	}
	if req.State.Raw.IsNull() && !plan.Name.IsUnknown() {
		account, err := r.data.account(ctx)
		if err != nil {
			addAPIError(&resp.Diagnostics, "identify the AWS account (STS GetCallerIdentity)", err)
			return
		}
		plan.ARN = types.StringValue(plans.ARN(r.data.partition(), r.data.clients.Region, account, plan.Name.ValueString()))
		plan.ID = plan.Name
	}
	if r.checkPlanName(ctx, req.State.Raw.IsNull(), plan, &resp.Diagnostics); resp.Diagnostics.HasError() {
		return
	}
	domain, known := plan.domainPlan(ctx, &resp.Diagnostics)
	if !known {
		r.planVersion(ctx, req, &plan, &resp.Diagnostics)
		resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
		return
	}
	levels, err := domain.Levels()
	if err != nil {
		return // ValidateConfig reported it
	}
	plan.Levels = levelsValue(levels)
	// The plan starts a published version of the shared wave runner: the
	// one holding this drsorch's runner definition, or version 1 when the
	// account and region have no runner yet (the apply publishes it). When
	// neither is known the definition is known after apply.
	runner, err := r.runnerVersion(ctx, "", false)
	if err != nil {
		addAPIError(&resp.Diagnostics, "find the wave runner "+statemachine.RunnerName+" in "+r.data.clients.Region, err)
		return
	}
	compileWith := runner
	if runner == "" {
		compileWith = statemachine.PlaceholderRunnerARN(r.data.clients.Region)
	}
	var state recoveryPlanModel
	if !req.State.Raw.IsNull() {
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	}
	strict := req.State.Raw.IsNull() || configChanged(plan, state)
	compiled, ok, held := r.resolveAndCompile(ctx, &plan, domain, compileWith, strict, &resp.Diagnostics)
	if ok {
		// resolveAndCompile filled domain's waves (shared) with their servers.
		if checkLimits(plan, domain, compiled, &resp.Diagnostics); resp.Diagnostics.HasError() {
			return
		}
		plan.Definition = types.StringValue(compiled.Definition)
		if runner == "" {
			plan.Definition = types.StringUnknown()
		}
		plan.EstimatedStateTransitions = types.Int64Value(int64(compiled.EstimatedTransitions))
		r.warnStaleRuns(ctx, req, domain, &resp.Diagnostics)
	}
	if held {
		keepDeployed(&plan, state)
	}
	r.planVersion(ctx, req, &plan, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

// planVersion plans a new version (version_arn unknown) when the apply
// will publish one: the definition or the role changes, or the plan has
// none yet (deployed by an earlier drsorch). Otherwise the version stays.
func (r *recoveryPlanResource) planVersion(ctx context.Context, req resource.ModifyPlanRequest, plan *recoveryPlanModel, diags *diag.Diagnostics) {
	if req.State.Raw.IsNull() {
		plan.VersionARN, plan.Version = types.StringUnknown(), types.Int64Unknown()
		return
	}
	var state recoveryPlanModel
	diags.Append(req.State.Get(ctx, &state)...)
	if plan.Definition.IsUnknown() || !plan.Definition.Equal(state.Definition) || plan.ExecutionRoleARN.IsUnknown() ||
		!plan.ExecutionRoleARN.Equal(state.ExecutionRoleARN) || state.VersionARN.ValueString() == "" || loggingChanges(state) {
		plan.VersionARN, plan.Version = types.StringUnknown(), types.Int64Unknown()
	}
}

// publishDescription is the description of the versions applies publish.
func publishDescription(m recoveryPlanModel) *string {
	return aws.String(plans.VersionDescription("drsorch (terraform apply)", m.Definition.ValueString()))
}

// setVersion records a published version, and prunes old versions (a
// failure there is a warning: the plan is deployed).
func (r *recoveryPlanResource) setVersion(ctx context.Context, m *recoveryPlanModel, versionARN string, diags *diag.Diagnostics) {
	m.VersionARN, m.Version = types.StringValue(versionARN), types.Int64Value(executions.VersionNumber(versionARN))
	if _, err := plans.PruneVersions(ctx, r.data.clients.SFN, m.ARN.ValueString(), plans.KeepVersions); err != nil {
		diags.AddWarning("Could not delete old versions of recovery plan "+m.Name.ValueString(),
			fmt.Sprintf("drsorch keeps the newest %d versions of a plan's state machine (Step Functions allows 1,000): %v. The next apply tries again.", plans.KeepVersions, err))
	}
}

// resolveAndCompile gives each wave its protection group's members as
// planned (waveMembers), checks servers and quotas, and compiles the plan.
// ok is false when a group is not known yet (the definition is computed at
// apply then) or on error. Waves start the wave runner version
// runnerARN. strict says the configuration asks for a change
// (or this is the apply): problems found in the world are errors; else
// they are warnings and held says to keep the deployed definition.
func (r *recoveryPlanResource) resolveAndCompile(ctx context.Context, plan *recoveryPlanModel, domain recoveryplan.Plan, runnerARN string, strict bool, diags *diag.Diagnostics) (compiled *statemachine.Compiled, ok, held bool) {
	waves, _ := plan.waves(ctx, diags)
	for _, w := range waves {
		if w.ProtectionGroup.IsUnknown() {
			return nil, false, false
		}
	}
	clients := r.data.clients
	servers, err := clients.SourceServers().List(ctx)
	if err != nil {
		addAPIError(diags, "read DRS source servers in "+clients.Region, err)
		return nil, false, false
	}
	known, groupsChanged := r.waveMembers(domain, servers)
	if !known {
		return nil, false, false
	}
	strict = strict || groupsChanged
	serverCount := 0
	for _, w := range domain.Waves {
		serverCount += len(w.ServerIDs)
	}
	if held := addWorldProblems(domain.ValidateServers(), strict, diags); held || diags.HasError() {
		return nil, false, held
	}
	quotas, usage, err := drsapi.RunLimits(ctx, clients.ServiceQuotas, clients.DRS)
	if err != nil {
		addAPIError(diags, "read DRS quotas and active jobs in "+clients.Region, err)
		return nil, false, false
	}
	levels, _ := domain.Levels()
	if held := addWorldProblems(domain.ValidateQuotas(levels, quotas, usage), strict, diags); held || diags.HasError() {
		return nil, false, held
	}
	compiled, err = statemachine.Compile(domain, r.data.clients.Region, runnerARN)
	if err != nil {
		diags.AddError("Cannot compile the recovery plan", err.Error())
		return nil, false, false
	}
	plan.ServerCount = types.Int64Value(int64(serverCount))
	return compiled, true, false
}

func levelsValue(levels [][]string) types.List {
	outer := make([]attr.Value, len(levels))
	for i, l := range levels {
		inner := make([]attr.Value, len(l))
		for j, w := range l {
			inner[j] = types.StringValue(w)
		}
		outer[i] = types.ListValueMust(types.StringType, inner)
	}
	return types.ListValueMust(levelsType.ElemType, outer)
}

// runnerVersion is the wave runner version plans start: published by
// plans.EnsureRunner when deploy is set (apply), only looked up otherwise
// ("" when this drsorch has not published it yet). The runner is shared by
// every plan of the account and region: destroying a plan leaves it.
// A runner it creates runs as role (the plan's execution role, which
// data.drsorch_orchestrator_policy covers for both).
func (r *recoveryPlanResource) runnerVersion(ctx context.Context, role string, deploy bool) (string, error) {
	account, err := r.data.account(ctx)
	if err != nil {
		return "", err
	}
	if !deploy {
		v, _, err := plans.FindRunner(ctx, r.data.clients.SFN, r.data.clients.Region, account)
		return v, err
	}
	return plans.EnsureRunner(ctx, r.data.clients.SFN, r.data.partition(), r.data.clients.Region, account, role)
}

// ensureCompiled compiles at apply time what the plan could not (groups
// created in the same apply, the wave runner published by this apply).
func (r *recoveryPlanResource) ensureCompiled(ctx context.Context, plan *recoveryPlanModel, diags *diag.Diagnostics) bool {
	runner, err := r.runnerVersion(ctx, plan.ExecutionRoleARN.ValueString(), true)
	if err != nil {
		addAPIError(diags, "deploy the wave runner "+statemachine.RunnerName+" in "+r.data.clients.Region, err)
		return false
	}
	if !plan.Definition.IsUnknown() {
		// Planned on the runner version found (or foreseen) at plan time.
		if view, err := statemachine.Describe(plan.Definition.ValueString()); err == nil && view.RunnerARN != "" && view.RunnerARN != runner {
			diags.AddError("The wave runner changed since the plan",
				fmt.Sprintf("This plan starts the wave runner version %s, but the apply found %s (another apply published the runner meanwhile). Run terraform apply again: the new plan uses %s.",
					view.RunnerARN, runner, runner))
			return false
		}
		return true
	}
	domain, _ := plan.domainPlan(ctx, diags)
	if diags.HasError() {
		return false
	}
	compiled, ok, _ := r.resolveAndCompile(ctx, plan, domain, runner, true, diags)
	if !ok {
		if !diags.HasError() {
			diags.AddError("Cannot compile the recovery plan", "A wave's protection group is still unknown at apply time.")
		}
		return false
	}
	plan.Definition = types.StringValue(compiled.Definition)
	plan.EstimatedStateTransitions = types.Int64Value(int64(compiled.EstimatedTransitions))
	plan.Levels = levelsValue(compiled.Levels)
	return true
}

// tagValuePattern is what Step Functions accepts in a tag value.
var tagValuePattern = regexp.MustCompile(`^[\p{L}\p{N}\s_.:/=+\-@]*$`)

// userTags are the resource's own tags (known at apply).
func (m recoveryPlanModel) userTags() map[string]string {
	out, _ := mapStrings(m.Tags)
	return out
}

// allTags is what the state machine is created with: default_tags under
// tags, and drsorch's own tags, whose keys no user tag may have.
func (m recoveryPlanModel) allTags(c tagging.Config) map[string]string {
	all := c.Merge(m.userTags())
	maps.Copy(all, m.tags())
	return all
}

// tags are drsorch's own tags of the plan's state machine.
func (m recoveryPlanModel) tags() map[string]string {
	tags := map[string]string{plans.TagPlan: m.Name.ValueString(), plans.TagManagedBy: "terraform"}
	if d := m.Description.ValueString(); d != "" {
		tags[plans.TagDescription] = d
	}
	return tags
}

func (r *recoveryPlanResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan recoveryPlanModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := withTimeout(ctx, plan.Timeouts.Create, recoveryPlanTimeout, &resp.Diagnostics)
	defer cancel()
	if !r.ensureCompiled(ctx, &plan, &resp.Diagnostics) || !r.ensureLogGroup(ctx, &plan, &resp.Diagnostics) {
		return
	}
	var out *sfn.CreateStateMachineOutput
	err := plans.RetryRolePropagation(ctx, plan.ExecutionRoleARN.ValueString(), func() (err error) {
		out, err = r.data.clients.SFN.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{
			Name:       aws.String(plans.StateMachineName(plan.Name.ValueString())),
			Definition: aws.String(plan.Definition.ValueString()),
			RoleArn:    aws.String(plan.ExecutionRoleARN.ValueString()),
			Type:       sfntypes.StateMachineTypeStandard,
			Tags:       plans.SFNTags(plan.allTags(r.data.tags)),
			// Publish a version: runs start on it, never on a stale definition
			// (https://docs.aws.amazon.com/step-functions/latest/apireference/API_CreateStateMachine.html).
			Publish:            true,
			VersionDescription: publishDescription(plan),
			// The audit trail (recovery_plan_logging.go).
			LoggingConfiguration: plan.loggingConfiguration(),
		})
		return err
	})
	var exists *sfntypes.StateMachineAlreadyExists
	if errors.As(err, &exists) {
		resp.Diagnostics.AddAttributeError(path.Root("name"), "Recovery plan already exists",
			fmt.Sprintf("A state machine named %s already exists in %s with another definition. To manage it here, import it: terraform import <address> %s",
				plans.StateMachineName(plan.Name.ValueString()), r.data.clients.Region, plan.Name.ValueString()))
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "create the state machine of recovery plan "+plan.Name.ValueString(), err)
		return
	}
	plan.ARN = types.StringValue(aws.ToString(out.StateMachineArn))
	plan.ID = plan.Name
	plan.TagsAll = stringMap(r.data.tags.All(plan.userTags()))
	r.setVersion(ctx, &plan, aws.ToString(out.StateMachineVersionArn), &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *recoveryPlanResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state recoveryPlanModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := withTimeout(ctx, state.Timeouts.Read, recoveryPlanReadTimeout, &resp.Diagnostics)
	defer cancel()
	out, found, err := plans.Find(ctx, r.data.clients.SFN, state.ARN.ValueString())
	if err != nil {
		addAPIError(&resp.Diagnostics, "read recovery plan "+state.Name.ValueString(), err)
		return
	}
	if !found {
		resp.State.RemoveResource(ctx)
		return
	}
	tags, err := plans.Tags(ctx, r.data.clients.SFN, state.ARN.ValueString())
	if err != nil {
		addAPIError(&resp.Diagnostics, "read the tags of recovery plan "+state.Name.ValueString(), err)
		return
	}
	state.Definition = types.StringValue(aws.ToString(out.Definition))
	state.ExecutionRoleARN = types.StringValue(aws.ToString(out.RoleArn))
	r.readLogging(ctx, &state, out.LoggingConfiguration, &resp.Diagnostics)
	latest, err := executions.LatestVersion(ctx, r.data.clients.SFN, state.ARN.ValueString())
	if err != nil {
		addAPIError(&resp.Diagnostics, "list the versions of recovery plan "+state.Name.ValueString(), err)
		return
	}
	if latest == "" { // deployed by an earlier drsorch: the next apply publishes one
		state.VersionARN, state.Version = types.StringNull(), types.Int64Null()
	} else {
		state.VersionARN, state.Version = types.StringValue(latest), types.Int64Value(executions.VersionNumber(latest))
	}
	prior, _ := mapStrings(state.Tags)
	user, all, null := r.data.tags.Read(tags, prior, state.Tags.IsNull())
	state.Tags, state.TagsAll = stringMap(user), stringMap(all)
	if null {
		state.Tags = types.MapNull(types.StringType)
	}
	if d, ok := tags[plans.TagDescription]; ok {
		state.Description = types.StringValue(d)
	} else if !state.Description.IsNull() {
		state.Description = types.StringNull()
	}
	if view, err := statemachine.Describe(aws.ToString(out.Definition)); err == nil {
		var levels [][]string
		count := 0
		for _, l := range view.Levels {
			var names []string
			for _, w := range l {
				names = append(names, w.Name)
				count += len(w.SourceServerIDs)
			}
			levels = append(levels, names)
		}
		state.Levels = levelsValue(levels)
		state.ServerCount = types.Int64Value(int64(count))
		if state.Waves.IsNull() || len(state.Waves.Elements()) == 0 { // after import
			state.Waves = wavesFromView(ctx, view, &resp.Diagnostics)
			if view.RTO > 0 {
				state.RTO = timetypes.NewGoDurationValue(view.RTO)
			}
		}
		runner := view.RunnerARN
		if runner == "" { // compiled before the wave runner
			runner = statemachine.PlaceholderRunnerARN(r.data.clients.Region)
		}
		if compiled, err := statemachine.Compile(view.Plan(), r.data.clients.Region, runner); err == nil {
			state.EstimatedStateTransitions = types.Int64Value(int64(compiled.EstimatedTransitions))
		}
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func wavesFromView(ctx context.Context, view *statemachine.PlanView, diags *diag.Diagnostics) types.List {
	var waves []waveModel
	for _, w := range view.DeclaredWaves() {
		m := waveModel{
			Name: types.StringValue(w.Name), ProtectionGroup: types.StringValue(w.ProtectionGroup),
			PauseBefore: types.BoolValue(w.PauseBefore), Optional: types.BoolValue(w.Optional), DependsOn: types.ListNull(types.StringType),
			Timeout: timetypes.NewGoDurationNull(), PollInterval: timetypes.NewGoDurationNull(), RTO: timetypes.NewGoDurationNull(),
		}
		if w.RTO > 0 {
			m.RTO = timetypes.NewGoDurationValue(w.RTO)
		}
		if w.DependsOnSet {
			deps := make([]attr.Value, len(w.DependsOn))
			for i, d := range w.DependsOn {
				deps[i] = types.StringValue(d)
			}
			m.DependsOn = types.ListValueMust(types.StringType, deps)
		}
		if w.Timeout != 0 && w.Timeout != recoveryplan.DefaultWaveTimeout {
			m.Timeout = timetypes.NewGoDurationValue(w.Timeout)
		}
		if w.PollInterval != 0 && w.PollInterval != recoveryplan.DefaultPollInterval {
			m.PollInterval = timetypes.NewGoDurationValue(w.PollInterval)
		}
		m.PostLaunch, m.HealthChecks = stepsFromDomain(ctx, w.PostLaunch, w.HealthChecks, diags)
		waves = append(waves, m)
	}
	list, d := types.ListValueFrom(ctx, waveObjectType, waves)
	diags.Append(d...)
	return list
}

func (r *recoveryPlanResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state recoveryPlanModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := withTimeout(ctx, plan.Timeouts.Update, recoveryPlanTimeout, &resp.Diagnostics)
	defer cancel()
	if !r.ensureCompiled(ctx, &plan, &resp.Diagnostics) || !r.ensureLogGroup(ctx, &plan, &resp.Diagnostics) {
		return
	}
	arn := state.ARN.ValueString()
	in := &sfn.UpdateStateMachineInput{
		StateMachineArn: aws.String(arn),
		Definition:      aws.String(plan.Definition.ValueString()),
		RoleArn:         aws.String(plan.ExecutionRoleARN.ValueString()),
	}
	in.LoggingConfiguration = plan.loggingConfiguration()
	// A new definition or role is published as a version (planVersion):
	// executions started on the unqualified ARN right after an update may
	// still get the previous definition and role, those started on the
	// version never do
	// (https://docs.aws.amazon.com/step-functions/latest/apireference/API_UpdateStateMachine.html).
	publish := plan.VersionARN.IsUnknown()
	if publish {
		in.Publish, in.VersionDescription = true, publishDescription(plan)
	}
	var out *sfn.UpdateStateMachineOutput
	err := plans.RetryRolePropagation(ctx, plan.ExecutionRoleARN.ValueString(), func() (err error) {
		out, err = r.data.clients.SFN.UpdateStateMachine(ctx, in)
		return err
	})
	if err != nil {
		addAPIError(&resp.Diagnostics, "update the state machine of recovery plan "+plan.Name.ValueString(), err)
		return
	}
	// User tags change as tags_all does (ignored keys are in neither);
	// drsorch's own tags are written every time.
	oldAll, _ := mapStrings(state.TagsAll)
	newAll := r.data.tags.All(plan.userTags())
	plan.TagsAll = stringMap(newAll)
	set, remove := tagging.Changes(oldAll, newAll)
	maps.Copy(set, plan.tags())
	if _, err := r.data.clients.SFN.TagResource(ctx, &sfn.TagResourceInput{ResourceArn: aws.String(arn), Tags: plans.SFNTags(set)}); err != nil {
		addAPIError(&resp.Diagnostics, "tag recovery plan "+plan.Name.ValueString(), err)
		return
	}
	if plan.Description.ValueString() == "" && state.Description.ValueString() != "" {
		remove = append(remove, plans.TagDescription)
	}
	if len(remove) > 0 {
		if _, err := r.data.clients.SFN.UntagResource(ctx, &sfn.UntagResourceInput{ResourceArn: aws.String(arn), TagKeys: remove}); err != nil {
			addAPIError(&resp.Diagnostics, "untag recovery plan "+plan.Name.ValueString(), err)
			return
		}
	}
	plan.ARN = state.ARN
	if publish {
		versionARN := aws.ToString(out.StateMachineVersionArn)
		if versionARN == "" { // not published by the update itself
			pub, err := r.data.clients.SFN.PublishStateMachineVersion(ctx, &sfn.PublishStateMachineVersionInput{
				StateMachineArn: aws.String(arn), RevisionId: out.RevisionId, Description: publishDescription(plan)})
			if err != nil {
				addAPIError(&resp.Diagnostics, "publish a version of recovery plan "+plan.Name.ValueString(), err)
				return
			}
			versionARN = aws.ToString(pub.StateMachineVersionArn)
		}
		r.setVersion(ctx, &plan, versionARN, &resp.Diagnostics)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *recoveryPlanResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state recoveryPlanModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := withTimeout(ctx, state.Timeouts.Delete, recoveryPlanTimeout, &resp.Diagnostics)
	defer cancel()
	api := r.data.clients.SFN
	arn := state.ARN.ValueString()
	running, err := plans.Executions(ctx, api, arn, sfntypes.ExecutionStatusRunning)
	if err != nil {
		addAPIError(&resp.Diagnostics, "list the running executions of recovery plan "+state.Name.ValueString(), err)
		return
	}
	if len(running) > 0 && !state.ForceDestroy.ValueBool() {
		var names []string
		for _, e := range running {
			names = append(names, aws.ToString(e.ExecutionArn))
		}
		resp.Diagnostics.AddError("Recovery plan has running executions",
			fmt.Sprintf("Destroying plan %s would leave these executions without their plan:\n  %s\nWait for them, stop them (drsorch cancel), or set force_destroy = true to stop them and destroy.",
				state.Name.ValueString(), strings.Join(names, "\n  ")))
		return
	}
	for _, e := range running {
		_, err := api.StopExecution(ctx, &sfn.StopExecutionInput{ExecutionArn: e.ExecutionArn,
			Error: aws.String("drsorch.PlanDestroyed"), Cause: aws.String("recovery plan destroyed with force_destroy")})
		if err != nil {
			addAPIError(&resp.Diagnostics, "stop execution "+aws.ToString(e.ExecutionArn), err)
			return
		}
	}
	_, err = api.DeleteStateMachine(ctx, &sfn.DeleteStateMachineInput{StateMachineArn: aws.String(arn)})
	var missing *sfntypes.StateMachineDoesNotExist
	if err != nil && !errors.As(err, &missing) {
		addAPIError(&resp.Diagnostics, "delete recovery plan "+state.Name.ValueString(), err)
	}
	r.deleteLogGroupIfAsked(ctx, state, &resp.Diagnostics)
}

// ImportState imports a plan by name.
func (r *recoveryPlanResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	name, err := planNameFromImportID(req.ID, r.data.clients.Region)
	if err != nil {
		resp.Diagnostics.AddError("Invalid import ID", err.Error())
		return
	}
	if err := plans.ValidateName(name); err != nil {
		resp.Diagnostics.AddError("Invalid import ID", err.Error()+". Import a recovery plan by its name, state machine ARN or version ARN.")
		return
	}
	account, err := r.data.account(ctx)
	if err != nil {
		addAPIError(&resp.Diagnostics, "identify the AWS account (STS GetCallerIdentity)", err)
		return
	}
	arn := plans.ARN(r.data.partition(), r.data.clients.Region, account, name)
	if _, found, err := plans.Find(ctx, r.data.clients.SFN, arn); err != nil || !found {
		if err != nil {
			addAPIError(&resp.Diagnostics, "read recovery plan "+name, err)
		} else {
			resp.Diagnostics.AddError("Recovery plan not found", fmt.Sprintf("There is no state machine %s in %s.", plans.StateMachineName(name), r.data.clients.Region))
		}
		return
	}
	for attrName, v := range map[string]attr.Value{
		"id": types.StringValue(name), "name": types.StringValue(name), "arn": types.StringValue(arn),
		"force_destroy": types.BoolValue(false), "estimated_state_transitions": types.Int64Null(),
		"version_arn": types.StringNull(), "version": types.Int64Null(), "rto": timetypes.NewGoDurationNull(),
	} {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(attrName), v)...)
	}
}

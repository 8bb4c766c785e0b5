package provider

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64default"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/drsorch/terraform-provider-drsorch/internal/recoveryplan"
)

// A wave's post_launch and health_check blocks: recoveryplan.PostLaunch
// and recoveryplan.HealthCheck, run by the wave runner through SSM once the
// wave's instances are up.

type postLaunchModel struct {
	Type              types.String         `tfsdk:"type"`
	Document          types.String         `tfsdk:"document"`
	Parameters        types.Map            `tfsdk:"parameters"`
	InstanceParameter types.String         `tfsdk:"instance_parameter"`
	Timeout           timetypes.GoDuration `tfsdk:"timeout"`
}

type healthCheckModel struct {
	Type         types.String         `tfsdk:"type"`
	Host         types.String         `tfsdk:"host"`
	Port         types.Int64          `tfsdk:"port"`
	Path         types.String         `tfsdk:"path"`
	ExpectStatus types.Int64          `tfsdk:"expect_status"`
	Timeout      timetypes.GoDuration `tfsdk:"timeout"`
	Retries      types.Int64          `tfsdk:"retries"`
	Interval     timetypes.GoDuration `tfsdk:"interval"`
}

var (
	postLaunchObjectType = types.ObjectType{AttrTypes: map[string]attr.Type{
		"type": types.StringType, "document": types.StringType, "parameters": types.MapType{ElemType: types.ListType{ElemType: types.StringType}},
		"instance_parameter": types.StringType, "timeout": timetypes.GoDurationType{},
	}}
	healthCheckObjectType = types.ObjectType{AttrTypes: map[string]attr.Type{
		"type": types.StringType, "host": types.StringType, "port": types.Int64Type, "path": types.StringType,
		"expect_status": types.Int64Type, "timeout": timetypes.GoDurationType{}, "retries": types.Int64Type, "interval": timetypes.GoDurationType{},
	}}
)

// waveStepBlocks are the wave block's nested blocks.
func waveStepBlocks() map[string]schema.Block {
	return map[string]schema.Block{
		"post_launch": schema.ListNestedBlock{
			Description: "A step run once the wave's instances are up, before its health checks and before any later wave starts: an SSM Run Command " +
				"document on every recovered instance of the wave (`type = \"command\"`), or an SSM Automation runbook run once " +
				"(`type = \"automation\"`). Steps run in order; the first that fails fails the wave with its output in the cause. The state " +
				"machine calls SSM directly (SendCommand, ListCommandInvocations, GetCommandInvocation, StartAutomationExecution, " +
				"GetAutomationExecution): no Lambda. The instances must be SSM managed nodes (SSM Agent and an instance profile that allows it). " +
				"A wave with steps recovers at most 50 servers (SendCommand's limit).",
			NestedObject: schema.NestedBlockObject{Attributes: map[string]schema.Attribute{
				"type": schema.StringAttribute{Required: true, Description: "`command` (SSM Run Command on the wave's instances) or `automation` (SSM Automation, once per wave).",
					Validators: []validator.String{stringvalidator.OneOf(recoveryplan.StepCommand, recoveryplan.StepAutomation)}},
				"document": schema.StringAttribute{Required: true, Description: "Name or ARN of the SSM document, e.g. `AWS-RunShellScript` or `AWS-RestartEC2Instance`."},
				"parameters": schema.MapAttribute{Optional: true, ElementType: types.ListType{ElemType: types.StringType},
					Description: "The document's parameters, each a list of strings as SSM takes them, e.g. `{ commands = [\"systemctl start nginx\"] }`."},
				"instance_parameter": schema.StringAttribute{Optional: true,
					Description: "For an automation: the runbook parameter that receives the EC2 instance IDs of the wave's recovered instances, e.g. `InstanceId`."},
				"timeout": schema.StringAttribute{Optional: true, CustomType: timetypes.GoDurationType{},
					Description: fmt.Sprintf("How long the step may run, e.g. `15m`; the wave fails when it has not finished by then. Default %s; between %s and %s.",
						recoveryplan.DefaultStepTimout, recoveryplan.MinStepTimeout, recoveryplan.MaxStepTimeout)},
			}},
		},
		"health_check": schema.ListNestedBlock{
			Description: "An application check run on each recovered instance of the wave after its post_launch steps, through SSM Run Command " +
				"(`AWS-RunShellScript`, so services in private subnets are reached without a Lambda in the VPC): the wave succeeds, and later waves " +
				"start, only when the check passes on every instance. Its output (each attempt) is in the wave's failure cause.",
			NestedObject: schema.NestedBlockObject{Attributes: map[string]schema.Attribute{
				"type": schema.StringAttribute{Required: true, Description: "`http` (curl, expects `expect_status`) or `tcp` (opens a connection).",
					Validators: []validator.String{stringvalidator.OneOf(recoveryplan.CheckHTTP, recoveryplan.CheckTCP)}},
				"host":          schema.StringAttribute{Optional: true, Description: "Host to check, from the instance. Default `127.0.0.1`: the recovered instance itself."},
				"port":          schema.Int64Attribute{Required: true, Description: "Port to check."},
				"path":          schema.StringAttribute{Optional: true, Description: "HTTP path, e.g. `/health`. Default `/`."},
				"expect_status": schema.Int64Attribute{Optional: true, Description: "HTTP status that passes. Default 200."},
				"timeout": schema.StringAttribute{Optional: true, CustomType: timetypes.GoDurationType{},
					Description: fmt.Sprintf("Timeout of one attempt, e.g. `5s`. Default %s; between 1s and 5m.", recoveryplan.DefaultCheckTimeout)},
				"retries": schema.Int64Attribute{Optional: true, Computed: true, Default: int64default.StaticInt64(recoveryplan.DefaultCheckRetries),
					Description: fmt.Sprintf("Attempts after the first before the check fails. Default %d; at most %d.", recoveryplan.DefaultCheckRetries, recoveryplan.MaxCheckRetries)},
				"interval": schema.StringAttribute{Optional: true, CustomType: timetypes.GoDurationType{},
					Description: fmt.Sprintf("Pause between attempts, e.g. `10s`. Default %s; between 1s and 5m.", recoveryplan.DefaultCheckInterval)},
			}},
		},
	}
}

// domainSteps reads wave i's step blocks into w; known is false while any
// value is unknown.
func (m waveModel) domainSteps(ctx context.Context, i int, w *recoveryplan.Wave, diags *diag.Diagnostics) (known bool) {
	known = !m.PostLaunch.IsUnknown() && !m.HealthChecks.IsUnknown()
	at := path.Root("wave").AtListIndex(i)
	var post []postLaunchModel
	if !m.PostLaunch.IsNull() && !m.PostLaunch.IsUnknown() {
		diags.Append(m.PostLaunch.ElementsAs(ctx, &post, false)...)
	}
	for j, p := range post {
		if p.Type.IsUnknown() || p.Document.IsUnknown() || p.Parameters.IsUnknown() || p.InstanceParameter.IsUnknown() || p.Timeout.IsUnknown() {
			known = false
		}
		step := recoveryplan.PostLaunch{Type: p.Type.ValueString(), Document: p.Document.ValueString(), InstanceParameter: p.InstanceParameter.ValueString(),
			Timeout: duration(p.Timeout, at.AtName("post_launch").AtListIndex(j).AtName("timeout"), diags)}
		if !p.Parameters.IsNull() && !p.Parameters.IsUnknown() {
			step.Parameters = map[string][]string{}
			diags.Append(p.Parameters.ElementsAs(ctx, &step.Parameters, false)...)
		}
		w.PostLaunch = append(w.PostLaunch, step)
	}
	var checks []healthCheckModel
	if !m.HealthChecks.IsNull() && !m.HealthChecks.IsUnknown() {
		diags.Append(m.HealthChecks.ElementsAs(ctx, &checks, false)...)
	}
	for j, c := range checks {
		if c.Type.IsUnknown() || c.Host.IsUnknown() || c.Port.IsUnknown() || c.Path.IsUnknown() || c.ExpectStatus.IsUnknown() ||
			c.Timeout.IsUnknown() || c.Retries.IsUnknown() || c.Interval.IsUnknown() {
			known = false
		}
		cat := at.AtName("health_check").AtListIndex(j)
		check := recoveryplan.HealthCheck{Type: c.Type.ValueString(), Host: c.Host.ValueString(), Port: int(c.Port.ValueInt64()),
			Path: c.Path.ValueString(), ExpectStatus: int(c.ExpectStatus.ValueInt64()), Retries: recoveryplan.DefaultCheckRetries,
			Timeout: duration(c.Timeout, cat.AtName("timeout"), diags), Interval: duration(c.Interval, cat.AtName("interval"), diags)}
		if !c.Retries.IsNull() && !c.Retries.IsUnknown() {
			check.Retries = int(c.Retries.ValueInt64())
		}
		w.HealthChecks = append(w.HealthChecks, check)
	}
	return known
}

// stepsFromDomain is the step blocks of a wave read back from its plan
// (after import), with defaults left unset as a configuration leaves them.
func stepsFromDomain(ctx context.Context, post []recoveryplan.PostLaunch, checks []recoveryplan.HealthCheck, diags *diag.Diagnostics) (types.List, types.List) {
	posts := make([]postLaunchModel, 0, len(post))
	for _, p := range post {
		m := postLaunchModel{Type: types.StringValue(p.Type), Document: types.StringValue(p.Document),
			Parameters:        types.MapNull(types.ListType{ElemType: types.StringType}),
			InstanceParameter: types.StringNull(), Timeout: timetypes.NewGoDurationNull()}
		if len(p.Parameters) > 0 {
			v, d := types.MapValueFrom(ctx, types.ListType{ElemType: types.StringType}, p.Parameters)
			diags.Append(d...)
			m.Parameters = v
		}
		if p.InstanceParameter != "" {
			m.InstanceParameter = types.StringValue(p.InstanceParameter)
		}
		if p.Timeout != 0 {
			m.Timeout = timetypes.NewGoDurationValue(p.Timeout)
		}
		posts = append(posts, m)
	}
	hcs := make([]healthCheckModel, 0, len(checks))
	for _, c := range checks {
		m := healthCheckModel{Type: types.StringValue(c.Type), Host: types.StringNull(), Port: types.Int64Value(int64(c.Port)),
			Path: types.StringNull(), ExpectStatus: types.Int64Null(), Timeout: timetypes.NewGoDurationNull(),
			Retries: types.Int64Value(int64(c.Retries)), Interval: timetypes.NewGoDurationNull()}
		if c.Host != "" {
			m.Host = types.StringValue(c.Host)
		}
		if c.Path != "" {
			m.Path = types.StringValue(c.Path)
		}
		if c.ExpectStatus != 0 {
			m.ExpectStatus = types.Int64Value(int64(c.ExpectStatus))
		}
		if c.Timeout != 0 && c.Timeout != recoveryplan.DefaultCheckTimeout {
			m.Timeout = timetypes.NewGoDurationValue(c.Timeout)
		}
		if c.Interval != 0 && c.Interval != recoveryplan.DefaultCheckInterval {
			m.Interval = timetypes.NewGoDurationValue(c.Interval)
		}
		hcs = append(hcs, m)
	}
	pl, d := types.ListValueFrom(ctx, postLaunchObjectType, posts)
	diags.Append(d...)
	hl, d := types.ListValueFrom(ctx, healthCheckObjectType, hcs)
	diags.Append(d...)
	return pl, hl
}

// problemPath turns a Problem's attribute ("timeout", or
// "health_check.0.port" for a step's) into its path under wave i.
func problemPath(at path.Path, attribute string) path.Path {
	for _, part := range strings.Split(attribute, ".") {
		if n, err := strconv.Atoi(part); err == nil {
			at = at.AtListIndex(n)
		} else {
			at = at.AtName(part)
		}
	}
	return at
}

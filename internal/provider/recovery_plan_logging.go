package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	logstypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	sfntypes "github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64default"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/drsorch/terraform-provider-drsorch/internal/plans"
)

// The audit trail of a recovery plan: its state machine logs every event,
// with execution data, to a CloudWatch Logs group the plan creates. Step
// Functions forgets an execution 90 days after it ends and at once when
// the state machine is deleted; the log group outlives both, so `drsorch
// history` and `status` can rebuild old runs from it. Destroying or
// renaming the plan keeps the group unless delete_log_group_on_destroy.

// recoveryPlanLogging is the logging part of recoveryPlanModel.
type recoveryPlanLogging struct {
	LogGroupName            types.String `tfsdk:"log_group_name"`
	LogGroupARN             types.String `tfsdk:"log_group_arn"`
	LogRetentionDays        types.Int64  `tfsdk:"log_retention_days"`
	DeleteLogGroupOnDestroy types.Bool   `tfsdk:"delete_log_group_on_destroy"`
}

func recoveryPlanLoggingAttributes() map[string]schema.Attribute {
	keep := []planmodifier.String{logGroupPlanModifier{}}
	return map[string]schema.Attribute{
		"log_group_name": schema.StringAttribute{Computed: true, PlanModifiers: keep,
			Description: "The CloudWatch Logs group the plan's state machine logs every execution event to, with input and output (`" +
				plans.LogGroupPrefix + plans.StateMachinePrefix + "<name>`): the audit trail that outlasts Step Functions' 90 days and the plan itself."},
		"log_group_arn": schema.StringAttribute{Computed: true, PlanModifiers: keep,
			Description: "ARN of `log_group_name` (without the `:*` Step Functions appends)."},
		"log_retention_days": schema.Int64Attribute{Optional: true, Computed: true, Default: int64default.StaticInt64(plans.DefaultLogRetentionDays),
			Validators: []validator.Int64{logRetentionValidator{}},
			Description: fmt.Sprintf("How many days the log group keeps execution events. Default %d. One of CloudWatch Logs' retention periods: %v.",
				plans.DefaultLogRetentionDays, plans.LogRetentionDays)},
		"delete_log_group_on_destroy": schema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(false),
			Description: "Delete the log group, and with it the plan's audit trail, when the plan is destroyed or renamed. Default false: the group is kept " +
				"(with its retention), so `drsorch history` and `drsorch status` still show the plan's runs; a plan created again under the same name logs to it again."},
	}
}

// logGroupPlanModifier keeps the log group of the state, and plans a new
// one (unknown) where the state has none: a plan deployed by an earlier
// drsorch, or whose group or logging was removed outside Terraform.
type logGroupPlanModifier struct{}

func (logGroupPlanModifier) Description(context.Context) string {
	return "the log group stays; an apply creates it where it is missing"
}
func (m logGroupPlanModifier) MarkdownDescription(ctx context.Context) string {
	return m.Description(ctx)
}
func (logGroupPlanModifier) PlanModifyString(_ context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	if req.State.Raw.IsNull() || req.Plan.Raw.IsNull() {
		return
	}
	if req.StateValue.IsNull() {
		resp.PlanValue = types.StringUnknown()
		return
	}
	resp.PlanValue = req.StateValue
}

type logRetentionValidator struct{}

func (logRetentionValidator) Description(context.Context) string {
	return "a CloudWatch Logs retention period in days"
}
func (v logRetentionValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}
func (logRetentionValidator) ValidateInt64(_ context.Context, req validator.Int64Request, resp *validator.Int64Response) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if err := plans.ValidateLogRetention(req.ConfigValue.ValueInt64()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid log_retention_days", "log_retention_days: "+err.Error()+".")
	}
}

// loggingConfiguration is what the plan's state machine is created or
// updated with: level ALL with execution data, so that waves, approvals
// and the outcome can be rebuilt from the log group
// (https://docs.aws.amazon.com/step-functions/latest/dg/cw-logs.html).
func (m recoveryPlanModel) loggingConfiguration() *sfntypes.LoggingConfiguration {
	return plans.LoggingConfiguration(m.LogGroupARN.ValueString() + ":*")
}

// ensureLogGroup creates the plan's log group, or adopts the one an
// earlier plan of this name left, and sets its retention. It fills
// log_group_name and log_group_arn; false on error.
func (r *recoveryPlanResource) ensureLogGroup(ctx context.Context, m *recoveryPlanModel, diags *diag.Diagnostics) bool {
	account, err := r.data.account(ctx)
	if err != nil {
		addAPIError(diags, "identify the AWS account (STS GetCallerIdentity) for the log group ARN", err)
		return false
	}
	name := plans.LogGroupName(m.Name.ValueString())
	api := r.data.clients.Logs
	_, err = api.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String(name),
		Tags: map[string]string{plans.TagPlan: m.Name.ValueString(), plans.TagManagedBy: "terraform"}})
	var exists *logstypes.ResourceAlreadyExistsException
	if err != nil && !errors.As(err, &exists) {
		addAPIError(diags, "create log group "+name+" for recovery plan "+m.Name.ValueString()+" (logs:CreateLogGroup)", err)
		return false
	}
	days := m.LogRetentionDays.ValueInt64()
	if m.LogRetentionDays.IsNull() || m.LogRetentionDays.IsUnknown() {
		days = plans.DefaultLogRetentionDays
	}
	if _, err := api.PutRetentionPolicy(ctx, &cloudwatchlogs.PutRetentionPolicyInput{LogGroupName: aws.String(name), RetentionInDays: aws.Int32(int32(days))}); err != nil {
		diags.AddAttributeError(path.Root("log_retention_days"), "Could not set the log group's retention",
			fmt.Sprintf("Setting %d days on log group %s (logs:PutRetentionPolicy) failed: %v", days, name, err))
		return false
	}
	m.LogGroupName = types.StringValue(name)
	m.LogGroupARN = types.StringValue(fmt.Sprintf("arn:%s:logs:%s:%s:log-group:%s", r.data.partition(), r.data.clients.Region, account, name))
	m.LogRetentionDays = types.Int64Value(days)
	return true
}

// readLogging reads the logging the state machine has and the log group's
// retention, so that a change outside Terraform shows as drift (a group
// that is gone, or logging turned off, plans an update that restores them).
func (r *recoveryPlanResource) readLogging(ctx context.Context, m *recoveryPlanModel, lc *sfntypes.LoggingConfiguration, diags *diag.Diagnostics) {
	want := plans.LogGroupName(m.Name.ValueString())
	logs := lc != nil && lc.Level == sfntypes.LogLevelAll && lc.IncludeExecutionData && len(lc.Destinations) == 1 &&
		lc.Destinations[0].CloudWatchLogsLogGroup != nil
	if m.DeleteLogGroupOnDestroy.IsNull() { // imported
		m.DeleteLogGroupOnDestroy = types.BoolValue(false)
	}
	out, err := r.data.clients.Logs.DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String(want)})
	if err != nil {
		addAPIError(diags, "read log group "+want+" of recovery plan "+m.Name.ValueString()+" (logs:DescribeLogGroups)", err)
		return
	}
	var group *logstypes.LogGroup
	for i := range out.LogGroups {
		if aws.ToString(out.LogGroups[i].LogGroupName) == want {
			group = &out.LogGroups[i]
		}
	}
	if logs && group != nil {
		if dest := aws.ToString(lc.Destinations[0].CloudWatchLogsLogGroup.LogGroupArn); strings.HasSuffix(dest, ":log-group:"+want+":*") {
			m.LogGroupName, m.LogGroupARN = types.StringValue(want), types.StringValue(strings.TrimSuffix(dest, ":*"))
		} else {
			logs = false
		}
	}
	if !logs || group == nil {
		m.LogGroupName, m.LogGroupARN = types.StringNull(), types.StringNull()
	}
	if group != nil {
		m.LogRetentionDays = types.Int64Value(int64(aws.ToInt32(group.RetentionInDays)))
	}
}

// loggingChanges says an apply must publish a version for the logging to
// apply: versions keep the logging configuration they were published with.
func loggingChanges(state recoveryPlanModel) bool { return state.LogGroupName.IsNull() }

// deleteLogGroupIfAsked deletes the plan's log group after its state
// machine, when delete_log_group_on_destroy says so.
func (r *recoveryPlanResource) deleteLogGroupIfAsked(ctx context.Context, m recoveryPlanModel, diags *diag.Diagnostics) {
	if diags.HasError() || !m.DeleteLogGroupOnDestroy.ValueBool() {
		return
	}
	name := plans.LogGroupName(m.Name.ValueString())
	_, err := r.data.clients.Logs.DeleteLogGroup(ctx, &cloudwatchlogs.DeleteLogGroupInput{LogGroupName: aws.String(name)})
	var missing *logstypes.ResourceNotFoundException
	if err != nil && !errors.As(err, &missing) {
		addAPIError(diags, "delete log group "+name+" of recovery plan "+m.Name.ValueString()+" (logs:DeleteLogGroup)", err)
	}
}

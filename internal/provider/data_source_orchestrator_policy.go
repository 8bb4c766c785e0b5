package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/drsorch/terraform-provider-drsorch/internal/drsapi"
	"github.com/drsorch/terraform-provider-drsorch/internal/plans"
	"github.com/drsorch/terraform-provider-drsorch/internal/recoveryplan"
	"github.com/drsorch/terraform-provider-drsorch/internal/statemachine"
)

// The orchestrator policy is derived from what the compiler emits: the IAM
// actions of the Task states come from the Task resources of a compiled
// plan, so a new service integration in the compiler shows up here (and in
// the coverage test) instead of failing at run time with AccessDenied.

type orchestratorPolicyDataSource struct{ data *providerData }

func newOrchestratorPolicyDataSource() datasource.DataSource { return &orchestratorPolicyDataSource{} }

type orchestratorPolicyModel struct {
	Region           types.String           `tfsdk:"region"`
	AccountID        types.String           `tfsdk:"account_id"`
	EventBusARN      types.String           `tfsdk:"event_bus_arn"`
	JSON             types.String           `tfsdk:"json"`
	AssumeRolePolicy types.String           `tfsdk:"assume_role_policy"`
	Actions          []string               `tfsdk:"actions"`
	Statements       []policyStatementModel `tfsdk:"statements"`
}

type policyStatementModel struct {
	Sid       string       `tfsdk:"sid"`
	Effect    string       `tfsdk:"effect"`
	Actions   []string     `tfsdk:"actions"`
	Resources []string     `tfsdk:"resources"`
	Condition types.String `tfsdk:"condition"`
}

func (d *orchestratorPolicyDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_orchestrator_policy"
}

// Configure takes the provider's region, whose partition the policy's ARNs
// take when no region is given. No API call.
func (d *orchestratorPolicyDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *orchestratorPolicyDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	str := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{Computed: true, Description: desc}
	}
	list := func(desc string) schema.ListAttribute {
		return schema.ListAttribute{ElementType: types.StringType, Computed: true, Description: desc}
	}
	resp.Schema = schema.Schema{
		Description: "The least-privilege IAM policy of a recovery plan's execution role: the DRS actions the compiled state machines call " +
			"(StartRecovery and what DRS needs to launch recovery instances, DescribeJobs, DescribeRecoveryInstances, tagging of the jobs), Service Quotas GetServiceQuota on the DRS quotas (the wave runner's start guard), " +
			"EventBridge PutEvents for pause gates and wave events, and the CloudWatch Logs delivery actions Step Functions logging uses; plus the trust policy " +
			"that lets Step Functions assume the role. Computed offline: no API call. Feed `json` and `assume_role_policy` to an `aws_iam_role`.",
		Attributes: map[string]schema.Attribute{
			"region": schema.StringAttribute{
				Optional: true, Description: "Recovery region to scope the resources to; its partition (`aws`, `aws-us-gov`, `aws-cn`) is the partition of every ARN in the policies. Default `*`: any region of the provider's partition (that of the provider's `region`).",
				Validators: []validator.String{funcValidator{what: "region", check: checkPolicyRegion}},
			},
			"account_id": schema.StringAttribute{
				Optional: true, Description: "Account to scope the resources to (12 digits). Default `*` (any account).",
				Validators: []validator.String{funcValidator{what: "account ID", check: checkPolicyAccount}},
			},
			"event_bus_arn": schema.StringAttribute{
				Optional: true, Description: "Event bus the pause gates and wave events publish to. Default: the `default` bus of `region` and `account_id`.",
				Validators: []validator.String{funcValidator{what: "event bus ARN", check: checkEventBusARN}},
			},
			"json":               str("The permissions policy document (IAM JSON)."),
			"assume_role_policy": str("Trust policy letting `states.amazonaws.com` assume the role for drsorch plan state machines (`drsorch-plan-*`), scoped by `aws:SourceArn` and, when `account_id` is set, `aws:SourceAccount`."),
			"actions":            list("Every action the policy allows, sorted."),
			"statements": schema.ListNestedAttribute{
				Computed: true, Description: "The policy's statements, for inspection and tests.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"sid":       str("Statement ID, saying what the statement is for."),
					"effect":    str("Always `Allow`."),
					"actions":   list("IAM actions."),
					"resources": list("Resource ARNs (patterns)."),
					"condition": str("The statement's Condition block as JSON; null when it has none."),
				}},
			},
		},
	}
}

var (
	policyRegionPattern  = regexp.MustCompile(`^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d+$`)
	policyAccountPattern = regexp.MustCompile(`^\d{12}$`)
	eventBusARNPattern   = regexp.MustCompile(`^arn:aws[a-z-]*:events:([a-z0-9-]+|\*):(\d{12}|\*):event-bus/[\w.\-/]+$`)
)

func checkPolicyRegion(s string) error {
	if s != "*" && !policyRegionPattern.MatchString(s) {
		return fmt.Errorf("%q is not an AWS region; use a region like us-east-1, or \"*\" for any region", s)
	}
	return nil
}

func checkPolicyAccount(s string) error {
	if s != "*" && !policyAccountPattern.MatchString(s) {
		return fmt.Errorf("%q is not an AWS account ID; use the 12 digits of the account, or \"*\" for any account", s)
	}
	return nil
}

func checkEventBusARN(s string) error {
	if !eventBusARNPattern.MatchString(s) {
		return fmt.Errorf("%q is not an EventBridge event bus ARN; expected arn:<partition>:events:<region>:<account>:event-bus/<name>", s)
	}
	return nil
}

func (d *orchestratorPolicyDataSource) ValidateConfig(ctx context.Context, req datasource.ValidateConfigRequest, resp *datasource.ValidateConfigResponse) {
	var bus types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("event_bus_arn"), &bus)...)
	if bus.IsNull() || bus.IsUnknown() || checkEventBusARN(bus.ValueString()) != nil {
		return
	}
	if !strings.HasSuffix(bus.ValueString(), ":event-bus/default") {
		resp.Diagnostics.AddAttributeWarning(path.Root("event_bus_arn"), "Pause gates publish to the default bus",
			fmt.Sprintf("The compiled recovery plans publish their pause and wave events to the default event bus, so a role allowed only %s cannot run a pause gate or publish wave events. "+
				"Use arn:<partition>:events:<region>:<account>:event-bus/default, or leave event_bus_arn unset.", bus.ValueString()))
	}
}

func (d *orchestratorPolicyDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m orchestratorPolicyModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	region := m.Region.ValueString()
	partition := drsapi.PartitionOf(region)
	if (region == "" || region == "*") && d.data != nil && d.data.clients != nil && d.data.clients.Region != "" {
		partition = d.data.partition() // any region of the provider's partition
	}
	scope := newPolicyScopeIn(partition, region, m.AccountID.ValueString(), m.EventBusARN.ValueString())
	resources, err := compiledTaskResources()
	if err != nil {
		resp.Diagnostics.AddError("Could not derive the orchestrator policy", "Compiling the reference plan failed; this is a bug in the provider: "+err.Error())
		return
	}
	statements, err := orchestratorStatements(scope, resources)
	if err != nil {
		resp.Diagnostics.AddError("Could not derive the orchestrator policy", err.Error()+"; this is a bug in the provider.")
		return
	}
	m.JSON = types.StringValue(policyDocument(statements))
	m.AssumeRolePolicy = types.StringValue(assumeRolePolicy(scope))
	m.Actions = policyActions(statements)
	m.Statements = make([]policyStatementModel, len(statements))
	for i, s := range statements {
		cond := types.StringNull()
		if s.Condition != nil {
			b, _ := json.Marshal(s.Condition)
			cond = types.StringValue(string(b))
		}
		m.Statements[i] = policyStatementModel{Sid: s.Sid, Effect: s.Effect, Actions: s.Action, Resources: s.Resource, Condition: cond}
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// policyScope is where the role may act.
type policyScope struct{ partition, region, account, eventBus string }

func newPolicyScope(region, account, eventBus string) policyScope {
	return newPolicyScopeIn(drsapi.PartitionOf(region), region, account, eventBus)
}

// newPolicyScopeIn is a scope in partition: region may be "*" there.
func newPolicyScopeIn(partition, region, account, eventBus string) policyScope {
	if region == "" {
		region = "*"
	}
	if account == "" {
		account = "*"
	}
	s := policyScope{partition: partition, region: region, account: account, eventBus: eventBus}
	if s.eventBus == "" {
		s.eventBus = s.arn("events", "event-bus/default")
	}
	return s
}

func (s policyScope) arn(service, resource string) string {
	return fmt.Sprintf("arn:%s:%s:%s:%s:%s", s.partition, service, s.region, s.account, resource)
}

// policyStatement is one statement of an IAM policy document.
type policyStatement struct {
	Sid       string                    `json:"Sid"`
	Effect    string                    `json:"Effect"`
	Action    []string                  `json:"Action"`
	Resource  []string                  `json:"Resource"`
	Condition map[string]map[string]any `json:"Condition,omitempty"`
}

// taskActionRule says which statement an action of a Task state goes to
// and on which resources it is allowed.
type taskActionRule struct {
	sid       string
	resources func(policyScope) []string
}

var anyResource = func(policyScope) []string { return []string{"*"} }

// taskActionRules covers every action the compiled plans call. An action
// missing here still lands in the policy (statement OtherTaskActions, on
// any resource), and the coverage test fails until it gets a rule.
var taskActionRules = map[string]taskActionRule{
	"drs:StartRecovery": {"StartRecoveryOfSourceServers", func(s policyScope) []string { return []string{s.arn("drs", "source-server/*")} }},
	// DRS list operations support no resource-level permissions.
	"drs:DescribeJobs":              {"ReadRecoveryJobsAndInstances", anyResource},
	"drs:DescribeRecoveryInstances": {"ReadRecoveryJobsAndInstances", anyResource},
	// The wave runner reads each server's launch settings (launchDisposition)
	// to know which state its instance must reach.
	"drs:GetLaunchConfiguration": {"ReadLaunchSettings", func(s policyScope) []string { return []string{s.arn("drs", "source-server/*")} }},
	"events:PutEvents":           {"PublishPauseGateEvents", func(s policyScope) []string { return []string{s.eventBus} }},
	// The wave runner's start guard reads DRS's live quotas; GetServiceQuota
	// is scoped to quota resources, arn:…:servicequotas:<region>:<account>:<service code>/<quota code>
	// (https://docs.aws.amazon.com/service-authorization/latest/reference/list_servicequotas.html).
	"servicequotas:GetServiceQuota": {"ReadDRSQuotas", func(s policyScope) []string { return []string{s.arn("servicequotas", "drs/*")} }},
	// Post-launch steps and health checks: SendCommand is authorized on
	// the document and on each instance; AWS-owned documents have no
	// account in their ARN, which "*" matches. Invocations support no
	// resource-level permissions
	// (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssystemsmanager.html).
	"ssm:SendCommand": {"RunStepsOnRecoveryInstances", func(s policyScope) []string {
		return []string{fmt.Sprintf("arn:%s:ssm:%s:*:document/*", s.partition, s.region), s.arn("ec2", "instance/*")}
	}},
	"ssm:ListCommandInvocations": {"ReadStepCommands", anyResource},
	"ssm:GetCommandInvocation":   {"ReadStepCommands", anyResource},
	"ssm:StartAutomationExecution": {"StartStepAutomations", func(s policyScope) []string {
		return []string{fmt.Sprintf("arn:%s:ssm:%s:*:automation-definition/*", s.partition, s.region)}
	}},
	"ssm:GetAutomationExecution": {"ReadStepAutomations", func(s policyScope) []string { return []string{s.arn("ssm", "automation-execution/*")} }},
	// Each wave starts the shared wave runner, on a published version.
	"states:StartExecution": {"StartWaveRunner", func(s policyScope) []string {
		runner := s.arn("states", "stateMachine:"+statemachine.RunnerName)
		return []string{runner, runner + ":*"}
	}},
}

// startExecutionSyncDependencies are what a states:startExecution.sync
// Task needs besides StartExecution: follow and stop the runner's
// executions, and the EventBridge rule Step Functions manages to hear
// when they end
// (https://docs.aws.amazon.com/step-functions/latest/dg/stepfunctions-iam.html).
func startExecutionSyncDependencies(s policyScope) []policyStatement {
	return []policyStatement{
		{Sid: "FollowWaveRunnerExecutions", Action: []string{"states:DescribeExecution", "states:StopExecution"},
			Resource: []string{s.arn("states", "execution:"+statemachine.RunnerName+":*")}},
		{Sid: "ManagedRuleForWaveRunnerExecutions", Action: []string{"events:PutTargets", "events:PutRule", "events:DescribeRule"},
			Resource: []string{s.arn("events", "rule/StepFunctionsGetEventsForStepFunctionsExecutionRule")}},
	}
}

const otherTaskActionsSid = "OtherTaskActions"

// startRecoveryDependencies are what a StartRecovery call needs besides
// drs:StartRecovery itself (the Service Authorization Reference lists them
// as its dependent actions): DRS launches the recovery instances with the
// caller's permissions.
func startRecoveryDependencies(s policyScope) []policyStatement {
	return []policyStatement{
		{Sid: "TagRecoveryJobs", Action: []string{"drs:TagResource"}, Resource: []string{s.arn("drs", "job/*")}},
		{Sid: "CreateRecoveryInstances", Action: []string{"drs:CreateRecoveryInstanceForDrs", "drs:ListTagsForResource"}, Resource: []string{s.arn("drs", "*")}},
		{Sid: "LaunchRecoveryInstancesInEC2", Action: []string{
			"ec2:AttachVolume", "ec2:AuthorizeSecurityGroupEgress", "ec2:AuthorizeSecurityGroupIngress",
			"ec2:CreateLaunchTemplate", "ec2:CreateLaunchTemplateVersion", "ec2:CreateSnapshot",
			"ec2:CreateTags", "ec2:CreateVolume", "ec2:DeleteLaunchTemplateVersions", "ec2:DeleteSnapshot", "ec2:DeleteVolume",
			"ec2:DescribeAccountAttributes", "ec2:DescribeAvailabilityZones", "ec2:DescribeImages", "ec2:DescribeInstanceAttribute",
			"ec2:DescribeInstanceStatus", "ec2:DescribeInstanceTypes", "ec2:DescribeInstances", "ec2:DescribeLaunchTemplateVersions",
			"ec2:DescribeLaunchTemplates", "ec2:DescribeSecurityGroups", "ec2:DescribeSnapshots", "ec2:DescribeSubnets",
			"ec2:DescribeVolumes", "ec2:DetachVolume", "ec2:ModifyInstanceAttribute", "ec2:ModifyLaunchTemplate",
			"ec2:RevokeSecurityGroupEgress", "ec2:RunInstances", "ec2:StartInstances", "ec2:StopInstances", "ec2:TerminateInstances",
		}, Resource: []string{"*"}},
		{Sid: "PassRecoveryInstanceRole", Action: []string{"iam:PassRole"}, Resource: []string{fmt.Sprintf("arn:%s:iam::%s:role/*", s.partition, s.account)},
			Condition: map[string]map[string]any{"StringEquals": {"iam:PassedToService": "ec2.amazonaws.com"}}},
	}
}

// logDeliveryStatement is what Step Functions needs to deliver execution
// logs to CloudWatch Logs (every plan logs to its log group, the audit
// trail); these actions support no resource scoping
// (https://docs.aws.amazon.com/step-functions/latest/dg/cw-logs.html).
var logDeliveryStatement = policyStatement{Sid: "StepFunctionsLogDelivery", Action: []string{
	"logs:CreateLogDelivery", "logs:DeleteLogDelivery", "logs:DescribeLogGroups", "logs:DescribeResourcePolicies",
	"logs:GetLogDelivery", "logs:ListLogDeliveries", "logs:PutResourcePolicy", "logs:UpdateLogDelivery",
}, Resource: []string{"*"}}

// orchestratorStatements builds the policy for Task resources.
func orchestratorStatements(s policyScope, taskResources []string) ([]policyStatement, error) {
	var (
		statements []policyStatement
		index      = map[string]int{}
	)
	add := func(sid string, action string, resources []string) {
		i, ok := index[sid]
		if !ok {
			i = len(statements)
			index[sid] = i
			statements = append(statements, policyStatement{Sid: sid, Resource: resources})
		}
		if !slices.Contains(statements[i].Action, action) {
			statements[i].Action = append(statements[i].Action, action)
		}
	}
	startsRecovery, startsRunner := false, false
	for _, r := range taskResources {
		action, err := iamActionForResource(r)
		if err != nil {
			return nil, err
		}
		rule, ok := taskActionRules[action]
		if !ok {
			rule = taskActionRule{otherTaskActionsSid, anyResource}
		}
		add(rule.sid, action, rule.resources(s))
		startsRecovery = startsRecovery || action == "drs:StartRecovery"
		startsRunner = startsRunner || action == "states:StartExecution"
	}
	if startsRecovery {
		statements = append(statements, startRecoveryDependencies(s)...)
	}
	if startsRunner {
		statements = append(statements, startExecutionSyncDependencies(s)...)
	}
	statements = append(statements, logDeliveryStatement)
	for i := range statements {
		statements[i].Effect = "Allow"
		sort.Strings(statements[i].Action)
	}
	return statements, nil
}

// iamActionForResource maps a Task resource to the IAM action it calls:
// arn:aws:states:::aws-sdk:drs:startRecovery → drs:StartRecovery,
// arn:aws-us-gov:states:::events:putEvents.waitForTaskToken → events:PutEvents
// (any partition).
func iamActionForResource(resource string) (string, error) {
	integration, ok := statemachine.IntegrationOf(resource)
	if !ok {
		return "", fmt.Errorf("task resource %q is not a Step Functions service integration", resource)
	}
	integration = strings.TrimPrefix(integration, "aws-sdk:")
	service, api, ok := strings.Cut(integration, ":")
	api, _, _ = strings.Cut(api, ".") // .sync, .waitForTaskToken
	if !ok || service == "" || api == "" {
		return "", fmt.Errorf("task resource %q names no service and API action", resource)
	}
	return service + ":" + strings.ToUpper(api[:1]) + api[1:], nil
}

// compiledTaskResources are the Task resources of a reference plan that
// uses every feature of the compiler (a pause gate on a later wave) and of
// the wave runner it starts. The actions are the same in every partition;
// the reference is compiled for a commercial region.
var compiledTaskResources = sync.OnceValues(func() ([]string, error) {
	plan := recoveryplan.Plan{Name: "policy-reference", Waves: []recoveryplan.Wave{
		{Name: "first", ProtectionGroup: "a", ServerIDs: []string{"s-00000000000000001"}},
		{Name: "second", ProtectionGroup: "b", PauseBefore: true, ServerIDs: []string{"s-00000000000000002"}},
	}}
	compiled, err := statemachine.Compile(plan, "us-east-1", statemachine.PlaceholderRunnerARN("us-east-1"))
	if err != nil {
		return nil, err
	}
	runner, err := statemachine.CompileRunner("us-east-1")
	if err != nil {
		return nil, err
	}
	out, err := taskResources(compiled.Definition)
	if err != nil {
		return nil, err
	}
	more, err := taskResources(runner)
	for _, r := range more {
		if !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	return out, err
})

// taskResources lists the distinct Resource of every Task state of a
// definition, in the order first met, including those inside Parallel
// branches and Map iterators.
func taskResources(definition string) ([]string, error) {
	var root any
	if err := json.Unmarshal([]byte(definition), &root); err != nil {
		return nil, fmt.Errorf("state machine definition is not JSON: %w", err)
	}
	var out []string
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if x["Type"] == "Task" {
				if r, ok := x["Resource"].(string); ok && !slices.Contains(out, r) {
					out = append(out, r)
				}
			}
			keys := make([]string, 0, len(x))
			for k := range x {
				keys = append(keys, k)
			}
			sort.Strings(keys) // a stable order for a stable policy
			for _, k := range keys {
				walk(x[k])
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(root)
	return out, nil
}

func policyDocument(statements []policyStatement) string {
	b, _ := json.MarshalIndent(struct {
		Version   string            `json:"Version"`
		Statement []policyStatement `json:"Statement"`
	}{"2012-10-17", statements}, "", "  ")
	return string(b)
}

func policyActions(statements []policyStatement) []string {
	var out []string
	for _, s := range statements {
		for _, a := range s.Action {
			if !slices.Contains(out, a) {
				out = append(out, a)
			}
		}
	}
	sort.Strings(out)
	return out
}

func assumeRolePolicy(s policyScope) string {
	cond := map[string]map[string]any{
		"ArnLike": {"aws:SourceArn": plans.ARN(s.partition, s.region, s.account, "*")},
	}
	if s.account != "*" {
		cond["StringEquals"] = map[string]any{"aws:SourceAccount": s.account}
	}
	b, _ := json.MarshalIndent(map[string]any{
		"Version": "2012-10-17",
		"Statement": []any{map[string]any{
			"Sid":       "StepFunctionsRunsDrsorchPlans",
			"Effect":    "Allow",
			"Principal": map[string]any{"Service": "states.amazonaws.com"},
			"Action":    "sts:AssumeRole",
			"Condition": cond,
		}},
	}, "", "  ")
	return string(b)
}

package provider

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/drsorch/terraform-provider-drsorch/internal/acctest"
	"github.com/drsorch/terraform-provider-drsorch/internal/recoveryplan"
	"github.com/drsorch/terraform-provider-drsorch/internal/statemachine"
)

// policyTestPlans are plans of different shapes: every Task resource any
// of them compiles to must be allowed by the policy.
func policyTestPlans() []recoveryplan.Plan {
	ids := func(prefix string, n int) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = fmt.Sprintf("s-%s%016d", prefix, i)
		}
		return out
	}
	return []recoveryplan.Plan{
		{Name: "single", Waves: []recoveryplan.Wave{{Name: "all", ProtectionGroup: "g", ServerIDs: ids("a", 3)}}},
		{Name: "three-tier", Waves: []recoveryplan.Wave{
			{Name: "db", ProtectionGroup: "db", ServerIDs: ids("b", 2)},
			{Name: "app", ProtectionGroup: "app", ServerIDs: ids("c", 3)},
			{Name: "web", ProtectionGroup: "web", PauseBefore: true, ServerIDs: ids("d", 4)},
		}},
		{Name: "parallel", Waves: []recoveryplan.Wave{
			{Name: "db", ProtectionGroup: "db", ServerIDs: ids("e", 1)},
			{Name: "files", ProtectionGroup: "files", DependsOnSet: true, ServerIDs: ids("f", 1)},
			{Name: "app", ProtectionGroup: "app", DependsOn: []string{"db", "files"}, DependsOnSet: true, PauseBefore: true, ServerIDs: ids("g", 2)},
			{Name: "web", ProtectionGroup: "web", DependsOn: []string{"db"}, DependsOnSet: true, PauseBefore: true, ServerIDs: ids("h", 2)},
		}},
	}
}

// TestOrchestratorPolicyCoversEveryTaskResource is the guard against
// drift: a Task resource the compiler emits must map to an action the
// policy allows, through an explicit rule.
func TestOrchestratorPolicyCoversEveryTaskResource(t *testing.T) {
	statements, err := orchestratorStatements(newPolicyScope("", "", ""), mustCompiledTaskResources(t))
	if err != nil {
		t.Fatal(err)
	}
	allowed := policyActions(statements)
	for _, s := range statements {
		if s.Sid == otherTaskActionsSid {
			t.Errorf("actions %v have no rule in taskActionRules: decide their resources and statement", s.Action)
		}
	}
	for _, plan := range policyTestPlans() {
		for _, region := range []string{"us-east-1", "us-gov-west-1"} {
			compiled, err := statemachine.Compile(plan, region, statemachine.PlaceholderRunnerARN(region))
			if err != nil {
				t.Fatalf("plan %s: %v", plan.Name, err)
			}
			resources, err := taskResources(compiled.Definition)
			if err != nil {
				t.Fatal(err)
			}
			if len(resources) == 0 {
				t.Fatalf("plan %s: no Task resources found in the definition", plan.Name)
			}
			for _, r := range resources {
				action, err := iamActionForResource(r)
				if err != nil {
					t.Fatalf("plan %s: %v", plan.Name, err)
				}
				if !slices.Contains(allowed, action) {
					t.Errorf("plan %s calls %s (%s), which the policy does not allow", plan.Name, action, r)
				}
			}
		}
	}
	// The reference plan must exercise every resource the compiler knows.
	for _, i := range statemachine.Integrations {
		if r := statemachine.Resource("aws", i); !slices.Contains(mustCompiledTaskResources(t), r) {
			t.Errorf("the reference plan compiles to no Task on %s", r)
		}
	}
	for _, want := range []string{"drs:StartRecovery", "drs:DescribeJobs", "drs:DescribeRecoveryInstances", "drs:TagResource",
		"drs:CreateRecoveryInstanceForDrs", "drs:ListTagsForResource", "ec2:RunInstances", "ec2:CreateLaunchTemplateVersion", "ec2:DeleteLaunchTemplateVersions",
		"ec2:TerminateInstances", "iam:PassRole", "events:PutEvents", "logs:CreateLogDelivery",
		"states:StartExecution", "states:DescribeExecution", "states:StopExecution", "events:PutTargets", "events:PutRule", "events:DescribeRule",
		"servicequotas:GetServiceQuota"} {
		if !slices.Contains(allowed, want) {
			t.Errorf("policy lacks %s", want)
		}
	}
}

// TestOrchestratorPolicyIsLeast: no wildcard actions, and nothing the
// state machines never do (terminate, delete, change configuration); the
// EventBridge rule actions only on the rule Step Functions manages for
// .sync tasks, the runner's actions only on the runner.
func TestOrchestratorPolicyIsLeast(t *testing.T) {
	statements, err := orchestratorStatements(newPolicyScope("us-east-1", "123456789012", ""), mustCompiledTaskResources(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range statements {
		for _, a := range st.Action {
			var want []string
			switch {
			case strings.HasPrefix(a, "events:") && a != "events:PutEvents":
				want = []string{"arn:aws:events:us-east-1:123456789012:rule/StepFunctionsGetEventsForStepFunctionsExecutionRule"}
			case a == "states:StartExecution":
				want = []string{"arn:aws:states:us-east-1:123456789012:stateMachine:drsorch-wave-runner", "arn:aws:states:us-east-1:123456789012:stateMachine:drsorch-wave-runner:*"}
			case strings.HasPrefix(a, "states:"):
				want = []string{"arn:aws:states:us-east-1:123456789012:execution:drsorch-wave-runner:*"}
			case strings.HasPrefix(a, "servicequotas:"):
				// Only reads, only DRS's quotas (the start guard).
				if a != "servicequotas:GetServiceQuota" {
					t.Errorf("policy allows %s; the start guard only reads quotas with GetServiceQuota", a)
				}
				want = []string{"arn:aws:servicequotas:us-east-1:123456789012:drs/*"}
			case a == "ssm:SendCommand":
				want = []string{"arn:aws:ssm:us-east-1:*:document/*", "arn:aws:ec2:us-east-1:123456789012:instance/*"}
			case a == "ssm:StartAutomationExecution":
				want = []string{"arn:aws:ssm:us-east-1:*:automation-definition/*"}
			case a == "ssm:GetAutomationExecution":
				want = []string{"arn:aws:ssm:us-east-1:123456789012:automation-execution/*"}
			default:
				continue
			}
			if !slices.Equal(st.Resource, want) {
				t.Errorf("%s is allowed on %v, want %v", a, st.Resource, want)
			}
		}
	}
	// Post-launch steps and health checks: exactly these SSM actions.
	var ssm []string
	for _, a := range policyActions(statements) {
		if strings.HasPrefix(a, "ssm:") {
			ssm = append(ssm, a)
		}
	}
	slices.Sort(ssm)
	if want := []string{"ssm:GetAutomationExecution", "ssm:GetCommandInvocation", "ssm:ListCommandInvocations", "ssm:SendCommand", "ssm:StartAutomationExecution"}; !slices.Equal(ssm, want) {
		t.Errorf("SSM actions %v, want %v", ssm, want)
	}
	for _, a := range policyActions(statements) {
		if strings.Contains(a, "*") {
			t.Errorf("wildcard action %s", a)
		}
		for _, never := range []string{"drs:TerminateRecoveryInstances", "drs:Delete", "drs:Update", "ec2:CreateSecurityGroup", "iam:Create", "events:DeleteRule", "states:Delete", "states:Update", "ssm:Create", "ssm:Delete", "ssm:Put", "ssm:StartSession", "ssm:CancelCommand"} {
			if strings.HasPrefix(a, never) {
				t.Errorf("policy allows %s, which no compiled plan needs", a)
			}
		}
	}
}

func mustCompiledTaskResources(t *testing.T) []string {
	t.Helper()
	r, err := compiledTaskResources()
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestIAMActionForResource(t *testing.T) {
	for resource, want := range map[string]string{
		"arn:aws:states:::aws-sdk:drs:startRecovery":             "drs:StartRecovery",
		"arn:aws:states:::aws-sdk:drs:describeRecoveryInstances": "drs:DescribeRecoveryInstances",
		"arn:aws:states:::events:putEvents.waitForTaskToken":     "events:PutEvents",
		"arn:aws:states:::events:putEvents":                      "events:PutEvents",
		"arn:aws-cn:states:::aws-sdk:drs:describeJobs":           "drs:DescribeJobs",
		"arn:aws:states:::sns:publish":                           "sns:Publish",
		"arn:aws:lambda:us-east-1:123456789012:function:f":       "",
		"arn:aws:states:::aws-sdk:drs":                           "",
		"startRecovery":                                          "",
		"arn:aws:states:::aws-sdk:drs:startRecovery.waitForTask": "drs:StartRecovery",
	} {
		got, err := iamActionForResource(resource)
		if want == "" {
			if err == nil {
				t.Errorf("iamActionForResource(%q) = %q, want an error", resource, got)
			}
			continue
		}
		if err != nil || got != want {
			t.Errorf("iamActionForResource(%q) = %q, %v; want %q", resource, got, err, want)
		}
	}
}

func TestOrchestratorPolicyScope(t *testing.T) {
	scoped := policyByStatement(t, newPolicyScope("eu-west-1", "111122223333", ""))
	for sid, want := range map[string]string{
		"StartRecoveryOfSourceServers": "arn:aws:drs:eu-west-1:111122223333:source-server/*",
		"TagRecoveryJobs":              "arn:aws:drs:eu-west-1:111122223333:job/*",
		"PublishPauseGateEvents":       "arn:aws:events:eu-west-1:111122223333:event-bus/default",
		"PassRecoveryInstanceRole":     "arn:aws:iam::111122223333:role/*",
		"ReadRecoveryJobsAndInstances": "*",
	} {
		if got := scoped[sid].Resource; len(got) != 1 || got[0] != want {
			t.Errorf("%s resources = %v, want [%s]", sid, got, want)
		}
	}
	if c := scoped["PassRecoveryInstanceRole"].Condition["StringEquals"]["iam:PassedToService"]; c != "ec2.amazonaws.com" {
		t.Errorf("PassRole is not limited to EC2: %v", scoped["PassRecoveryInstanceRole"].Condition)
	}
	china := policyByStatement(t, newPolicyScope("cn-north-1", "", "arn:aws-cn:events:cn-north-1:111122223333:event-bus/default"))
	if got := china["StartRecoveryOfSourceServers"].Resource[0]; got != "arn:aws-cn:drs:cn-north-1:*:source-server/*" {
		t.Errorf("China partition: %s", got)
	}
	if got := china["PublishPauseGateEvents"].Resource[0]; got != "arn:aws-cn:events:cn-north-1:111122223333:event-bus/default" {
		t.Errorf("event_bus_arn not used: %s", got)
	}

	var trust struct {
		Statement []struct {
			Principal struct{ Service string }
			Action    string
			Condition map[string]map[string]string
		}
	}
	if err := json.Unmarshal([]byte(assumeRolePolicy(newPolicyScope("eu-west-1", "111122223333", ""))), &trust); err != nil {
		t.Fatal(err)
	}
	st := trust.Statement[0]
	if st.Principal.Service != "states.amazonaws.com" || st.Action != "sts:AssumeRole" ||
		st.Condition["ArnLike"]["aws:SourceArn"] != "arn:aws:states:eu-west-1:111122223333:stateMachine:drsorch-plan-*" ||
		st.Condition["StringEquals"]["aws:SourceAccount"] != "111122223333" {
		t.Errorf("trust policy = %+v", st)
	}
	trust.Statement = nil
	if err := json.Unmarshal([]byte(assumeRolePolicy(newPolicyScope("", "", ""))), &trust); err != nil {
		t.Fatal(err)
	}
	if _, scopedToAccount := trust.Statement[0].Condition["StringEquals"]; scopedToAccount {
		t.Errorf("trust policy for any account names an account: %+v", trust.Statement[0].Condition)
	}
}

// policyByStatement builds the policy document for scope, parses it back
// (it must be valid JSON in IAM's shape) and indexes it by Sid.
func policyByStatement(t *testing.T, scope policyScope) map[string]policyStatement {
	t.Helper()
	statements, err := orchestratorStatements(scope, mustCompiledTaskResources(t))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Version   string
		Statement []policyStatement
	}
	if err := json.Unmarshal([]byte(policyDocument(statements)), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Version != "2012-10-17" {
		t.Errorf("Version = %q", doc.Version)
	}
	out := map[string]policyStatement{}
	for _, s := range doc.Statement {
		if _, dup := out[s.Sid]; dup || s.Effect != "Allow" || len(s.Action) == 0 || len(s.Resource) == 0 {
			t.Errorf("statement %+v: duplicate Sid, not Allow, or empty", s)
		}
		out[s.Sid] = s
	}
	return out
}

func TestAccOrchestratorPolicy(t *testing.T) {
	env := acctest.Start(t)
	const unscoped, scoped = "data.drsorch_orchestrator_policy.any", "data.drsorch_orchestrator_policy.scoped"
	var steps []resource.TestStep
	for _, tc := range []struct{ body, err string }{
		{`account_id = "1234"`, `(?s)Invalid account ID.*"1234" is not an AWS account ID`},
		{`region = "mars-1"`, `(?s)Invalid region.*"mars-1" is not an AWS region`},
		{`event_bus_arn = "default"`, `(?s)Invalid event bus ARN.*"default" is not an EventBridge event bus ARN`},
	} {
		steps = append(steps, resource.TestStep{
			Config:      env.ProviderConfig() + "data \"drsorch_orchestrator_policy\" \"x\" {\n" + tc.body + "\n}\n",
			ExpectError: errorPattern(tc.err),
		})
	}
	steps = append(steps, resource.TestStep{
		Config: env.ProviderConfig() + `
data "drsorch_orchestrator_policy" "any" {}
data "drsorch_orchestrator_policy" "scoped" {
  region     = "us-east-1"
  account_id = "123456789012"
}
`,
		Check: resource.ComposeAggregateTestCheckFunc(
			resource.TestCheckTypeSetElemAttr(unscoped, "actions.*", "drs:StartRecovery"),
			resource.TestCheckTypeSetElemAttr(unscoped, "actions.*", "events:PutEvents"),
			resource.TestCheckTypeSetElemAttr(unscoped, "actions.*", "logs:PutResourcePolicy"),
			resource.TestCheckTypeSetElemNestedAttrs(unscoped, "statements.*", map[string]string{
				"sid": "PublishPauseGateEvents", "resources.0": "arn:aws:events:*:*:event-bus/default", "actions.0": "events:PutEvents",
			}),
			resource.TestCheckTypeSetElemNestedAttrs(scoped, "statements.*", map[string]string{
				"sid": "StartRecoveryOfSourceServers", "resources.0": "arn:aws:drs:us-east-1:123456789012:source-server/*",
			}),
			resource.TestCheckTypeSetElemNestedAttrs(scoped, "statements.*", map[string]string{
				"sid": "PassRecoveryInstanceRole", "condition": `{"StringEquals":{"iam:PassedToService":"ec2.amazonaws.com"}}`,
			}),
			checkPolicyJSONMatchesStatements(scoped),
			resource.TestMatchResourceAttr(scoped, "assume_role_policy", errorPattern(`"aws:SourceAccount": "123456789012"`)),
		),
	})
	// The published example, up to the aws_iam_role resources (the AWS
	// provider is not available to these tests).
	example, _, _ := strings.Cut(exampleConfig(t, "drsorch_orchestrator_policy"), `resource "aws_iam_role"`)
	steps = append(steps, resource.TestStep{
		Config: env.ProviderConfig() + example,
		Check: resource.ComposeAggregateTestCheckFunc(
			resource.TestCheckResourceAttr("data.drsorch_orchestrator_policy.this", "account_id", "123456789012"),
			checkPolicyJSONMatchesStatements("data.drsorch_orchestrator_policy.this"),
		),
	})
	resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: testFactories, Steps: steps})
}

// checkPolicyJSONMatchesStatements checks that the json document and the
// statements list say the same.
func checkPolicyJSONMatchesStatements(name string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		attrs := s.RootModule().Resources[name].Primary.Attributes
		var doc struct{ Statement []policyStatement }
		if err := json.Unmarshal([]byte(attrs["json"]), &doc); err != nil {
			return fmt.Errorf("json is not JSON: %v", err)
		}
		if n := attrs["statements.#"]; n != fmt.Sprint(len(doc.Statement)) {
			return fmt.Errorf("statements.# = %s, json has %d", n, len(doc.Statement))
		}
		for i, st := range doc.Statement {
			p := fmt.Sprintf("statements.%d.", i)
			got := []string{attrs[p+"sid"]}
			want := []string{st.Sid}
			for j, a := range st.Action {
				got, want = append(got, attrs[fmt.Sprintf("%sactions.%d", p, j)]), append(want, a)
			}
			for j, r := range st.Resource {
				got, want = append(got, attrs[fmt.Sprintf("%sresources.%d", p, j)]), append(want, r)
			}
			if strings.Join(got, " ") != strings.Join(want, " ") {
				return fmt.Errorf("%s is %v, the json statement %v", p, got, want)
			}
		}
		return nil
	}
}

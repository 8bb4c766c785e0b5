package statemachine

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// allTaskResources lists the Resource of every Task state of a definition.
func allTaskResources(t *testing.T, definition string) []string {
	t.Helper()
	var root any
	if err := json.Unmarshal([]byte(definition), &root); err != nil {
		t.Fatal(err)
	}
	var out []string
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if x["Type"] == "Task" {
				out = append(out, x["Resource"].(string))
			}
			for _, e := range x {
				walk(e)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(root)
	return out
}

// Every Task resource is in the partition of the plan's region: Step
// Functions fails a Task of another partition when it runs.
func TestCompileWritesTheRegionsPartition(t *testing.T) {
	for region, partition := range map[string]string{
		"us-east-1": "aws", "eu-west-2": "aws", "us-gov-west-1": "aws-us-gov", "us-gov-east-1": "aws-us-gov", "cn-north-1": "aws-cn",
	} {
		c, err := Compile(threeTier(), region, PlaceholderRunnerARN(region))
		if err != nil {
			t.Fatal(err)
		}
		runner, err := CompileRunner(region)
		if err != nil {
			t.Fatal(err)
		}
		// The plan: 4 runs and a pause gate; the runner: 6 Tasks.
		resources := append(allTaskResources(t, c.Definition), allTaskResources(t, runner)...)
		if len(resources) < 5+6 {
			t.Fatalf("%s: %d Task states", region, len(resources))
		}
		seen := map[string]bool{}
		for _, r := range resources {
			if !strings.HasPrefix(r, "arn:"+partition+":states:::") {
				t.Errorf("%s: Task resource %s is not in partition %s", region, r, partition)
			}
			integration, ok := IntegrationOf(r)
			if !ok || Resource(partition, integration) != r {
				t.Errorf("%s: IntegrationOf(%s) = %q, %v", region, r, integration, ok)
			}
			seen[integration] = true
		}
		for _, i := range Integrations {
			if !seen[i] {
				t.Errorf("%s: the three-tier plan calls no %s", region, i)
			}
		}
		if strings.Contains(c.Definition+runner, `"arn:aws:`) != (partition == "aws") {
			t.Errorf("%s: definition mentions arn:aws: outside its partition", region)
		}
	}
	if _, err := Compile(threeTier(), "", PlaceholderRunnerARN("us-east-1")); err == nil {
		t.Fatal("a plan compiled without a region")
	}
}

// Status readers take a plan of any partition: a GovCloud definition reads
// back as the same plan as a commercial one.
func TestDescribeReadsEveryPartition(t *testing.T) {
	var views []*PlanView
	for _, region := range []string{"us-east-1", "us-gov-west-1", "cn-north-1"} {
		c, err := Compile(threeTier(), region, PlaceholderRunnerARN(region))
		if err != nil {
			t.Fatal(err)
		}
		v, err := Describe(c.Definition)
		if err != nil {
			t.Fatalf("%s: %v", region, err)
		}
		if v.RunnerARN != PlaceholderRunnerARN(region) {
			t.Fatalf("%s: runner %s", region, v.RunnerARN)
		}
		v.RunnerARN = ""
		views = append(views, v)
	}
	for _, v := range views[1:] {
		if !reflect.DeepEqual(v, views[0]) {
			t.Fatalf("reads as\n%+v\nnot\n%+v", v, views[0])
		}
	}
	for _, bad := range []string{"startRecovery", "arn:aws:lambda:us-east-1:123456789012:function:f", "arn::states:::events:putEvents", "arn:aws:states:::"} {
		if i, ok := IntegrationOf(bad); ok {
			t.Errorf("IntegrationOf(%q) = %q", bad, i)
		}
	}
}

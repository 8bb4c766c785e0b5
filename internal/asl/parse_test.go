package asl

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestParseEverything(t *testing.T) {
	b, err := os.ReadFile("testdata/everything.asl.json")
	if err != nil {
		t.Fatal(err)
	}
	sm := mustParse(t, string(b))
	if sm.StartAt != "Init" || sm.TimeoutSeconds != 3600 || sm.Version != "1.0" {
		t.Errorf("top level: %+v", sm)
	}
	want := []string{"Init", "Gate", "Start", "Poll", "Check", "Waves", "PerServer", "Legacy", "Done", "Failed"}
	if strings.Join(sm.StateNames, ",") != strings.Join(want, ",") {
		t.Errorf("StateNames = %v", sm.StateNames)
	}
	gate := sm.States["Gate"]
	if gate.Integration != (Integration{Service: "events", Action: "putEvents", WaitForTaskToken: true}) || gate.HeartbeatSeconds != 60 || !gate.ResultPath.Null {
		t.Errorf("Gate: %+v", gate)
	}
	start := sm.States["Start"]
	if start.Integration != (Integration{Service: "drs", Action: "startRecovery"}) {
		t.Errorf("Start integration: %+v", start.Integration)
	}
	r := start.Retry[0]
	if r.IntervalSeconds != 2 || r.MaxAttempts != 5 || r.BackoffRate != 1.5 || r.MaxDelaySeconds != 30 || r.JitterStrategy != "FULL" {
		t.Errorf("retrier: %+v", r)
	}
	if d := start.Retry[1]; d.IntervalSeconds != 1 || d.MaxAttempts != 3 || d.BackoffRate != 2 || d.JitterStrategy != "NONE" {
		t.Errorf("retrier defaults: %+v", d)
	}
	if c := start.Catch[0]; c.Next != "Failed" || c.ResultPath.Raw != "$.error" {
		t.Errorf("catcher: %+v", c)
	}
	if w := sm.States["Waves"]; len(w.Branches) != 2 || w.Branches[1].States["B2"].Timestamp != time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) {
		t.Errorf("Waves: %+v", w)
	}
	if m := sm.States["PerServer"]; m.ItemProcessor == nil || m.MaxConcurrency != 2 || m.ItemSelector == nil {
		t.Errorf("PerServer: %+v", m)
	}
	if m := sm.States["Legacy"]; m.ItemProcessor == nil || m.MaxConcurrencyPath == nil || m.Parameters == nil {
		t.Errorf("Legacy: %+v", m)
	}
}

// wrap builds a definition around some states; StartAt is "A".
func wrap(states string) string {
	return `{"StartAt":"A","States":{` + states + `}}`
}

func TestParseErrors(t *testing.T) {
	cases := []struct {
		name, def string
		code      string
		contains  string // in the message
		location  string
	}{
		{"empty", ``, "MISSING_DESCRIPTION", "empty", ""},
		{"bad json", `{"StartAt":`, CodeInvalidJSON, "not valid JSON", ""},
		{"not an object", `[1]`, CodeSchemaValidation, "must be a JSON object", ""},
		{"no StartAt", `{"States":{"A":{"Type":"Succeed"}}}`, CodeSchemaValidation, `field "StartAt" is required`, ""},
		{"no States", `{"StartAt":"A"}`, CodeSchemaValidation, `"States" is required`, ""},
		{"StartAt missing state", `{"StartAt":"X","States":{"A":{"Type":"Succeed"}}}`, CodeMissingTransition, `StartAt "X"`, "/StartAt"},
		{"Next missing state", wrap(`"A":{"Type":"Pass","Next":"Nowhere"}`), CodeMissingTransition, `"Nowhere" is not a state`, "/States/A/Next"},
		{"empty Next", wrap(`"A":{"Type":"Pass","Next":""}`), CodeMissingTransition, "must name a state", "/States/A/Next"},
		{"unreachable", wrap(`"A":{"Type":"Succeed"},"B":{"Type":"Succeed"}`), CodeSchemaValidation, `state "B" is not reachable`, "/States/B"},
		{"no terminal", wrap(`"A":{"Type":"Pass","Next":"A"}`), "MISSING_END_STATE", "no state ends", "/States"},
		{"next and end", wrap(`"A":{"Type":"Pass","Next":"A","End":true}`), CodeSchemaValidation, "both Next", ""},
		{"neither next nor end", wrap(`"A":{"Type":"Pass"}`), CodeSchemaValidation, `needs either "Next"`, ""},
		{"end false", wrap(`"A":{"Type":"Pass","End":false}`), CodeSchemaValidation, `needs either "Next"`, ""},
		{"succeed with next", wrap(`"A":{"Type":"Succeed","Next":"A"}`), CodeSchemaValidation, `"Next" is not supported in state "A"`, "/States/A/Next"},
		{"choice with end", wrap(`"A":{"Type":"Choice","End":true,"Choices":[{"Variable":"$.a","IsPresent":true,"Next":"B"}]},"B":{"Type":"Succeed"}`), CodeSchemaValidation, `"End" is not supported`, ""},
		{"unknown type", wrap(`"A":{"Type":"Activity","End":true}`), CodeSchemaValidation, `unknown Type "Activity"`, "/States/A/Type"},
		{"unknown field", wrap(`"A":{"Type":"Pass","End":true,"Foo":1}`), CodeSchemaValidation, `"Foo" is not supported in state "A"`, "/States/A/Foo"},
		{"duplicate state", `{"StartAt":"A","States":{"A":{"Type":"Succeed"},"A":{"Type":"Succeed"}}}`, "DUPLICATE_STATE_NAME", `"A"`, ""},
		{"duplicate across branches", wrap(`"A":{"Type":"Parallel","End":true,"Branches":[{"StartAt":"A","States":{"A":{"Type":"Succeed"}}}]}`), "DUPLICATE_STATE_NAME", `"A"`, ""},
		{"long name", wrap(`"A":{"Type":"Pass","Next":"` + strings.Repeat("x", 81) + `"},"` + strings.Repeat("x", 81) + `":{"Type":"Succeed"}`), "INVALID_STATE_NAME", "1 to 80", ""},
		{"jsonata top", `{"QueryLanguage":"JSONata","StartAt":"A","States":{"A":{"Type":"Succeed"}}}`, CodeSchemaValidation, "JSONata query language is not supported", "/QueryLanguage"},
		{"jsonata state", wrap(`"A":{"Type":"Pass","QueryLanguage":"JSONata","End":true}`), CodeSchemaValidation, `state "A", field "QueryLanguage"`, ""},
		{"arguments", wrap(`"A":{"Type":"Task","Resource":"arn:aws:states:::events:putEvents","Arguments":{},"End":true}`), CodeSchemaValidation, `state "A", field "Arguments" is not supported by drsorch`, "/States/A/Arguments"},
		{"output", wrap(`"A":{"Type":"Pass","Output":{},"End":true}`), CodeSchemaValidation, `field "Output"`, ""},
		{"assign", wrap(`"A":{"Type":"Pass","Assign":{"x":1},"End":true}`), CodeSchemaValidation, "variables are not supported", ""},
		{"lambda", wrap(`"A":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:f","End":true}`), "INVALID_RESOURCE", `state "A", field "Resource"`, "/States/A/Resource"},
		{"other sdk", wrap(`"A":{"Type":"Task","Resource":"arn:aws:states:::aws-sdk:ec2:describeInstances","End":true}`), "INVALID_RESOURCE", "drsorch runs only", ""},
		{"quota change", wrap(`"A":{"Type":"Task","Resource":"arn:aws:states:::aws-sdk:servicequotas:requestServiceQuotaIncrease","End":true}`), "INVALID_RESOURCE", "only the Service Quotas reads", ""},
		{"sync", wrap(`"A":{"Type":"Task","Resource":"arn:aws:states:::aws-sdk:drs:startRecovery.sync","End":true}`), "INVALID_RESOURCE", ".sync", ""},
		{"bad action", wrap(`"A":{"Type":"Task","Resource":"arn:aws:states:::aws-sdk:drs:Start-Recovery","End":true}`), "INVALID_RESOURCE", "camelCase", ""},
		{"unknown drs action", wrap(`"A":{"Type":"Task","Resource":"arn:aws:states:::aws-sdk:drs:launchEverything","End":true}`), "INVALID_RESOURCE", `no API action "launchEverything"`, "/States/A/Resource"},
		{"no resource", wrap(`"A":{"Type":"Task","End":true}`), CodeSchemaValidation, `"Resource" is required`, ""},
		{"heartbeat too long", wrap(`"A":{"Type":"Task","Resource":"arn:aws:states:::events:putEvents","TimeoutSeconds":10,"HeartbeatSeconds":10,"End":true}`), CodeSchemaValidation, "smaller than TimeoutSeconds", ""},
		{"timeout and path", wrap(`"A":{"Type":"Task","Resource":"arn:aws:states:::events:putEvents","TimeoutSeconds":10,"TimeoutSecondsPath":"$.t","End":true}`), CodeSchemaValidation, "both TimeoutSeconds and TimeoutSecondsPath", ""},
		{"timeout zero", wrap(`"A":{"Type":"Task","Resource":"arn:aws:states:::events:putEvents","TimeoutSeconds":0,"End":true}`), CodeSchemaValidation, "between 1 and", ""},
		{"timeout string", wrap(`"A":{"Type":"Task","Resource":"arn:aws:states:::events:putEvents","TimeoutSeconds":"10","End":true}`), CodeSchemaValidation, "must be an integer", ""},
		{"distributed map", wrap(`"A":{"Type":"Map","End":true,"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},"StartAt":"B","States":{"B":{"Type":"Succeed"}}}}`), CodeSchemaValidation, "Distributed Map", "/States/A/ItemProcessor/ProcessorConfig/Mode"},
		{"item reader", wrap(`"A":{"Type":"Map","End":true,"ItemReader":{},"ItemProcessor":{"StartAt":"B","States":{"B":{"Type":"Succeed"}}}}`), CodeSchemaValidation, `state "A", field "ItemReader" is not supported by drsorch`, ""},
		{"tolerated failure", wrap(`"A":{"Type":"Map","End":true,"ToleratedFailurePercentage":5,"ItemProcessor":{"StartAt":"B","States":{"B":{"Type":"Succeed"}}}}`), CodeSchemaValidation, "ToleratedFailurePercentage", ""},
		{"map without processor", wrap(`"A":{"Type":"Map","End":true}`), CodeSchemaValidation, "needs an ItemProcessor", ""},
		{"map both selectors", wrap(`"A":{"Type":"Map","End":true,"ItemSelector":{},"Parameters":{},"ItemProcessor":{"StartAt":"B","States":{"B":{"Type":"Succeed"}}}}`), CodeSchemaValidation, "both ItemSelector and Parameters", ""},
		{"map processor escapes", wrap(`"A":{"Type":"Map","End":true,"ItemProcessor":{"StartAt":"B","States":{"B":{"Type":"Pass","Next":"A"}}}}`), CodeMissingTransition, "cannot leave", ""},
		{"parallel no branches", wrap(`"A":{"Type":"Parallel","End":true,"Branches":[]}`), CodeSchemaValidation, "non-empty array", ""},
		{"branch bad", wrap(`"A":{"Type":"Parallel","End":true,"Branches":[{"StartAt":"X","States":{"B":{"Type":"Succeed"}}}]}`), CodeMissingTransition, `StartAt "X"`, "/States/A/Branches[0]/StartAt"},
		{"wait none", wrap(`"A":{"Type":"Wait","End":true}`), CodeSchemaValidation, "exactly one of Seconds", ""},
		{"wait two", wrap(`"A":{"Type":"Wait","Seconds":1,"SecondsPath":"$.s","End":true}`), CodeSchemaValidation, "exactly one of Seconds", ""},
		{"wait negative", wrap(`"A":{"Type":"Wait","Seconds":-1,"End":true}`), CodeSchemaValidation, "between 0 and", ""},
		{"wait bad timestamp", wrap(`"A":{"Type":"Wait","Timestamp":"tomorrow","End":true}`), CodeSchemaValidation, "RFC 3339", ""},
		{"fail both", wrap(`"A":{"Type":"Fail","Error":"E","ErrorPath":"$.e"}`), CodeSchemaValidation, "both Error and ErrorPath", ""},
		{"fail bad path", wrap(`"A":{"Type":"Fail","CausePath":"$.a[*]"}`), CodeSchemaValidation, "reference path", ""},
		{"all not last", wrap(`"A":{"Type":"Task","Resource":"arn:aws:states:::events:putEvents","End":true,"Retry":[{"ErrorEquals":["States.ALL"]},{"ErrorEquals":["X"]}]}`), CodeSchemaValidation, "must be the last", ""},
		{"all not alone", wrap(`"A":{"Type":"Task","Resource":"arn:aws:states:::events:putEvents","End":true,"Catch":[{"ErrorEquals":["States.ALL","X"],"Next":"A"}]}`), CodeSchemaValidation, "alone", ""},
		{"unknown States error", wrap(`"A":{"Type":"Task","Resource":"arn:aws:states:::events:putEvents","End":true,"Retry":[{"ErrorEquals":["States.Oops"]}]}`), CodeSchemaValidation, "reserved", ""},
		{"empty ErrorEquals", wrap(`"A":{"Type":"Task","Resource":"arn:aws:states:::events:putEvents","End":true,"Retry":[{"ErrorEquals":[]}]}`), CodeSchemaValidation, "non-empty", ""},
		{"backoff below 1", wrap(`"A":{"Type":"Task","Resource":"arn:aws:states:::events:putEvents","End":true,"Retry":[{"ErrorEquals":["X"],"BackoffRate":0.5}]}`), CodeSchemaValidation, "at least 1.0", ""},
		{"jitter", wrap(`"A":{"Type":"Task","Resource":"arn:aws:states:::events:putEvents","End":true,"Retry":[{"ErrorEquals":["X"],"JitterStrategy":"HALF"}]}`), CodeSchemaValidation, "FULL or NONE", ""},
		{"catch without next", wrap(`"A":{"Type":"Task","Resource":"arn:aws:states:::events:putEvents","End":true,"Catch":[{"ErrorEquals":["X"]}]}`), CodeSchemaValidation, `"Next" is required`, ""},
		{"catch target missing", wrap(`"A":{"Type":"Task","Resource":"arn:aws:states:::events:putEvents","End":true,"Catch":[{"ErrorEquals":["X"],"Next":"Z"}]}`), CodeMissingTransition, `"Z"`, "/States/A/Catch[0].Next"},
		{"retry on pass", wrap(`"A":{"Type":"Pass","End":true,"Retry":[]}`), CodeSchemaValidation, `"Retry" is not supported in state "A"`, ""},
		{"resultpath filter", wrap(`"A":{"Type":"Pass","End":true,"ResultPath":"$.a[?(@.x)]"}`), CodeSchemaValidation, "reference path", ""},
		{"resultpath context", wrap(`"A":{"Type":"Pass","End":true,"ResultPath":"$$.Execution"}`), CodeSchemaValidation, "context object", ""},
		{"inputpath not path", wrap(`"A":{"Type":"Pass","End":true,"InputPath":"a"}`), CodeSchemaValidation, "must start with '$'", ""},
		{"parameters not object", wrap(`"A":{"Type":"Pass","End":true,"Parameters":[1]}`), CodeSchemaValidation, "must be a JSON object", ""},
		{"parameters bad path", wrap(`"A":{"Type":"Pass","End":true,"Parameters":{"x.$":"foo"}}`), CodeSchemaValidation, `"x.$"`, "/States/A/Parameters/x.$"},
		{"parameters not string", wrap(`"A":{"Type":"Pass","End":true,"Parameters":{"x.$":1}}`), CodeSchemaValidation, "must be a string", ""},
		{"parameters bad intrinsic", wrap(`"A":{"Type":"Pass","End":true,"Parameters":{"a":{"x.$":"States.Nope()"}}}`), CodeSchemaValidation, "unknown intrinsic function", "/States/A/Parameters/a/x.$"},
		{"choice empty", wrap(`"A":{"Type":"Choice","Choices":[]}`), CodeSchemaValidation, "non-empty array", ""},
		{"choice two operators", wrap(`"A":{"Type":"Choice","Choices":[{"Variable":"$.a","StringEquals":"x","IsNull":true,"Next":"B"}]},"B":{"Type":"Succeed"}`), CodeSchemaValidation, "exactly one", ""},
		{"choice no next", wrap(`"A":{"Type":"Choice","Choices":[{"Variable":"$.a","StringEquals":"x"}],"Default":"B"},"B":{"Type":"Succeed"}`), CodeSchemaValidation, `"Next" is required`, ""},
		{"nested next", wrap(`"A":{"Type":"Choice","Choices":[{"Not":{"Variable":"$.a","StringEquals":"x","Next":"B"},"Next":"B"}]},"B":{"Type":"Succeed"}`), CodeSchemaValidation, "must not have Next", ""},
		{"operand type", wrap(`"A":{"Type":"Choice","Choices":[{"Variable":"$.a","NumericEquals":"1","Next":"B"}]},"B":{"Type":"Succeed"}`), CodeSchemaValidation, "needs a number", ""},
		{"no Variable", wrap(`"A":{"Type":"Choice","Choices":[{"StringEquals":"1","Next":"B"}]},"B":{"Type":"Succeed"}`), CodeSchemaValidation, "needs a Variable", ""},
		{"unknown operator", wrap(`"A":{"Type":"Choice","Choices":[{"Variable":"$.a","StringContains":"1","Next":"B"}]},"B":{"Type":"Succeed"}`), CodeSchemaValidation, `"StringContains"`, ""},
		{"no path variant", wrap(`"A":{"Type":"Choice","Choices":[{"Variable":"$.a","StringMatchesPath":"$.b","Next":"B"}]},"B":{"Type":"Succeed"}`), CodeSchemaValidation, `"StringMatchesPath"`, ""},
		{"timestamp operand", wrap(`"A":{"Type":"Choice","Choices":[{"Variable":"$.a","TimestampEquals":"yesterday","Next":"B"}]},"B":{"Type":"Succeed"}`), CodeSchemaValidation, "RFC 3339", ""},
		{"jsonata condition", wrap(`"A":{"Type":"Choice","Choices":[{"Condition":"{% true %}","Next":"B"}]},"B":{"Type":"Succeed"}`), CodeSchemaValidation, "JSONata", ""},
		{"choice default missing", wrap(`"A":{"Type":"Choice","Choices":[{"Variable":"$.a","IsNull":true,"Next":"B"}],"Default":"Q"},"B":{"Type":"Succeed"}`), CodeMissingTransition, `"Q"`, "/States/A/Default"},
		{"top-level timeout", `{"StartAt":"A","TimeoutSeconds":0,"States":{"A":{"Type":"Succeed"}}}`, CodeSchemaValidation, "TimeoutSeconds", ""},
		{"branch extra field", wrap(`"A":{"Type":"Parallel","End":true,"Branches":[{"StartAt":"B","TimeoutSeconds":3,"States":{"B":{"Type":"Succeed"}}}]}`), CodeSchemaValidation, `"TimeoutSeconds" is not supported`, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse([]byte(c.def))
			var de *DefinitionError
			if !errors.As(err, &de) {
				t.Fatalf("want a *DefinitionError, got %v", err)
			}
			for _, d := range de.Diagnostics {
				if d.Code == c.code && strings.Contains(d.Message, c.contains) && (c.location == "" || d.Location == c.location) {
					if d.Severity != "ERROR" {
						t.Errorf("severity %q", d.Severity)
					}
					return
				}
			}
			t.Fatalf("no diagnostic %s containing %q at %q in %+v", c.code, c.contains, c.location, de.Diagnostics)
		})
	}
}

func TestParseReportsAllProblems(t *testing.T) {
	_, err := Parse([]byte(wrap(`"A":{"Type":"Pass","Next":"B","Foo":1},"B":{"Type":"Task","Resource":"arn:aws:lambda:x","End":true,"QueryLanguage":"JSONata"}`)))
	var de *DefinitionError
	if !errors.As(err, &de) || len(de.Diagnostics) < 3 {
		t.Fatalf("want at least 3 diagnostics, got %v", err)
	}
}

func TestParseAccepts(t *testing.T) {
	for name, def := range map[string]string{
		"minimal":             wrap(`"A":{"Type":"Succeed"}`),
		"fail no fields":      wrap(`"A":{"Type":"Fail"}`),
		"drs token":           wrap(`"A":{"Type":"Task","Resource":"arn:aws:states:::aws-sdk:drs:startRecovery.waitForTaskToken","End":true}`),
		"gov partition":       wrap(`"A":{"Type":"Task","Resource":"arn:aws-us-gov:states:::aws-sdk:drs:describeJobs","End":true}`),
		"quota read":          wrap(`"A":{"Type":"Task","Resource":"arn:aws:states:::aws-sdk:servicequotas:getServiceQuota","End":true}`),
		"loop with end":       wrap(`"A":{"Type":"Pass","Next":"B"},"B":{"Type":"Choice","Choices":[{"Variable":"$.x","IsPresent":true,"Next":"A"}],"Default":"C"},"C":{"Type":"Pass","End":true}`),
		"pass result null":    wrap(`"A":{"Type":"Pass","Result":null,"End":true}`),
		"paths null":          wrap(`"A":{"Type":"Pass","InputPath":null,"OutputPath":null,"ResultPath":null,"End":true}`),
		"comment everywhere":  `{"Comment":"c","StartAt":"A","States":{"A":{"Type":"Choice","Comment":"c","Choices":[{"Comment":"r","Variable":"$.a","IsNull":true,"Next":"B"}],"Default":"B"},"B":{"Type":"Succeed","Comment":"c"}}}`,
		"map inline explicit": wrap(`"A":{"Type":"Map","End":true,"ItemProcessor":{"ProcessorConfig":{"Mode":"INLINE"},"StartAt":"B","States":{"B":{"Type":"Succeed"}}}}`),
		"task-failed catch":   wrap(`"A":{"Type":"Task","Resource":"arn:aws:states:::events:putEvents","End":true,"Catch":[{"ErrorEquals":["States.TaskFailed","States.Timeout"],"Next":"B"}]},"B":{"Type":"Succeed"}`),
	} {
		if _, err := Parse([]byte(def)); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// Every definition in testdata parses (they also seed FuzzParse); recovery-plan.asl.json
// is what internal/statemachine compiles for a three-wave plan.
func TestParseTestdata(t *testing.T) {
	files, err := filepath.Glob("testdata/*.json")
	if err != nil || len(files) < 2 {
		t.Fatalf("testdata: %v %v", files, err)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Parse(b); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
}

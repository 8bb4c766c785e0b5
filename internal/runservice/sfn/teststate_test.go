package sfn_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice"
)

// noHostPrefix keeps TestState on the run service's endpoint: the model
// sends it to "sync-<host>", which a loopback address does not resolve.
func noHostPrefix(o *sfn.Options) {
	o.APIOptions = append(o.APIOptions, func(s *middleware.Stack) error {
		return s.Initialize.Add(middleware.InitializeMiddlewareFunc("drsorchNoHostPrefix",
			func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
				return next.HandleInitialize(smithyhttp.DisableEndpointHostPrefix(ctx, true), in)
			}), middleware.Before)
	})
}

func TestTestState(t *testing.T) {
	h := newHarness(t, runservice.Config{})
	c := ctx(t)
	test := func(def, input string, mod ...func(*sfn.TestStateInput)) *sfn.TestStateOutput {
		t.Helper()
		in := &sfn.TestStateInput{Definition: aws.String(def), Input: aws.String(input)}
		for _, m := range mod {
			m(in)
		}
		out, err := h.sfn.TestState(c, in, noHostPrefix)
		if err != nil {
			t.Fatalf("TestState %s: %v", def, err)
		}
		return out
	}
	debug := func(in *sfn.TestStateInput) { in.InspectionLevel = types.InspectionLevelDebug }
	withRole := func(in *sfn.TestStateInput) { in.RoleArn = aws.String(roleARN) }

	out := test(`{"Type":"Pass","Parameters":{"x.$":"$.a"},"ResultPath":"$.r","Next":"After"}`, `{"a":1}`, debug)
	if out.Status != types.TestExecutionStatusSucceeded || aws.ToString(out.NextState) != "After" || out.InspectionData == nil ||
		aws.ToString(out.InspectionData.AfterParameters) != `{"x":1}` {
		t.Fatalf("Pass = %+v", out)
	}
	jsonEqual(t, *out.Output, `{"a":1,"r":{"x":1}}`)

	out = test(`{"Type":"Choice","Choices":[{"Variable":"$.n","NumericGreaterThan":5,"Next":"Big"}],"Default":"Small"}`, `{"n":7}`)
	if out.Status != types.TestExecutionStatusSucceeded || aws.ToString(out.NextState) != "Big" {
		t.Fatalf("Choice = %+v", out)
	}
	out = test(`{"Type":"Fail","Error":"Plan.Refused","Cause":"no"}`, `{}`)
	if out.Status != types.TestExecutionStatusFailed || aws.ToString(out.Error) != "Plan.Refused" || aws.ToString(out.Cause) != "no" {
		t.Fatalf("Fail = %+v", out)
	}
	out = test(`{"Type":"Wait","Seconds":3600,"Next":"Go"}`, `{"k":true}`)
	if out.Status != types.TestExecutionStatusSucceeded || aws.ToString(out.NextState) != "Go" {
		t.Fatalf("Wait = %+v", out)
	}
	jsonEqual(t, *out.Output, `{"k":true}`)
	out = test(`{"Type":"Succeed","OutputPath":"$.k"}`, `{"k":{"done":1}}`)
	jsonEqual(t, *out.Output, `{"done":1}`)
	if out.NextState != nil {
		t.Fatalf("Succeed has a next state: %+v", out)
	}

	// A Task makes the real call.
	task := `{"Type":"Task","Resource":"arn:aws:states:::aws-sdk:drs:describeSourceServers","Parameters":{},
		"ResultSelector":{"n.$":"States.ArrayLength($.Items)"},"ResultPath":"$.servers","End":true}`
	out = test(task, `{}`, withRole, debug)
	if out.Status != types.TestExecutionStatusSucceeded || !strings.Contains(*out.Output, `"servers":{"n":`) || !strings.Contains(aws.ToString(out.InspectionData.Result), `"Items"`) {
		t.Fatalf("Task = %+v", out)
	}
	_, err := h.sfn.TestState(c, &sfn.TestStateInput{Definition: aws.String(task)}, noHostPrefix)
	wantAPIError(t, err, "ValidationException")
	h.setFaults(`{"tasks":[{"error":"Drs.ThrottlingException"}]}`)
	out = test(strings.Replace(task, `"End":true`, `"Retry":[{"ErrorEquals":["Drs.ThrottlingException"]}],"End":true`, 1), `{}`, withRole)
	if out.Status != types.TestExecutionStatusRetriable || aws.ToString(out.Error) != "Drs.ThrottlingException" {
		t.Fatalf("retriable Task = %+v", out)
	}
	out = test(strings.Replace(task, `"End":true`, `"Catch":[{"ErrorEquals":["States.ALL"],"Next":"Handle"}],"End":true`, 1), `{}`, withRole)
	if out.Status != types.TestExecutionStatusCaughtError || aws.ToString(out.NextState) != "Handle" || !strings.Contains(aws.ToString(out.Output), "Drs.ThrottlingException") {
		t.Fatalf("caught Task = %+v", out)
	}

	// One state of a whole state machine, by name.
	out = test(`{"StartAt":"A","States":{"A":{"Type":"Pass","Result":2,"Next":"B"},"B":{"Type":"Succeed"}}}`, `{}`,
		func(in *sfn.TestStateInput) { in.StateName = aws.String("A") })
	if aws.ToString(out.NextState) != "B" || *out.Output != "2" {
		t.Fatalf("state by name = %+v", out)
	}
	_, err = h.sfn.TestState(c, &sfn.TestStateInput{Definition: aws.String(`{"Type":"Pass","Nope":1,"End":true}`)}, noHostPrefix)
	wantAPIError(t, err, "InvalidDefinition")
	_, err = h.sfn.TestState(c, &sfn.TestStateInput{Definition: aws.String(`{"Type":"Pass","End":true}`), Input: aws.String("not json")}, noHostPrefix)
	wantAPIError(t, err, "InvalidExecutionInput")
}

package sfn_test

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice"
	sfnsvc "github.com/drsorch/terraform-provider-drsorch/internal/runservice/sfn"
)

func (h *harness) setFaults(body string) {
	h.t.Helper()
	resp, err := http.Post(h.svc.URL+"/_sim/sfn/faults", "application/json", bytes.NewReader([]byte(body)))
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		h.t.Fatalf("POST /_sim/sfn/faults %s = %d %s", body, resp.StatusCode, b)
	}
}

func httpStatus(err error) int {
	var re *smithyhttp.ResponseError
	if errors.As(err, &re) {
		return re.HTTPStatusCode()
	}
	return 0
}

func TestInjectedAPIThrottlingAnd5xx(t *testing.T) {
	h := newHarness(t, runservice.Config{})
	c := ctx(t)
	arn := h.createStateMachine("faulty", passDef)
	h.setFaults(`{"api":[{"operation":"StartExecution","kind":"throttle","count":2},{"operation":"DescribeStateMachine","kind":"5xx","status":503,"count":1},
		{"operation":"ListStateMachines","kind":"5xx","count":1}]}`)
	for i := 0; i < 2; i++ {
		_, err := h.sfn.StartExecution(c, &sfn.StartExecutionInput{StateMachineArn: aws.String(arn)})
		wantAPIError(t, err, "ThrottlingException")
		if httpStatus(err) != 400 {
			t.Fatalf("throttling status = %d", httpStatus(err))
		}
	}
	if _, err := h.sfn.StartExecution(c, &sfn.StartExecutionInput{StateMachineArn: aws.String(arn)}); err != nil {
		t.Fatalf("third start: %v", err)
	}
	_, err := h.sfn.DescribeStateMachine(c, &sfn.DescribeStateMachineInput{StateMachineArn: aws.String(arn)})
	wantAPIError(t, err, "ServiceUnavailable")
	if httpStatus(err) != 503 {
		t.Fatalf("503 fault answered %d", httpStatus(err))
	}
	_, err = h.sfn.ListStateMachines(c, &sfn.ListStateMachinesInput{})
	wantAPIError(t, err, "InternalFailure")
	if httpStatus(err) != 500 {
		t.Fatalf("5xx fault answered %d", httpStatus(err))
	}
	// The SDK's standard retryer rides out a throttle.
	h.setFaults(`{"api":[{"kind":"throttle","count":1}]}`)
	retrying := sfn.NewFromConfig(h.svc.AWSConfig(region), func(o *sfn.Options) { o.RetryMaxAttempts = 3 })
	if _, err := retrying.DescribeStateMachine(c, &sfn.DescribeStateMachineInput{StateMachineArn: aws.String(arn)}); err != nil {
		t.Fatalf("throttle with retries: %v", err)
	}
	// A rate: every second call.
	h.setFaults(`{"api":[{"operation":"DescribeStateMachine","kind":"throttle","percent":50}]}`)
	var throttled int
	for i := 0; i < 6; i++ {
		if _, err := h.sfn.DescribeStateMachine(c, &sfn.DescribeStateMachineInput{StateMachineArn: aws.String(arn)}); err != nil {
			wantAPIError(t, err, "ThrottlingException")
			throttled++
		}
	}
	if throttled != 3 {
		t.Fatalf("50%% throttled %d of 6", throttled)
	}
	resp, _ := http.Post(h.svc.URL+"/_sim/sfn/faults", "application/json", strings.NewReader(`{"api":[{"kind":"flood","count":1}]}`))
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("unknown fault kind accepted: %d", resp.StatusCode)
	}
	resp.Body.Close()
}

func TestInjectedConnectionReset(t *testing.T) {
	h := newHarness(t, runservice.Config{})
	c := ctx(t)
	h.setFaults(`{"api":[{"operation":"ListStateMachines","kind":"reset","count":1}]}`)
	_, err := h.sfn.ListStateMachines(c, &sfn.ListStateMachinesInput{})
	var ae smithy.APIError
	if err == nil || errors.As(err, &ae) {
		t.Fatalf("reset answered %v, want a transport error", err)
	}
	if _, err := h.sfn.ListStateMachines(c, &sfn.ListStateMachinesInput{}); err != nil {
		t.Fatalf("after the reset: %v", err)
	}
}

func TestInjectedRolePropagationDelay(t *testing.T) {
	// Faults can be set in the Config, too.
	h := newHarness(t, runservice.Config{SFNFaults: &sfnsvc.Faults{RolePropagationSeconds: 8}})
	c := ctx(t)
	newRole := "arn:aws:iam::123456789012:role/brand-new"
	create := func() error {
		_, err := h.sfn.CreateStateMachine(c, &sfn.CreateStateMachineInput{Name: aws.String("prop"), Definition: aws.String(passDef), RoleArn: aws.String(newRole)})
		return err
	}
	err := create()
	wantAPIError(t, err, "AccessDeniedException")
	var ae smithy.APIError
	errors.As(err, &ae)
	if !strings.Contains(ae.ErrorMessage(), "Neither the global service principal states.amazonaws.com, nor the regional one is authorized to assume the provided role") {
		t.Fatalf("message = %q", ae.ErrorMessage())
	}
	h.advance(7 * time.Second)
	wantAPIError(t, create(), "AccessDeniedException")
	h.advance(time.Second)
	if err := create(); err != nil {
		t.Fatalf("after propagation: %v", err)
	}
	// UpdateStateMachine too, for a role it has not seen; a known role passes.
	arn := "arn:aws:states:us-east-1:123456789012:stateMachine:prop"
	_, err = h.sfn.UpdateStateMachine(c, &sfn.UpdateStateMachineInput{StateMachineArn: aws.String(arn), RoleArn: aws.String(newRole + "-2")})
	wantAPIError(t, err, "AccessDeniedException")
	if _, err := h.sfn.UpdateStateMachine(c, &sfn.UpdateStateMachineInput{StateMachineArn: aws.String(arn), RoleArn: aws.String(newRole)}); err != nil {
		t.Fatal(err)
	}
}

func TestInjectedSDKIntegrationErrors(t *testing.T) {
	h := newHarness(t, runservice.Config{})
	sm := h.createStateMachine("sdk-faults", `{"StartAt":"List","States":{
		"List":{"Type":"Task","Resource":"arn:aws:states:::aws-sdk:drs:describeSourceServers","Parameters":{},
			"Retry":[{"ErrorEquals":["Drs.SdkClientException"],"IntervalSeconds":1,"MaxAttempts":1}],
			"Catch":[{"ErrorEquals":["Drs.DrsException"],"ResultPath":"$.err","Next":"Caught"}],
			"ResultSelector":{"n.$":"States.ArrayLength($.Items)"},"End":true},
		"Caught":{"Type":"Pass","End":true}}}`)
	// A client-side failure, retried, then the call goes through.
	h.setFaults(`{"tasks":[{"resource":"arn:aws:states:::aws-sdk:drs:","error":"Drs.SdkClientException","count":1}]}`)
	exec := h.start(sm, "", `{}`)
	h.advance(time.Second)
	wantStatus(t, h.describe(exec), types.ExecutionStatusSucceeded)
	var failed []types.TaskFailedEventDetails
	for _, ev := range h.history(exec) {
		if ev.TaskFailedEventDetails != nil {
			failed = append(failed, *ev.TaskFailedEventDetails)
		}
	}
	if len(failed) != 1 || *failed[0].Error != "Drs.SdkClientException" || !strings.Contains(aws.ToString(failed[0].Cause), "Unable to execute HTTP request") {
		t.Fatalf("TaskFailed events = %+v", failed)
	}
	// An unmodelled service error: caught by name.
	h.setFaults(`{"tasks":[{"error":"Drs.DrsException"}]}`)
	exec = h.start(sm, "", `{}`)
	d := h.describe(exec)
	wantStatus(t, d, types.ExecutionStatusSucceeded)
	if !strings.Contains(*d.Output, `"Error":"Drs.DrsException"`) || !strings.Contains(*d.Output, "Service: Drs, Status Code: 503") {
		t.Fatalf("output = %s", *d.Output)
	}
}

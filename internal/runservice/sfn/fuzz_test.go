package sfn_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/awswire"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/events"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/runservicetest"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/sfn"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/simclock"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/store"
)

var fuzzOps = []string{"CreateStateMachine", "UpdateStateMachine", "DescribeStateMachine", "DeleteStateMachine",
	"ListStateMachines", "ValidateStateMachineDefinition", "StartExecution", "DescribeExecution", "ListExecutions",
	"StopExecution", "GetExecutionHistory", "SendTaskSuccess", "SendTaskFailure", "SendTaskHeartbeat",
	"DescribeStateMachineForExecution", "TagResource", "UntagResource", "ListTagsForResource", "NoSuchOperation"}

const fuzzSM = "arn:aws:states:us-east-1:123456789012:stateMachine:fuzz"

// Random bodies and targets get a 4xx (or 200), never a panic or a 500.
func FuzzStepFunctionsAPI(f *testing.F) {
	st, err := store.Open(store.Memory)
	if err != nil {
		f.Fatal(err)
	}
	clk := simclock.New(runservicetest.Epoch, 0)
	bus, err := events.New(st, clk)
	if err != nil {
		f.Fatal(err)
	}
	svc, err := sfn.New(sfn.Options{Store: st, Clock: clk, Events: bus})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { svc.Close(); clk.Close(); st.Close() })
	id := awswire.Identity{Account: awswire.DefaultAccount, Region: "us-east-1"}
	call := func(op string, body []byte) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
		req.Header.Set("X-Amz-Target", sfn.TargetPrefix+"."+op)
		req = req.WithContext(awswire.WithIdentity(req.Context(), id))
		rec := httptest.NewRecorder()
		svc.ServeHTTP(rec, req)
		return rec
	}
	create, _ := json.Marshal(map[string]string{"name": "fuzz", "roleArn": roleARN, "definition": pauseGateDef})
	if rec := call("CreateStateMachine", create); rec.Code != 200 {
		f.Fatalf("seed state machine: %d %s", rec.Code, rec.Body)
	}
	seeds := map[string]string{
		"CreateStateMachine":             `{"name":"x","roleArn":"arn:aws:iam::1:role/r","definition":"{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Succeed\"}}}"}`,
		"StartExecution":                 `{"stateMachineArn":"` + fuzzSM + `","input":"{\"a\":[1,2]}"}`,
		"DescribeExecution":              `{"executionArn":"arn:aws:states:us-east-1:123456789012:execution:fuzz:x"}`,
		"GetExecutionHistory":            `{"executionArn":"arn:aws:states:us-east-1:123456789012:execution:fuzz:x","maxResults":2,"reverseOrder":true,"nextToken":"cDE"}`,
		"SendTaskSuccess":                `{"taskToken":"AQAAAAAAAAAAAQAAAAAAAAABAAAAAAAAAAAAAAAAAAAAAA","output":"{}"}`,
		"ListExecutions":                 `{"stateMachineArn":"` + fuzzSM + `","statusFilter":"RUNNING","maxResults":1}`,
		"TagResource":                    `{"resourceArn":"` + fuzzSM + `","tags":[{"key":"a","value":"b"}]}`,
		"ValidateStateMachineDefinition": `{"definition":"{\"StartAt\":1}"}`,
	}
	for i, op := range fuzzOps {
		body := seeds[op]
		if body == "" {
			body = `{"stateMachineArn":"` + fuzzSM + `"}`
		}
		f.Add(uint8(i), []byte(body))
	}
	f.Add(uint8(0), []byte(`{"name":null,"definition":7}`))
	f.Add(uint8(6), []byte(`[]`))
	f.Fuzz(func(t *testing.T, opIndex uint8, body []byte) {
		op := fuzzOps[int(opIndex)%len(fuzzOps)]
		rec := call(op, body)
		if rec.Code >= 500 {
			t.Fatalf("%s %q: status %d %s", op, body, rec.Code, rec.Body)
		}
		if !json.Valid(rec.Body.Bytes()) {
			t.Fatalf("%s %q: body is not JSON: %s", op, body, rec.Body)
		}
	})
}

// PutEvents answers random bodies with 200 or 4xx.
func FuzzPutEvents(f *testing.F) {
	st, err := store.Open(store.Memory)
	if err != nil {
		f.Fatal(err)
	}
	clk := simclock.New(runservicetest.Epoch, 0)
	bus, err := events.New(st, clk)
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { clk.Close(); st.Close() })
	f.Add([]byte(`{"Entries":[{"Source":"a","DetailType":"b","Detail":"{}"}]}`))
	f.Add([]byte(`{"Entries":[{"Source":"a","DetailType":"b","Detail":"[1]","Time":1.5e9}]}`))
	f.Add([]byte(`{"Entries":[]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		req := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
		req.Header.Set("X-Amz-Target", "AWSEvents.PutEvents")
		rec := httptest.NewRecorder()
		bus.ServeHTTP(rec, req)
		if rec.Code >= 500 || !json.Valid(rec.Body.Bytes()) {
			t.Fatalf("%q: status %d %s", body, rec.Code, rec.Body)
		}
	})
}

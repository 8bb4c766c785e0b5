package sfn_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/aws/smithy-go"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/runservicetest"
)

const (
	region  = "us-east-1"
	roleARN = "arn:aws:iam::123456789012:role/drsorch-test"
)

type harness struct {
	t   *testing.T
	svc *runservicetest.Service
	sfn *sfn.Client
}

func newHarness(t *testing.T, cfg runservice.Config) *harness {
	t.Helper()
	svc := runservicetest.Start(t, cfg)
	return &harness{t: t, svc: svc, sfn: sfn.NewFromConfig(svc.AWSConfig(region))}
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return c
}

func (h *harness) createStateMachine(name, definition string) string {
	h.t.Helper()
	out, err := h.sfn.CreateStateMachine(ctx(h.t), &sfn.CreateStateMachineInput{
		Name: aws.String(name), Definition: aws.String(definition), RoleArn: aws.String(roleARN)})
	if err != nil {
		h.t.Fatalf("CreateStateMachine %s: %v", name, err)
	}
	return *out.StateMachineArn
}

func (h *harness) start(smARN, name, input string) string {
	h.t.Helper()
	in := &sfn.StartExecutionInput{StateMachineArn: aws.String(smARN), Input: aws.String(input)}
	if name != "" {
		in.Name = aws.String(name)
	}
	out, err := h.sfn.StartExecution(ctx(h.t), in)
	if err != nil {
		h.t.Fatalf("StartExecution: %v", err)
	}
	h.settle()
	return *out.ExecutionArn
}

// settle waits for the engine to finish what the current simulated time allows.
func (h *harness) settle() {
	h.t.Helper()
	if err := h.svc.App.SFN.Engine().Settle(ctx(h.t)); err != nil {
		h.t.Fatalf("settle: %v", err)
	}
}

// advance moves the frozen clock and lets the engine catch up.
func (h *harness) advance(d time.Duration) {
	h.t.Helper()
	h.svc.App.Clock.Advance(d)
	h.settle()
}

func (h *harness) describe(execARN string) *sfn.DescribeExecutionOutput {
	h.t.Helper()
	out, err := h.sfn.DescribeExecution(ctx(h.t), &sfn.DescribeExecutionInput{ExecutionArn: aws.String(execARN)})
	if err != nil {
		h.t.Fatalf("DescribeExecution: %v", err)
	}
	return out
}

func (h *harness) history(execARN string) []types.HistoryEvent {
	h.t.Helper()
	var all []types.HistoryEvent
	p := sfn.NewGetExecutionHistoryPaginator(h.sfn, &sfn.GetExecutionHistoryInput{ExecutionArn: aws.String(execARN)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx(h.t))
		if err != nil {
			h.t.Fatalf("GetExecutionHistory: %v", err)
		}
		all = append(all, page.Events...)
	}
	return all
}

func eventTypes(evs []types.HistoryEvent) []string {
	out := make([]string, len(evs))
	for i, ev := range evs {
		out[i] = string(ev.Type)
	}
	return out
}

func wantStatus(t *testing.T, out *sfn.DescribeExecutionOutput, want types.ExecutionStatus) {
	t.Helper()
	if out.Status != want {
		t.Fatalf("status = %s, want %s (error %q cause %q)", out.Status, want, aws.ToString(out.Error), aws.ToString(out.Cause))
	}
}

func wantAPIError(t *testing.T, err error, code string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("error = %v, want API error %s", err, code)
	}
	if ae.ErrorCode() != code {
		t.Fatalf("error code = %s (%s), want %s", ae.ErrorCode(), ae.ErrorMessage(), code)
	}
}

func jsonEqual(t *testing.T, got, want string) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal([]byte(got), &g); err != nil {
		t.Fatalf("output %q is not JSON: %v", got, err)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("want %q is not JSON: %v", want, err)
	}
	gb, _ := json.Marshal(g)
	wb, _ := json.Marshal(w)
	if string(gb) != string(wb) {
		t.Fatalf("output = %s, want %s", gb, wb)
	}
}

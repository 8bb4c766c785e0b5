package sfn_test

import (
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice"
)

func countEvents(evs []types.HistoryEvent, typ types.HistoryEventType) int {
	n := 0
	for _, ev := range evs {
		if ev.Type == typ {
			n++
		}
	}
	return n
}

func TestRedriveExecutionResumesFromTheFailedState(t *testing.T) {
	h := newHarness(t, runservice.Config{})
	c := ctx(t)
	sm := h.createStateMachine("redrive", `{"StartAt":"Prep","States":{
		"Prep":{"Type":"Pass","Result":"prepared","ResultPath":"$.prep","Next":"List"},
		"List":{"Type":"Task","Resource":"arn:aws:states:::aws-sdk:drs:describeSourceServers","Parameters":{},
			"ResultSelector":{"n.$":"States.ArrayLength($.Items)","redrives.$":"$$.Execution.RedriveCount"},"ResultPath":"$.servers","End":true}}}`)
	h.setFaults(`{"tasks":[{"resource":"arn:aws:states:::aws-sdk:drs:describeSourceServers","error":"Drs.InternalServerException","count":1}]}`)
	exec := h.start(sm, "flaky", `{"plan":"shop"}`)
	d := h.describe(exec)
	wantStatus(t, d, types.ExecutionStatusFailed)
	if d.RedriveStatus != types.ExecutionRedriveStatusRedrivable || d.RedriveCount == nil || *d.RedriveCount != 0 {
		t.Fatalf("failed execution: redriveStatus %s count %v", d.RedriveStatus, d.RedriveCount)
	}
	before := len(h.history(exec))

	out, err := h.sfn.RedriveExecution(c, &sfn.RedriveExecutionInput{ExecutionArn: aws.String(exec)})
	if err != nil || out.RedriveDate == nil {
		t.Fatalf("redrive = %+v, %v", out, err)
	}
	h.settle()
	d = h.describe(exec)
	wantStatus(t, d, types.ExecutionStatusSucceeded)
	if !strings.Contains(*d.Output, `"prep":"prepared"`) || !strings.Contains(*d.Output, `"servers":{"n":`) || !strings.Contains(*d.Output, `"redrives":1`) {
		t.Fatalf("output = %s", *d.Output)
	}
	if *d.RedriveCount != 1 || d.RedriveDate == nil || d.RedriveStatus != types.ExecutionRedriveStatusNotRedrivable || d.Error != nil {
		t.Fatalf("after redrive: count %d date %v status %s error %v", *d.RedriveCount, d.RedriveDate, d.RedriveStatus, d.Error)
	}
	evs := h.history(exec)
	// The history goes on from where it stopped: Prep did not run again.
	if countEvents(evs, types.HistoryEventTypePassStateEntered) != 1 || countEvents(evs, types.HistoryEventTypeExecutionFailed) != 1 {
		t.Fatalf("history = %v", eventTypes(evs))
	}
	redriven := evs[before]
	if redriven.Type != types.HistoryEventTypeExecutionRedriven || redriven.ExecutionRedrivenEventDetails == nil ||
		redriven.ExecutionRedrivenEventDetails.RedriveCount == nil || *redriven.ExecutionRedrivenEventDetails.RedriveCount != 1 ||
		redriven.PreviousEventId != evs[before-1].Id {
		t.Fatalf("event after the failure = %+v", redriven)
	}
	if next := evs[before+1]; next.Type != types.HistoryEventTypeTaskStateEntered || *next.StateEnteredEventDetails.Name != "List" {
		t.Fatalf("redrive re-entered %+v", next)
	}
	list, err := h.sfn.ListExecutions(c, &sfn.ListExecutionsInput{StateMachineArn: aws.String(sm)})
	if err != nil || len(list.Executions) != 1 || aws.ToInt32(list.Executions[0].RedriveCount) != 1 || list.Executions[0].RedriveDate == nil {
		t.Fatalf("listed = %+v, %v", list, err)
	}
	// A succeeded execution is not redrivable.
	_, err = h.sfn.RedriveExecution(c, &sfn.RedriveExecutionInput{ExecutionArn: aws.String(exec)})
	wantAPIError(t, err, "ExecutionNotRedrivable")
}

func TestRedriveAbortedExecutionAndTheWindow(t *testing.T) {
	h := newHarness(t, runservice.Config{})
	c := ctx(t)
	sm := h.createStateMachine("redrive-wait", `{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":60,"End":true}}}`)
	exec := h.start(sm, "stopped", `{}`)
	if _, err := h.sfn.StopExecution(c, &sfn.StopExecutionInput{ExecutionArn: aws.String(exec)}); err != nil {
		t.Fatal(err)
	}
	h.settle()
	wantStatus(t, h.describe(exec), types.ExecutionStatusAborted)
	if _, err := h.sfn.RedriveExecution(c, &sfn.RedriveExecutionInput{ExecutionArn: aws.String(exec)}); err != nil {
		t.Fatal(err)
	}
	h.settle()
	wantStatus(t, h.describe(exec), types.ExecutionStatusRunning)
	h.advance(60 * time.Second)
	wantStatus(t, h.describe(exec), types.ExecutionStatusSucceeded)

	// 14 days after its start an execution can no longer be redriven.
	old := h.start(sm, "old", `{}`)
	if _, err := h.sfn.StopExecution(c, &sfn.StopExecutionInput{ExecutionArn: aws.String(old)}); err != nil {
		t.Fatal(err)
	}
	h.advance(14*24*time.Hour + time.Second)
	d := h.describe(old)
	if d.RedriveStatus != types.ExecutionRedriveStatusNotRedrivable || !strings.Contains(aws.ToString(d.RedriveStatusReason), "14 days") {
		t.Fatalf("after 14 days: %s %q", d.RedriveStatus, aws.ToString(d.RedriveStatusReason))
	}
	_, err := h.sfn.RedriveExecution(c, &sfn.RedriveExecutionInput{ExecutionArn: aws.String(old)})
	wantAPIError(t, err, "ExecutionNotRedrivable")
	_, err = h.sfn.RedriveExecution(c, &sfn.RedriveExecutionInput{ExecutionArn: aws.String(old + "-nope")})
	wantAPIError(t, err, "ExecutionDoesNotExist")
}

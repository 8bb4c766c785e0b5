package sfn_test

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice"
)

const choiceDef = `{
  "StartAt": "Init",
  "States": {
    "Init": {"Type": "Pass", "Parameters": {"n.$": "$.n", "seen": []}, "Next": "Check"},
    "Check": {"Type": "Choice", "Choices": [{"Variable": "$.n", "NumericGreaterThan": 0, "Next": "Dec"}], "Default": "Done"},
    "Dec": {"Type": "Pass", "Parameters": {"n.$": "States.MathAdd($.n, -1)", "seen.$": "States.ArrayUnique(States.Array($.n))"}, "Next": "Check"},
    "Done": {"Type": "Succeed"}
  }
}`

func TestExecutionRunsToCompletionWithHistory(t *testing.T) {
	h := newHarness(t, runservice.Config{})
	c := ctx(t)
	sm := h.createStateMachine("loop", choiceDef)
	exec := h.start(sm, "run-1", `{"n": 2}`)
	if exec != "arn:aws:states:us-east-1:123456789012:execution:loop:run-1" {
		t.Fatalf("execution arn = %s", exec)
	}
	d := h.describe(exec)
	wantStatus(t, d, types.ExecutionStatusSucceeded)
	jsonEqual(t, *d.Output, `{"n":0,"seen":[1]}`)
	if d.StopDate == nil || *d.Input != `{"n": 2}` || *d.Name != "run-1" || *d.StateMachineArn != sm {
		t.Fatalf("describe = %+v", d)
	}
	evs := h.history(exec)
	want := []string{"ExecutionStarted",
		"PassStateEntered", "PassStateExited", "ChoiceStateEntered", "ChoiceStateExited",
		"PassStateEntered", "PassStateExited", "ChoiceStateEntered", "ChoiceStateExited",
		"PassStateEntered", "PassStateExited", "ChoiceStateEntered", "ChoiceStateExited",
		"SucceedStateEntered", "SucceedStateExited", "ExecutionSucceeded"}
	if got := eventTypes(evs); !reflect.DeepEqual(got, want) {
		t.Fatalf("history = %v\nwant      %v", got, want)
	}
	for i, ev := range evs {
		wantPrev := int64(i)
		if i == 1 {
			wantPrev = 0 // as AWS records it, the first state follows no event
		}
		if ev.Id != int64(i+1) || ev.PreviousEventId != wantPrev || ev.Timestamp == nil {
			t.Fatalf("event %d: id %d previous %d", i, ev.Id, ev.PreviousEventId)
		}
	}
	if in := aws.ToString(evs[1].StateEnteredEventDetails.Input); in != `{"n": 2}` || *evs[1].StateEnteredEventDetails.Name != "Init" {
		t.Fatalf("first StateEntered = %+v", evs[1].StateEnteredEventDetails)
	}

	// Reverse order, small pages, without data.
	page, err := h.sfn.GetExecutionHistory(c, &sfn.GetExecutionHistoryInput{ExecutionArn: aws.String(exec),
		ReverseOrder: true, MaxResults: 3, IncludeExecutionData: aws.Bool(false)})
	if err != nil || len(page.Events) != 3 || page.Events[0].Type != types.HistoryEventTypeExecutionSucceeded || page.NextToken == nil {
		t.Fatalf("reverse page = %+v, %v", page, err)
	}
	if page.Events[0].ExecutionSucceededEventDetails.Output != nil {
		t.Fatalf("includeExecutionData=false still returned output")
	}
	next, err := h.sfn.GetExecutionHistory(c, &sfn.GetExecutionHistoryInput{ExecutionArn: aws.String(exec),
		ReverseOrder: true, MaxResults: 3, NextToken: page.NextToken})
	if err != nil || next.Events[0].Id != 13 {
		t.Fatalf("second reverse page = %+v, %v", next, err)
	}

	// Same name and input while... finished: AWS refuses a closed execution's name.
	_, err = h.sfn.StartExecution(c, &sfn.StartExecutionInput{StateMachineArn: aws.String(sm), Name: aws.String("run-1"), Input: aws.String(`{"n": 2}`)})
	wantAPIError(t, err, "ExecutionAlreadyExists")
	_, err = h.sfn.StartExecution(c, &sfn.StartExecutionInput{StateMachineArn: aws.String(sm), Input: aws.String(`{not json`)})
	wantAPIError(t, err, "InvalidExecutionInput")
	_, err = h.sfn.StartExecution(c, &sfn.StartExecutionInput{StateMachineArn: aws.String(sm + "-nope")})
	wantAPIError(t, err, "StateMachineDoesNotExist")
	_, err = h.sfn.DescribeExecution(c, &sfn.DescribeExecutionInput{ExecutionArn: aws.String(exec + "-nope")})
	wantAPIError(t, err, "ExecutionDoesNotExist")
	_, err = h.sfn.DescribeExecution(c, &sfn.DescribeExecutionInput{ExecutionArn: aws.String(sm)})
	wantAPIError(t, err, "InvalidArn")

	dsm, err := h.sfn.DescribeStateMachineForExecution(c, &sfn.DescribeStateMachineForExecutionInput{ExecutionArn: aws.String(exec)})
	if err != nil || *dsm.Definition != choiceDef || *dsm.StateMachineArn != sm || *dsm.Name != "loop" {
		t.Fatalf("DescribeStateMachineForExecution = %+v, %v", dsm, err)
	}
}

func TestStartExecutionIsIdempotentWhileRunning(t *testing.T) {
	h := newHarness(t, runservice.Config{})
	c := ctx(t)
	sm := h.createStateMachine("waits", `{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":60,"End":true}}}`)
	first := h.start(sm, "same", `{"a":1}`)
	again, err := h.sfn.StartExecution(c, &sfn.StartExecutionInput{StateMachineArn: aws.String(sm), Name: aws.String("same"), Input: aws.String(`{"a":1}`)})
	if err != nil || *again.ExecutionArn != first {
		t.Fatalf("same name and input = %v, %v", again, err)
	}
	_, err = h.sfn.StartExecution(c, &sfn.StartExecutionInput{StateMachineArn: aws.String(sm), Name: aws.String("same"), Input: aws.String(`{"a":2}`)})
	wantAPIError(t, err, "ExecutionAlreadyExists")
}

func TestWaitStateFollowsSimulatedClock(t *testing.T) {
	h := newHarness(t, runservice.Config{})
	sm := h.createStateMachine("wait", `{"StartAt":"W","States":{
		"W":{"Type":"Wait","SecondsPath":"$.s","Next":"T"},
		"T":{"Type":"Wait","TimestampPath":"$.until","End":true}}}`)
	exec := h.start(sm, "", `{"s": 60, "until": "2026-01-05T10:00:00Z"}`)
	wantStatus(t, h.describe(exec), types.ExecutionStatusRunning)
	h.advance(59 * time.Second)
	wantStatus(t, h.describe(exec), types.ExecutionStatusRunning)
	h.advance(time.Second)
	if got := eventTypes(h.history(exec)); got[len(got)-1] != "WaitStateEntered" || len(got) != 4 {
		t.Fatalf("after the first wait: %v", got)
	}
	h.advance(59 * time.Minute) // Epoch is 09:00; the timestamp is 10:00
	wantStatus(t, h.describe(exec), types.ExecutionStatusSucceeded)
}

func TestExecutionTimeout(t *testing.T) {
	h := newHarness(t, runservice.Config{})
	sm := h.createStateMachine("slow", `{"TimeoutSeconds":30,"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":3600,"End":true}}}`)
	exec := h.start(sm, "", `{}`)
	h.advance(30 * time.Second)
	d := h.describe(exec)
	wantStatus(t, d, types.ExecutionStatusTimedOut)
	if evs := h.history(exec); evs[len(evs)-1].Type != types.HistoryEventTypeExecutionTimedOut {
		t.Fatalf("last event = %s", evs[len(evs)-1].Type)
	}
}

func TestStopExecution(t *testing.T) {
	h := newHarness(t, runservice.Config{})
	c := ctx(t)
	sm := h.createStateMachine("stoppable", `{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":3600,"End":true}}}`)
	exec := h.start(sm, "", `{}`)
	out, err := h.sfn.StopExecution(c, &sfn.StopExecutionInput{ExecutionArn: aws.String(exec), Error: aws.String("Operator.Cancel"), Cause: aws.String("drill cancelled")})
	if err != nil || out.StopDate == nil {
		t.Fatalf("StopExecution = %v, %v", out, err)
	}
	d := h.describe(exec)
	wantStatus(t, d, types.ExecutionStatusAborted)
	if *d.Error != "Operator.Cancel" || *d.Cause != "drill cancelled" {
		t.Fatalf("error/cause = %q/%q", *d.Error, *d.Cause)
	}
	evs := h.history(exec)
	last := evs[len(evs)-1]
	if last.Type != types.HistoryEventTypeExecutionAborted || *last.ExecutionAbortedEventDetails.Error != "Operator.Cancel" {
		t.Fatalf("last event = %+v", last)
	}
	if got := evs[len(evs)-2].Type; got != types.HistoryEventTypeWaitStateAborted {
		t.Fatalf("event before ExecutionAborted = %s, want WaitStateAborted", got)
	}
	if n := h.svc.App.SFN.Engine().ArmedTimers(); n != 0 {
		t.Fatalf("%d timers still armed after StopExecution", n)
	}
	h.advance(time.Hour)
	wantStatus(t, h.describe(exec), types.ExecutionStatusAborted)
	_, err = h.sfn.StopExecution(c, &sfn.StopExecutionInput{ExecutionArn: aws.String(exec + "x")})
	wantAPIError(t, err, "ExecutionDoesNotExist")
}

func TestListExecutionsFiltersAndPages(t *testing.T) {
	h := newHarness(t, runservice.Config{})
	c := ctx(t)
	sm := h.createStateMachine("mixed", `{"StartAt":"C","States":{
		"C":{"Type":"Choice","Choices":[{"Variable":"$.wait","BooleanEquals":true,"Next":"W"}],"Default":"F"},
		"W":{"Type":"Wait","Seconds":10,"End":true},
		"F":{"Type":"Fail","Error":"Boom","Cause":"on purpose"}}}`)
	for i := 0; i < 5; i++ {
		h.start(sm, fmt.Sprintf("e%d", i), fmt.Sprintf(`{"wait": %v}`, i%2 == 0))
	}
	count := func(filter types.ExecutionStatus) int {
		n := 0
		p := sfn.NewListExecutionsPaginator(h.sfn, &sfn.ListExecutionsInput{StateMachineArn: aws.String(sm), StatusFilter: filter, MaxResults: 2})
		for p.HasMorePages() {
			page, err := p.NextPage(c)
			if err != nil {
				t.Fatal(err)
			}
			n += len(page.Executions)
		}
		return n
	}
	if r, f, all := count(types.ExecutionStatusRunning), count(types.ExecutionStatusFailed), count(""); r != 3 || f != 2 || all != 5 {
		t.Fatalf("running %d failed %d all %d, want 3 2 5", r, f, all)
	}
	first, err := h.sfn.ListExecutions(c, &sfn.ListExecutionsInput{StateMachineArn: aws.String(sm), MaxResults: 1})
	if err != nil || *first.Executions[0].Name != "e4" {
		t.Fatalf("newest first: %+v, %v", first, err)
	}
	d := h.describe(*first.Executions[0].ExecutionArn)
	wantStatus(t, d, types.ExecutionStatusRunning)
	failed := h.describe(strings.Replace(*first.Executions[0].ExecutionArn, ":e4", ":e1", 1))
	wantStatus(t, failed, types.ExecutionStatusFailed)
	if *failed.Error != "Boom" || *failed.Cause != "on purpose" {
		t.Fatalf("fail state error = %q %q", *failed.Error, *failed.Cause)
	}
	_, err = h.sfn.ListExecutions(c, &sfn.ListExecutionsInput{StateMachineArn: aws.String(sm + "zz")})
	wantAPIError(t, err, "StateMachineDoesNotExist")

	// Deleting with running executions: DELETING until they end.
	if _, err := h.sfn.DeleteStateMachine(c, &sfn.DeleteStateMachineInput{StateMachineArn: aws.String(sm)}); err != nil {
		t.Fatal(err)
	}
	desc, err := h.sfn.DescribeStateMachine(c, &sfn.DescribeStateMachineInput{StateMachineArn: aws.String(sm)})
	if err != nil || desc.Status != types.StateMachineStatusDeleting {
		t.Fatalf("while executions run: %+v, %v", desc, err)
	}
	_, err = h.sfn.StartExecution(c, &sfn.StartExecutionInput{StateMachineArn: aws.String(sm)})
	wantAPIError(t, err, "StateMachineDeleting")
	h.advance(10 * time.Second)
	_, err = h.sfn.DescribeStateMachine(c, &sfn.DescribeStateMachineInput{StateMachineArn: aws.String(sm)})
	wantAPIError(t, err, "StateMachineDoesNotExist")
}

func TestParallelAndMap(t *testing.T) {
	h := newHarness(t, runservice.Config{})
	sm := h.createStateMachine("fanout", `{"StartAt":"Par","States":{
		"Par":{"Type":"Parallel","Branches":[
			{"StartAt":"A","States":{"A":{"Type":"Pass","Result":"a","End":true}}},
			{"StartAt":"B","States":{"B":{"Type":"Wait","Seconds":5,"Next":"B2"},"B2":{"Type":"Pass","Result":"b","End":true}}}
		],"ResultPath":"$.par","Next":"Map"},
		"Map":{"Type":"Map","ItemsPath":"$.items","MaxConcurrency":2,"ItemSelector":{"v.$":"$$.Map.Item.Value","i.$":"$$.Map.Item.Index"},
			"ItemProcessor":{"StartAt":"Double","States":{"Double":{"Type":"Pass","Parameters":{"d.$":"States.MathAdd($.v, $.v)","i.$":"$.i"},"End":true}}},
			"ResultPath":"$.doubled","End":true}}}`)
	exec := h.start(sm, "", `{"items":[1,2,3]}`)
	wantStatus(t, h.describe(exec), types.ExecutionStatusRunning)
	h.advance(5 * time.Second)
	d := h.describe(exec)
	wantStatus(t, d, types.ExecutionStatusSucceeded)
	jsonEqual(t, *d.Output, `{"items":[1,2,3],"par":["a","b"],"doubled":[{"d":2,"i":0},{"d":4,"i":1},{"d":6,"i":2}]}`)
	types_ := eventTypes(h.history(exec))
	joined := strings.Join(types_, ",")
	for _, want := range []string{"ParallelStateEntered,ParallelStateStarted", "ParallelStateSucceeded,ParallelStateExited",
		"MapStateEntered,MapStateStarted,MapIterationStarted,MapIterationStarted", "MapStateSucceeded,MapStateExited,ExecutionSucceeded"} {
		if !strings.Contains(joined, want) {
			t.Fatalf("history lacks %s:\n%s", want, joined)
		}
	}
	if n := strings.Count(joined, "MapIterationSucceeded"); n != 3 {
		t.Fatalf("%d MapIterationSucceeded, want 3", n)
	}
	evs := h.history(exec)
	for _, ev := range evs {
		if ev.Type == types.HistoryEventTypeMapStateStarted && ev.MapStateStartedEventDetails.Length != 3 {
			t.Fatalf("MapStateStarted length = %d", ev.MapStateStartedEventDetails.Length)
		}
	}
	raw, _ := json.Marshal(types_)
	_ = raw
}

func TestFailureInsideParallelIsCaught(t *testing.T) {
	h := newHarness(t, runservice.Config{})
	sm := h.createStateMachine("catching", `{"StartAt":"Par","States":{
		"Par":{"Type":"Parallel","Branches":[
			{"StartAt":"Slow","States":{"Slow":{"Type":"Wait","Seconds":100,"End":true}}},
			{"StartAt":"Bad","States":{"Bad":{"Type":"Fail","Error":"Wave.Failed","Cause":"server s-1 failed"}}}
		],"Catch":[{"ErrorEquals":["Wave.Failed"],"ResultPath":"$.error","Next":"Handled"}],"Next":"Handled"},
		"Handled":{"Type":"Pass","End":true}}}`)
	exec := h.start(sm, "", `{"x":1}`)
	d := h.describe(exec)
	wantStatus(t, d, types.ExecutionStatusSucceeded)
	jsonEqual(t, *d.Output, `{"x":1,"error":{"Error":"Wave.Failed","Cause":"server s-1 failed"}}`)
	// The sibling branch still waiting is aborted, then the Parallel fails.
	joined := strings.Join(eventTypes(h.history(exec)), ",")
	if !strings.Contains(joined, "WaitStateAborted,ParallelStateFailed,ParallelStateExited") {
		t.Fatalf("history = %s", joined)
	}
}

func TestHistoryLimitFailsExecution(t *testing.T) {
	if testing.Short() {
		t.Skip("runs 25,000 events")
	}
	h := newHarness(t, runservice.Config{})
	sm := h.createStateMachine("forever", `{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"B"},
		"B":{"Type":"Choice","Choices":[{"Variable":"$.stop","IsPresent":true,"Next":"Done"}],"Default":"A"},"Done":{"Type":"Succeed"}}}`)
	exec := h.start(sm, "", `{}`)
	d := h.describe(exec)
	wantStatus(t, d, types.ExecutionStatusFailed)
	if *d.Error != "States.Runtime" {
		t.Fatalf("error = %s", *d.Error)
	}
	out, err := h.sfn.GetExecutionHistory(ctx(t), &sfn.GetExecutionHistoryInput{ExecutionArn: aws.String(exec), ReverseOrder: true, MaxResults: 1})
	if err != nil || out.Events[0].Id != 25000 || out.Events[0].Type != types.HistoryEventTypeExecutionFailed {
		t.Fatalf("last event = %+v, %v", out.Events[0], err)
	}
}

func TestPayloadLimit(t *testing.T) {
	h := newHarness(t, runservice.Config{})
	sm := h.createStateMachine("big", `{"StartAt":"Grow","States":{
		"Grow":{"Type":"Pass","Parameters":{"a.$":"$.s","b.$":"$.s"},"Next":"Grow2"},
		"Grow2":{"Type":"Pass","Parameters":{"a.$":"$","b.$":"$"},"End":true}}}`)
	exec := h.start(sm, "", `{"s":"`+strings.Repeat("x", 70000)+`"}`)
	d := h.describe(exec)
	wantStatus(t, d, types.ExecutionStatusFailed)
	if *d.Error != "States.DataLimitExceeded" {
		t.Fatalf("error = %s", *d.Error)
	}
}

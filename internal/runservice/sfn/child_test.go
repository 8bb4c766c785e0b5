package sfn_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice"
)

func parentDef(resource, childARN, extra string) string {
	return `{"StartAt":"Child","States":{"Child":{"Type":"Task","Resource":"` + resource + `",
		"Parameters":{"StateMachineArn":"` + childARN + `","Input":{"wave.$":"$.wave","AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID.$":"$$.Execution.Id"}}` + extra + `,
		"End":true}}}`
}

func submittedChild(t *testing.T, evs []types.HistoryEvent) string {
	t.Helper()
	for _, ev := range evs {
		if ev.Type == types.HistoryEventTypeTaskSubmitted {
			var out struct{ ExecutionArn string }
			if err := json.Unmarshal([]byte(aws.ToString(ev.TaskSubmittedEventDetails.Output)), &out); err != nil || out.ExecutionArn == "" {
				t.Fatalf("TaskSubmitted output = %v", aws.ToString(ev.TaskSubmittedEventDetails.Output))
			}
			return out.ExecutionArn
		}
	}
	t.Fatalf("no TaskSubmitted in %v", eventTypes(evs))
	return ""
}

func TestStartExecutionSyncIntegrations(t *testing.T) {
	h := newHarness(t, runservice.Config{})
	c := ctx(t)
	child := h.createStateMachine("wave-runner", `{"StartAt":"Run","States":{"Run":{"Type":"Pass","Parameters":{"recovered.$":"$.wave"},"End":true}}}`)

	// .sync:2: the child's description with Output as JSON.
	p2 := h.createStateMachine("plan-sync2", parentDef("arn:aws:states:::states:startExecution.sync:2", child, `,"ResultSelector":{"out.$":"$.Output","status.$":"$.Status"}`))
	ex := h.start(p2, "drill-1", `{"wave":"db"}`)
	d := h.describe(ex)
	wantStatus(t, d, types.ExecutionStatusSucceeded)
	jsonEqual(t, *d.Output, `{"out":{"recovered":"db"},"status":"SUCCEEDED"}`)
	childARN := submittedChild(t, h.history(ex))
	cd := h.describe(childARN)
	wantStatus(t, cd, types.ExecutionStatusSucceeded)
	var childIn map[string]string
	_ = json.Unmarshal([]byte(*cd.Input), &childIn)
	if childIn["AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID"] != ex {
		t.Fatalf("child input = %s", *cd.Input)
	}

	// .sync: Output stays a string.
	p1 := h.createStateMachine("plan-sync", parentDef("arn:aws:states:::states:startExecution.sync", child, ""))
	d = h.describe(h.start(p1, "drill-2", `{"wave":"app"}`))
	wantStatus(t, d, types.ExecutionStatusSucceeded)
	var out struct {
		Output       any
		Status       string
		ExecutionArn string
		StartDate    int64
		StopDate     int64
	}
	if err := json.Unmarshal([]byte(*d.Output), &out); err != nil {
		t.Fatal(err)
	}
	if s, ok := out.Output.(string); !ok || s != `{"recovered":"app"}` || out.Status != "SUCCEEDED" || out.StartDate == 0 || out.StopDate == 0 {
		t.Fatalf(".sync output = %s", *d.Output)
	}

	// Request-response: the parent goes on at once.
	slow := h.createStateMachine("slow", `{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":600,"End":true}}}`)
	p0 := h.createStateMachine("plan-fire", parentDef("arn:aws:states:::states:startExecution", slow, ""))
	d = h.describe(h.start(p0, "fire", `{"wave":"web"}`))
	wantStatus(t, d, types.ExecutionStatusSucceeded)
	if !strings.Contains(*d.Output, `"ExecutionArn":"arn:aws:states:us-east-1:123456789012:execution:slow:`) {
		t.Fatalf("request-response output = %s", *d.Output)
	}

	// A failing child fails the task with States.TaskFailed, which Catch handles.
	failing := h.createStateMachine("failing", `{"StartAt":"F","States":{"F":{"Type":"Fail","Error":"Wave.Failed","Cause":"db did not launch"}}}`)
	pfDef := strings.Replace(parentDef("arn:aws:states:::states:startExecution.sync:2", failing,
		`,"Catch":[{"ErrorEquals":["States.TaskFailed"],"ResultPath":"$.err","Next":"Handled"}]`), `"End":true}}}`, `"End":true},"Handled":{"Type":"Pass","End":true}}}`, 1)
	pf := h.createStateMachine("plan-fail", pfDef)
	if _, err := h.sfn.PublishStateMachineVersion(c, &sfn.PublishStateMachineVersionInput{StateMachineArn: aws.String(pf)}); err != nil {
		t.Fatal(err)
	}
	d = h.describe(h.start(pf+":1", "fails", `{"wave":"db"}`))
	wantStatus(t, d, types.ExecutionStatusSucceeded)
	if !strings.Contains(*d.Output, `"Error":"States.TaskFailed"`) || !strings.Contains(*d.Output, `Wave.Failed`) {
		t.Fatalf("caught child failure = %s", *d.Output)
	}

	// A named child that already ran: StepFunctions.ExecutionAlreadyExists.
	named := h.createStateMachine("plan-named", `{"StartAt":"Child","States":{"Child":{"Type":"Task","Resource":"arn:aws:states:::states:startExecution.sync:2",
		"Parameters":{"StateMachineArn":"`+child+`","Name":"fixed","Input":{"wave":"x"}},"End":true}}}`)
	wantStatus(t, h.describe(h.start(named, "first", `{}`)), types.ExecutionStatusSucceeded)
	d = h.describe(h.start(named, "second", `{}`))
	wantStatus(t, d, types.ExecutionStatusFailed)
	if aws.ToString(d.Error) != "StepFunctions.ExecutionAlreadyExists" {
		t.Fatalf("second start of a named child: %s %s", aws.ToString(d.Error), aws.ToString(d.Cause))
	}

	// A child name StartExecution refuses (over 80 characters, a colon,
	// empty) fails the task with StepFunctions.InvalidName.
	for i, bad := range []string{strings.Repeat("x", 81), "wave:db", ""} {
		p := h.createStateMachine(fmt.Sprintf("plan-badname-%d", i), `{"StartAt":"Child","States":{"Child":{"Type":"Task","Resource":"arn:aws:states:::states:startExecution.sync:2",
		"Parameters":{"StateMachineArn":"`+child+`","Name":"`+bad+`","Input":{"wave":"x"}},"End":true}}}`)
		d = h.describe(h.start(p, "bad", `{}`))
		wantStatus(t, d, types.ExecutionStatusFailed)
		if aws.ToString(d.Error) != "StepFunctions.InvalidName" {
			t.Fatalf("child named %q: %s %s", bad, aws.ToString(d.Error), aws.ToString(d.Cause))
		}
	}
}

func TestStoppingTheParentStopsTheSyncChild(t *testing.T) {
	h := newHarness(t, runservice.Config{})
	c := ctx(t)
	slow := h.createStateMachine("slow-runner", `{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":600,"End":true}}}`)
	parent := h.createStateMachine("plan", parentDef("arn:aws:states:::states:startExecution.sync:2", slow, ""))
	ex := h.start(parent, "drill", `{"wave":"db"}`)
	childARN := submittedChild(t, h.history(ex))
	wantStatus(t, h.describe(childARN), types.ExecutionStatusRunning)
	if _, err := h.sfn.StopExecution(c, &sfn.StopExecutionInput{ExecutionArn: aws.String(ex)}); err != nil {
		t.Fatal(err)
	}
	h.settle()
	wantStatus(t, h.describe(ex), types.ExecutionStatusAborted)
	wantStatus(t, h.describe(childARN), types.ExecutionStatusAborted)

	// A task timeout stops the child too; a finished child completes the parent.
	timed := h.createStateMachine("plan-timeout", parentDef("arn:aws:states:::states:startExecution.sync", slow, `,"TimeoutSeconds":60`))
	ex = h.start(timed, "drill-2", `{"wave":"db"}`)
	childARN = submittedChild(t, h.history(ex))
	h.advance(60 * time.Second)
	d := h.describe(ex)
	wantStatus(t, d, types.ExecutionStatusFailed)
	if aws.ToString(d.Error) != "States.Timeout" {
		t.Fatalf("error = %s", aws.ToString(d.Error))
	}
	wantStatus(t, h.describe(childARN), types.ExecutionStatusAborted)

	ex = h.start(parent, "drill-3", `{"wave":"web"}`)
	h.advance(600 * time.Second)
	wantStatus(t, h.describe(ex), types.ExecutionStatusSucceeded)
}

// A parent waiting on a .sync child goes on across a restart.
func TestSyncChildSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	h := newHarness(t, runservice.Config{DataDir: dir})
	slow := h.createStateMachine("slow-runner", `{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":100,"End":true}}}`)
	parent := h.createStateMachine("plan", parentDef("arn:aws:states:::states:startExecution.sync:2", slow, ""))
	ex := h.start(parent, "drill", `{"wave":"db"}`)
	childARN := submittedChild(t, h.history(ex))
	if err := h.svc.App.Close(); err != nil {
		t.Fatal(err)
	}
	h2 := newHarness(t, runservice.Config{DataDir: dir})
	h2.advance(100 * time.Second)
	wantStatus(t, h2.describe(childARN), types.ExecutionStatusSucceeded)
	wantStatus(t, h2.describe(ex), types.ExecutionStatusSucceeded)
	if n := countEvents(h2.history(ex), types.HistoryEventTypeTaskSubmitted); n != 1 {
		t.Fatalf("%d TaskSubmitted events", n)
	}
}

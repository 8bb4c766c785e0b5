package sfn_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/events"
)

const pauseGateDef = `{"StartAt":"Gate","States":{
  "Gate":{"Type":"Task","Resource":"arn:aws:states:::events:putEvents.waitForTaskToken","HeartbeatSeconds":600,
    "Parameters":{"Entries":[{"Source":"drsorch","DetailType":"drsorch.pause","Detail":{"wave":"w1","token.$":"$$.Task.Token","execution.$":"$$.Execution.Id"}}]},
    "ResultPath":"$.resume","Next":"After"},
  "After":{"Type":"Pass","End":true}}}`

// tokenFromHistory reads the task token the way clients do: from the
// TaskScheduled parameters.
func tokenFromHistory(t *testing.T, evs []types.HistoryEvent) string {
	t.Helper()
	for _, ev := range evs {
		if ev.Type == types.HistoryEventTypeTaskScheduled {
			d := ev.TaskScheduledEventDetails
			if *d.ResourceType != "events" || *d.Resource != "putEvents.waitForTaskToken" || *d.Region != region {
				t.Fatalf("TaskScheduled = %+v", d)
			}
			var p struct {
				Entries []struct {
					Detail struct {
						Token string `json:"token"`
					}
				}
			}
			if err := json.Unmarshal([]byte(*d.Parameters), &p); err != nil || len(p.Entries) != 1 || p.Entries[0].Detail.Token == "" {
				t.Fatalf("parameters %s: %v", *d.Parameters, err)
			}
			return p.Entries[0].Detail.Token
		}
	}
	t.Fatal("no TaskScheduled event")
	return ""
}

func TestPauseGateWithTaskToken(t *testing.T) {
	h := newHarness(t, runservice.Config{})
	c := ctx(t)
	sm := h.createStateMachine("gate", pauseGateDef)
	exec := h.start(sm, "drill-1", `{"plan":"shop"}`)
	wantStatus(t, h.describe(exec), types.ExecutionStatusRunning)
	evs := h.history(exec)
	got := strings.Join(eventTypes(evs), ",")
	if got != "ExecutionStarted,TaskStateEntered,TaskScheduled,TaskStarted,TaskSubmitted" {
		t.Fatalf("history = %s", got)
	}
	if hb := evs[2].TaskScheduledEventDetails.HeartbeatInSeconds; hb == nil || *hb != 600 {
		t.Fatalf("heartbeatInSeconds = %v", hb)
	}
	token := tokenFromHistory(t, evs)

	// The event was published with the token in its Detail.
	list, err := h.svc.App.Events.List(c, events.Filter{DetailType: "drsorch.pause"})
	if err != nil || len(list) != 1 || !strings.Contains(string(list[0].Detail), token) || list[0].Source != "drsorch" {
		t.Fatalf("stored events = %+v, %v", list, err)
	}
	resp, err := http.Get(h.svc.URL + "/_sim/events?detailType=drsorch.pause")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), `"wave":"w1"`) {
		t.Fatalf("GET /_sim/events = %d %s", resp.StatusCode, body)
	}

	if _, err := h.sfn.SendTaskHeartbeat(c, &sfn.SendTaskHeartbeatInput{TaskToken: aws.String(token)}); err != nil {
		t.Fatal(err)
	}
	_, err = h.sfn.SendTaskSuccess(c, &sfn.SendTaskSuccessInput{TaskToken: aws.String(token), Output: aws.String(`not json`)})
	wantAPIError(t, err, "InvalidOutput")
	if _, err := h.sfn.SendTaskSuccess(c, &sfn.SendTaskSuccessInput{TaskToken: aws.String(token), Output: aws.String(`{"approvedBy":"ops"}`)}); err != nil {
		t.Fatal(err)
	}
	h.settle()
	d := h.describe(exec)
	wantStatus(t, d, types.ExecutionStatusSucceeded)
	jsonEqual(t, *d.Output, `{"plan":"shop","resume":{"approvedBy":"ops"}}`)
	// The task's timeout and heartbeat timers went with it.
	if n := h.svc.App.SFN.Engine().ArmedTimers(); n != 0 {
		t.Fatalf("%d timers still armed after the execution ended", n)
	}

	// A token whose task closed answers TaskTimedOut, as AWS does.
	_, err = h.sfn.SendTaskSuccess(c, &sfn.SendTaskSuccessInput{TaskToken: aws.String(token), Output: aws.String(`{}`)})
	wantAPIError(t, err, "TaskTimedOut")
	_, err = h.sfn.SendTaskFailure(c, &sfn.SendTaskFailureInput{TaskToken: aws.String("not-a-token")})
	wantAPIError(t, err, "InvalidToken")
	if n, err := h.svc.App.SFN.Engine().Resident(c); err != nil || n != 0 {
		t.Fatalf("%d executions still in memory after answering a stale token (%v)", n, err)
	}
	_, err = h.sfn.SendTaskHeartbeat(c, &sfn.SendTaskHeartbeatInput{TaskToken: aws.String("AQ" + strings.Repeat("A", 43))})
	wantAPIError(t, err, "TaskDoesNotExist")
}

func TestSendTaskFailureIsCaught(t *testing.T) {
	h := newHarness(t, runservice.Config{})
	c := ctx(t)
	def := strings.Replace(pauseGateDef, `"ResultPath":"$.resume","Next":"After"`,
		`"ResultPath":"$.resume","Next":"After","Catch":[{"ErrorEquals":["Gate.Rejected"],"ResultPath":"$.rejected","Next":"After"}]`, 1)
	sm := h.createStateMachine("gate-reject", def)
	exec := h.start(sm, "", `{}`)
	token := tokenFromHistory(t, h.history(exec))
	if _, err := h.sfn.SendTaskFailure(c, &sfn.SendTaskFailureInput{TaskToken: aws.String(token), Error: aws.String("Gate.Rejected"), Cause: aws.String("not today")}); err != nil {
		t.Fatal(err)
	}
	h.settle()
	d := h.describe(exec)
	wantStatus(t, d, types.ExecutionStatusSucceeded)
	jsonEqual(t, *d.Output, `{"rejected":{"Error":"Gate.Rejected","Cause":"not today"}}`)
}

func TestHeartbeatAndTaskTimeouts(t *testing.T) {
	h := newHarness(t, runservice.Config{})
	c := ctx(t)
	def := strings.Replace(pauseGateDef, `"HeartbeatSeconds":600`, `"HeartbeatSeconds":10,"TimeoutSeconds":25`, 1)
	sm := h.createStateMachine("gate-hb", def)

	// No heartbeat: States.HeartbeatTimeout after 10 s.
	quiet := h.start(sm, "quiet", `{}`)
	quietToken := tokenFromHistory(t, h.history(quiet))
	// Heartbeats every 8 s keep it alive until TimeoutSeconds (25 s).
	busy := h.start(sm, "busy", `{}`)
	busyToken := tokenFromHistory(t, h.history(busy))
	for i := 0; i < 3; i++ {
		h.advance(8 * time.Second)
		// A heartbeat timer that found the task alive loaded the
		// execution: it must not stay in memory while it waits.
		if n, err := h.svc.App.SFN.Engine().Resident(c); err != nil || n != 0 {
			t.Fatalf("%d waiting executions held in memory (%v)", n, err)
		}
		if _, err := h.sfn.SendTaskHeartbeat(c, &sfn.SendTaskHeartbeatInput{TaskToken: aws.String(busyToken)}); err != nil {
			t.Fatalf("heartbeat %d: %v", i, err)
		}
		h.settle()
	}
	d := h.describe(quiet)
	wantStatus(t, d, types.ExecutionStatusFailed)
	if *d.Error != "States.HeartbeatTimeout" {
		t.Fatalf("quiet error = %s", *d.Error)
	}
	_, err := h.sfn.SendTaskSuccess(c, &sfn.SendTaskSuccessInput{TaskToken: aws.String(quietToken), Output: aws.String(`{}`)})
	wantAPIError(t, err, "TaskTimedOut")
	wantStatus(t, h.describe(busy), types.ExecutionStatusRunning)
	h.advance(time.Second) // 25 s after scheduling
	d = h.describe(busy)
	wantStatus(t, d, types.ExecutionStatusFailed)
	if *d.Error != "States.Timeout" {
		t.Fatalf("busy error = %s", *d.Error)
	}
	evs := h.history(busy)
	if last := evs[len(evs)-2]; last.Type != types.HistoryEventTypeTaskTimedOut {
		t.Fatalf("event before the end = %s", last.Type)
	}
}

func TestDRSTaskSpeaksPascalCase(t *testing.T) {
	h := newHarness(t, runservice.Config{})
	sm := h.createStateMachine("discover", `{"StartAt":"List","States":{
		"List":{"Type":"Task","Resource":"arn:aws:states:::aws-sdk:drs:describeSourceServers",
			"Parameters":{"Filters":{"SourceServerIDs":[]},"MaxResults":100},
			"ResultSelector":{"ids.$":"$.Items[*].SourceServerID","hosts.$":"$.Items[*].SourceProperties.IdentificationHints.Hostname","tags.$":"$.Items[0].Tags"},
			"End":true}}}`)
	exec := h.start(sm, "", `{}`)
	d := h.describe(exec)
	wantStatus(t, d, types.ExecutionStatusSucceeded)
	var out struct {
		IDs   []string          `json:"ids"`
		Hosts []string          `json:"hosts"`
		Tags  map[string]string `json:"tags"`
	}
	if err := json.Unmarshal([]byte(*d.Output), &out); err != nil {
		t.Fatal(err)
	}
	if len(out.IDs) < 5 || !strings.HasPrefix(out.IDs[0], "s-") || len(out.Hosts) != len(out.IDs) {
		t.Fatalf("output = %s", *d.Output)
	}
	// Tag keys are data: they keep their case.
	if _, ok := out.Tags["app"]; !ok {
		if _, ok := out.Tags["team"]; !ok {
			t.Fatalf("tags lost their keys: %v", out.Tags)
		}
	}
	evs := h.history(exec)
	for _, ev := range evs {
		if ev.Type == types.HistoryEventTypeTaskScheduled {
			if *ev.TaskScheduledEventDetails.ResourceType != "aws-sdk:drs" || *ev.TaskScheduledEventDetails.Resource != "describeSourceServers" {
				t.Fatalf("TaskScheduled = %+v", ev.TaskScheduledEventDetails)
			}
		}
	}
}

func TestDRSErrorsRetryThenCatch(t *testing.T) {
	h := newHarness(t, runservice.Config{})
	sm := h.createStateMachine("retrying", `{"StartAt":"Get","States":{
		"Get":{"Type":"Task","Resource":"arn:aws:states:::aws-sdk:drs:getLaunchConfiguration",
			"Parameters":{"SourceServerID":"s-1234567890abcdef0"},
			"Retry":[{"ErrorEquals":["Drs.ResourceNotFoundException"],"IntervalSeconds":2,"MaxAttempts":2,"BackoffRate":2}],
			"Catch":[{"ErrorEquals":["States.ALL"],"ResultPath":"$.err","Next":"Gone"}],"End":true},
		"Gone":{"Type":"Pass","End":true}}}`)
	exec := h.start(sm, "", `{}`)
	count := func() int { return strings.Count(strings.Join(eventTypes(h.history(exec)), ","), "TaskFailed") }
	if n := count(); n != 1 {
		t.Fatalf("%d TaskFailed at first, want 1", n)
	}
	h.advance(2 * time.Second)
	t.Logf("%v", eventTypes(h.history(exec)))
	if n := count(); n != 2 {
		t.Fatalf("%d TaskFailed after 2 s, want 2", n)
	}
	h.advance(3 * time.Second)
	wantStatus(t, h.describe(exec), types.ExecutionStatusRunning)
	h.advance(time.Second)
	d := h.describe(exec)
	t.Logf("%v", eventTypes(h.history(exec)))
	wantStatus(t, d, types.ExecutionStatusSucceeded)
	var out struct {
		Err struct{ Error, Cause string } `json:"err"`
	}
	_ = json.Unmarshal([]byte(*d.Output), &out)
	if out.Err.Error != "Drs.ResourceNotFoundException" || out.Err.Cause == "" {
		t.Fatalf("output = %s", *d.Output)
	}
}

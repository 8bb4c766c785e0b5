package executions

import (
	"encoding/json"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sfntypes "github.com/aws/aws-sdk-go-v2/service/sfn/types"
)

// Log events as Step Functions writes them (cw-logs.html) rebuild the run:
// type and invoker, waves in the order reached, approval and outcome.
func TestFromLoggedHistory(t *testing.T) {
	const arn = "arn:aws:states:us-east-1:123456789012:execution:drsorch-plan-shop:d"
	approval, _ := json.Marshal(map[string]string{"approvedBy": "arn:aws:iam::123456789012:user/alice", "approvedAt": "2026-11-30T10:00:00Z", "wave": "web", "reason": "CHG-1"})
	docs := []map[string]any{
		{"id": "1", "type": "ExecutionStarted", "previous_event_id": "0", "event_timestamp": "1764496800000",
			"details": map[string]any{"input": `{"type":"DRILL","invokedBy":"arn:aws:iam::123456789012:user/bob"}`, "roleArn": "arn:aws:iam::123456789012:role/r"}},
		{"id": "2", "type": "TaskStateEntered", "previous_event_id": "1", "event_timestamp": "1764496801000", "details": map[string]any{"name": "db: start recovery"}},
		{"id": "3", "type": "TaskScheduled", "previous_event_id": "2", "event_timestamp": "1764496801000",
			"details": map[string]any{"parameters": `{"SourceServers":[{"SourceServerID":"s-1"}],"IsDrill":true}`, "resource": "startRecovery", "resourceType": "aws-sdk:drs"}},
		{"id": "4", "type": "PassStateEntered", "previous_event_id": "3", "event_timestamp": "1764496900000", "details": map[string]any{"name": "db: recovered"}},
		{"id": "5", "type": "TaskStateEntered", "previous_event_id": "4", "event_timestamp": "1764496901000", "details": map[string]any{"name": "web: pause"}},
		{"id": "6", "type": "TaskSucceeded", "previous_event_id": "5", "event_timestamp": "1764497000000", "details": map[string]any{"output": string(approval)}},
		{"id": "7", "type": "PassStateEntered", "previous_event_id": "6", "event_timestamp": "1764497100000", "details": map[string]any{"name": "web: recovered"}},
		{"id": "8", "type": "ExecutionSucceeded", "previous_event_id": "7", "event_timestamp": "1764497200000", "details": map[string]any{"output": "{}"}},
	}
	var events []sfntypes.HistoryEvent
	for _, d := range docs {
		d["execution_arn"] = arn
		b, _ := json.Marshal(d)
		var le loggedEvent
		if err := json.Unmarshal(b, &le); err != nil {
			t.Fatal(err)
		}
		ev, ok := le.historyEvent()
		if !ok {
			t.Fatalf("event %s not converted", b)
		}
		events = append(events, ev)
	}
	e := fromLoggedHistory(arn, events)
	if e.Name != "d" || e.Plan != "shop" || e.Type != TypeDrill || e.InvokedBy != "arn:aws:iam::123456789012:user/bob" ||
		e.Status != sfntypes.ExecutionStatusSucceeded || e.StoppedAt.IsZero() ||
		e.PlanARN != "arn:aws:states:us-east-1:123456789012:stateMachine:drsorch-plan-shop" {
		t.Fatalf("execution = %+v", e)
	}
	if len(e.Waves) != 2 || e.Waves[0].Name != "db" || e.Waves[0].Status != WaveRecovered || len(e.Waves[0].Servers) != 1 ||
		e.Waves[1].Name != "web" || !e.Waves[1].PauseBefore || e.Waves[1].Status != WaveRecovered {
		t.Fatalf("waves = %+v", e.Waves)
	}
	as := e.LoggedApprovals()
	if len(as) != 1 || as[0].ApprovedBy != "arn:aws:iam::123456789012:user/alice" || as[0].Wave != "web" || as[0].Reason != "CHG-1" {
		t.Fatalf("approvals = %+v", as)
	}
}

// A run of the wave runner era names each wave's servers in the runner
// Task's input, not in a StartRecovery of its own.
func TestLoggedWavesOfTheWaveRunner(t *testing.T) {
	params := `{"StateMachineArn":"arn:aws:states:us-east-1:123456789012:stateMachine:drsorch-wave-runner:3","Name":"x-0-w0","Input":{"wave":"db","servers":["s-1","s-2"]}}`
	events := []sfntypes.HistoryEvent{
		{Id: 1, Type: sfntypes.HistoryEventTypeTaskStateEntered, StateEnteredEventDetails: &sfntypes.StateEnteredEventDetails{Name: aws.String("db: run")}},
		{Id: 2, PreviousEventId: 1, Type: sfntypes.HistoryEventTypeTaskScheduled, TaskScheduledEventDetails: &sfntypes.TaskScheduledEventDetails{Parameters: aws.String(params)}},
	}
	waves := loggedWaves(events)
	if len(waves) != 1 || waves[0].Name != "db" || len(waves[0].Servers) != 2 || waves[0].Servers[1].SourceServerID != "s-2" {
		t.Fatalf("waves = %+v", waves)
	}
}

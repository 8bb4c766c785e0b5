package sfn_test

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/runservicetest"
)

// History timestamps never go backwards across a restart, even when the
// restarted clock starts behind what the store recorded: this is what a
// kill -9 between two once-a-second saves of the simulated clock leaves
// (here the restart is told to start two hours early, which is the same
// thing made deterministic).
func TestHistoryTimestampsMonotonicAcrossRestart(t *testing.T) {
	dir := t.TempDir()
	h := newHarness(t, runservice.Config{DataDir: dir})
	sm := h.createStateMachine("steps", `{"StartAt":"W","States":{
		"W":{"Type":"Wait","Seconds":7200,"Next":"P"},
		"P":{"Type":"Pass","Next":"W2"},
		"W2":{"Type":"Wait","Seconds":60,"End":true}}}`)
	exec := h.start(sm, "e", `{}`)
	h.advance(2 * time.Hour) // W ends, P runs, W2 starts: events at Epoch+2h
	before := h.history(exec)
	last := *before[len(before)-1].Timestamp
	if !last.After(runservicetest.Epoch.Add(time.Hour)) {
		t.Fatalf("the last event before the restart is at %v", last)
	}
	if err := h.svc.App.Close(); err != nil {
		t.Fatal(err)
	}

	h2 := newHarness(t, runservice.Config{DataDir: dir, StartTime: runservicetest.Epoch.Add(time.Minute)})
	if now := h2.svc.App.Clock.Now(); now.Before(last) {
		t.Fatalf("the restarted clock reads %v, before the last recorded event at %v", now, last)
	}
	h2.advance(time.Minute)
	wantStatus(t, h2.describe(exec), types.ExecutionStatusSucceeded)
	evs := h2.history(exec)
	for i := 1; i < len(evs); i++ {
		if evs[i].Timestamp.Before(*evs[i-1].Timestamp) {
			t.Fatalf("event %d (%s) at %v is before event %d (%s) at %v",
				evs[i].Id, evs[i].Type, *evs[i].Timestamp, evs[i-1].Id, evs[i-1].Type, *evs[i-1].Timestamp)
		}
	}
	// A new execution starts no earlier than the old one's last event.
	second := h2.start(sm, "e2", `{}`)
	if first := h2.history(second)[0].Timestamp; first.Before(last) {
		t.Fatalf("a new execution started at %v, before %v", *first, last)
	}
}

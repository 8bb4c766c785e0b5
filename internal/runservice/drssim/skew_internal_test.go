package drssim

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/awswire"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/simclock"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/store"
)

func newTestSim(t *testing.T, offset time.Duration) (*Simulator, *simclock.Clock) {
	t.Helper()
	st, err := store.Open(store.Memory)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	clock := simclock.New(time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC), 0)
	t.Cleanup(clock.Close)
	s, err := New(Options{Store: st, Clock: clock, ClockOffset: offset})
	if err != nil {
		t.Fatal(err)
	}
	return s, clock
}

var testID = awswire.Identity{Account: awswire.DefaultAccount, Region: "us-east-1"}

func firstServer(t *testing.T, s *Simulator) string {
	t.Helper()
	raw, err := s.Invoke(context.Background(), testID, "DescribeSourceServers", []byte(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	var page struct {
		Items []struct{ SourceServerID string }
	}
	if err := json.Unmarshal(raw, &page); err != nil || len(page.Items) == 0 {
		t.Fatalf("servers: %s %v", raw, err)
	}
	return page.Items[0].SourceServerID
}

// DRS stamps jobs with its own clock, and its jobs progress on it: with
// DRS 10 minutes ahead or behind, a job's creation time is 10 minutes off
// the run service's clock and RunUntilIdle still finishes it.
func TestClockOffsetStampsJobsOnDRSClock(t *testing.T) {
	for _, offset := range []time.Duration{10 * time.Minute, -10 * time.Minute} {
		s, clock := newTestSim(t, offset)
		sent := clock.Now()
		raw, err := s.Invoke(context.Background(), testID, "StartRecovery",
			[]byte(`{"isDrill":true,"sourceServers":[{"sourceServerID":"`+firstServer(t, s)+`"}]}`))
		if err != nil {
			t.Fatal(err)
		}
		var out struct {
			Job struct{ JobID, CreationDateTime string }
		}
		if err := json.Unmarshal(raw, &out); err != nil {
			t.Fatal(err)
		}
		created, err := time.Parse(time.RFC3339, out.Job.CreationDateTime)
		if err != nil {
			t.Fatal(err)
		}
		if got := created.Sub(sent).Round(time.Second); got != offset {
			t.Fatalf("offset %s: job created %s after the send, want %s", offset, got, offset)
		}
		if st := s.State(); st.ClockOffsetSeconds != offset.Seconds() || !st.Now.Equal(clock.Now().Add(offset)) {
			t.Fatalf("state %+v does not show DRS's clock", st)
		}
		s.RunUntilIdle()
		raw, err = s.Invoke(context.Background(), testID, "DescribeJobs", []byte(`{"filters":{"jobIDs":["`+out.Job.JobID+`"]}}`))
		if err != nil {
			t.Fatal(err)
		}
		var jobs struct{ Items []struct{ Status string } }
		if err := json.Unmarshal(raw, &jobs); err != nil || len(jobs.Items) != 1 || jobs.Items[0].Status != "COMPLETED" {
			t.Fatalf("offset %s: job after RunUntilIdle: %s %v", offset, raw, err)
		}
	}
	if _, err := ParseInventory([]byte(`{"drsClockOffset":"soon","estates":[{"region":"us-east-1"}]}`)); err == nil {
		t.Fatal("an unparseable drsClockOffset was accepted")
	}
}

// LoseAnswer carries the request out and drops its answer, as many times
// as asked; the fault is used up afterwards.
func TestLoseAnswerActsThenDropsTheAnswer(t *testing.T) {
	s, _ := newTestSim(t, 0)
	if err := s.SetFaults(Estate{}, Faults{LoseAnswer: map[string]int{"Nope": 1}}); err == nil {
		t.Fatal("an unknown operation was accepted in loseAnswer")
	}
	if err := s.SetFaults(Estate{}, Faults{LoseAnswer: map[string]int{"StartRecovery": 1}}); err != nil {
		t.Fatal(err)
	}
	req := []byte(`{"isDrill":true,"sourceServers":[{"sourceServerID":"` + firstServer(t, s) + `"}]}`)
	if _, err := s.Invoke(context.Background(), testID, "StartRecovery", req); !errors.Is(err, ErrAnswerLost) {
		t.Fatalf("first StartRecovery: %v, want the answer lost", err)
	}
	raw, err := s.Invoke(context.Background(), testID, "DescribeJobs", []byte(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	var jobs struct{ Items []any }
	if err := json.Unmarshal(raw, &jobs); err != nil || len(jobs.Items) != 1 {
		t.Fatalf("the lost StartRecovery did not act: %s", raw)
	}
	if s.State().Estates[0].Faults.LoseAnswer != nil {
		t.Fatalf("fault not used up: %+v", s.State().Estates[0].Faults)
	}
	s.RunUntilIdle()
	if _, err := s.Invoke(context.Background(), testID, "StartRecovery", req); err != nil {
		t.Fatalf("second StartRecovery: %v", err)
	}
}

package drssim

import (
	"context"
	"testing"
	"time"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/awswire"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/simclock"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/store"
)

func TestThrottleNthSpreadsEvenly(t *testing.T) {
	for _, tc := range []struct {
		percent int
		want    int
	}{{0, 0}, {10, 10}, {25, 25}, {50, 50}, {100, 100}} {
		got := 0
		for n := int64(1); n <= 100; n++ {
			if throttleNth(n, tc.percent) {
				got++
			}
		}
		if got != tc.want {
			t.Errorf("%d%%: %d of 100 throttled", tc.percent, got)
		}
	}
}

func TestLatencyIsInjectedBeforeAnswering(t *testing.T) {
	st, err := store.Open(store.Memory)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	clock := simclock.New(time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC), 0)
	defer clock.Close()
	s, err := New(Options{Store: st, Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	var slept []time.Duration
	s.sleep = func(_ context.Context, d time.Duration) { slept = append(slept, d) }
	if err := s.SetFaults(Estate{}, Faults{LatencyMs: 250}); err != nil {
		t.Fatal(err)
	}
	id := awswire.Identity{Account: awswire.DefaultAccount, Region: "us-east-1"}
	if _, err := s.Invoke(context.Background(), id, "DescribeJobs", nil); err != nil {
		t.Fatal(err)
	}
	if len(slept) != 1 || slept[0] != 250*time.Millisecond {
		t.Fatalf("slept %v, want one 250ms delay", slept)
	}
	// Other estates are not slowed down.
	if _, err := s.Invoke(context.Background(), awswire.Identity{Account: awswire.DefaultAccount, Region: "us-west-2"}, "DescribeJobs", nil); err != nil {
		t.Fatal(err)
	}
	if len(slept) != 1 {
		t.Fatalf("us-west-2 was delayed too: %v", slept)
	}
}

package simclock

import (
	"testing"
	"time"
)

func TestFrozenClockMovesOnlyOnAdvance(t *testing.T) {
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	c := New(start, 0)
	defer c.Close()
	if !c.Now().Equal(start) {
		t.Fatalf("frozen clock moved: %v", c.Now())
	}
	fired := make(chan time.Time, 1)
	c.AfterFunc(10*time.Minute, func() { fired <- c.Now() })
	c.Advance(9 * time.Minute)
	select {
	case <-fired:
		t.Fatal("timer fired early")
	case <-time.After(20 * time.Millisecond):
	}
	c.Advance(time.Minute)
	select {
	case at := <-fired:
		if at.Before(start.Add(10 * time.Minute)) {
			t.Fatalf("fired at %v", at)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("timer did not fire after advance")
	}
}

func TestScaledClockRunsFaster(t *testing.T) {
	c := New(time.Time{}, 1000)
	defer c.Close()
	fired := make(chan struct{})
	c.AfterFunc(30*time.Second, func() { close(fired) }) // 30 ms of wall time
	select {
	case <-fired:
	case <-time.After(5 * time.Second):
		t.Fatal("scaled timer did not fire")
	}
}

func TestStopCancels(t *testing.T) {
	c := New(time.Time{}, 0)
	defer c.Close()
	tm := c.AfterFunc(time.Second, func() { t.Error("stopped timer fired") })
	if !tm.Stop() {
		t.Fatal("Stop reported not pending")
	}
	c.Advance(time.Hour)
	time.Sleep(10 * time.Millisecond)
	if _, ok := c.NextDeadline(); ok {
		t.Fatal("deadline left after stop")
	}
}

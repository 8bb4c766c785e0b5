package asl

import (
	"testing"
	"time"
)

func TestMatchRetrierAndCatcher(t *testing.T) {
	st := mustParse(t, wrap(`"A":{"Type":"Task","Resource":"arn:aws:states:::events:putEvents","End":true,
		"Retry":[{"ErrorEquals":["Drs.ThrottlingException"]},{"ErrorEquals":["States.Timeout"]},{"ErrorEquals":["States.TaskFailed"]}],
		"Catch":[{"ErrorEquals":["States.HeartbeatTimeout"],"Next":"H"},{"ErrorEquals":["States.ALL"],"ResultPath":"$.err","Next":"F"}]},
		"H":{"Type":"Succeed"},"F":{"Type":"Succeed"}`)).States["A"]
	retry := map[string]int{
		"Drs.ThrottlingException": 0,
		ErrTimeout:                1,
		"Drs.ConflictException":   2,
		ErrHeartbeatTimeout:       2,
		ErrIntrinsicFailure:       2,
		ErrRuntime:                -1,
		ErrDataLimitExceeded:      -1,
	}
	for name, want := range retry {
		if got := st.MatchRetrier(Error{Name: name}); got != want {
			t.Errorf("MatchRetrier(%s) = %d, want %d", name, got, want)
		}
	}
	catch := map[string]string{
		ErrHeartbeatTimeout:     "H",
		ErrTimeout:              "F",
		"Drs.ConflictException": "F",
		ErrRuntime:              "",
		ErrDataLimitExceeded:    "",
	}
	for name, want := range catch {
		c := st.MatchCatcher(Error{Name: name})
		got := ""
		if c != nil {
			got = c.Next
		}
		if got != want {
			t.Errorf("MatchCatcher(%s) = %q, want %q", name, got, want)
		}
	}
	c := st.MatchCatcher(Error{Name: "Drs.X", Cause: "boom"})
	out, err := c.Output(js(t, `{"a":1}`), Error{Name: "Drs.X", Cause: "boom"})
	if err != nil || enc(t, out) != canon(t, `{"a":1,"err":{"Error":"Drs.X","Cause":"boom"}}`) {
		t.Fatalf("catch output %s %v", enc(t, out), err)
	}
	h := st.MatchCatcher(Error{Name: ErrHeartbeatTimeout})
	if out, _ := h.Output(js(t, `{"a":1}`), Error{Name: ErrHeartbeatTimeout}); enc(t, out) != canon(t, `{"Error":"States.HeartbeatTimeout","Cause":""}`) {
		t.Fatalf("default catcher ResultPath replaces the input: %s", enc(t, out))
	}
}

func TestRetrierDelay(t *testing.T) {
	r := Retrier{IntervalSeconds: 3, MaxAttempts: 4, BackoffRate: 2, JitterStrategy: "NONE"}
	for attempt, want := range map[int]time.Duration{1: 3 * time.Second, 2: 6 * time.Second, 3: 12 * time.Second, 4: 24 * time.Second} {
		if got := r.Delay(attempt, nil); got != want {
			t.Errorf("Delay(%d) = %v, want %v", attempt, got, want)
		}
	}
	r.MaxDelaySeconds = 10
	if got := r.Delay(4, nil); got != 10*time.Second {
		t.Errorf("capped delay %v", got)
	}
	r.JitterStrategy = "FULL"
	if got := r.Delay(4, func() float64 { return 0.25 }); got != 2500*time.Millisecond {
		t.Errorf("full jitter delay %v", got)
	}
	if got := (Retrier{IntervalSeconds: 1, BackoffRate: 1.5}).Delay(3, nil); got != 2250*time.Millisecond {
		t.Errorf("fractional backoff %v", got)
	}
	if got := (Retrier{IntervalSeconds: 99999999, BackoffRate: 10}).Delay(99, nil); got <= 0 {
		t.Errorf("huge delays must not overflow: %v", got)
	}
	if !r.Exhausted(4) || r.Exhausted(3) || !(Retrier{MaxAttempts: 0}).Exhausted(0) {
		t.Errorf("Exhausted")
	}
}

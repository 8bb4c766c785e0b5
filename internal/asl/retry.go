package asl

import (
	"math"
	"time"
)

// uncatchable errors end the execution whatever Retry and Catch say.
func uncatchable(name string) bool {
	return name == ErrRuntime || name == ErrDataLimitExceeded
}

// matchesError reports whether an ErrorEquals list matches an error name. States.ALL
// matches any error; States.TaskFailed any error except States.Timeout; neither (nor an
// explicit name) matches States.Runtime or States.DataLimitExceeded, which are terminal.
func matchesError(errorEquals []string, name string) bool {
	if uncatchable(name) {
		return false
	}
	for _, want := range errorEquals {
		switch want {
		case name, ErrAll:
			return true
		case ErrTaskFailed:
			if name != ErrTimeout {
				return true
			}
		}
	}
	return false
}

// MatchRetrier returns the index in s.Retry of the first retrier matching e, or -1.
// The engine counts attempts per retrier and stops retrying when Exhausted.
func (s *State) MatchRetrier(e Error) int {
	for i := range s.Retry {
		if matchesError(s.Retry[i].ErrorEquals, e.Name) {
			return i
		}
	}
	return -1
}

// MatchCatcher returns the first catcher matching e, or nil.
func (s *State) MatchCatcher(e Error) *Catcher {
	for i := range s.Catch {
		if matchesError(s.Catch[i].ErrorEquals, e.Name) {
			return &s.Catch[i]
		}
	}
	return nil
}

// Output is the input of the catcher's Next state: the error object {"Error","Cause"}
// placed into the raw state input at the catcher's ResultPath.
func (c *Catcher) Output(raw any, e Error) (any, error) {
	return ApplyResultPath(c.ResultPath, raw, e.Output())
}

// Exhausted reports whether a retrier that has already retried `done` times may not
// retry again.
func (r Retrier) Exhausted(done int) bool { return done >= r.MaxAttempts }

// Delay is the wait before retry number attempt (1 for the first retry):
// IntervalSeconds × BackoffRate^(attempt-1), capped at MaxDelaySeconds; with FULL
// jitter a uniform random fraction (rnd in [0,1)) of that.
func (r Retrier) Delay(attempt int, rnd func() float64) time.Duration {
	if attempt < 1 {
		attempt = 1
	}
	secs := float64(r.IntervalSeconds) * math.Pow(r.BackoffRate, float64(attempt-1))
	if r.MaxDelaySeconds > 0 && secs > float64(r.MaxDelaySeconds) {
		secs = float64(r.MaxDelaySeconds)
	}
	const maxSecs = float64(math.MaxInt64 / int64(time.Second))
	if secs > maxSecs || math.IsNaN(secs) {
		secs = maxSecs
	}
	if r.JitterStrategy == "FULL" && rnd != nil {
		secs *= rnd()
	}
	return time.Duration(secs * float64(time.Second))
}

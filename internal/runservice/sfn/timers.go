package sfn

import (
	"time"
)

// Timer kinds: what a simulated-clock timer wakes up.
const (
	timerWait = iota
	timerRetry
	timerTaskTimeout
	timerHeartbeat
	timerExecutionTimeout
)

// armTimer schedules, once the batch commits, a wake-up on the simulated
// clock. Timers hold no goroutine; a stale one (the thread moved on) finds
// its seq outdated and does nothing.
func (e *Engine) armTimer(b *batch, execID int64, threadID int, seq int64, at time.Time, kind int) {
	b.onCommit(func() { e.armNow(execID, threadID, seq, at, kind) })
}

func (e *Engine) armNow(execID int64, threadID int, seq int64, at time.Time, kind int) {
	e.timersMu.Lock()
	e.timerSeq++
	key := e.timerSeq
	e.armed[key] = at
	e.timersMu.Unlock()
	e.clock.At(at, func() {
		e.post(func(b *batch) error { return e.timerFired(b, execID, threadID, seq, kind) })
		e.timersMu.Lock()
		delete(e.armed, key)
		e.timersMu.Unlock()
	})
}

// dueTimers counts armed timers whose time has come but whose wake-up is
// not queued yet.
func (e *Engine) dueTimers() int {
	now := e.clock.Now()
	e.timersMu.Lock()
	defer e.timersMu.Unlock()
	n := 0
	for _, at := range e.armed {
		if !at.After(now) {
			n++
		}
	}
	return n
}

func (e *Engine) timerFired(b *batch, execID int64, threadID int, seq int64, kind int) error {
	x, err := b.load(execID)
	if err != nil || x == nil || x.status != statusRunning {
		return err
	}
	if kind == timerExecutionTimeout {
		if x.rt.TimeoutNS > 0 && x.rt.TimeoutNS <= nanos(b.now) {
			e.finish(b, x, statusTimedOut, "ExecutionTimedOut", asStatesErrorNamed("States.Timeout",
				"The execution exceeded its TimeoutSeconds."))
		}
		return nil
	}
	t := x.rt.Threads[threadID]
	if t == nil || t.Seq != seq {
		return nil
	}
	switch kind {
	case timerWait:
		if t.Phase == phaseWait {
			st := x.stateOf(t)
			t.Phase = phaseAct
			out, derr := decode(t.WaitOut)
			if derr != nil {
				e.failThread(b, x, t, asStatesError(derr))
			} else {
				e.exitState(b, x, t, st, st.Next, out)
			}
		}
	case timerRetry:
		if t.Phase == phaseRetry {
			t.Phase = phaseAct
			b.touch(x)
		}
	case timerTaskTimeout:
		if t.Phase == phaseTask && t.Task != nil && t.Task.TimeoutNS > 0 && t.Task.TimeoutNS <= nanos(b.now) {
			e.timeoutTask(b, x, t, "States.Timeout", "The task exceeded its TimeoutSeconds.")
		}
	case timerHeartbeat:
		if t.Phase == phaseTask && t.Task != nil && t.Task.HeartbeatNS > 0 {
			if t.Task.HeartbeatNS <= nanos(b.now) {
				e.timeoutTask(b, x, t, "States.HeartbeatTimeout", "The task sent no heartbeat within its HeartbeatSeconds.")
			} else {
				e.armTimer(b, execID, threadID, seq, fromNanos(t.Task.HeartbeatNS), timerHeartbeat)
			}
		}
	}
	e.afterChange(x)
	return nil
}

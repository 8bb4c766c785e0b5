package sfn

import (
	"time"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/simclock"
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

// armedTimer is a timer on the simulated clock that has not fired yet.
type armedTimer struct {
	at       time.Time
	execID   int64
	threadID int
	seq      int64
	timer    *simclock.Timer
}

func (e *Engine) armNow(execID int64, threadID int, seq int64, at time.Time, kind int) {
	e.timersMu.Lock()
	e.timerSeq++
	key := e.timerSeq
	entry := &armedTimer{at: at, execID: execID, threadID: threadID, seq: seq}
	e.armed[key] = entry
	if e.armedByExec[execID] == nil {
		e.armedByExec[execID] = map[uint64]bool{}
	}
	e.armedByExec[execID][key] = true
	e.timersMu.Unlock()
	handle := e.clock.At(at, func() {
		e.post(func(b *batch) error { return e.timerFired(b, execID, threadID, seq, kind) })
		e.timersMu.Lock()
		e.forgetTimer(key, execID)
		e.timersMu.Unlock()
	})
	e.timersMu.Lock()
	entry.timer = handle
	e.timersMu.Unlock()
}

func (e *Engine) forgetTimer(key uint64, execID int64) {
	delete(e.armed, key)
	if m := e.armedByExec[execID]; m != nil {
		delete(m, key)
		if len(m) == 0 {
			delete(e.armedByExec, execID)
		}
	}
}

// pruneTimers stops the timers of x that nothing waits for any more (the
// task answered, the execution ended), so long-running services do not pile
// up dead timers such as every task's default timeout.
func (e *Engine) pruneTimers(x *execution) {
	e.timersMu.Lock()
	defer e.timersMu.Unlock()
	for key := range e.armedByExec[x.id] {
		entry := e.armed[key]
		if entry == nil || timerStillWanted(x, entry) {
			continue
		}
		if entry.timer != nil {
			entry.timer.Stop()
		}
		e.forgetTimer(key, x.id)
	}
}

func timerStillWanted(x *execution, a *armedTimer) bool {
	if x.status != statusRunning {
		return false
	}
	if a.threadID == 0 {
		return x.rt.TimeoutNS > 0
	}
	t := x.rt.Threads[a.threadID]
	if t == nil || t.Seq != a.seq {
		return false
	}
	return t.Phase == phaseWait || t.Phase == phaseRetry || t.Phase == phaseTask
}

// dueTimers counts armed timers whose time has come but whose wake-up is
// not queued yet.
func (e *Engine) dueTimers() int {
	now := e.clock.Now()
	e.timersMu.Lock()
	defer e.timersMu.Unlock()
	n := 0
	for _, a := range e.armed {
		if !a.at.After(now) {
			n++
		}
	}
	return n
}

// ArmedTimers reports how many simulated-clock timers the engine holds.
func (e *Engine) ArmedTimers() int {
	e.timersMu.Lock()
	defer e.timersMu.Unlock()
	return len(e.armed)
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

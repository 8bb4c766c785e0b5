package sfn

import (
	"fmt"
)

// resumeAll re-arms every running execution after a start: runnable
// threads run, waits and timeouts get their timers, and tasks whose answer
// was never recorded are sent again (or reconciled when not idempotent).
func (e *Engine) resumeAll(b *batch) error {
	rows, err := b.tx.Query(`SELECT id FROM sfn_executions WHERE status = 'RUNNING'`)
	if err != nil {
		return fmt.Errorf("list running executions: %w", err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, id := range ids {
		if err := e.resumeOne(b, id); err != nil {
			return err
		}
	}
	return nil
}

func (e *Engine) resumeOne(b *batch, id int64) error {
	x, err := b.load(id)
	if err != nil || x == nil || x.status != statusRunning {
		return err
	}
	if msg, bad := e.poisoned[id]; bad {
		delete(e.poisoned, id)
		e.finish(b, x, statusFailed, "ExecutionFailed", asStatesErrorNamed("States.Runtime", msg))
		return nil
	}
	if x.rt.TimeoutNS > 0 {
		e.armTimer(b, x.id, 0, 0, fromNanos(x.rt.TimeoutNS), timerExecutionTimeout)
	}
	for _, t := range x.sortedThreads() {
		switch t.Phase {
		case phaseWait:
			e.armTimer(b, x.id, t.ID, t.Seq, fromNanos(t.UntilNS), timerWait)
		case phaseRetry:
			e.armTimer(b, x.id, t.ID, t.Seq, fromNanos(t.UntilNS), timerRetry)
		case phaseTask:
			if t.Task == nil {
				continue
			}
			e.armTaskTimers(b, x.id, t.ID, t.Task)
			if !t.Task.Submitted {
				if st := x.stateOf(t); st != nil {
					e.dispatchAfterCommit(b, x, t.ID, st.Name, *t.Task, st.Integration, true)
				}
			} else if t.Task.ChildARN != "" && syncResource(t.Task.Resource) {
				// The child may have closed while the service was down.
				link, child := parentLink{ExecID: x.id, Thread: t.ID, Seq: t.Task.Seq}, t.Task.ChildARN
				if err := e.childClosed(b, link, child); err != nil {
					return err
				}
			}
		}
	}
	if x.hasRunnable() {
		e.enqueue(x)
	} else {
		delete(e.cache, x.id)
	}
	return nil
}

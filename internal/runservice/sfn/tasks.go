package sfn

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/drsorch/terraform-provider-drsorch/internal/asl"
)

// splitResource turns a Task resource ARN into the history's resourceType
// and resource ("aws-sdk:drs", "startRecovery").
func splitResource(arn string) (resourceType, resource string) {
	rest := arn
	if _, r, ok := strings.Cut(arn, ":states:::"); ok && strings.HasPrefix(arn, "arn:") {
		rest = r
	}
	i := strings.LastIndex(rest, ":")
	if i < 0 {
		return rest, rest
	}
	return rest[:i], rest[i+1:]
}

// scheduleTask records TaskScheduled/TaskStarted and, once committed, sends
// the task's request.
func (e *Engine) scheduleTask(b *batch, x *execution, t *thread, st *asl.State, in any) {
	// A Task resource of another partition than the execution's region
	// passes CreateStateMachine and fails the execution when the state runs,
	// with States.Runtime (which no Retry or Catch handles). AWS's wording, as
	// users of aws-cn and aws-us-gov report it (github.com/aws/aws-cdk/issues/4597,
	// github.com/Netflix/metaflow/issues/324).
	if p := resourcePartition(st.Resource); p != "" && p != partitionOf(x.identity().Region) {
		e.failThread(b, x, t, asl.Error{Name: asl.ErrRuntime, Cause: fmt.Sprintf(
			"An error occurred while executing the state '%s' (entered at the event id #%d). The resource belongs to a different partition from the running execution.",
			st.Name, t.LastEvent)})
		return
	}
	seq := x.nextSeq()
	tr := &taskRun{Seq: seq, Resource: st.Resource, ScheduledNS: nanos(b.now)}
	if st.Integration.WaitForTaskToken {
		tr.Token = newTaskToken(x.id, seq)
	}
	t.Task = tr // the context object's $$.Task.Token
	ctx := x.context(t)
	t.Task = nil
	params, err := st.EffectiveInput(in, ctx)
	if err != nil {
		e.failState(b, x, t, st, asStatesError(err))
		return
	}
	timeout, err := st.Timeout(in, ctx)
	if err != nil {
		e.failState(b, x, t, st, asStatesError(err))
		return
	}
	heartbeat, err := st.Heartbeat(in, ctx)
	if err != nil {
		e.failState(b, x, t, st, asStatesError(err))
		return
	}
	enc, tooBig, err := encodePayload(params)
	if err != nil {
		e.failState(b, x, t, st, asStatesError(err))
		return
	}
	if tooBig {
		e.failThread(b, x, t, asl.Error{Name: asl.ErrDataLimitExceeded,
			Cause: fmt.Sprintf("The parameters of state '%s' exceed the maximum size of %d bytes.", st.Name, maxPayload)})
		return
	}
	tr.Params = enc
	rtype, rname := splitResource(st.Resource)
	details := taskScheduledDetails{ResourceType: rtype, Resource: rname, Region: x.identity().Region, Parameters: string(enc)}
	// Without TimeoutSeconds(Path) the default (99999999 s) outlives any
	// standard execution: AWS shows no timeoutInSeconds then, and no timer is needed.
	if timeout > 0 && (st.TimeoutSeconds > 0 || st.TimeoutSecondsPath != nil) {
		tr.TimeoutNS = nanos(b.now.Add(timeout))
		secs := int64(timeout / time.Second)
		details.TimeoutInSeconds = &secs
	}
	if heartbeat > 0 {
		tr.HeartbeatSec = int(heartbeat / time.Second)
		tr.HeartbeatNS = nanos(b.now.Add(heartbeat))
		secs := int64(tr.HeartbeatSec)
		details.HeartbeatInSeconds = &secs
	}
	x.emit(b, t, "TaskScheduled", "taskScheduledEventDetails", details)
	x.emit(b, t, "TaskStarted", "taskStartedEventDetails", taskDetails{ResourceType: rtype, Resource: rname})
	t.Task, t.Phase, t.Seq = tr, phaseTask, seq
	if tr.Token != "" {
		x.tokenWrites = append(x.tokenWrites, tokenWrite{token: tr.Token, thread: t.ID, seq: seq, status: tokenOpen, insert: true})
	}
	e.armTaskTimers(b, x.id, t.ID, tr)
	e.dispatchAfterCommit(b, x, t.ID, st.Name, *tr, st.Integration, false)
}

func (e *Engine) armTaskTimers(b *batch, execID int64, threadID int, tr *taskRun) {
	if tr.TimeoutNS > 0 {
		e.armTimer(b, execID, threadID, tr.Seq, fromNanos(tr.TimeoutNS), timerTaskTimeout)
	}
	if tr.HeartbeatNS > 0 {
		e.armTimer(b, execID, threadID, tr.Seq, fromNanos(tr.HeartbeatNS), timerHeartbeat)
	}
}

// dispatchAfterCommit sends the task's request once the batch that
// scheduled it is durable. reconcile is set when resuming a task whose
// request may already have been sent before a crash.
func (e *Engine) dispatchAfterCommit(b *batch, x *execution, threadID int, state string, tr taskRun, integ asl.Integration, reconcile bool) {
	execID, execARN, id := x.id, x.arn, x.identity()
	b.onCommit(func() {
		e.tasks.Add(1)
		e.inflight.Add(1)
		go func() {
			defer e.tasks.Done()
			defer e.inflight.Add(-1)
			ctx, cancel := context.WithTimeout(withExecution(context.Background(), execARN), 5*time.Minute)
			defer cancel()
			var out []byte
			var terr *asl.Error
			if e.opts.TaskHandler != nil {
				var answered bool
				if out, terr, answered = e.opts.TaskHandler(ctx, state, tr.Params); !answered {
					return
				}
			} else if integ.Service == "states" {
				out, terr = e.invokeStartExecution(ctx, execARN, integ, tr, parentLink{ExecID: execID, Thread: threadID, Seq: tr.Seq}, reconcile)
			} else {
				out, terr = e.invoke(ctx, id, integ, tr, reconcile)
			}
			if hook := e.opts.AfterTaskSent; hook != nil && hook(execARN, tr.Resource) {
				return
			}
			e.post(func(b *batch) error { return e.taskReturned(b, execID, threadID, tr.Seq, integ, out, terr) })
			// (inflight drops only after the answer is queued, so Settle sees it.)
		}()
	})
}

// taskReturned records the answer to a task's request.
func (e *Engine) taskReturned(b *batch, execID int64, threadID int, seq int64, integ asl.Integration, out []byte, terr *asl.Error) error {
	x, t, err := b.taskThread(execID, threadID, seq)
	if err != nil || t == nil {
		return err
	}
	st := x.stateOf(t)
	rtype, rname := splitResource(t.Task.Resource)
	switch {
	case terr != nil:
		x.emit(b, t, "TaskFailed", "taskFailedEventDetails", taskDetails{ResourceType: rtype, Resource: rname, Error: terr.Name, Cause: terr.Cause})
		e.closeToken(x, t, tokenClosed)
		e.failState(b, x, t, st, *terr)
	case integ.WaitForTaskToken || integ.Sync:
		if !t.Task.Submitted {
			t.Task.Submitted = true
			if integ.Sync {
				// .sync: the child's ARN; the child's end completes the task.
				var started struct{ ExecutionArn string }
				_ = json.Unmarshal(out, &started)
				t.Task.ChildARN = started.ExecutionArn
			}
			o := string(out)
			x.emit(b, t, "TaskSubmitted", "taskSubmittedEventDetails", taskDetails{ResourceType: rtype, Resource: rname, Output: &o, OutputDetails: notTruncated})
		}
	default:
		e.taskSucceeded(b, x, t, st, out)
	}
	e.afterChange(x)
	return nil
}

// afterChange queues an execution whose threads became runnable.
func (e *Engine) afterChange(x *execution) {
	if x.status == statusRunning && x.hasRunnable() {
		e.enqueue(x)
	}
}

// taskThread finds the thread still waiting for task seq (nil when the
// task is over: stale answers are ignored).
func (b *batch) taskThread(execID int64, threadID int, seq int64) (*execution, *thread, error) {
	x, err := b.load(execID)
	if err != nil || x == nil || x.status != statusRunning {
		return nil, nil, err
	}
	t := x.rt.Threads[threadID]
	if t == nil || t.Phase != phaseTask || t.Task == nil || t.Task.Seq != seq {
		return nil, nil, nil
	}
	return x, t, nil
}

func (e *Engine) closeToken(x *execution, t *thread, status string) {
	if t.Task != nil && t.Task.Token != "" {
		x.tokenWrites = append(x.tokenWrites, tokenWrite{token: t.Task.Token, status: status})
	}
}

func (e *Engine) taskSucceeded(b *batch, x *execution, t *thread, st *asl.State, out []byte) {
	rtype, rname := splitResource(t.Task.Resource)
	o := string(out)
	x.emit(b, t, "TaskSucceeded", "taskSucceededEventDetails", taskDetails{ResourceType: rtype, Resource: rname, Output: &o, OutputDetails: notTruncated})
	e.closeToken(x, t, tokenDone)
	t.Task = nil
	if len(out) > maxPayload {
		e.failThread(b, x, t, asl.Error{Name: asl.ErrDataLimitExceeded,
			Cause: fmt.Sprintf("The state/task '%s' returned a result with a size exceeding the maximum number of bytes service limit.", st.Name)})
		return
	}
	result, err := asl.DecodeJSON(out)
	if err != nil {
		e.failState(b, x, t, st, asStatesError(err))
		return
	}
	in, err := t.input()
	if err != nil {
		e.failState(b, x, t, st, asStatesError(err))
		return
	}
	t.Phase = phaseAct
	res, err := st.ApplyOutput(in, result, x.context(t))
	if err != nil {
		e.failState(b, x, t, st, asStatesError(err))
		return
	}
	e.exitState(b, x, t, st, st.Next, res)
}

// timeoutTask fails a task whose TimeoutSeconds or HeartbeatSeconds passed.
func (e *Engine) timeoutTask(b *batch, x *execution, t *thread, name, cause string) {
	st := x.stateOf(t)
	rtype, rname := splitResource(t.Task.Resource)
	x.noteChildStop(t)
	x.emit(b, t, "TaskTimedOut", "taskTimedOutEventDetails", taskDetails{ResourceType: rtype, Resource: rname, Error: name, Cause: cause})
	e.closeToken(x, t, tokenTimedOut)
	e.failState(b, x, t, st, asl.Error{Name: name, Cause: cause})
}

// Task tokens: "AQ" + base64url(execution row id, task seq, 16 random bytes).
const tokenPrefix = "AQ"

func newTaskToken(execID, seq int64) string {
	var raw [32]byte
	binary.BigEndian.PutUint64(raw[0:8], uint64(execID))
	binary.BigEndian.PutUint64(raw[8:16], uint64(seq))
	_, _ = rand.Read(raw[16:])
	return tokenPrefix + base64.RawURLEncoding.EncodeToString(raw[:])
}

// wellFormedToken reports whether token has the shape this engine issues.
func wellFormedToken(token string) bool {
	if !strings.HasPrefix(token, tokenPrefix) {
		return false
	}
	raw, err := base64.RawURLEncoding.DecodeString(token[len(tokenPrefix):])
	return err == nil && len(raw) == 32
}

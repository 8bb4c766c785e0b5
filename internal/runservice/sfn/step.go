package sfn

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/drsorch/terraform-provider-drsorch/internal/asl"
)

// testHookStep, set by tests only, runs before every step.
var testHookStep func(state string)

// inlineMapLimit is how many Map iterations Step Functions runs at once
// when MaxConcurrency is 0 (inline Map).
const inlineMapLimit = 40

// run advances an execution's runnable threads, at most limit steps, and
// returns the number of steps taken.
func (e *Engine) run(b *batch, x *execution, limit int) int {
	n := 0
	for n < limit && x.status == statusRunning && (n == 0 || !b.overTime()) {
		progressed := false
		for _, t := range x.sortedThreads() {
			if x.status != statusRunning || n >= limit || (n > 0 && b.overTime()) {
				break
			}
			if x.rt.Threads[t.ID] != t || !t.runnable() {
				continue
			}
			if x.rt.LastEventID >= maxHistoryEvents-1 {
				e.finish(b, x, statusFailed, "ExecutionFailed", asl.Error{Name: asl.ErrRuntime,
					Cause: fmt.Sprintf("The execution reached the maximum number of history events (%d).", maxHistoryEvents)})
				break
			}
			t0 := time.Now()
			e.step(b, x, t)
			x.lastStep = time.Since(t0)
			n++
			progressed = true
		}
		if !progressed {
			break
		}
	}
	if x.status == statusRunning && x.hasRunnable() {
		e.enqueue(x)
	}
	return n
}

// asStatesError turns a helper's error into the States.* error it carries.
func asStatesError(err error) asl.Error {
	var ae *asl.Error
	if errors.As(err, &ae) {
		return *ae
	}
	return asl.Error{Name: asl.ErrRuntime, Cause: err.Error()}
}

const contextTime = "2006-01-02T15:04:05.000Z"

// context is the "$$" object of thread t in its current state.
func (x *execution) context(t *thread) *asl.Context {
	c := &asl.Context{
		Execution: asl.ExecutionContext{ID: x.arn, Input: x.input, Name: x.name, RoleArn: x.roleARN,
			StartTime: fromNanos(x.startNS).Format(contextTime), RedriveCount: x.redrives},
		State:        asl.StateContext{EnteredTime: fromNanos(t.EnteredNS).Format(contextTime), Name: t.State, RetryCount: t.RetryTotal},
		StateMachine: asl.StateMachineContext{ID: x.smARN, Name: x.smName()},
	}
	if t.Task != nil && t.Task.Token != "" {
		c.Task = &asl.TaskContext{Token: t.Task.Token}
	}
	return c
}

// step performs one state action for a runnable thread.
func (e *Engine) step(b *batch, x *execution, t *thread) {
	if testHookStep != nil {
		testHookStep(t.State)
	}
	st := x.stateOf(t)
	if st == nil {
		e.failThread(b, x, t, asl.Error{Name: asl.ErrRuntime, Cause: fmt.Sprintf("state %q does not exist", t.State)})
		return
	}
	in, err := t.input()
	if err != nil {
		e.failThread(b, x, t, asStatesError(err))
		return
	}
	if t.Phase == phaseEnter {
		t.EnteredNS = nanos(b.now)
		t.RetryCounts, t.RetryTotal = nil, 0
		x.emit(b, t, stateEventPrefix[st.Type]+"Entered", "stateEnteredEventDetails",
			stateEnteredDetails{Name: st.Name, Input: string(t.Input), InputDetails: notTruncated})
	}
	t.Phase = phaseAct
	ctx := x.context(t)
	switch st.Type {
	case asl.TypePass:
		eff, err := st.EffectiveInput(in, ctx)
		if err != nil {
			e.failState(b, x, t, st, asStatesError(err))
			return
		}
		out, err := st.ApplyOutput(in, st.PassResult(eff), ctx)
		if err != nil {
			e.failState(b, x, t, st, asStatesError(err))
			return
		}
		e.exitState(b, x, t, st, st.Next, out)
	case asl.TypeChoice:
		next, out, err := st.ChooseNext(in, ctx)
		if err != nil {
			e.failState(b, x, t, st, asStatesError(err))
			return
		}
		e.exitState(b, x, t, st, next, out)
	case asl.TypeSucceed:
		out, err := st.PassThrough(in, ctx)
		if err != nil {
			e.failState(b, x, t, st, asStatesError(err))
			return
		}
		e.exitState(b, x, t, st, "", out)
	case asl.TypeFail:
		fe, err := st.FailError(in, ctx)
		if err != nil {
			fe = asStatesError(err)
		}
		e.failThread(b, x, t, fe)
	case asl.TypeWait:
		until, out, err := st.WaitUntil(in, ctx, fromNanos(t.EnteredNS))
		if err != nil {
			e.failState(b, x, t, st, asStatesError(err))
			return
		}
		if !until.After(b.now) {
			e.exitState(b, x, t, st, st.Next, out)
			return
		}
		enc, err := asl.EncodeJSON(out)
		if err != nil {
			e.failState(b, x, t, st, asStatesError(err))
			return
		}
		t.Phase, t.WaitOut, t.UntilNS, t.Seq = phaseWait, enc, nanos(until), x.nextSeq()
		e.armTimer(b, x.id, t.ID, t.Seq, until, timerWait)
	case asl.TypeTask:
		e.scheduleTask(b, x, t, st, in)
	case asl.TypeParallel:
		e.startParallel(b, x, t, st, in, ctx)
	case asl.TypeMap:
		e.startMap(b, x, t, st, in, ctx)
	default:
		e.failThread(b, x, t, asl.Error{Name: asl.ErrRuntime, Cause: "unsupported state type " + st.Type})
	}
}

func (x *execution) nextSeq() int64 {
	x.rt.NextSeq++
	return x.rt.NextSeq
}

// exitState leaves st with out: records ...StateExited and moves to next,
// or ends the thread when next is empty and the state ends it.
func (e *Engine) exitState(b *batch, x *execution, t *thread, st *asl.State, next string, out any) {
	enc, tooBig, err := encodePayload(out)
	if err != nil {
		e.failThread(b, x, t, asStatesError(err))
		return
	}
	if tooBig {
		e.failThread(b, x, t, asl.Error{Name: asl.ErrDataLimitExceeded,
			Cause: fmt.Sprintf("The state/task '%s' returned a result with a size exceeding the maximum number of bytes service limit.", st.Name)})
		return
	}
	x.emit(b, t, stateEventPrefix[st.Type]+"Exited", "stateExitedEventDetails",
		stateExitedDetails{Name: st.Name, Output: string(enc), OutputDetails: notTruncated})
	t.Task, t.WaitOut, t.Results, t.Items, t.items = nil, nil, nil, nil, nil
	if next == "" {
		e.threadSucceeded(b, x, t, out, enc)
		return
	}
	t.State, t.Phase = next, phaseEnter
	t.setInput(out, enc)
}

// failState handles an error raised in st: Retry, then Catch, then the
// thread fails.
func (e *Engine) failState(b *batch, x *execution, t *thread, st *asl.State, se asl.Error) {
	if st.Type != asl.TypeTask && st.Type != asl.TypeParallel && st.Type != asl.TypeMap {
		e.failThread(b, x, t, se)
		return
	}
	t.Task = nil
	if i := st.MatchRetrier(se); i >= 0 && i < len(st.Retry) {
		for len(t.RetryCounts) < len(st.Retry) {
			t.RetryCounts = append(t.RetryCounts, 0)
		}
		if t.RetryCounts[i] < st.Retry[i].MaxAttempts {
			t.RetryCounts[i]++
			t.RetryTotal++
			delay := st.Retry[i].Delay(t.RetryCounts[i], rand.Float64)
			if delay <= 0 {
				t.Phase = phaseAct
				return
			}
			t.Phase, t.UntilNS, t.Seq = phaseRetry, nanos(b.now.Add(delay)), x.nextSeq()
			e.armTimer(b, x.id, t.ID, t.Seq, b.now.Add(delay), timerRetry)
			return
		}
	}
	if c := st.MatchCatcher(se); c != nil {
		in, err := t.input()
		if err == nil {
			var out any
			if out, err = c.Output(in, se); err == nil {
				e.exitState(b, x, t, st, c.Next, out)
				return
			}
		}
		se = asStatesError(err)
	}
	e.failThread(b, x, t, se)
}

// failThread ends a thread with an error: the execution fails, or the
// enclosing Parallel/Map fails (aborting its other children).
func (e *Engine) failThread(b *batch, x *execution, t *thread, se asl.Error) {
	if t.Parent == 0 {
		e.finish(b, x, statusFailed, "ExecutionFailed", se)
		return
	}
	p := x.rt.Threads[t.Parent]
	if p == nil {
		delete(x.rt.Threads, t.ID)
		return
	}
	ps := x.stateOf(p)
	p.LastEvent = t.LastEvent
	if ps.Type == asl.TypeMap {
		x.emit(b, p, "MapIterationFailed", "mapIterationFailedEventDetails", mapIterationDetails{Name: p.State, Index: t.Slot})
	}
	e.removeThread(x, t)
	e.abortChildren(b, x, p)
	if ps.Type == asl.TypeMap {
		x.emit(b, p, "MapStateFailed", "", nil)
	} else {
		x.emit(b, p, "ParallelStateFailed", "", nil)
	}
	p.Phase = phaseAct
	e.failState(b, x, p, ps, se)
}

// threadSucceeded ends a thread with its output.
func (e *Engine) threadSucceeded(b *batch, x *execution, t *thread, out any, enc []byte) {
	if t.Parent == 0 {
		x.output.String, x.output.Valid = string(enc), true
		e.finish(b, x, statusSucceded, "ExecutionSucceeded", asl.Error{})
		return
	}
	p := x.rt.Threads[t.Parent]
	delete(x.rt.Threads, t.ID)
	if p == nil {
		return
	}
	ps := x.stateOf(p)
	p.LastEvent = t.LastEvent
	if t.Slot < len(p.Results) {
		p.Results[t.Slot] = enc
	}
	p.Running--
	if ps.Type == asl.TypeMap {
		// As AWS records it: the next iteration follows the last state of
		// this one, not its MapIterationSucceeded.
		x.emit(b, p, "MapIterationSucceeded", "mapIterationSucceededEventDetails", mapIterationDetails{Name: p.State, Index: t.Slot})
		p.LastEvent = t.LastEvent
		if !e.startIterations(b, x, p, ps) {
			return
		}
		if p.NextItem < len(p.Results) {
			return
		}
	}
	if p.Running > 0 {
		return
	}
	e.childrenSucceeded(b, x, p, ps)
}

func (e *Engine) childrenSucceeded(b *batch, x *execution, p *thread, ps *asl.State) {
	prefix := "ParallelState"
	if ps.Type == asl.TypeMap {
		prefix = "MapState"
	}
	x.emit(b, p, prefix+"Succeeded", "", nil)
	results := make([]any, len(p.Results))
	for i, raw := range p.Results {
		v, err := asl.DecodeJSON(raw)
		if err != nil {
			e.failState(b, x, p, ps, asStatesError(err))
			return
		}
		results[i] = v
	}
	in, err := p.input()
	if err != nil {
		e.failState(b, x, p, ps, asStatesError(err))
		return
	}
	out, err := ps.ApplyOutput(in, results, x.context(p))
	if err != nil {
		e.failState(b, x, p, ps, asStatesError(err))
		return
	}
	e.exitState(b, x, p, ps, ps.Next, out)
}

func (e *Engine) newChild(x *execution, p *thread, slot int, start string, in any, enc []byte) *thread {
	x.rt.NextThread++
	c := &thread{ID: x.rt.NextThread, Parent: p.ID, Slot: slot, State: start, Phase: phaseEnter, LastEvent: p.LastEvent}
	c.setInput(in, enc)
	x.rt.Threads[c.ID] = c
	return c
}

func (e *Engine) startParallel(b *batch, x *execution, t *thread, st *asl.State, in any, ctx *asl.Context) {
	eff, err := st.EffectiveInput(in, ctx)
	if err != nil {
		e.failState(b, x, t, st, asStatesError(err))
		return
	}
	enc, err := asl.EncodeJSON(eff)
	if err != nil {
		e.failState(b, x, t, st, asStatesError(err))
		return
	}
	x.emit(b, t, "ParallelStateStarted", "", nil)
	t.Phase, t.Results, t.Running = phaseChildren, make([]json.RawMessage, len(st.Branches)), len(st.Branches)
	for i, br := range st.Branches {
		e.newChild(x, t, i, br.StartAt, eff, enc)
	}
	if len(st.Branches) == 0 {
		e.childrenSucceeded(b, x, t, st)
	}
}

func (e *Engine) startMap(b *batch, x *execution, t *thread, st *asl.State, in any, ctx *asl.Context) {
	items, err := st.MapItems(in, ctx)
	if err != nil {
		e.failState(b, x, t, st, asStatesError(err))
		return
	}
	maxConc, err := st.MapMaxConcurrency(in, ctx)
	if err != nil {
		e.failState(b, x, t, st, asStatesError(err))
		return
	}
	enc, err := asl.EncodeJSON(items)
	if err != nil {
		e.failState(b, x, t, st, asStatesError(err))
		return
	}
	x.emit(b, t, "MapStateStarted", "mapStateStartedEventDetails", mapStartedDetails{Length: len(items)})
	t.Phase, t.Items, t.items = phaseChildren, enc, items
	t.Results, t.NextItem, t.Running, t.MaxConc = make([]json.RawMessage, len(items)), 0, 0, maxConc
	if len(items) == 0 {
		e.childrenSucceeded(b, x, t, st)
		return
	}
	e.startIterations(b, x, t, st)
}

// startIterations starts Map iterations up to the concurrency limit; it
// reports false when the Map state failed instead.
func (e *Engine) startIterations(b *batch, x *execution, p *thread, ps *asl.State) bool {
	items, err := p.mapItems()
	if err != nil {
		e.abortChildren(b, x, p)
		e.failState(b, x, p, ps, asStatesError(err))
		return false
	}
	limit := p.MaxConc
	if limit <= 0 || limit > inlineMapLimit {
		limit = inlineMapLimit
	}
	in, err := p.input()
	if err != nil {
		e.failState(b, x, p, ps, asStatesError(err))
		return false
	}
	for p.Running < limit && p.NextItem < len(items) {
		i := p.NextItem
		ctx := x.context(p)
		ctx.Map = &asl.MapContext{Item: asl.MapItem{Index: i, Value: items[i]}}
		itemIn, err := ps.MapItemInput(in, ctx)
		var enc []byte
		if err == nil {
			enc, err = asl.EncodeJSON(itemIn)
		}
		if err != nil {
			e.abortChildren(b, x, p)
			e.failState(b, x, p, ps, asStatesError(err))
			return false
		}
		x.emit(b, p, "MapIterationStarted", "mapIterationStartedEventDetails", mapIterationDetails{Name: p.State, Index: i})
		e.newChild(x, p, i, ps.ItemProcessor.StartAt, itemIn, enc)
		p.NextItem++
		p.Running++
	}
	return true
}

// abortChildren removes every thread under p (their tasks' tokens close).
func (e *Engine) abortChildren(b *batch, x *execution, p *thread) {
	ps := x.stateOf(p)
	for _, c := range x.sortedThreads() {
		if c.Parent != p.ID || x.rt.Threads[c.ID] != c {
			continue
		}
		e.abortThread(b, x, c)
		if ps != nil && ps.Type == asl.TypeMap {
			x.emit(b, p, "MapIterationAborted", "mapIterationAbortedEventDetails", mapIterationDetails{Name: p.State, Index: c.Slot})
		}
	}
	p.Running = 0
}

// abortable are the state types whose interruption Step Functions records
// (a failing sibling branch, StopExecution, the execution timeout).
var abortable = map[string]bool{asl.TypeTask: true, asl.TypeWait: true, asl.TypeParallel: true, asl.TypeMap: true}

// abortThread ends t because something else ended it: its branches or
// iterations first, then ...StateAborted for the state it was in.
func (e *Engine) abortThread(b *batch, x *execution, t *thread) {
	if st := x.stateOf(t); st != nil && t.Phase != phaseEnter {
		if st.Type == asl.TypeMap || st.Type == asl.TypeParallel {
			e.abortChildren(b, x, t)
		}
		if abortable[st.Type] {
			x.emit(b, t, stateEventPrefix[st.Type]+"Aborted", "", nil)
		}
	}
	e.removeThread(x, t)
}

// removeThread deletes t and its descendants, closing their task tokens.
func (e *Engine) removeThread(x *execution, t *thread) {
	x.noteChildStop(t)
	for _, c := range x.rt.Threads {
		if c.Parent == t.ID {
			e.removeThread(x, c)
		}
	}
	if t.Task != nil && t.Task.Token != "" {
		x.tokenWrites = append(x.tokenWrites, tokenWrite{token: t.Task.Token, status: tokenClosed})
	}
	delete(x.rt.Threads, t.ID)
}

// finish closes the execution with a terminal status and its event.
func (e *Engine) finish(b *batch, x *execution, status, eventType string, se asl.Error) {
	root := x.rt.Threads[1]
	if root != nil && status != statusSucceded {
		x.rt.RedriveState, x.rt.RedriveInput = root.State, root.Input
	}
	if root != nil && (status == statusAborted || status == statusTimedOut) {
		e.abortThread(b, x, root)
	}
	for _, t := range x.sortedThreads() {
		if t.Task != nil && t.Task.Token != "" {
			x.tokenWrites = append(x.tokenWrites, tokenWrite{token: t.Task.Token, status: tokenClosed})
		}
	}
	x.rt.Threads = map[int]*thread{}
	x.status = status
	x.stopNS.Int64, x.stopNS.Valid = nanos(b.now), true
	x.closedNow = true
	switch status {
	case statusSucceded:
		x.emit(b, root, eventType, "executionSucceededEventDetails",
			executionSucceededDetails{Output: x.output.String, OutputDetails: notTruncated})
	default:
		x.errName.String, x.errName.Valid = se.Name, se.Name != ""
		x.cause.String, x.cause.Valid = se.Cause, se.Cause != ""
		key := map[string]string{statusFailed: "executionFailedEventDetails", statusAborted: "executionAbortedEventDetails",
			statusTimedOut: "executionTimedOutEventDetails"}[status]
		x.emit(b, root, eventType, key, errorDetails{Error: se.Name, Cause: se.Cause})
	}
}

func asStatesErrorNamed(name, cause string) asl.Error { return asl.Error{Name: name, Cause: cause} }

func decode(raw []byte) (any, error) { return asl.DecodeJSON(raw) }

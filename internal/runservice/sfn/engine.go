package sfn

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/drsorch/terraform-provider-drsorch/internal/asl"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/awswire"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/events"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/logs"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/simclock"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/store"
)

// DRSInvoker calls one DRS API operation in process: body is the
// operation's wire JSON (camelCase members), the result likewise. Errors are
// *awswire.APIError carrying the DRS exception name.
type DRSInvoker interface {
	Invoke(ctx context.Context, id awswire.Identity, operation string, body []byte) ([]byte, error)
}

// QuotasInvoker calls one Service Quotas operation (awsJson1.1: body and
// result with PascalCase members). Errors are *awswire.APIError carrying
// the exception name.
type QuotasInvoker interface {
	Invoke(ctx context.Context, id awswire.Identity, operation string, body []byte) ([]byte, error)
}

// Options configures an Engine.
type Options struct {
	Store  *store.Store
	Clock  *simclock.Clock
	Logger *slog.Logger
	DRS    DRSInvoker // nil: aws-sdk:drs tasks fail with Drs.ServiceUnavailable
	// Quotas serves aws-sdk:servicequotas tasks (nil: they fail with
	// ServiceQuotas.ServiceException).
	Quotas QuotasInvoker
	SSM    DRSInvoker  // same contract (PascalCase JSON both ways); nil: aws-sdk:ssm tasks fail with Ssm.SsmException
	Events *events.Bus // nil: events:putEvents tasks fail
	// AfterTaskSent, when set, runs after a task's request returned and
	// before its result is recorded. Returning true drops the result, as if
	// the process died there: crash-injection tests use it.
	AfterTaskSent func(execARN, resource string) (crash bool)
	// TaskHandler, when set, answers every Task instead of its resource
	// (conformance tests script task results with it). answered=false
	// leaves the task waiting, as a call that never returns.
	TaskHandler func(ctx context.Context, state string, params []byte) (out []byte, err *asl.Error, answered bool)
	// UpdateConsistencyWindow is how long, on the simulated clock, new
	// executions started on a state machine's unqualified ARN after
	// UpdateStateMachine still get the previous definition and role. Zero
	// means DefaultUpdateConsistencyWindow; negative turns it off.
	UpdateConsistencyWindow time.Duration
	// Logs receives execution logs (loggingConfiguration); nil: none.
	Logs *logs.Service
	// Faults are injected from the start (see Faults; /_sim/sfn/faults
	// changes them at run time).
	Faults *Faults
}

// DefaultUpdateConsistencyWindow: AWS documents that "all StartExecution
// calls within a few seconds will use the updated definition and roleArn.
// Executions started immediately after calling UpdateStateMachine may use the
// previous state machine definition and roleArn"
// (https://docs.aws.amazon.com/step-functions/latest/dg/concepts-read-consistency.html).
// "A few seconds" is not a bound, so the run service takes the stricter end:
// for 10 simulated seconds every such start gets the previous version
// (deterministically, not "may"). Start on a version ARN to avoid it.
const DefaultUpdateConsistencyWindow = 10 * time.Second

// Engine runs executions. One goroutine (the loop) owns every execution's
// state and commits each batch of transitions in one SQLite transaction
// before any of its effects (task calls, timers, API replies) happen.
type Engine struct {
	opts   Options
	db     *sql.DB
	clock  *simclock.Clock
	log    *slog.Logger
	ops    chan op
	stop   chan struct{}
	done   chan struct{}
	closed sync.Once

	// Owned by the loop goroutine.
	cache     map[int64]*execution
	runQueue  []int64
	queued    map[int64]bool
	poisoned  map[int64]string // executions whose step hit an engine bug
	reloads   []op             // executions to reload after a failed batch
	lastPurge time.Time        // simulated time of the last retention purge

	defsMu sync.Mutex
	defs   map[string]*asl.StateMachine

	tasks    sync.WaitGroup
	inflight atomic.Int64 // task requests not yet answered
	pending  atomic.Int64 // ops queued or being processed
	// Clock skew between the engine and DRS (skew.go).
	skewNS, skewWarned atomic.Int64
	skewKnown          atomic.Bool
	// queuedAfterBatch is the run queue's length when the last batch ended.
	queuedAfterBatch atomic.Int64

	updateWindow atomic.Int64 // nanoseconds; 0: off
	faults       faultState
	logCh        chan *logBatch // execution logs, written in order off the loop
	logsDone     chan struct{}
	logsPending  atomic.Int64 // batches sent to logCh, not written yet

	timersMu    sync.Mutex
	timerSeq    uint64
	armed       map[uint64]*armedTimer // simulated-clock timers not fired yet
	armedByExec map[int64]map[uint64]bool
}

type op struct {
	fn   func(b *batch) error
	done chan error
}

const (
	opBuffer          = 4096
	maxOpsPerBatch    = 256
	transitionsPerRun = 200 // per execution per batch: fairness between executions
	batchBudget       = 2000
	// batchTimeSlice bounds how long one batch keeps running executions: the
	// loop, and the one database connection, serve API calls between batches,
	// so a run of heavy states (large payloads through intrinsic functions)
	// yields every slice instead of holding everyone for its whole budget.
	batchTimeSlice = 20 * time.Millisecond
	// callerTimeSlice is the slice of a batch that API callers wait for.
	callerTimeSlice = 2 * time.Millisecond
)

// NewEngine creates the tables, resumes every running execution and starts
// the loop.
func NewEngine(opts Options) (*Engine, error) {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if err := migrate(opts.Store.DB()); err != nil {
		return nil, err
	}
	e := &Engine{
		opts: opts, db: opts.Store.DB(), clock: opts.Clock, log: opts.Logger,
		ops: make(chan op, opBuffer), stop: make(chan struct{}), done: make(chan struct{}),
		cache: map[int64]*execution{}, queued: map[int64]bool{}, poisoned: map[int64]string{}, defs: map[string]*asl.StateMachine{}, armed: map[uint64]*armedTimer{}, armedByExec: map[int64]map[uint64]bool{},
	}
	e.SetUpdateConsistencyWindow(opts.UpdateConsistencyWindow)
	if opts.Faults != nil {
		if err := e.SetFaults(*opts.Faults); err != nil {
			return nil, fmt.Errorf("step functions faults: %w", err)
		}
	}
	if opts.Logs != nil {
		e.logCh, e.logsDone = make(chan *logBatch, 1024), make(chan struct{})
		go e.writeLogs()
	}
	go e.loop()
	if err := e.do(context.Background(), e.resumeAll); err != nil {
		e.Close()
		return nil, fmt.Errorf("resume executions: %w", err)
	}
	return e, nil
}

// SetUpdateConsistencyWindow sets UpdateStateMachine's read-after-write
// window (Options.UpdateConsistencyWindow: 0 the default, negative off).
func (e *Engine) SetUpdateConsistencyWindow(d time.Duration) {
	switch {
	case d == 0:
		d = DefaultUpdateConsistencyWindow
	case d < 0:
		d = 0
	}
	e.updateWindow.Store(int64(d))
}

// UpdateConsistencyWindow is the current read-after-write window (0: off).
func (e *Engine) UpdateConsistencyWindow() time.Duration {
	return time.Duration(e.updateWindow.Load())
}

// Close stops the loop; executions stay as recorded and resume on the next
// NewEngine over the same store.
func (e *Engine) Close() error {
	e.closed.Do(func() {
		close(e.stop)
		<-e.done
		// Task calls in flight find the loop gone and drop their answers:
		// they are recorded as unanswered and resume on the next start.
		waited := make(chan struct{})
		go func() { e.tasks.Wait(); close(waited) }()
		select {
		case <-waited:
		case <-time.After(2 * time.Second):
		}
		if e.logCh != nil {
			close(e.logCh)
			<-e.logsDone
		}
	})
	return nil
}

var errEngineClosed = errors.New("the Step Functions engine is shut down")

// do runs fn inside the loop's next batch and returns once that batch is
// committed (or failed).
func (e *Engine) do(ctx context.Context, fn func(b *batch) error) error {
	o := op{fn: fn, done: make(chan error, 1)}
	e.pending.Add(1)
	select {
	case e.ops <- o:
	case <-e.stop:
		e.pending.Add(-1)
		return errEngineClosed
	case <-ctx.Done():
		e.pending.Add(-1)
		return ctx.Err()
	}
	select {
	case err := <-o.done:
		return err
	case <-e.done:
		select {
		case err := <-o.done:
			return err
		default:
			return errEngineClosed
		}
	}
}

// post queues fn without waiting (timers and task results).
func (e *Engine) post(fn func(b *batch) error) {
	e.pending.Add(1)
	select {
	case e.ops <- op{fn: fn}:
	case <-e.stop:
		e.pending.Add(-1)
	}
}

func (e *Engine) loop() {
	defer close(e.done)
	for {
		ops := e.reloads
		e.reloads = nil
		if len(e.runQueue) == 0 && len(ops) == 0 {
			select {
			case o := <-e.ops:
				ops = append(ops, o)
			case <-e.stop:
				return
			}
		}
		select {
		case <-e.stop:
			return
		default:
		}
	drain:
		for len(ops) < maxOpsPerBatch {
			select {
			case o := <-e.ops:
				ops = append(ops, o)
			default:
				break drain
			}
		}
		e.runBatch(ops)
	}
}

// batch is one transaction of the loop.
type batch struct {
	e   *Engine
	tx  *sql.Tx
	now time.Time
	// deadline is when the batch stops taking steps (after at least one).
	deadline time.Time
	callers  bool // API callers wait for this batch
	touched  []*execution
	loaded   []*execution // read from the database in this batch
	after    []func()     // effects, run once the batch is committed
}

func (b *batch) onCommit(fn func()) { b.after = append(b.after, fn) }

func (b *batch) touch(x *execution) {
	if !x.touched {
		x.touched = true
		b.touched = append(b.touched, x)
	}
}

func (e *Engine) runBatch(ops []op) {
	ctx := context.Background()
	tx, err := e.db.BeginTx(ctx, nil)
	if err != nil {
		e.failOps(ops, err)
		return
	}
	b := &batch{e: e, tx: tx, now: e.clock.Now(), deadline: time.Now().Add(batchTimeSlice)}
	results := make([]error, len(ops))
	var fatal error
	for i, o := range ops {
		results[i] = e.guard(func() error { return o.fn(b) })
		var apiErr *awswire.APIError
		if results[i] != nil && !errors.As(results[i], &apiErr) {
			fatal = results[i]
			break
		}
	}
	if fatal == nil {
		// Callers wait for this batch: keep it short (their own executions
		// are at the head of the queue and take their first step).
		for _, o := range ops {
			if o.done != nil {
				b.deadline = time.Now().Add(callerTimeSlice)
				b.callers = true
				break
			}
		}
		fatal = e.guard(func() error { return e.runQueued(b) })
	}
	if fatal == nil {
		fatal = e.purgeExpired(b)
	}
	if fatal == nil {
		fatal = e.flush(b)
	}
	if fatal == nil && len(b.touched) > 0 {
		fatal = store.RecordTime(ctx, tx, b.now)
	}
	if fatal == nil {
		fatal = tx.Commit()
	} else {
		_ = tx.Rollback()
	}
	if fatal != nil {
		e.log.Error("step functions batch failed; reloading its executions", "error", fatal)
		for _, x := range append(b.touched, b.loaded...) {
			delete(e.cache, x.id)
		}
		// Queue the reloads before answering, so Settle never sees a gap.
		for _, x := range append(b.touched, b.loaded...) {
			id := x.id
			e.pending.Add(1)
			e.reloads = append(e.reloads, op{fn: func(b *batch) error { return e.resumeOne(b, id) }})
		}
		e.failOps(ops, fatal)
		return
	}
	for _, x := range b.touched {
		x.touched = false
		x.events = x.events[:0]
		x.tokenWrites = x.tokenWrites[:0]
	}
	// Only executions with work left stay in memory: waiting ones are
	// loaded again when something happens to them.
	for _, list := range [][]*execution{b.touched, b.loaded} {
		for _, x := range list {
			if x.closedNow || (!x.hasRunnable() && !e.queued[x.id]) {
				delete(e.cache, x.id)
			}
		}
	}
	for _, fn := range b.after {
		fn()
	}
	for _, x := range b.touched {
		e.pruneTimers(x)
	}
	e.queuedAfterBatch.Store(int64(len(e.runQueue)))
	e.pending.Add(-int64(len(ops)))
	for i, o := range ops {
		if o.done != nil {
			o.done <- results[i]
		}
	}
}

func (e *Engine) failOps(ops []op, err error) {
	e.pending.Add(-int64(len(ops)))
	for _, o := range ops {
		if o.done != nil {
			o.done <- internalErr(err)
		}
	}
}

// enqueue marks an execution as having runnable threads.
func (e *Engine) enqueue(x *execution) {
	if !e.queued[x.id] {
		e.queued[x.id] = true
		e.runQueue = append(e.runQueue, x.id)
	}
}

// enqueueFirst is enqueue at the head of the queue.
func (e *Engine) enqueueFirst(x *execution) {
	if !e.queued[x.id] {
		e.queued[x.id] = true
		e.runQueue = slices.Insert(e.runQueue, 0, x.id)
	}
}

func (e *Engine) runQueued(b *batch) error {
	budget := batchBudget
	queue := e.runQueue
	e.runQueue = nil
	// skipped are slow executions a batch with waiting callers leaves for a
	// later batch; they keep their turn. Executions not reached go next, then
	// those that ran in this batch and queued themselves again.
	var skipped []int64
	requeue := func(rest []int64) { e.runQueue = slices.Concat(skipped, rest, e.runQueue) }
	for i, id := range queue {
		if budget <= 0 || (i > 0 && b.overTime()) {
			requeue(queue[i:])
			return nil
		}
		if x, ok := e.cache[id]; ok && i > 0 && b.callers && x.lastStep > callerTimeSlice {
			skipped = append(skipped, id) // stays queued
			continue
		}
		delete(e.queued, id)
		x, err := b.load(id)
		if err == nil && x != nil && x.status == statusRunning {
			err = e.guard(func() error { budget -= e.run(b, x, transitionsPerRun); return nil })
			if err != nil {
				// Fail this execution on reload rather than crash on it forever.
				e.poisoned[id] = err.Error()
			}
		}
		if err != nil {
			// The batch rolls back: the others still queued run next time.
			requeue(queue[i+1:])
			return err
		}
	}
	requeue(nil)
	return nil
}

// overTime reports whether the batch has used its time slice.
func (b *batch) overTime() bool { return time.Now().After(b.deadline) }

// definition parses a definition once per distinct text.
func (e *Engine) definition(text string) (*asl.StateMachine, error) {
	e.defsMu.Lock()
	defer e.defsMu.Unlock()
	if sm, ok := e.defs[text]; ok {
		return sm, nil
	}
	sm, err := asl.Parse([]byte(text))
	if err != nil {
		return nil, err
	}
	e.defs[text] = sm
	return sm, nil
}

// Settle waits until the engine has nothing left to do at the current
// simulated time: no queued work, no task request in flight, no due timer.
// Tests call it after starting executions or advancing the frozen clock.
func (e *Engine) Settle(ctx context.Context) error {
	for {
		if err := e.do(ctx, func(*batch) error { return nil }); err != nil {
			if errors.Is(err, errEngineClosed) || ctx.Err() != nil {
				return err
			}
			// A failed batch: its executions are being reloaded; go on.
		}
		if e.queuedAfterBatch.Load() == 0 && e.inflight.Load() == 0 && e.dueTimers() == 0 && e.pending.Load() == 0 && e.logsPending.Load() == 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Microsecond):
		}
	}
}

// Resident reports how many executions the engine holds in memory (those
// with work left); waiting executions live only in the database.
func (e *Engine) Resident(ctx context.Context) (int, error) {
	n := 0
	err := e.do(ctx, func(*batch) error { n = len(e.cache); return nil })
	return n, err
}

// guard turns a panic in the loop into a failed batch (rolled back, its
// executions reloaded) instead of a dead run service.
func (e *Engine) guard(fn func() error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			e.log.Error("step functions engine bug", "panic", p, "stack", string(debug.Stack()))
			err = fmt.Errorf("internal error in the Step Functions engine: %v", p)
		}
	}()
	return fn()
}

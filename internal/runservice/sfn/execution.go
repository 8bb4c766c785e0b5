package sfn

import (
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/drsorch/terraform-provider-drsorch/internal/asl"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/awswire"
)

// Execution statuses, as the model's ExecutionStatus enum names them.
const (
	statusRunning  = "RUNNING"
	statusSucceded = "SUCCEEDED"
	statusFailed   = "FAILED"
	statusTimedOut = "TIMED_OUT"
	statusAborted  = "ABORTED"
)

// execution is an execution loaded into the loop.
type execution struct {
	id       int64
	arn      string
	smARN    string
	name     string
	roleARN  string
	status   string
	inputRaw string
	input    any
	startNS  int64
	def      *asl.StateMachine
	rt       *runtime

	output, errName, cause sql.NullString
	stopNS                 sql.NullInt64

	events      []pendingEvent
	tokenWrites []tokenWrite
	touched     bool
	closedNow   bool // reached a terminal status in this batch
	parent      parentLink
	logging     string   // the loggingConfiguration it runs with
	redrives    int      // RedriveExecution count ($$.Execution.RedriveCount)
	childStops  []string // children of ended .sync tasks, to stop after the commit
	// lastStep is how long its latest step took (wall time): batches that
	// API callers wait for skip executions whose steps are slow.
	lastStep time.Duration
}

type pendingEvent struct {
	id   int64
	body []byte
}

type tokenWrite struct {
	token  string
	thread int
	seq    int64
	status string
	insert bool
}

// Token statuses in sfn_tokens.
const (
	tokenOpen     = "open"
	tokenDone     = "done"
	tokenTimedOut = "timedout"
	tokenClosed   = "closed"
)

// identity is the account and region the execution's tasks act in: its
// state machine's.
func (x *execution) identity() awswire.Identity {
	p, _ := parseARN(x.smARN)
	return awswire.Identity{Account: p.Account, Region: p.Region}
}

func (x *execution) smName() string {
	p, _ := parseARN(x.smARN)
	return p.Name
}

func (x *execution) hasRunnable() bool {
	if x.status != statusRunning {
		return false
	}
	for _, t := range x.rt.Threads {
		if t.runnable() {
			return true
		}
	}
	return false
}

// machineOf is the (sub-)state machine a thread runs in.
func (x *execution) machineOf(t *thread) *asl.StateMachine {
	if t.machine != nil {
		return t.machine
	}
	if t.Parent == 0 {
		t.machine = x.def
		return t.machine
	}
	p := x.rt.Threads[t.Parent]
	if p == nil {
		return nil
	}
	pm := x.machineOf(p)
	if pm == nil {
		return nil
	}
	ps := pm.States[p.State]
	switch {
	case ps == nil:
	case ps.Type == asl.TypeParallel && t.Slot < len(ps.Branches):
		t.machine = ps.Branches[t.Slot]
	case ps.Type == asl.TypeMap:
		t.machine = ps.ItemProcessor
	}
	return t.machine
}

func (x *execution) stateOf(t *thread) *asl.State {
	m := x.machineOf(t)
	if m == nil {
		return nil
	}
	return m.States[t.State]
}

// sortedThreads lists threads by id so runs are deterministic.
func (x *execution) sortedThreads() []*thread {
	ts := make([]*thread, 0, len(x.rt.Threads))
	for _, t := range x.rt.Threads {
		ts = append(ts, t)
	}
	sort.Slice(ts, func(i, j int) bool { return ts[i].ID < ts[j].ID })
	return ts
}

// load returns the execution with the given row id, from the cache or the
// database; nil when it does not exist.
func (b *batch) load(id int64) (*execution, error) {
	if x, ok := b.e.cache[id]; ok {
		return x, nil
	}
	x := &execution{id: id}
	var rt, def string
	err := b.tx.QueryRow(`SELECT arn, sm_arn, name, role_arn, status, input, start_ns, definition, runtime,
		output, error, cause, stop_ns, parent_id, parent_thread, parent_seq, parent_mode, logging, redrive_count FROM sfn_executions WHERE id = ?`, id).
		Scan(&x.arn, &x.smARN, &x.name, &x.roleARN, &x.status, &x.inputRaw, &x.startNS, &def, &rt,
			&x.output, &x.errName, &x.cause, &x.stopNS, &x.parent.ExecID, &x.parent.Thread, &x.parent.Seq, &x.parent.Mode, &x.logging, &x.redrives)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("load execution %d: %w", id, err)
	}
	if x.def, err = b.e.definition(def); err != nil {
		return nil, fmt.Errorf("execution %s: stored definition no longer parses: %w", x.arn, err)
	}
	if x.input, err = asl.DecodeJSON([]byte(x.inputRaw)); err != nil {
		return nil, fmt.Errorf("execution %s: stored input: %w", x.arn, err)
	}
	x.rt = &runtime{}
	if err := json.Unmarshal([]byte(rt), x.rt); err != nil {
		return nil, fmt.Errorf("execution %s: stored runtime: %w", x.arn, err)
	}
	if x.rt.Threads == nil {
		x.rt.Threads = map[int]*thread{}
	}
	b.e.cache[id] = x
	b.loaded = append(b.loaded, x)
	return x, nil
}

// flush writes every touched execution: runtime, status, new history events
// and task tokens.
func (e *Engine) flush(b *batch) error {
	for _, x := range b.touched {
		rt, err := json.Marshal(x.rt)
		if err != nil {
			return err
		}
		if _, err := b.tx.Exec(`UPDATE sfn_executions SET status = ?, output = ?, error = ?, cause = ?, stop_ns = ?, runtime = ?
			WHERE id = ?`, x.status, x.output, x.errName, x.cause, x.stopNS, string(rt), x.id); err != nil {
			return fmt.Errorf("save execution %s: %w", x.arn, err)
		}
		if len(x.events) > 0 {
			if err := insertEvents(b.tx, x.id, x.events); err != nil {
				return fmt.Errorf("save history of %s: %w", x.arn, err)
			}
			if lb := x.executionLogs(); lb != nil && e.logCh != nil {
				b.onCommit(func() { e.logsPending.Add(1); e.logCh <- lb })
			}
		}
		for _, w := range x.tokenWrites {
			var err error
			if w.insert {
				_, err = b.tx.Exec(`INSERT INTO sfn_tokens (token, exec_id, thread, seq, status) VALUES (?, ?, ?, ?, ?)`,
					w.token, x.id, w.thread, w.seq, w.status)
			} else {
				_, err = b.tx.Exec(`UPDATE sfn_tokens SET status = ? WHERE token = ?`, w.status, w.token)
			}
			if err != nil {
				return fmt.Errorf("save task token of %s: %w", x.arn, err)
			}
		}
		if x.closedNow {
			if err := finishDeletingStateMachine(b.tx, x.smARN); err != nil {
				return err
			}
		}
		e.childEffects(b, x)
	}
	return nil
}

// insertEvents writes history rows with one multi-row INSERT per chunk.
func insertEvents(tx *sql.Tx, execID int64, evs []pendingEvent) error {
	const chunk = 100
	for len(evs) > 0 {
		n := min(len(evs), chunk)
		var q strings.Builder
		q.WriteString(`INSERT INTO sfn_history (exec_id, event_id, body) VALUES `)
		args := make([]any, 0, n*3)
		for i, ev := range evs[:n] {
			if i > 0 {
				q.WriteString(",")
			}
			q.WriteString("(?,?,?)")
			args = append(args, execID, ev.id, string(ev.body))
		}
		if _, err := tx.Exec(q.String(), args...); err != nil {
			return err
		}
		evs = evs[n:]
	}
	return nil
}

// finishDeletingStateMachine removes a DELETING state machine once its last
// execution has closed, as Step Functions does.
func finishDeletingStateMachine(tx *sql.Tx, smARN string) error {
	res, err := tx.Exec(`DELETE FROM sfn_state_machines WHERE arn = ? AND status = 'DELETING'
		AND NOT EXISTS (SELECT 1 FROM sfn_executions WHERE sm_arn = ? AND status = 'RUNNING')`, smARN, smARN)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n > 0 {
		// Its versions and aliases go with it.
		if _, err := tx.Exec(`DELETE FROM sfn_versions WHERE sm_arn = ?`, smARN); err != nil {
			return err
		}
		if _, err := tx.Exec(`DELETE FROM sfn_aliases WHERE sm_arn = ?`, smARN); err != nil {
			return err
		}
	}
	return nil
}

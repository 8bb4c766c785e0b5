package sfn

import (
	"encoding/json"
	"time"

	"github.com/drsorch/terraform-provider-drsorch/internal/asl"
)

// Thread phases. A thread is one line of control: the execution itself
// (thread 1), a Parallel branch or a Map iteration.
const (
	phaseEnter    = "enter"    // about to enter State (emit ...StateEntered, then act)
	phaseAct      = "act"      // act again after a retry backoff (no new Entered event)
	phaseWait     = "wait"     // Wait state sleeping until Until
	phaseRetry    = "retry"    // retry backoff until Until
	phaseTask     = "task"     // task in flight or waiting for its token
	phaseChildren = "children" // Parallel/Map waiting for branches or iterations
)

// runtime is an execution's whole mutable state, stored as one JSON
// document next to the history events it produced.
type runtime struct {
	LastEventID int64           `json:"lastEventId"`
	NextThread  int             `json:"nextThread"`
	NextSeq     int64           `json:"nextSeq"`
	Threads     map[int]*thread `json:"threads"`
	TimeoutNS   int64           `json:"timeoutNs,omitempty"` // execution deadline
	// Where RedriveExecution resumes a closed execution: the top-level
	// state it stood in when it failed, stopped or timed out, and its input.
	RedriveState string          `json:"redriveState,omitempty"`
	RedriveInput json.RawMessage `json:"redriveInput,omitempty"`
}

type thread struct {
	ID          int               `json:"id"`
	Parent      int               `json:"parent,omitempty"`
	Slot        int               `json:"slot,omitempty"` // branch or item index
	State       string            `json:"state"`
	Phase       string            `json:"phase"`
	Input       json.RawMessage   `json:"input"`
	EnteredNS   int64             `json:"enteredNs,omitempty"`
	LastEvent   int64             `json:"lastEvent,omitempty"`
	RetryCounts []int             `json:"retryCounts,omitempty"`
	RetryTotal  int               `json:"retryTotal,omitempty"`
	UntilNS     int64             `json:"untilNs,omitempty"`
	Seq         int64             `json:"seq,omitempty"`      // identifies the current wait/task for timers
	WaitOut     json.RawMessage   `json:"waitOut,omitempty"`  // Wait: output once the wait ends
	Task        *taskRun          `json:"task,omitempty"`     // phaseTask
	Results     []json.RawMessage `json:"results,omitempty"`  // Parallel/Map outputs by slot (nil: not finished)
	Items       json.RawMessage   `json:"items,omitempty"`    // Map items
	NextItem    int               `json:"nextItem,omitempty"` // Map: next iteration to start
	Running     int               `json:"running,omitempty"`  // children running
	MaxConc     int               `json:"maxConc,omitempty"`

	in      any // decoded Input (lazy)
	decoded bool
	items   []any
	machine *asl.StateMachine
}

type taskRun struct {
	Seq          int64           `json:"seq"`
	Resource     string          `json:"resource"`
	Params       json.RawMessage `json:"params"`
	Token        string          `json:"token,omitempty"`
	ScheduledNS  int64           `json:"scheduledNs"`
	TimeoutNS    int64           `json:"timeoutNs,omitempty"`    // absolute deadline
	HeartbeatSec int             `json:"heartbeatSec,omitempty"` // 0: none
	HeartbeatNS  int64           `json:"heartbeatNs,omitempty"`  // absolute deadline
	Submitted    bool            `json:"submitted,omitempty"`    // waitForTaskToken: call returned
	ChildARN     string          `json:"childArn,omitempty"`     // states:startExecution.sync: the child
}

func (t *thread) input() (any, error) {
	if !t.decoded {
		v, err := asl.DecodeJSON(t.Input)
		if err != nil {
			return nil, err
		}
		t.in, t.decoded = v, true
	}
	return t.in, nil
}

func (t *thread) setInput(v any, encoded []byte) {
	t.in, t.decoded, t.Input = v, true, encoded
}

func (t *thread) mapItems() ([]any, error) {
	if t.items == nil && len(t.Items) > 0 {
		v, err := asl.DecodeJSON(t.Items)
		if err != nil {
			return nil, err
		}
		t.items, _ = v.([]any)
	}
	return t.items, nil
}

func (t *thread) runnable() bool { return t.Phase == phaseEnter || t.Phase == phaseAct }

func nanos(t time.Time) int64 { return t.UnixNano() }

func fromNanos(ns int64) time.Time { return time.Unix(0, ns).UTC() }

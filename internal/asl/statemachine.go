package asl

import "time"

// State types.
const (
	TypePass     = "Pass"
	TypeTask     = "Task"
	TypeChoice   = "Choice"
	TypeWait     = "Wait"
	TypeSucceed  = "Succeed"
	TypeFail     = "Fail"
	TypeParallel = "Parallel"
	TypeMap      = "Map"
)

// StateMachine is a parsed, validated definition (or a Parallel branch / Map item
// processor, which have the same shape).
type StateMachine struct {
	Comment        string
	StartAt        string
	TimeoutSeconds int // 0: no execution timeout
	Version        string
	States         map[string]*State
	// StateNames lists the states in definition order.
	StateNames []string
}

// State is one state of a definition. Fields that do not apply to its Type are zero.
// Use the methods (EffectiveInput, ApplyOutput, ChooseNext, ...) rather than reading
// the path and template fields directly.
type State struct {
	Name    string
	Type    string
	Comment string
	Next    string
	End     bool

	InputPath      *Path     // nil: "$"; a Path with Null set discards the input
	OutputPath     *Path     // nil: "$"
	ResultPath     *Path     // nil: "$"; Null: discard the result, keep the input
	Parameters     *Template // Pass, Task, Parallel; for Map the old name of ItemSelector
	ResultSelector *Template // Task, Parallel, Map
	Result         any       // Pass
	HasResult      bool      // Pass: Result was given (it may be JSON null)

	// Task
	Resource             string
	Integration          Integration
	TimeoutSeconds       int // 0: none (AWS default for Task: 99999999)
	TimeoutSecondsPath   *Path
	HeartbeatSeconds     int
	HeartbeatSecondsPath *Path

	Retry []Retrier
	Catch []Catcher

	// Choice
	Choices []*ChoiceRule
	Default string

	// Wait
	Seconds       int
	HasSeconds    bool
	Timestamp     time.Time
	HasTimestamp  bool
	SecondsPath   *Path
	TimestampPath *Path

	// Fail
	ErrorName string // "Error"
	Cause     string
	ErrorPath *Expr
	CausePath *Expr

	// Parallel
	Branches []*StateMachine

	// Map (inline)
	ItemsPath          *Path // nil: "$"
	ItemSelector       *Template
	ItemProcessor      *StateMachine // also from the old "Iterator" field
	MaxConcurrency     int           // 0: unlimited (AWS runs at most 40 at once)
	MaxConcurrencyPath *Path
}

// Integration tells the engine what a Task's Resource calls.
type Integration struct {
	Service string // "drs", "ssm", "servicequotas", "events" or "states"
	Action  string // DRS, SSM or Service Quotas API action in camelCase ("startRecovery", "getServiceQuota"), "putEvents" or "startExecution"
	// WaitForTaskToken is set for the ".waitForTaskToken" pattern.
	WaitForTaskToken bool
	// Sync is set for the ".sync" (run a job) pattern of
	// states:startExecution, SyncV2 for ".sync:2" (output as JSON).
	Sync, SyncV2 bool
}

// Retrier is one element of a state's Retry field.
type Retrier struct {
	ErrorEquals     []string
	IntervalSeconds int     // default 1
	MaxAttempts     int     // default 3; 0 never retries
	BackoffRate     float64 // default 2.0
	MaxDelaySeconds int     // 0: no cap
	JitterStrategy  string  // "FULL" or "NONE" (default)
}

// Catcher is one element of a state's Catch field.
type Catcher struct {
	ErrorEquals []string
	Next        string
	ResultPath  *Path // nil: "$"
}

package asl

// Context is the context object a state sees under "$$". The engine fills it for each
// state it enters; Task and Map are nil when not meaningful.
type Context struct {
	Execution    ExecutionContext
	State        StateContext
	StateMachine StateMachineContext
	Task         *TaskContext
	Map          *MapContext

	work int // units of data processing used by this state so far (see MaxWorkUnits)
}

type ExecutionContext struct {
	ID           string // "Id"
	Input        any
	Name         string
	RoleArn      string
	StartTime    string // RFC 3339 with milliseconds, as AWS prints it
	RedriveCount int
}

type StateContext struct {
	EnteredTime string
	Name        string
	RetryCount  int
}

type StateMachineContext struct {
	ID   string // "Id"
	Name string
}

type TaskContext struct {
	Token string
}

type MapContext struct {
	Item MapItem
}

type MapItem struct {
	Index int
	Value any
}

// Value returns the context object as a JSON value (the shape "$$" paths see).
func (c *Context) Value() any {
	if c == nil {
		return map[string]any{}
	}
	m := map[string]any{
		"Execution": map[string]any{
			"Id":           c.Execution.ID,
			"Input":        c.Execution.Input,
			"Name":         c.Execution.Name,
			"RoleArn":      c.Execution.RoleArn,
			"StartTime":    c.Execution.StartTime,
			"RedriveCount": int64(c.Execution.RedriveCount),
		},
		"State": map[string]any{
			"EnteredTime": c.State.EnteredTime,
			"Name":        c.State.Name,
			"RetryCount":  int64(c.State.RetryCount),
		},
		"StateMachine": map[string]any{
			"Id":   c.StateMachine.ID,
			"Name": c.StateMachine.Name,
		},
	}
	if c.Task != nil {
		m["Task"] = map[string]any{"Token": c.Task.Token}
	}
	if c.Map != nil {
		m["Map"] = map[string]any{"Item": map[string]any{
			"Index": int64(c.Map.Item.Index),
			"Value": c.Map.Item.Value,
		}}
	}
	return m
}

// lookup resolves a reference path into the context object without building it: the
// common leaves ($$.Execution.Input..., $$.Task.Token, $$.Map.Item.Value...) are read
// from the struct; anything else falls back to Value.
func (c *Context) lookup(segs []segment) (any, bool) {
	if c == nil || len(segs) < 2 || segs[0].isIdx || segs[1].isIdx {
		return walk(c.Value(), segs)
	}
	var v any
	switch segs[0].key + "." + segs[1].key {
	case "Execution.Id":
		v = c.Execution.ID
	case "Execution.Input":
		v = c.Execution.Input
	case "Execution.Name":
		v = c.Execution.Name
	case "Execution.RoleArn":
		v = c.Execution.RoleArn
	case "Execution.StartTime":
		v = c.Execution.StartTime
	case "State.EnteredTime":
		v = c.State.EnteredTime
	case "State.Name":
		v = c.State.Name
	case "State.RetryCount":
		v = int64(c.State.RetryCount)
	case "StateMachine.Id":
		v = c.StateMachine.ID
	case "StateMachine.Name":
		v = c.StateMachine.Name
	case "Task.Token":
		if c.Task == nil {
			return nil, false
		}
		v = c.Task.Token
	default:
		return walk(c.Value(), segs)
	}
	return walk(v, segs[2:])
}

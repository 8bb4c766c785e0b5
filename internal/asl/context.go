package asl

// Context is the context object a state sees under "$$". The engine fills it for each
// state it enters; Task and Map are nil when not meaningful.
type Context struct {
	Execution    ExecutionContext
	State        StateContext
	StateMachine StateMachineContext
	Task         *TaskContext
	Map          *MapContext
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

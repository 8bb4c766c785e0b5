package asl

import (
	"errors"
	"time"
)

var errNotImplemented = errors.New("asl: not implemented yet")

// Path is a compiled JSONPath: a reference path, a full path, or a "$$" context path.
type Path struct {
	Raw  string
	Null bool // the field was JSON null
}

// Expr is a compiled dynamic value: a path or an intrinsic function call.
type Expr struct {
	Raw string
}

// Template is a compiled payload template (Parameters, ResultSelector, ItemSelector).
type Template struct {
	raw any
}

// ChoiceRule is one Choice rule (top level rules carry Next).
type ChoiceRule struct {
	Next string
}

func Parse(definition []byte) (*StateMachine, error)               { return nil, errNotImplemented }
func DecodeJSON(b []byte) (any, error)                             { return nil, errNotImplemented }
func EncodeJSON(v any) ([]byte, error)                             { return nil, errNotImplemented }
func (s *State) EffectiveInput(raw any, ctx *Context) (any, error) { return nil, errNotImplemented }
func (s *State) PassResult(effective any) any                      { return effective }
func (s *State) ApplyOutput(raw, result any, ctx *Context) (any, error) {
	return nil, errNotImplemented
}
func (s *State) PassThrough(raw any, ctx *Context) (any, error) { return nil, errNotImplemented }
func (s *State) ChooseNext(raw any, ctx *Context) (string, any, error) {
	return "", nil, errNotImplemented
}
func (s *State) WaitUntil(raw any, ctx *Context, enteredAt time.Time) (time.Time, any, error) {
	return time.Time{}, nil, errNotImplemented
}
func (s *State) FailError(raw any, ctx *Context) (Error, error)         { return Error{}, errNotImplemented }
func (s *State) Timeout(raw any, ctx *Context) (time.Duration, error)   { return 0, errNotImplemented }
func (s *State) Heartbeat(raw any, ctx *Context) (time.Duration, error) { return 0, errNotImplemented }
func (s *State) MapItems(raw any, ctx *Context) ([]any, error)          { return nil, errNotImplemented }
func (s *State) MapItemInput(raw any, ctx *Context) (any, error)        { return nil, errNotImplemented }
func (s *State) MapMaxConcurrency(raw any, ctx *Context) (int, error)   { return 0, errNotImplemented }
func (s *State) MatchRetrier(e Error) int                               { return -1 }
func (s *State) MatchCatcher(e Error) *Catcher                          { return nil }
func (c *Catcher) Output(raw any, e Error) (any, error)                 { return nil, errNotImplemented }
func (r Retrier) Delay(attempt int, rnd func() float64) time.Duration   { return 0 }
func ApplyResultPath(p *Path, input, result any) (any, error)           { return nil, errNotImplemented }
func (t *Template) Eval(input any, ctx *Context) (any, error)           { return nil, errNotImplemented }
func (e *Expr) Eval(input any, ctx *Context) (any, error)               { return nil, errNotImplemented }
func (p *Path) Eval(input any, ctx *Context) (any, error)               { return nil, errNotImplemented }

package asl

import (
	"fmt"
	"time"
)

// DefaultTaskTimeoutSeconds is the Task timeout when none is given (as AWS).
const DefaultTaskTimeoutSeconds = 99999999

// EffectiveInput applies InputPath and then Parameters: the task parameters of a Task,
// the result of a Pass without Result, every branch's input of a Parallel. For a Map it
// applies InputPath only (its Parameters are the per-item selector; see MapItemInput).
func (s *State) EffectiveInput(raw any, ctx *Context) (any, error) {
	in, err := applyInputOutputPath(s.InputPath, raw, ctx)
	if err != nil {
		return nil, err
	}
	if s.Parameters == nil || s.Type == TypeMap {
		return in, nil
	}
	return s.Parameters.Eval(in, ctx)
}

// PassResult is the result of a Pass state: its Result field when given, else its
// effective input.
func (s *State) PassResult(effective any) any {
	if s.HasResult {
		return s.Result
	}
	return effective
}

// ApplyOutput turns a state's result into its output: ResultSelector (on the result),
// ResultPath (merging into the raw state input), then OutputPath.
func (s *State) ApplyOutput(raw, result any, ctx *Context) (any, error) {
	if s.ResultSelector != nil {
		r, err := s.ResultSelector.Eval(result, ctx)
		if err != nil {
			return nil, err
		}
		result = r
	}
	merged, err := ApplyResultPath(s.ResultPath, raw, result)
	if err != nil {
		return nil, err
	}
	return applyInputOutputPath(s.OutputPath, merged, ctx)
}

// PassThrough is the output of a state that only filters its input (Succeed, and Wait
// and Choice, whose helpers also return it): InputPath then OutputPath.
func (s *State) PassThrough(raw any, ctx *Context) (any, error) {
	in, err := applyInputOutputPath(s.InputPath, raw, ctx)
	if err != nil {
		return nil, err
	}
	return applyInputOutputPath(s.OutputPath, in, ctx)
}

// WaitUntil computes when a Wait state ends (from Seconds, Timestamp, SecondsPath or
// TimestampPath, read from the input after InputPath) and the state's output.
func (s *State) WaitUntil(raw any, ctx *Context, enteredAt time.Time) (time.Time, any, error) {
	in, err := applyInputOutputPath(s.InputPath, raw, ctx)
	if err != nil {
		return time.Time{}, nil, err
	}
	var until time.Time
	switch {
	case s.HasSeconds:
		until = enteredAt.Add(time.Duration(s.Seconds) * time.Second)
	case s.HasTimestamp:
		until = s.Timestamp
	case s.SecondsPath != nil:
		v, err := s.SecondsPath.Eval(in, ctx)
		if err != nil {
			return time.Time{}, nil, err
		}
		n, ok := asInteger(v)
		if !ok || n < 0 || n > DefaultTaskTimeoutSeconds {
			return time.Time{}, nil, errorf(ErrRuntime, "The SecondsPath parameter does not reference a valid integer value: %s (it must be a whole number of seconds from 0 to %d)", truncate(compactJSON(v), 100), DefaultTaskTimeoutSeconds)
		}
		until = enteredAt.Add(time.Duration(n) * time.Second)
	case s.TimestampPath != nil:
		v, err := s.TimestampPath.Eval(in, ctx)
		if err != nil {
			return time.Time{}, nil, err
		}
		t, ok := timestampOf(v)
		if !ok {
			return time.Time{}, nil, errorf(ErrRuntime, "The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: %s", truncate(compactJSON(v), 100))
		}
		until = t
	}
	out, err := applyInputOutputPath(s.OutputPath, in, ctx)
	if err != nil {
		return time.Time{}, nil, err
	}
	return until, out, nil
}

// FailError is the error a Fail state ends the execution with. ErrorPath and CausePath
// (paths or intrinsic functions) read the raw state input and must give strings.
func (s *State) FailError(raw any, ctx *Context) (Error, error) {
	e := Error{Name: s.ErrorName, Cause: s.Cause}
	if s.ErrorPath != nil {
		v, err := s.ErrorPath.Eval(raw, ctx)
		if err != nil {
			return Error{}, err
		}
		str, ok := v.(string)
		if !ok {
			return Error{}, errorf(ErrRuntime, "The ErrorPath %s must give a string, got %s", s.ErrorPath.Raw, typeName(v))
		}
		e.Name = str
	}
	if s.CausePath != nil {
		v, err := s.CausePath.Eval(raw, ctx)
		if err != nil {
			return Error{}, err
		}
		str, ok := v.(string)
		if !ok {
			return Error{}, errorf(ErrRuntime, "The CausePath %s must give a string, got %s", s.CausePath.Raw, typeName(v))
		}
		e.Cause = str
	}
	return e, nil
}

// Timeout is a Task's time limit: TimeoutSeconds, TimeoutSecondsPath (read from the
// input after InputPath) or the AWS default of 99999999 seconds.
func (s *State) Timeout(raw any, ctx *Context) (time.Duration, error) {
	n, err := s.secondsField(raw, ctx, s.TimeoutSeconds, s.TimeoutSecondsPath, "TimeoutSecondsPath")
	if err != nil {
		return 0, err
	}
	if n == 0 {
		n = DefaultTaskTimeoutSeconds
	}
	return time.Duration(n) * time.Second, nil
}

// Heartbeat is a Task's heartbeat interval; 0 means none.
func (s *State) Heartbeat(raw any, ctx *Context) (time.Duration, error) {
	n, err := s.secondsField(raw, ctx, s.HeartbeatSeconds, s.HeartbeatSecondsPath, "HeartbeatSecondsPath")
	return time.Duration(n) * time.Second, err
}

func (s *State) secondsField(raw any, ctx *Context, fixed int, p *Path, field string) (int64, error) {
	if p == nil {
		return int64(fixed), nil
	}
	in, err := applyInputOutputPath(s.InputPath, raw, ctx)
	if err != nil {
		return 0, err
	}
	v, err := p.Eval(in, ctx)
	if err != nil {
		return 0, err
	}
	n, ok := asInteger(v)
	if !ok || n <= 0 || n > DefaultTaskTimeoutSeconds {
		return 0, errorf(ErrRuntime, "The %s %s must give a positive integer number of seconds up to %d, got %s", field, p.Raw, DefaultTaskTimeoutSeconds, truncate(compactJSON(v), 100))
	}
	return n, nil
}

// MapItems selects a Map state's items: InputPath, then ItemsPath, which must give an
// array.
func (s *State) MapItems(raw any, ctx *Context) ([]any, error) {
	in, err := applyInputOutputPath(s.InputPath, raw, ctx)
	if err != nil {
		return nil, err
	}
	v := in
	if s.ItemsPath != nil {
		if v, err = s.ItemsPath.Eval(in, ctx); err != nil {
			return nil, err
		}
	}
	arr, ok := v.([]any)
	if !ok {
		return nil, errorf(ErrRuntime, "Map state input must be an array but was: %s (ItemsPath %s)", typeName(v), s.ItemsPath.String())
	}
	return arr, nil
}

// MapItemInput is the input of one Map iteration: ItemSelector (or the legacy
// Parameters) evaluated over the state input after InputPath, with ctx.Map set by the
// engine; without a selector it is the item itself (ctx.Map.Item.Value).
func (s *State) MapItemInput(raw any, ctx *Context) (any, error) {
	if ctx == nil || ctx.Map == nil {
		return nil, fmt.Errorf("asl: MapItemInput needs ctx.Map set to the current item")
	}
	sel := s.ItemSelector
	if sel == nil {
		sel = s.Parameters
	}
	if sel == nil {
		return ctx.Map.Item.Value, nil
	}
	in, err := applyInputOutputPath(s.InputPath, raw, ctx)
	if err != nil {
		return nil, err
	}
	return sel.Eval(in, ctx)
}

// MapMaxConcurrency is how many iterations may run at once; 0 means no limit (AWS runs
// at most 40 at a time).
func (s *State) MapMaxConcurrency(raw any, ctx *Context) (int, error) {
	if s.MaxConcurrencyPath == nil {
		return s.MaxConcurrency, nil
	}
	in, err := applyInputOutputPath(s.InputPath, raw, ctx)
	if err != nil {
		return 0, err
	}
	v, err := s.MaxConcurrencyPath.Eval(in, ctx)
	if err != nil {
		return 0, err
	}
	n, ok := asInteger(v)
	if !ok || n < 0 || n > 1<<31-1 {
		return 0, errorf(ErrRuntime, "The MaxConcurrencyPath %s must give a non-negative integer, got %s", s.MaxConcurrencyPath.Raw, truncate(compactJSON(v), 100))
	}
	return int(n), nil
}

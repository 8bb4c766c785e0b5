package asl

import "strings"

// MaxWorkUnits bounds the data processing of one state's evaluation (all its
// paths and intrinsic functions, every Map item's selector included): about
// four passes of the traversing intrinsics over the largest payload of tiny
// items (256 KiB holds ~65,000). A unit is one array item, object member or
// 32 bytes of string. The engine runs every execution on one loop, so one
// state must not hold it for long; AWS documents no such limit, so the run
// service is the stricter one here and says so in the error.
const MaxWorkUnits = 1 << 18

const budgetCause = "The state processes more data than the run service allows in one state"

// isBudgetError reports whether e is the error of an exhausted budget.
func isBudgetError(e *Error) bool { return strings.HasPrefix(e.Cause, budgetCause) }

// charge counts units of work against the context's budget. A nil context
// (helpers evaluating outside an execution) is not metered.
func (c *Context) charge(units int) error {
	if c == nil {
		return nil
	}
	c.work += units
	if c.work > MaxWorkUnits {
		return errorf(ErrRuntime, "%s (%d work units: about four passes over a 256 KiB payload of small items); split the work over several states", budgetCause, MaxWorkUnits)
	}
	return nil
}

// remaining is how many units the context may still use (unbounded when nil).
func (c *Context) remaining() int {
	if c == nil {
		return int(^uint(0) >> 1)
	}
	return MaxWorkUnits - c.work + 1
}

// weight estimates the work of traversing v: items, members and string bytes
// / 32. It stops counting past limit, so weighing is itself bounded.
func weight(v any, limit int) int {
	n := 1
	var walk func(v any)
	walk = func(v any) {
		if n > limit {
			return
		}
		switch t := v.(type) {
		case string:
			n += len(t) / 32
		case []any:
			n += len(t)
			for _, e := range t {
				walk(e)
			}
		case map[string]any:
			n += len(t)
			for _, e := range t {
				walk(e)
			}
		}
	}
	walk(v)
	return n
}

// traversing lists the intrinsics whose cost grows with their arguments'
// size; the others are constant time or bounded by their documented limits.
var traversing = map[string]bool{
	"States.ArrayUnique": true, "States.ArrayContains": true, "States.ArrayPartition": true,
	"States.JsonToString": true, "States.StringToJson": true, "States.Format": true,
	"States.StringSplit": true, "States.JsonMerge": true,
}

// chargeCall charges an intrinsic call for its arguments.
func (c *Context) chargeCall(name string, args []any) error {
	if c == nil {
		return nil
	}
	units := 1
	switch {
	case name == "States.JsonMerge": // shallow: members only
		for _, a := range args {
			if m, ok := a.(map[string]any); ok {
				units += len(m)
			}
		}
	case traversing[name]:
		for _, a := range args {
			units += weight(a, c.remaining())
		}
	}
	return c.charge(units)
}

// EncodedSizeExceeds reports whether v's JSON encoding is certainly longer
// than limit bytes, without encoding it: it adds up a lower bound of the
// encoded size (strings unescaped, numbers one digit) and stops counting past
// limit. A Parameters block of a thousand fields each naming a 256 KiB value
// builds cheaply (the values are shared) but would take hundreds of MB to
// encode; the engine checks this first.
func EncodedSizeExceeds(v any, limit int) bool {
	n := 0
	var walk func(v any)
	walk = func(v any) {
		if n > limit {
			return
		}
		switch t := v.(type) {
		case nil, bool:
			n += 4
		case string:
			n += len(t) + 2
		case []any:
			n += 1 + len(t)
			for _, e := range t {
				walk(e)
			}
		case map[string]any:
			n += 1 + len(t)
			for k, e := range t {
				n += len(k) + 3
				walk(e)
			}
		default:
			n++
		}
	}
	walk(v)
	return n > limit
}

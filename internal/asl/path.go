package asl

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/ohler55/ojg/jp"
)

// Path is a compiled JSONPath. A path that starts with "$$" reads the context object.
// Simple paths ($, $.a.b, $['a'][0]) are walked directly; any other path (filters,
// wildcards, slices, recursive descent) is evaluated by the ojg JSONPath library and
// yields the array of matches.
type Path struct {
	Raw  string
	Null bool // the field was JSON null (InputPath/OutputPath: {}, ResultPath: discard)

	context  bool      // "$$..."
	segments []segment // set when the path is a reference path
	expr     jp.Expr   // set otherwise
	definite bool      // expr selects at most one value (e.g. a negative index)
}

// segment is one step of a reference path: a key or an array index.
type segment struct {
	key   string
	index int
	isIdx bool
}

// pathKind says which form a field accepts.
type pathKind int

const (
	referencePath pathKind = iota // no filters, wildcards, slices (ResultPath, Choice Variable, *Path fields)
	fullPath                      // any JSONPath (InputPath, OutputPath, "k.$" values)
)

// compilePath parses a path string. allowContext says whether "$$" is allowed.
func compilePath(raw string, kind pathKind, allowContext bool) (*Path, error) {
	p := &Path{Raw: raw}
	body := raw
	if strings.HasPrefix(raw, "$$") {
		if !allowContext {
			return nil, fmt.Errorf("the context object path %q is not allowed here", raw)
		}
		p.context = true
		body = raw[1:]
	}
	if !strings.HasPrefix(body, "$") {
		return nil, fmt.Errorf("%q is not a JSONPath: it must start with '$'", raw)
	}
	if segs, ok := parseReferencePath(body); ok {
		p.segments = segs
		return p, nil
	}
	if kind == referencePath {
		return nil, fmt.Errorf("%q is not a valid reference path: only $, .name, ['name'] and [index] steps are allowed (no filters, wildcards or slices)", raw)
	}
	x, err := parseJSONPath(body)
	if err != nil {
		return nil, fmt.Errorf("%q is not a valid JSONPath: %v", raw, err)
	}
	p.expr = x
	p.definite = isDefinite(x)
	return p, nil
}

// isDefinite reports whether a JSONPath names one location (only names and single
// indexes): such a path yields its value, not an array of matches.
func isDefinite(x jp.Expr) bool {
	for _, f := range x {
		switch f.(type) {
		case jp.Root, jp.At, jp.Child, jp.Nth, jp.Bracket:
		default:
			return false
		}
	}
	return true
}

func parseJSONPath(s string) (x jp.Expr, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	x, err = jp.ParseString(s)
	if err == nil && len(x) == 0 {
		err = fmt.Errorf("empty path")
	}
	return x, err
}

// parseReferencePath parses $ followed by .name, ['name'] and [n] steps.
func parseReferencePath(s string) ([]segment, bool) {
	if s == "" || s[0] != '$' {
		return nil, false
	}
	segs := []segment{}
	i := 1
	for i < len(s) {
		switch s[i] {
		case '.':
			j := i + 1
			for j < len(s) && s[j] != '.' && s[j] != '[' {
				j++
			}
			name := s[i+1 : j]
			if name == "" || strings.ContainsAny(name, "]*?@,:()'\" ") {
				return nil, false
			}
			segs = append(segs, segment{key: name})
			i = j
		case '[':
			end := strings.IndexByte(s[i:], ']')
			if end < 0 {
				return nil, false
			}
			inner := s[i+1 : i+end]
			if len(inner) >= 2 && (inner[0] == '\'' && inner[len(inner)-1] == '\'' || inner[0] == '"' && inner[len(inner)-1] == '"') {
				name := inner[1 : len(inner)-1]
				if strings.ContainsAny(name, "'\"\\") {
					return nil, false
				}
				segs = append(segs, segment{key: name})
			} else {
				n, err := strconv.Atoi(inner)
				if err != nil || n < 0 || inner[0] == '+' {
					return nil, false
				}
				segs = append(segs, segment{index: n, isIdx: true})
			}
			i += end + 1
		default:
			return nil, false
		}
	}
	return segs, true
}

// IsReference reports whether the path is a reference path (it selects one value).
func (p *Path) IsReference() bool { return p != nil && p.expr == nil }

// IsContext reports whether the path reads the context object ("$$").
func (p *Path) IsContext() bool { return p != nil && p.context }

func (p *Path) String() string {
	if p == nil {
		return "$"
	}
	if p.Null {
		return "null"
	}
	return p.Raw
}

// Eval selects from input (or from the context object for "$$" paths). A reference
// path (or any path naming one location, like $.a[-1]) that matches nothing fails with
// States.Runtime; any other path returns the array of its matches.
func (p *Path) Eval(input any, ctx *Context) (any, error) {
	v, ok, err := p.lookup(input, ctx)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, errorf(ErrRuntime, "Invalid path '%s' : No results for path: %s in the input %s", p.Raw, p.Raw, truncate(compactJSON(p.source(input, ctx)), 200))
	}
	return v, nil
}

// lookup is Eval that reports "no match" as ok=false instead of an error.
func (p *Path) lookup(input any, ctx *Context) (v any, ok bool, err error) {
	if p.expr == nil {
		if p.context {
			v, ok = ctx.lookup(p.segments)
		} else {
			v, ok = walk(input, p.segments)
		}
		return v, ok, nil
	}
	src := p.source(input, ctx)
	// Filters, wildcards and recursive descent may visit the whole source.
	if err := ctx.charge(weight(src, ctx.remaining())); err != nil {
		return nil, false, err
	}
	defer func() {
		if r := recover(); r != nil {
			v, ok, err = nil, false, errorf(ErrRuntime, "the JSONPath %s could not be evaluated: %v", p.Raw, r)
		}
	}()
	res := p.expr.Get(src)
	if p.definite {
		if len(res) == 0 {
			return nil, false, nil
		}
		return res[0], true, nil
	}
	if res == nil {
		res = []any{}
	}
	out := make([]any, len(res))
	copy(out, res)
	return out, true, nil
}

func (p *Path) source(input any, ctx *Context) any {
	if p.context {
		return ctx.Value()
	}
	return input
}

func walk(v any, segs []segment) (any, bool) {
	for _, s := range segs {
		if s.isIdx {
			arr, ok := v.([]any)
			if !ok || s.index >= len(arr) {
				return nil, false
			}
			v = arr[s.index]
			continue
		}
		m, ok := v.(map[string]any)
		if !ok {
			return nil, false
		}
		v, ok = m[s.key]
		if !ok {
			return nil, false
		}
	}
	return v, true
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}

// applyInputOutputPath applies an InputPath or OutputPath: nil keeps the value, null
// gives {}.
func applyInputOutputPath(p *Path, v any, ctx *Context) (any, error) {
	if p == nil {
		return v, nil
	}
	if p.Null {
		return map[string]any{}, nil
	}
	return p.Eval(v, ctx)
}

// ApplyResultPath places result into input at p and returns the new value; input is not
// modified (objects on the way are copied). nil p ("$") returns result; a null ResultPath
// returns input unchanged. Missing intermediate objects are created; a step through a
// value that is not an object fails with States.ResultPathMatchFailure.
func ApplyResultPath(p *Path, input, result any) (any, error) {
	if p == nil {
		return result, nil
	}
	if p.Null {
		return input, nil
	}
	if len(p.segments) == 0 && p.expr == nil {
		return result, nil
	}
	out, err := setAt(input, p.segments, result)
	if err != nil {
		return nil, &Error{Name: ErrResultPathMatchFailure, Cause: fmt.Sprintf("Unable to apply ResultPath %q to input %s: %v", p.Raw, truncate(compactJSON(input), 200), err)}
	}
	return out, nil
}

func setAt(v any, segs []segment, result any) (any, error) {
	if len(segs) == 0 {
		return result, nil
	}
	s := segs[0]
	if s.isIdx {
		arr, ok := v.([]any)
		if !ok {
			return nil, fmt.Errorf("[%d] needs an array, found %s", s.index, typeName(v))
		}
		if s.index >= len(arr) {
			return nil, fmt.Errorf("index %d is out of range for an array of %d items", s.index, len(arr))
		}
		child, err := setAt(arr[s.index], segs[1:], result)
		if err != nil {
			return nil, err
		}
		cp := append([]any(nil), arr...)
		cp[s.index] = child
		return cp, nil
	}
	var m map[string]any
	switch t := v.(type) {
	case map[string]any:
		m = t
	default:
		return nil, fmt.Errorf("field %q needs an object, found %s", s.key, typeName(v))
	}
	existing, ok := m[s.key]
	if !ok {
		existing = map[string]any{}
	}
	if !ok && len(segs) > 1 && segs[1].isIdx {
		return nil, fmt.Errorf("field %q does not exist, so index [%d] cannot be set", s.key, segs[1].index)
	}
	child, err := setAt(existing, segs[1:], result)
	if err != nil {
		return nil, err
	}
	cp := make(map[string]any, len(m)+1)
	for k, e := range m {
		cp[k] = e
	}
	cp[s.key] = child
	return cp, nil
}

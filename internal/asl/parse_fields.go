package asl

import (
	"fmt"
	"math"
	"strings"
)

// parser collects diagnostics while it reads a definition.
type parser struct {
	diags []Diagnostic
	names map[string]string // state name → where it was first defined (names are global)
}

func (p *parser) add(code, loc, format string, args ...any) {
	p.diags = append(p.diags, Diagnostic{Severity: "ERROR", Code: code, Location: loc, Message: fmt.Sprintf(format, args...)})
}

func (p *parser) schema(loc, format string, args ...any) {
	p.add(CodeSchemaValidation, loc, format, args...)
}

// where names the place of a field in messages: `state "X", field "Y"` or `field "Y"`.
type where struct {
	state string // "" at the top level of a definition
	loc   string // location of the enclosing object
}

func (w where) field(name string) string {
	if w.state == "" {
		return fmt.Sprintf("field %q", name)
	}
	return fmt.Sprintf("state %q, field %q", w.state, name)
}

func (w where) at(name string) string { return w.loc + "/" + name }

func (p *parser) str(o *object, w where, key string, required bool) (string, bool) {
	v, ok := o.get(key)
	if !ok {
		if required {
			p.schema(w.loc, "%s is required", w.field(key))
		}
		return "", false
	}
	s, isStr := v.(string)
	if !isStr {
		p.schema(w.at(key), "%s must be a string, not %s", w.field(key), typeName(v))
		return "", false
	}
	return s, true
}

// target reads a field naming a state (StartAt, Next, Default): a non-empty string.
func (p *parser) target(o *object, w where, key string, required bool) (string, bool) {
	s, ok := p.str(o, w, key, required)
	if ok && s == "" {
		p.add(CodeMissingTransition, w.at(key), "%s must name a state, not be empty", w.field(key))
	}
	return s, ok
}

func (p *parser) integer(o *object, w where, key string, lo, hi int64) (int, bool) {
	v, ok := o.get(key)
	if !ok {
		return 0, false
	}
	n, isInt := v.(int64)
	if !isInt {
		if f, isF := v.(float64); isF && f == math.Trunc(f) && math.Abs(f) < 1e15 {
			n, isInt = int64(f), true
		}
	}
	if !isInt {
		p.schema(w.at(key), "%s must be an integer, not %s", w.field(key), typeName(v))
		return 0, false
	}
	if n < lo || n > hi {
		p.schema(w.at(key), "%s must be between %d and %d, got %d", w.field(key), lo, hi, n)
		return 0, false
	}
	return int(n), true
}

func (p *parser) boolean(o *object, w where, key string) (bool, bool) {
	v, ok := o.get(key)
	if !ok {
		return false, false
	}
	b, isBool := v.(bool)
	if !isBool {
		p.schema(w.at(key), "%s must be a boolean, not %s", w.field(key), typeName(v))
		return false, false
	}
	return b, true
}

// path reads a path field; allowNull accepts JSON null (Path.Null set).
func (p *parser) path(o *object, w where, key string, kind pathKind, allowNull, allowContext bool) *Path {
	v, ok := o.get(key)
	if !ok {
		return nil
	}
	if v == nil {
		if allowNull {
			return &Path{Null: true}
		}
		p.schema(w.at(key), "%s must be a path string, not null", w.field(key))
		return nil
	}
	s, isStr := v.(string)
	if !isStr {
		p.schema(w.at(key), "%s must be a JSONPath string, not %s", w.field(key), typeName(v))
		return nil
	}
	path, err := compilePath(s, kind, allowContext)
	if err != nil {
		p.schema(w.at(key), "%s: %v", w.field(key), err)
		return nil
	}
	return path
}

func (p *parser) template(o *object, w where, key string) *Template {
	v, ok := o.get(key)
	if !ok {
		return nil
	}
	return compileTemplate(v, w.at(key), func(loc, msg string) {
		p.schema(loc, "%s: %s", w.field(key), msg)
	})
}

// checkFields reports fields that the object may not have. unsupported maps field names
// drsorch knowingly refuses to an explanation.
func (p *parser) checkFields(o *object, w where, allowed []string, unsupported map[string]string) {
	for _, k := range o.dups {
		p.schema(w.at(k), "%s appears more than once", w.field(k))
	}
	for _, k := range o.keys {
		if why, ok := unsupported[k]; ok {
			p.add(CodeSchemaValidation, w.at(k), "%s is not supported by drsorch: %s", w.field(k), why)
			continue
		}
		found := false
		for _, a := range allowed {
			if a == k {
				found = true
				break
			}
		}
		if !found {
			what := "the top level of the definition"
			if w.state != "" {
				what = fmt.Sprintf("state %q", w.state)
			}
			p.schema(w.at(k), "the field %q is not supported in %s (allowed: %s)", k, what, strings.Join(allowed, ", "))
		}
	}
}

// unsupportedEverywhere lists JSONata and variable fields, refused wherever they appear.
var unsupportedEverywhere = map[string]string{
	"Arguments": "it belongs to the JSONata query language; use Parameters (JSONPath)",
	"Output":    "it belongs to the JSONata query language; use OutputPath/ResultSelector (JSONPath)",
	"Assign":    "workflow variables are not supported; pass data through the state input and ResultPath",
}

func mergeUnsupported(extra map[string]string) map[string]string {
	m := make(map[string]string, len(unsupportedEverywhere)+len(extra))
	for k, v := range unsupportedEverywhere {
		m[k] = v
	}
	for k, v := range extra {
		m[k] = v
	}
	return m
}

// queryLanguage accepts QueryLanguage "JSONPath" and refuses "JSONata".
func (p *parser) queryLanguage(o *object, w where) {
	s, ok := p.str(o, w, "QueryLanguage", false)
	if !ok {
		return
	}
	switch s {
	case "JSONPath":
	case "JSONata":
		p.schema(w.at("QueryLanguage"), "%s: the JSONata query language is not supported by drsorch; use JSONPath", w.field("QueryLanguage"))
	default:
		p.schema(w.at("QueryLanguage"), "%s must be \"JSONPath\" or \"JSONata\", got %q", w.field("QueryLanguage"), s)
	}
}

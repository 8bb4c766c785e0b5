package asl

import (
	"fmt"
	"strings"
)

func (p *parser) choice(st *State, o *object, w where, depth int) {
	st.Default, _ = p.target(o, w, "Default", false)
	v, ok := o.get("Choices")
	if !ok {
		p.schema(w.loc, "%s is required", w.field("Choices"))
		return
	}
	arr, ok := v.([]any)
	if !ok || len(arr) == 0 {
		p.schema(w.at("Choices"), "%s must be a non-empty array of rules", w.field("Choices"))
		return
	}
	for i, r := range arr {
		rule := p.choiceRule(r, st.Name, fmt.Sprintf("%s/Choices[%d]", w.loc, i), true, depth)
		if rule != nil {
			st.Choices = append(st.Choices, rule)
		}
	}
}

func (p *parser) choiceRule(v any, state, loc string, top bool, depth int) *ChoiceRule {
	o, ok := v.(*object)
	if !ok {
		p.schema(loc, "state %q: a choice rule must be an object, not %s", state, typeName(v))
		return nil
	}
	if depth > maxNestingDepth*4 {
		p.add(CodeTooDeeplyNested, loc, "state %q: choice rules are nested too deeply", state)
		return nil
	}
	w := where{state: state, loc: loc}
	r := &ChoiceRule{}
	var ops []string
	for _, k := range o.keys {
		switch k {
		case "Variable", "Comment":
		case "Next":
			if !top {
				p.schema(w.at(k), "state %q: a nested choice rule (inside And, Or or Not) must not have Next", state)
			}
		case "And", "Or", "Not":
			ops = append(ops, k)
		default:
			if _, _, known := lookupOperator(k); known {
				ops = append(ops, k)
			} else if why, bad := unsupportedEverywhere[k]; bad {
				p.schema(w.at(k), "state %q, field %q is not supported by drsorch: %s", state, k, why)
			} else if k == "Condition" {
				p.schema(w.at(k), "state %q: Condition belongs to the JSONata query language, which drsorch does not support; use Variable and a comparison operator", state)
			} else {
				p.schema(w.at(k), "state %q: %q is not a choice rule field or comparison operator", state, k)
			}
		}
	}
	for _, k := range o.dups {
		p.schema(w.at(k), "state %q: the field %q appears more than once in a choice rule", state, k)
	}
	if top {
		r.Next, _ = p.target(o, w, "Next", true)
	}
	if len(ops) != 1 {
		p.schema(loc, "state %q: a choice rule needs exactly one comparison operator or And/Or/Not, found %d (%s)", state, len(ops), strings.Join(ops, ", "))
		return nil
	}
	r.Operator = ops[0]
	operand, _ := o.get(r.Operator)
	switch r.Operator {
	case "And", "Or":
		if _, has := o.get("Variable"); has {
			p.schema(w.at("Variable"), "state %q: an %s rule must not have a Variable", state, r.Operator)
		}
		arr, ok := operand.([]any)
		if !ok || len(arr) == 0 {
			p.schema(w.at(r.Operator), "state %q: %s must be a non-empty array of rules", state, r.Operator)
			return nil
		}
		for i, c := range arr {
			if cr := p.choiceRule(c, state, fmt.Sprintf("%s/%s[%d]", loc, r.Operator, i), false, depth+1); cr != nil {
				r.Rules = append(r.Rules, cr)
			}
		}
		return r
	case "Not":
		if _, has := o.get("Variable"); has {
			p.schema(w.at("Variable"), "state %q: a Not rule must not have a Variable", state)
		}
		r.Not = p.choiceRule(operand, state, loc+"/Not", false, depth+1)
		if r.Not == nil {
			return nil
		}
		return r
	}
	r.Variable = p.path(o, w, "Variable", referencePath, false, true)
	if _, has := o.get("Variable"); !has {
		p.schema(loc, "state %q: the %s rule needs a Variable", state, r.Operator)
	}
	base, isPath, _ := lookupOperator(r.Operator)
	r.base = base
	if isPath {
		r.ValuePath = p.path(o, w, r.Operator, referencePath, false, true)
		return r
	}
	r.Value = operand
	switch choiceOperators[base] {
	case "string":
		s, ok := operand.(string)
		if !ok {
			p.schema(w.at(r.Operator), "state %q: %s needs a string, not %s", state, r.Operator, typeName(operand))
			return nil
		}
		if base == "StringMatches" {
			pat, err := compileGlob(s)
			if err != nil {
				p.schema(w.at(r.Operator), "state %q: %v", state, err)
			}
			r.pattern = pat
		}
	case "number":
		if !isNumber(operand) {
			p.schema(w.at(r.Operator), "state %q: %s needs a number, not %s", state, r.Operator, typeName(operand))
			return nil
		}
	case "boolean":
		if _, ok := operand.(bool); !ok {
			p.schema(w.at(r.Operator), "state %q: %s needs true or false, not %s", state, r.Operator, typeName(operand))
			return nil
		}
	case "timestamp":
		s, _ := operand.(string)
		t, ok := ParseTimestamp(s)
		if !ok {
			p.schema(w.at(r.Operator), "state %q: %s needs an RFC 3339 timestamp string such as 2026-01-02T15:04:05Z, got %s", state, r.Operator, compactJSON(plain(operand)))
			return nil
		}
		r.ts = t
	}
	return r
}

// knownErrorNames are the States.* names a Retry or Catch may list.
var knownErrorNames = map[string]bool{
	ErrAll: true, ErrTaskFailed: true, ErrTimeout: true, ErrHeartbeatTimeout: true, ErrRuntime: true,
	ErrIntrinsicFailure: true, ErrNoChoiceMatched: true, ErrDataLimitExceeded: true,
	ErrResultPathMatchFailure: true, ErrParameterPathFailure: true, ErrBranchFailed: true,
	ErrExceedToleratedFailureThreshold: true, ErrItemReaderFailed: true, ErrPermissions: true,
	"States.QueryEvaluationError": true,
}

// errorEquals reads an ErrorEquals list. States.ALL must be alone; last says whether
// this retrier/catcher is the last one (States.ALL must be).
func (p *parser) errorEquals(o *object, w where, last bool) []string {
	v, ok := o.get("ErrorEquals")
	if !ok {
		p.schema(w.loc, "%s is required", w.field("ErrorEquals"))
		return nil
	}
	arr, ok := v.([]any)
	if !ok || len(arr) == 0 {
		p.schema(w.at("ErrorEquals"), "%s must be a non-empty array of error names", w.field("ErrorEquals"))
		return nil
	}
	var names []string
	for _, e := range arr {
		s, ok := e.(string)
		if !ok {
			p.schema(w.at("ErrorEquals"), "%s must hold strings, found %s", w.field("ErrorEquals"), typeName(e))
			continue
		}
		if strings.HasPrefix(s, "States.") && !knownErrorNames[s] {
			p.schema(w.at("ErrorEquals"), "%s: %q is not a predefined error name (names starting with \"States.\" are reserved)", w.field("ErrorEquals"), s)
		}
		if s == ErrAll {
			if len(arr) != 1 {
				p.schema(w.at("ErrorEquals"), "%s: States.ALL must appear alone in its ErrorEquals", w.field("ErrorEquals"))
			}
			if !last {
				p.schema(w.at("ErrorEquals"), "%s: the entry with States.ALL must be the last one", w.field("ErrorEquals"))
			}
		}
		names = append(names, s)
	}
	return names
}

func (p *parser) objectList(o *object, w where, key string) []*object {
	v, ok := o.get(key)
	if !ok {
		return nil
	}
	arr, ok := v.([]any)
	if !ok {
		p.schema(w.at(key), "%s must be an array, not %s", w.field(key), typeName(v))
		return nil
	}
	out := make([]*object, 0, len(arr))
	for i, e := range arr {
		eo, ok := e.(*object)
		if !ok {
			p.schema(fmt.Sprintf("%s[%d]", w.at(key), i), "%s: every entry must be an object, not %s", w.field(key), typeName(e))
			continue
		}
		out = append(out, eo)
	}
	return out
}

func (p *parser) retriers(o *object, w where) []Retrier {
	list := p.objectList(o, w, "Retry")
	var out []Retrier
	for i, ro := range list {
		rw := where{state: w.state, loc: fmt.Sprintf("%s[%d]", w.at("Retry"), i)}
		p.checkFields(ro, rw, []string{"ErrorEquals", "IntervalSeconds", "MaxAttempts", "BackoffRate", "MaxDelaySeconds", "JitterStrategy", "Comment"}, nil)
		r := Retrier{IntervalSeconds: 1, MaxAttempts: 3, BackoffRate: 2.0, JitterStrategy: "NONE"}
		r.ErrorEquals = p.errorEquals(ro, rw, i == len(list)-1)
		if n, ok := p.integer(ro, rw, "IntervalSeconds", 1, maxSeconds); ok {
			r.IntervalSeconds = n
		}
		if n, ok := p.integer(ro, rw, "MaxAttempts", 0, maxSeconds); ok {
			r.MaxAttempts = n
		}
		if n, ok := p.integer(ro, rw, "MaxDelaySeconds", 1, 31622400); ok {
			r.MaxDelaySeconds = n
		}
		if v, ok := ro.get("BackoffRate"); ok {
			f, isNum := asFloat(v)
			if !isNum || f < 1.0 {
				p.schema(rw.at("BackoffRate"), "%s must be a number of at least 1.0, got %s", rw.field("BackoffRate"), compactJSON(plain(v)))
			} else {
				r.BackoffRate = f
			}
		}
		if s, ok := p.str(ro, rw, "JitterStrategy", false); ok {
			if s != "FULL" && s != "NONE" {
				p.schema(rw.at("JitterStrategy"), "%s must be FULL or NONE, got %q", rw.field("JitterStrategy"), s)
			}
			r.JitterStrategy = s
		}
		out = append(out, r)
	}
	return out
}

func (p *parser) catchers(o *object, w where) []Catcher {
	list := p.objectList(o, w, "Catch")
	var out []Catcher
	for i, co := range list {
		cw := where{state: w.state, loc: fmt.Sprintf("%s[%d]", w.at("Catch"), i)}
		p.checkFields(co, cw, []string{"ErrorEquals", "Next", "ResultPath", "Comment"}, unsupportedEverywhere)
		c := Catcher{}
		c.ErrorEquals = p.errorEquals(co, cw, i == len(list)-1)
		c.Next, _ = p.target(co, cw, "Next", true)
		c.ResultPath = p.path(co, cw, "ResultPath", referencePath, true, false)
		out = append(out, c)
	}
	return out
}

package asl

import (
	"fmt"
	"strings"
)

// Template is a compiled payload template (Parameters, ResultSelector, ItemSelector):
// JSON whose "key.$" fields take their value from a path, a context path or an
// intrinsic function, at any depth, inside objects and arrays.
type Template struct {
	root *tnode
}

type tnode struct {
	lit    any // static subtree (shared: never modified)
	static bool
	fields []tfield // object
	items  []*tnode // array
	isArr  bool
	expr   *Expr // dynamic value of a "key.$" field
	field  string
}

type tfield struct {
	key  string
	node *tnode
}

// compileTemplate compiles a definition node; problems are reported through report
// with the location of the offending field.
func compileTemplate(v any, loc string, report func(loc, msg string)) *Template {
	if _, ok := v.(*object); !ok {
		report(loc, fmt.Sprintf("must be a JSON object, not %s", typeName(v)))
		return nil
	}
	return &Template{root: compileTNode(v, loc, report)}
}

func compileTNode(v any, loc string, report func(loc, msg string)) *tnode {
	switch t := v.(type) {
	case *object:
		n := &tnode{}
		dynamic := false
		for _, k := range t.keys {
			child := t.vals[k]
			if strings.HasSuffix(k, ".$") {
				name := strings.TrimSuffix(k, ".$")
				s, ok := child.(string)
				if !ok {
					report(loc+"/"+k, fmt.Sprintf("the value of %q must be a string holding a JSONPath or an intrinsic function, not %s", k, typeName(child)))
					continue
				}
				e, err := compileExpr(s, fullPath)
				if err != nil {
					report(loc+"/"+k, fmt.Sprintf("the value of %q is invalid: %v", k, err))
					continue
				}
				if _, clash := t.vals[name]; clash {
					report(loc+"/"+k, fmt.Sprintf("fields %q and %q both set %q", name, k, name))
				}
				n.fields = append(n.fields, tfield{key: name, node: &tnode{expr: e, field: k}})
				dynamic = true
				continue
			}
			c := compileTNode(child, loc+"/"+k, report)
			dynamic = dynamic || !c.static
			n.fields = append(n.fields, tfield{key: k, node: c})
		}
		if !dynamic {
			return &tnode{static: true, lit: plain(v)}
		}
		return n
	case []any:
		n := &tnode{isArr: true}
		dynamic := false
		for i, e := range t {
			c := compileTNode(e, fmt.Sprintf("%s[%d]", loc, i), report)
			dynamic = dynamic || !c.static
			n.items = append(n.items, c)
		}
		if !dynamic {
			return &tnode{static: true, lit: plain(v)}
		}
		return n
	default:
		return &tnode{static: true, lit: v}
	}
}

// Eval builds the payload from input (and ctx for "$$" paths). A path that matches
// nothing fails with States.Runtime, naming the field.
func (t *Template) Eval(input any, ctx *Context) (any, error) {
	if t == nil || t.root == nil {
		return input, nil
	}
	return t.root.eval(input, ctx)
}

func (n *tnode) eval(input any, ctx *Context) (any, error) {
	switch {
	case n.static:
		return n.lit, nil
	case n.expr != nil:
		v, err := n.expr.Eval(input, ctx)
		if err != nil {
			if e, ok := err.(*Error); ok && e.Name == ErrRuntime && n.expr.path != nil && !isBudgetError(e) {
				return nil, errorf(ErrRuntime, "The JSONPath '%s' specified for the field '%s' could not be found in the input '%s'",
					n.expr.Raw, n.field, truncate(compactJSON(n.expr.path.source(input, ctx)), 200))
			}
			return nil, err
		}
		return v, nil
	case n.isArr:
		out := make([]any, len(n.items))
		for i, c := range n.items {
			v, err := c.eval(input, ctx)
			if err != nil {
				return nil, err
			}
			out[i] = v
		}
		return out, nil
	default:
		out := make(map[string]any, len(n.fields))
		for _, f := range n.fields {
			v, err := f.node.eval(input, ctx)
			if err != nil {
				return nil, err
			}
			out[f.key] = v
		}
		return out, nil
	}
}

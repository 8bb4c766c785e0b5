package asl

import (
	"fmt"
	"strconv"
	"strings"
)

// Expr is a compiled dynamic value: the value of a "key.$" field, of ErrorPath or
// CausePath. It is a path ("$...", "$$...") or an intrinsic function call ("States.X(...)").
type Expr struct {
	Raw  string
	path *Path
	call *call
}

// call is one intrinsic function call.
type call struct {
	name string
	args []*arg
}

// arg is an intrinsic function argument: a literal, a path or a nested call.
type arg struct {
	lit    any
	rawLit string // a string literal as written, escapes kept (States.Format reads them)
	isStr  bool
	path   *Path
	call   *call
}

// maxIntrinsicNesting is AWS's limit on intrinsic functions nested in one field.
const maxIntrinsicNesting = 10

// compileExpr compiles a "key.$" value. kind says which paths are allowed.
func compileExpr(raw string, kind pathKind) (*Expr, error) {
	e := &Expr{Raw: raw}
	s := strings.TrimSpace(raw)
	switch {
	case strings.HasPrefix(s, "$"):
		p, err := compilePath(s, kind, true)
		if err != nil {
			return nil, err
		}
		e.path = p
	case strings.HasPrefix(s, "States."):
		ip := &intrinsicParser{src: s}
		c, err := ip.parseCall(0)
		if err != nil {
			return nil, fmt.Errorf("%q is not a valid intrinsic function call: %v", raw, err)
		}
		ip.skipSpace()
		if ip.pos != len(ip.src) {
			return nil, fmt.Errorf("%q is not a valid intrinsic function call: unexpected %q after the closing parenthesis", raw, ip.src[ip.pos:])
		}
		e.call = c
	default:
		return nil, fmt.Errorf("%q is neither a JSONPath (starting with '$') nor an intrinsic function (starting with 'States.')", raw)
	}
	return e, nil
}

// Eval computes the value. Paths that match nothing fail with States.Runtime; misuse of
// an intrinsic function fails with States.IntrinsicFailure.
func (e *Expr) Eval(input any, ctx *Context) (any, error) {
	if e.path != nil {
		return e.path.Eval(input, ctx)
	}
	return e.call.eval(input, ctx)
}

func (c *call) eval(input any, ctx *Context) (any, error) {
	fn := intrinsics[c.name]
	args := make([]any, len(c.args))
	for i, a := range c.args {
		switch {
		case a.call != nil:
			v, err := a.call.eval(input, ctx)
			if err != nil {
				return nil, err
			}
			args[i] = v
		case a.path != nil:
			v, err := a.path.Eval(input, ctx)
			if err != nil {
				return nil, err
			}
			args[i] = v
		default:
			args[i] = a.lit
		}
	}
	if err := ctx.chargeCall(c.name, args); err != nil {
		return nil, err
	}
	v, err := fn.impl(c, args)
	if err != nil {
		if e, ok := err.(*Error); ok {
			return nil, e
		}
		return nil, &Error{Name: ErrIntrinsicFailure, Cause: fmt.Sprintf("Invalid arguments in %s: %v", c.name, err)}
	}
	return v, nil
}

// intrinsicParser reads the intrinsic function grammar:
//
//	call := "States." Name "(" [ arg { "," arg } ] ")"
//	arg  := 'string' | number | true | false | null | path | call
type intrinsicParser struct {
	src string
	pos int
}

func (p *intrinsicParser) skipSpace() {
	for p.pos < len(p.src) && (p.src[p.pos] == ' ' || p.src[p.pos] == '\t' || p.src[p.pos] == '\n' || p.src[p.pos] == '\r') {
		p.pos++
	}
}

func (p *intrinsicParser) parseCall(depth int) (*call, error) {
	if depth >= maxIntrinsicNesting {
		return nil, fmt.Errorf("more than %d intrinsic functions are nested", maxIntrinsicNesting)
	}
	start := p.pos
	for p.pos < len(p.src) && (isIdentByte(p.src[p.pos]) || p.src[p.pos] == '.') {
		p.pos++
	}
	name := p.src[start:p.pos]
	if _, ok := intrinsics[name]; !ok {
		return nil, fmt.Errorf("unknown intrinsic function %q (supported: %s)", name, intrinsicNames())
	}
	p.skipSpace()
	if p.pos >= len(p.src) || p.src[p.pos] != '(' {
		return nil, fmt.Errorf("expected '(' after %s", name)
	}
	p.pos++
	c := &call{name: name}
	p.skipSpace()
	if p.pos < len(p.src) && p.src[p.pos] == ')' {
		p.pos++
		return c, nil
	}
	for {
		p.skipSpace()
		a, err := p.parseArg(depth)
		if err != nil {
			return nil, err
		}
		c.args = append(c.args, a)
		p.skipSpace()
		if p.pos >= len(p.src) {
			return nil, fmt.Errorf("missing ')' to close %s", name)
		}
		switch p.src[p.pos] {
		case ',':
			p.pos++
		case ')':
			p.pos++
			return c, nil
		default:
			return nil, fmt.Errorf("unexpected %q in the arguments of %s", p.src[p.pos], name)
		}
	}
}

func isIdentByte(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b == '_'
}

func (p *intrinsicParser) parseArg(depth int) (*arg, error) {
	if p.pos >= len(p.src) {
		return nil, fmt.Errorf("missing argument")
	}
	rest := p.src[p.pos:]
	switch {
	case rest[0] == '\'':
		raw, cooked, err := p.parseString()
		if err != nil {
			return nil, err
		}
		return &arg{lit: cooked, rawLit: raw, isStr: true}, nil
	case rest[0] == '$':
		text := p.scanPath()
		path, err := compilePath(strings.TrimSpace(text), fullPath, true)
		if err != nil {
			return nil, err
		}
		return &arg{path: path}, nil
	case strings.HasPrefix(rest, "States."):
		c, err := p.parseCall(depth + 1)
		if err != nil {
			return nil, err
		}
		return &arg{call: c}, nil
	}
	start := p.pos
	for p.pos < len(p.src) && !strings.ContainsRune(",) \t\r\n", rune(p.src[p.pos])) {
		p.pos++
	}
	tok := p.src[start:p.pos]
	switch tok {
	case "true":
		return &arg{lit: true}, nil
	case "false":
		return &arg{lit: false}, nil
	case "null":
		return &arg{lit: nil}, nil
	}
	if tok != "" && (tok[0] == '-' || tok[0] >= '0' && tok[0] <= '9') {
		if n, err := numberValue(tok); err == nil {
			if _, err := strconv.ParseFloat(tok, 64); err == nil {
				return &arg{lit: n}, nil
			}
		}
	}
	return nil, fmt.Errorf("invalid argument %q: use a 'quoted string', a number, true, false, null, a path or an intrinsic function", tok)
}

// parseString reads a single-quoted literal. \' \{ \} and \\ are escapes; the raw form
// keeps them for States.Format, the cooked form resolves them.
func (p *intrinsicParser) parseString() (raw, cooked string, err error) {
	p.pos++ // opening quote
	var rb, cb strings.Builder
	for p.pos < len(p.src) {
		ch := p.src[p.pos]
		switch ch {
		case '\\':
			if p.pos+1 >= len(p.src) {
				return "", "", fmt.Errorf("unterminated escape in a string literal")
			}
			next := p.src[p.pos+1]
			switch next {
			case '\'', '{', '}', '\\':
			default:
				return "", "", fmt.Errorf("invalid escape \\%c in a string literal (allowed: \\' \\{ \\} \\\\)", next)
			}
			rb.WriteByte('\\')
			rb.WriteByte(next)
			cb.WriteByte(next)
			p.pos += 2
		case '\'':
			p.pos++
			return rb.String(), cb.String(), nil
		default:
			rb.WriteByte(ch)
			cb.WriteByte(ch)
			p.pos++
		}
	}
	return "", "", fmt.Errorf("unterminated string literal")
}

// scanPath reads a path argument up to the ',' or ')' that ends it, skipping over
// brackets, parentheses and quotes inside filters.
func (p *intrinsicParser) scanPath() string {
	start := p.pos
	depth := 0
	var quote byte
	for p.pos < len(p.src) {
		ch := p.src[p.pos]
		switch {
		case quote != 0:
			if ch == '\\' {
				p.pos++
			} else if ch == quote {
				quote = 0
			}
		case ch == '\'' || ch == '"':
			quote = ch
		case ch == '[' || ch == '(':
			depth++
		case ch == ']' || ch == ')':
			if depth == 0 {
				return p.src[start:p.pos]
			}
			depth--
		case ch == ',' && depth == 0:
			return p.src[start:p.pos]
		}
		p.pos++
	}
	if p.pos > len(p.src) {
		p.pos = len(p.src)
	}
	return p.src[start:p.pos]
}

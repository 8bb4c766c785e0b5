package asl

import (
	"fmt"
	"strings"
	"time"
)

// ChoiceRule is one rule of a Choice state: a comparison of Variable with a literal
// (Value) or another path (ValuePath), or an And/Or/Not of nested rules. Top-level rules
// carry Next.
type ChoiceRule struct {
	Next      string
	Variable  *Path
	Operator  string // "StringEquals", "NumericLessThanPath", "IsPresent", "And", ...
	Value     any
	ValuePath *Path
	Rules     []*ChoiceRule // And, Or
	Not       *ChoiceRule

	base    string    // the operator without its "Path" suffix
	ts      time.Time // Timestamp* literal
	pattern []globPart
}

// operandType says what a comparison operator's literal operand must be.
var choiceOperators = map[string]string{
	"StringEquals": "string", "StringLessThan": "string", "StringGreaterThan": "string",
	"StringLessThanEquals": "string", "StringGreaterThanEquals": "string", "StringMatches": "string",
	"NumericEquals": "number", "NumericLessThan": "number", "NumericGreaterThan": "number",
	"NumericLessThanEquals": "number", "NumericGreaterThanEquals": "number",
	"BooleanEquals":   "boolean",
	"TimestampEquals": "timestamp", "TimestampLessThan": "timestamp", "TimestampGreaterThan": "timestamp",
	"TimestampLessThanEquals": "timestamp", "TimestampGreaterThanEquals": "timestamp",
	"IsNull": "boolean", "IsPresent": "boolean", "IsNumeric": "boolean", "IsString": "boolean",
	"IsBoolean": "boolean", "IsTimestamp": "boolean",
}

// hasPathVariant lists the operators that also exist with a "Path" suffix.
func hasPathVariant(op string) bool {
	return op != "StringMatches" && !strings.HasPrefix(op, "Is")
}

// lookupOperator resolves an operator name to its base operator and whether it is the
// Path variant.
func lookupOperator(name string) (base string, isPath, ok bool) {
	if _, ok := choiceOperators[name]; ok {
		return name, false, true
	}
	if b, found := strings.CutSuffix(name, "Path"); found {
		if _, ok := choiceOperators[b]; ok && hasPathVariant(b) {
			return b, true, true
		}
	}
	return "", false, false
}

// ParseTimestamp parses a timestamp as Step Functions accepts it: RFC 3339 with an
// uppercase T between date and time and an uppercase Z or a numeric offset.
func ParseTimestamp(s string) (time.Time, bool) {
	if len(s) < 20 || s[10] != 'T' || strings.ContainsRune(s, 'z') {
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, false
	}
	return t, true
}

// ChooseNext evaluates a Choice state: InputPath, then the rules in order, then Default.
// It returns the next state and the state's output (OutputPath applied). No match and
// no Default fails with States.NoChoiceMatched.
func (s *State) ChooseNext(raw any, ctx *Context) (string, any, error) {
	in, err := applyInputOutputPath(s.InputPath, raw, ctx)
	if err != nil {
		return "", nil, err
	}
	next := ""
	for _, r := range s.Choices {
		ok, err := r.Match(in, ctx)
		if err != nil {
			return "", nil, err
		}
		if ok {
			next = r.Next
			break
		}
	}
	if next == "" {
		if s.Default == "" {
			return "", nil, &Error{Name: ErrNoChoiceMatched, Cause: "No Matches!"}
		}
		next = s.Default
	}
	out, err := applyInputOutputPath(s.OutputPath, in, ctx)
	if err != nil {
		return "", nil, err
	}
	return next, out, nil
}

// Match evaluates the rule against the (effective) input. A Variable that does not
// exist fails with States.Runtime, except for IsPresent. Comparing values of the wrong
// type is false.
func (r *ChoiceRule) Match(input any, ctx *Context) (bool, error) {
	switch r.Operator {
	case "And":
		for _, c := range r.Rules {
			ok, err := c.Match(input, ctx)
			if err != nil || !ok {
				return false, err
			}
		}
		return true, nil
	case "Or":
		for _, c := range r.Rules {
			ok, err := c.Match(input, ctx)
			if err != nil || ok {
				return ok, err
			}
		}
		return false, nil
	case "Not":
		ok, err := r.Not.Match(input, ctx)
		return !ok && err == nil, err
	}
	v, found, err := r.Variable.lookup(input, ctx)
	if err != nil {
		return false, err
	}
	if r.base == "IsPresent" {
		return found == r.Value.(bool), nil
	}
	if !found {
		return false, errorf(ErrRuntime, "Invalid path '%s': The choice state's condition path references an invalid value.", r.Variable.Raw)
	}
	if strings.HasPrefix(r.base, "Is") {
		return isTest(r.base, v) == r.Value.(bool), nil
	}
	operand := r.Value
	if r.ValuePath != nil {
		o, found, err := r.ValuePath.lookup(input, ctx)
		if err != nil {
			return false, err
		}
		if !found {
			return false, errorf(ErrRuntime, "Invalid path '%s': The choice state's condition path references an invalid value.", r.ValuePath.Raw)
		}
		operand = o
	}
	return r.compare(v, operand), nil
}

func isTest(op string, v any) bool {
	switch op {
	case "IsNull":
		return v == nil
	case "IsNumeric":
		return isNumber(v)
	case "IsString":
		_, ok := v.(string)
		return ok
	case "IsBoolean":
		_, ok := v.(bool)
		return ok
	case "IsTimestamp":
		s, ok := v.(string)
		if !ok {
			return false
		}
		_, ok = ParseTimestamp(s)
		return ok
	}
	return false
}

// compare applies a comparison operator; a type mismatch is false.
func (r *ChoiceRule) compare(v, operand any) bool {
	kind := r.base
	switch {
	case strings.HasPrefix(kind, "String"):
		a, ok1 := v.(string)
		b, ok2 := operand.(string)
		if !ok1 || !ok2 {
			return false
		}
		if kind == "StringMatches" {
			return globMatch(r.pattern, a)
		}
		return ordered(kind, strings.Compare(a, b))
	case strings.HasPrefix(kind, "Numeric"):
		return numericCompare(kind, v, operand)
	case kind == "BooleanEquals":
		a, ok1 := v.(bool)
		b, ok2 := operand.(bool)
		return ok1 && ok2 && a == b
	case strings.HasPrefix(kind, "Timestamp"):
		a, ok := timestampOf(v)
		if !ok {
			return false
		}
		b := r.ts
		if r.ValuePath != nil {
			if b, ok = timestampOf(operand); !ok {
				return false
			}
		}
		return ordered(kind, a.Compare(b))
	}
	return false
}

func timestampOf(v any) (time.Time, bool) {
	s, ok := v.(string)
	if !ok {
		return time.Time{}, false
	}
	return ParseTimestamp(s)
}

func numericCompare(kind string, v, operand any) bool {
	if a, ok := v.(int64); ok {
		if b, ok := operand.(int64); ok {
			c := 0
			if a < b {
				c = -1
			} else if a > b {
				c = 1
			}
			return ordered(kind, c)
		}
	}
	a, ok1 := asFloat(v)
	b, ok2 := asFloat(operand)
	if !ok1 || !ok2 {
		return false
	}
	c := 0
	if a < b {
		c = -1
	} else if a > b {
		c = 1
	}
	return ordered(kind, c)
}

// ordered turns a comparison result into the operator's answer by its name suffix.
func ordered(kind string, c int) bool {
	switch {
	case strings.HasSuffix(kind, "LessThanEquals"):
		return c <= 0
	case strings.HasSuffix(kind, "GreaterThanEquals"):
		return c >= 0
	case strings.HasSuffix(kind, "LessThan"):
		return c < 0
	case strings.HasSuffix(kind, "GreaterThan"):
		return c > 0
	default: // Equals
		return c == 0
	}
}

// globPart is a literal run or a '*' of a StringMatches pattern.
type globPart struct {
	lit  string
	star bool
}

// compileGlob reads a StringMatches pattern: '*' matches any run of characters, "\*"
// is a literal star and "\\" a literal backslash.
func compileGlob(p string) ([]globPart, error) {
	var parts []globPart
	var cur strings.Builder
	for i := 0; i < len(p); i++ {
		switch p[i] {
		case '\\':
			if i+1 >= len(p) {
				return nil, fmt.Errorf("the pattern %q ends with a lone backslash (write \\\\ for a backslash)", p)
			}
			cur.WriteByte(p[i+1])
			i++
		case '*':
			if cur.Len() > 0 {
				parts = append(parts, globPart{lit: cur.String()})
				cur.Reset()
			}
			parts = append(parts, globPart{star: true})
		default:
			cur.WriteByte(p[i])
		}
	}
	if cur.Len() > 0 {
		parts = append(parts, globPart{lit: cur.String()})
	}
	return parts, nil
}

func globMatch(parts []globPart, s string) bool {
	if len(parts) == 0 {
		return s == ""
	}
	if !parts[0].star {
		rest, ok := strings.CutPrefix(s, parts[0].lit)
		return ok && globMatch(parts[1:], rest)
	}
	// collapse consecutive stars
	for len(parts) > 0 && parts[0].star {
		parts = parts[1:]
	}
	if len(parts) == 0 {
		return true
	}
	for i := 0; i <= len(s); i++ {
		if strings.HasPrefix(s[i:], parts[0].lit) && globMatch(parts, s[i:]) {
			return true
		}
	}
	return false
}

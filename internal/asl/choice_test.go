package asl

import (
	"fmt"
	"testing"
)

const choiceInput = `{"s":"beta","n":10,"f":2.5,"b":true,"ts":"2026-03-01T10:00:00Z","tsOff":"2026-03-01T12:00:00+02:00",
"nul":null,"other":"alpha","big":11,"obj":{},"file":"log-2026.txt","star":"a*b","bad":"2026-03-01t10:00:00z"}`

// rule compiles one rule through Parse so that the real validation path is used.
func choiceState(t *testing.T, rule string) *State {
	t.Helper()
	def := fmt.Sprintf(`{"StartAt":"C","States":{"C":{"Type":"Choice","Choices":[%s],"Default":"No"},
		"Yes":{"Type":"Succeed"},"No":{"Type":"Succeed"}}}`, rule)
	return mustParse(t, def).States["C"]
}

func TestChoiceRules(t *testing.T) {
	cases := []struct {
		rule string
		want string // "Yes", "No" or "!ErrorName"
	}{
		{`"Variable":"$.s","StringEquals":"beta"`, "Yes"},
		{`"Variable":"$.s","StringEquals":"Beta"`, "No"},
		{`"Variable":"$.n","StringEquals":"10"`, "No"}, // type mismatch is false
		{`"Variable":"$.s","StringLessThan":"gamma"`, "Yes"},
		{`"Variable":"$.s","StringGreaterThan":"alpha"`, "Yes"},
		{`"Variable":"$.s","StringLessThanEquals":"beta"`, "Yes"},
		{`"Variable":"$.s","StringGreaterThanEquals":"zeta"`, "No"},
		{`"Variable":"$.s","StringEqualsPath":"$.other"`, "No"},
		{`"Variable":"$.s","StringGreaterThanPath":"$.other"`, "Yes"},
		{`"Variable":"$.file","StringMatches":"log-*.txt"`, "Yes"},
		{`"Variable":"$.file","StringMatches":"*.csv"`, "No"},
		{`"Variable":"$.star","StringMatches":"a\\*b"`, "Yes"},
		{`"Variable":"$.file","StringMatches":"a\\*b"`, "No"},
		{`"Variable":"$.s","StringMatches":"*"`, "Yes"},
		{`"Variable":"$.n","NumericEquals":10`, "Yes"},
		{`"Variable":"$.n","NumericEquals":10.0`, "Yes"},
		{`"Variable":"$.f","NumericLessThan":3`, "Yes"},
		{`"Variable":"$.f","NumericGreaterThan":3`, "No"},
		{`"Variable":"$.n","NumericLessThanEquals":10`, "Yes"},
		{`"Variable":"$.n","NumericGreaterThanEquals":11`, "No"},
		{`"Variable":"$.s","NumericEquals":1`, "No"},
		{`"Variable":"$.n","NumericLessThanPath":"$.big"`, "Yes"},
		{`"Variable":"$.n","NumericEqualsPath":"$.s"`, "No"},
		{`"Variable":"$.b","BooleanEquals":true`, "Yes"},
		{`"Variable":"$.b","BooleanEqualsPath":"$.b"`, "Yes"},
		{`"Variable":"$.s","BooleanEquals":true`, "No"},
		{`"Variable":"$.ts","TimestampEquals":"2026-03-01T10:00:00Z"`, "Yes"},
		{`"Variable":"$.tsOff","TimestampEquals":"2026-03-01T10:00:00Z"`, "Yes"},
		{`"Variable":"$.ts","TimestampLessThan":"2026-03-01T10:00:00.001Z"`, "Yes"},
		{`"Variable":"$.ts","TimestampGreaterThan":"2026-03-01T10:00:00Z"`, "No"},
		{`"Variable":"$.ts","TimestampLessThanEquals":"2026-03-01T10:00:00Z"`, "Yes"},
		{`"Variable":"$.ts","TimestampGreaterThanEquals":"2027-01-01T00:00:00Z"`, "No"},
		{`"Variable":"$.ts","TimestampEqualsPath":"$.tsOff"`, "Yes"},
		{`"Variable":"$.s","TimestampEquals":"2026-03-01T10:00:00Z"`, "No"},
		{`"Variable":"$.bad","TimestampEquals":"2026-03-01T10:00:00Z"`, "No"},
		{`"Variable":"$.nul","IsNull":true`, "Yes"},
		{`"Variable":"$.s","IsNull":true`, "No"},
		{`"Variable":"$.s","IsNull":false`, "Yes"},
		{`"Variable":"$.s","IsPresent":true`, "Yes"},
		{`"Variable":"$.nul","IsPresent":true`, "Yes"},
		{`"Variable":"$.missing","IsPresent":true`, "No"},
		{`"Variable":"$.missing","IsPresent":false`, "Yes"},
		{`"Variable":"$.f","IsNumeric":true`, "Yes"},
		{`"Variable":"$.s","IsNumeric":true`, "No"},
		{`"Variable":"$.s","IsString":true`, "Yes"},
		{`"Variable":"$.b","IsBoolean":true`, "Yes"},
		{`"Variable":"$.ts","IsTimestamp":true`, "Yes"},
		{`"Variable":"$.s","IsTimestamp":true`, "No"},
		{`"Variable":"$.bad","IsTimestamp":true`, "No"},
		{`"Variable":"$.obj","IsString":false`, "Yes"},
		{`"And":[{"Variable":"$.n","NumericGreaterThan":5},{"Variable":"$.b","BooleanEquals":true}]`, "Yes"},
		{`"And":[{"Variable":"$.n","NumericGreaterThan":5},{"Variable":"$.b","BooleanEquals":false}]`, "No"},
		{`"Or":[{"Variable":"$.n","NumericGreaterThan":50},{"Variable":"$.b","BooleanEquals":true}]`, "Yes"},
		{`"Not":{"Variable":"$.s","StringEquals":"beta"}`, "No"},
		{`"Not":{"Or":[{"Variable":"$.s","StringEquals":"x"},{"And":[{"Variable":"$.n","NumericEquals":10},{"Variable":"$.missing","IsPresent":false}]}]}`, "No"},
		{`"Variable":"$.missing","StringEquals":"x"`, "!States.Runtime"},
		{`"Variable":"$.s","StringEqualsPath":"$.missing"`, "!States.Runtime"},
		{`"Variable":"$$.Execution.Name","StringEquals":"exec"`, "Yes"},
	}
	ctx := &Context{Execution: ExecutionContext{Name: "exec"}}
	for _, c := range cases {
		st := choiceState(t, `{`+c.rule+`,"Next":"Yes"}`)
		next, out, err := st.ChooseNext(js(t, choiceInput), ctx)
		if c.want[0] == '!' {
			if errName(err) != c.want[1:] {
				t.Errorf("%s: want %s, got %v %v", c.rule, c.want[1:], next, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", c.rule, err)
			continue
		}
		if next != c.want {
			t.Errorf("%s: went to %s, want %s", c.rule, next, c.want)
		}
		if enc(t, out) != canon(t, choiceInput) {
			t.Errorf("%s: the Choice output must be its input", c.rule)
		}
	}
}

func TestChoiceNoMatchAndPaths(t *testing.T) {
	sm := mustParse(t, `{"StartAt":"C","States":{"C":{"Type":"Choice","InputPath":"$.in","OutputPath":"$.keep",
		"Choices":[{"Variable":"$.n","NumericEquals":1,"Next":"Yes"}]},"Yes":{"Type":"Succeed"}}}`)
	st := sm.States["C"]
	next, out, err := st.ChooseNext(js(t, `{"in":{"n":1,"keep":{"k":true}}}`), nil)
	if err != nil || next != "Yes" || enc(t, out) != `{"k":true}` {
		t.Fatalf("got %v %v %v", next, enc(t, out), err)
	}
	_, _, err = st.ChooseNext(js(t, `{"in":{"n":2}}`), nil)
	if errName(err) != ErrNoChoiceMatched {
		t.Fatalf("want NoChoiceMatched, got %v", err)
	}
}

func TestParseTimestamp(t *testing.T) {
	for s, ok := range map[string]bool{
		"2026-03-01T10:00:00Z":          true,
		"2026-03-01T10:00:00.123456Z":   true,
		"2026-03-01T10:00:00+05:30":     true,
		"2026-03-01t10:00:00Z":          false,
		"2026-03-01T10:00:00z":          false,
		"2026-03-01 10:00:00Z":          false,
		"2026-03-01T10:00:00":           false,
		"2026-02-30T10:00:00Z":          false,
		"not a timestamp at all really": false,
	} {
		if _, got := ParseTimestamp(s); got != ok {
			t.Errorf("ParseTimestamp(%q) = %v, want %v", s, got, ok)
		}
	}
}

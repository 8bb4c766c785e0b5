package asl

import (
	"strings"
	"testing"
)

func TestErrorStrings(t *testing.T) {
	if s := (&Error{Name: "X"}).Error(); s != "X" {
		t.Errorf("%q", s)
	}
	if s := (&Error{Name: "X", Cause: "why"}).Error(); s != "X: why" {
		t.Errorf("%q", s)
	}
	_, err := Parse([]byte(wrap(`"A":{"Type":"Pass","Next":"Z"}`)))
	if err == nil || !strings.Contains(err.Error(), `"Z" is not a state`) || !strings.Contains(err.Error(), "/States/A/Next") {
		t.Errorf("DefinitionError message: %v", err)
	}
}

func TestJSONEqual(t *testing.T) {
	for _, c := range []struct {
		a, b string
		eq   bool
	}{
		{`1`, `1.0`, true}, {`1`, `2`, false}, {`"1"`, `1`, false}, {`null`, `null`, true},
		{`[1,[2]]`, `[1,[2]]`, true}, {`[1,2]`, `[2,1]`, false}, {`[1]`, `[1,1]`, false},
		{`{"a":1,"b":[true]}`, `{"b":[true],"a":1}`, true}, {`{"a":1}`, `{"a":2}`, false}, {`{"a":1}`, `{"b":1}`, false},
		{`{}`, `[]`, false},
	} {
		if got := jsonEqual(js(t, c.a), js(t, c.b)); got != c.eq {
			t.Errorf("jsonEqual(%s, %s) = %v", c.a, c.b, got)
		}
	}
}

func TestIntrinsicStringLimits(t *testing.T) {
	long := strings.Repeat("é", maxEncodedStringChars+1)
	in := map[string]any{"s": long, "ok": strings.Repeat("é", maxEncodedStringChars)}
	for expr, want := range map[string]string{
		`States.Base64Encode($.s)`:     ErrIntrinsicFailure,
		`States.Base64Encode($.ok)`:    "",
		`States.Hash($.s, 'SHA-256')`:  ErrIntrinsicFailure,
		`States.Base64Decode($.s)`:     ErrIntrinsicFailure,
		`States.Base64Encode(1)`:       ErrIntrinsicFailure,
		`States.JsonToString()`:        ErrIntrinsicFailure,
		`States.ArrayGetItem($.s, 0)`:  ErrIntrinsicFailure,
		`States.ArrayGetItem($.ok, 0)`: ErrIntrinsicFailure,
	} {
		e, err := compileExpr(expr, fullPath)
		if err != nil {
			t.Fatal(err)
		}
		_, err = e.Eval(in, nil)
		if errName(err) != want {
			t.Errorf("%s: got %v, want %q", expr, err, want)
		}
	}
}

func TestContextValue(t *testing.T) {
	var nilCtx *Context
	if enc(t, nilCtx.Value()) != `{}` {
		t.Errorf("nil context")
	}
	c := &Context{
		Execution:    ExecutionContext{ID: "e", Input: map[string]any{"k": int64(1)}, Name: "n", RoleArn: "r", StartTime: "2026-01-01T00:00:00.000Z", RedriveCount: 1},
		State:        StateContext{EnteredTime: "t", Name: "S", RetryCount: 2},
		StateMachine: StateMachineContext{ID: "sm", Name: "m"},
		Task:         &TaskContext{Token: "tok"},
		Map:          &MapContext{Item: MapItem{Index: 3, Value: "v"}},
	}
	want := `{"Execution":{"Id":"e","Input":{"k":1},"Name":"n","RedriveCount":1,"RoleArn":"r","StartTime":"2026-01-01T00:00:00.000Z"},` +
		`"Map":{"Item":{"Index":3,"Value":"v"}},"State":{"EnteredTime":"t","Name":"S","RetryCount":2},"StateMachine":{"Id":"sm","Name":"m"},"Task":{"Token":"tok"}}`
	if got := enc(t, c.Value()); got != want {
		t.Errorf("context value\n got %s\nwant %s", got, want)
	}
	p, _ := compilePath("$$.Map.Item.Index", fullPath, true)
	if !p.IsContext() || !p.IsReference() {
		t.Errorf("path kind")
	}
}

// The fast context lookup must agree with walking the full context object.
func TestContextLookupMatchesValue(t *testing.T) {
	full := &Context{
		Execution:    ExecutionContext{ID: "e", Input: map[string]any{"k": []any{int64(1)}}, Name: "n", RoleArn: "r", StartTime: "st"},
		State:        StateContext{EnteredTime: "t", Name: "S", RetryCount: 2},
		StateMachine: StateMachineContext{ID: "sm", Name: "m"},
		Task:         &TaskContext{Token: "tok"},
		Map:          &MapContext{Item: MapItem{Index: 3, Value: map[string]any{"v": true}}},
	}
	bare := &Context{}
	var none *Context
	paths := []string{"$$", "$$.Execution", "$$.Execution.Id", "$$.Execution.Input", "$$.Execution.Input.k[0]",
		"$$.Execution.Input.missing", "$$.Execution.Name", "$$.Execution.RoleArn", "$$.Execution.StartTime",
		"$$.Execution.RedriveCount", "$$.State.EnteredTime", "$$.State.Name", "$$.State.RetryCount", "$$.State.Nope",
		"$$.StateMachine.Id", "$$.StateMachine.Name", "$$.Task.Token", "$$.Task", "$$.Map.Item.Index",
		"$$.Map.Item.Value.v", "$$.Nope.X", "$$[0]", "$$.Execution.Id.x"}
	for _, c := range []*Context{full, bare, none} {
		for _, raw := range paths {
			p, err := compilePath(raw, referencePath, true)
			if err != nil {
				t.Fatal(err)
			}
			got, gotOK := c.lookup(p.segments)
			want, wantOK := walk(c.Value(), p.segments)
			if gotOK != wantOK || (gotOK && enc(t, got) != enc(t, want)) {
				t.Errorf("%s: lookup = %v %v, Value walk = %v %v", raw, got, gotOK, want, wantOK)
			}
		}
	}
}

package asl

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// FuzzParse feeds arbitrary definitions to Parse: it must never panic, and a definition
// it accepts must be usable by every helper without panicking.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.json")
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	for _, s := range []string{
		``, `{}`, `[]`, `null`, `{"StartAt":"A","States":{"A":{"Type":"Succeed"}}}`,
		wrap(`"A":{"Type":"Pass","Parameters":{"a.$":"States.Format('{}', $.x)"},"End":true}`),
		wrap(`"A":{"Type":"Choice","Choices":[{"Not":{"Variable":"$.a","StringMatches":"a*\\*"},"Next":"A"}],"Default":"B"},"B":{"Type":"Fail"}`),
		wrap(`"A":{"Type":"Map","ItemProcessor":{"StartAt":"B","States":{"B":{"Type":"Pass","End":true}}},"End":true}`),
		wrap(`"A":{"Type":"Pass","Parameters":{"x.$":"$.a[?(@.b > 1)]"},"End":true}`),
		wrap(`"A":{"Type":"Wait","TimestampPath":"$$.Execution.StartTime","End":true}`),
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, def []byte) {
		sm, err := Parse(def)
		if err != nil {
			if _, ok := err.(*DefinitionError); !ok {
				t.Fatalf("Parse returned %T, want *DefinitionError", err)
			}
			return
		}
		exercise(sm, map[string]any{"a": []any{int64(1), map[string]any{"b": int64(2)}}, "x": "s"})
	})
}

// exercise runs every helper of every state once; errors are fine, panics are not.
func exercise(sm *StateMachine, in any) {
	ctx := &Context{Task: &TaskContext{Token: "t"}, Map: &MapContext{Item: MapItem{Index: 0, Value: in}}}
	for _, st := range sm.States {
		eff, _ := st.EffectiveInput(in, ctx)
		_, _ = st.ApplyOutput(in, st.PassResult(eff), ctx)
		_, _, _ = st.ChooseNext(in, ctx)
		_, _, _ = st.WaitUntil(in, ctx, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
		_, _ = st.FailError(in, ctx)
		_, _ = st.Timeout(in, ctx)
		_, _ = st.Heartbeat(in, ctx)
		_, _ = st.MapItems(in, ctx)
		_, _ = st.MapItemInput(in, ctx)
		_, _ = st.MapMaxConcurrency(in, ctx)
		for _, b := range st.Branches {
			exercise(b, in)
		}
		if st.ItemProcessor != nil {
			exercise(st.ItemProcessor, in)
		}
	}
}

// FuzzIntrinsic compiles and evaluates arbitrary "key.$" expressions.
func FuzzIntrinsic(f *testing.F) {
	for _, s := range []string{
		`States.Format('a {} \{\}', $.x)`, `States.ArrayRange(1, 10, 3)`, `States.JsonMerge($, $, false)`,
		`States.StringSplit($.x, ',')`, `$.a[?(@.b == 2)]`, `States.Hash($.x, 'SHA-256')`, `States.MathRandom(1, 9, 3)`,
	} {
		f.Add(s)
	}
	in := map[string]any{"a": []any{int64(1), map[string]any{"b": int64(2)}}, "x": "s,t"}
	f.Fuzz(func(t *testing.T, expr string) {
		e, err := compileExpr(expr, fullPath)
		if err != nil {
			return
		}
		_, _ = e.Eval(in, &Context{})
	})
}

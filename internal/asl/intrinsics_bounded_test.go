package asl

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// evalOn compiles expr and evaluates it over input.
func evalOn(t testing.TB, expr string, input any) (any, error) {
	t.Helper()
	e, err := compileExpr(expr, fullPath)
	if err != nil {
		t.Fatalf("compile %s: %v", expr, err)
	}
	return e.Eval(input, &Context{})
}

// bigStrings is an array of n distinct short strings, then every one of them again:
// about the largest array a 256 KiB payload can hold.
func bigStrings(n int) []any {
	out := make([]any, 0, 2*n)
	for i := range 2 * n {
		out = append(out, fmt.Sprintf("%x", i%n))
	}
	return out
}

// A pairwise ArrayUnique took ~23 s for 45,000 strings; the hash set takes
// milliseconds. The bound is generous for a loaded machine yet far below the
// quadratic time.
func TestArrayUniqueIsNearLinear(t *testing.T) {
	in := map[string]any{"a": bigStrings(40000)}
	start := time.Now()
	v, err := evalOn(t, `States.ArrayUnique($.a)`, in)
	took := time.Since(start)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(v.([]any)); n != 40000 {
		t.Fatalf("got %d unique items, want 40000", n)
	}
	if took > 2*time.Second {
		t.Fatalf("ArrayUnique over 80,000 strings took %v", took)
	}
}

// The hash set keeps jsonEqual's meaning: numbers by value, objects whatever their key
// order, first occurrence kept, arrays by order.
func TestArrayUniqueSemantics(t *testing.T) {
	in := js(t, `{"a":[1,1.0,-0.0,0,"1",{"x":1,"y":[2,3]},{"y":[2,3.0],"x":1},[1,2],[2,1],[1,2],null,null,true,false,true,{"x":"1"},1e300,1e300,9007199254740993]}`)
	v, err := evalOn(t, `States.ArrayUnique($.a)`, in)
	if err != nil {
		t.Fatal(err)
	}
	want := `[1,-0,"1",{"x":1,"y":[2,3]},[1,2],[2,1],null,true,false,{"x":"1"},1e+300,9007199254740993]`
	if got := compactJSON(v); got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
}

// StringSplit with a long delimiter string once scanned the delimiters for every
// character of the input.
func TestStringSplitManyDelimitersIsNearLinear(t *testing.T) {
	var delims strings.Builder
	for r := rune(0x4e00); r < 0x4e00+20000; r++ {
		delims.WriteRune(r)
	}
	s := strings.Repeat("\u00e9", 60000) + "\u4e01" + strings.Repeat("b", 60000)
	in := map[string]any{"s": s, "d": delims.String()}
	start := time.Now()
	v, err := evalOn(t, `States.StringSplit($.s, $.d)`, in)
	took := time.Since(start)
	if err != nil {
		t.Fatal(err)
	}
	if parts := v.([]any); len(parts) != 2 || parts[1] != strings.Repeat("b", 60000) {
		t.Fatalf("got %d parts", len(parts))
	}
	if took > 2*time.Second {
		t.Fatalf("StringSplit took %v", took)
	}
}

// The limits the AWS page documents, one character either side.
func TestIntrinsicInputLimits(t *testing.T) {
	ok := strings.Repeat("a", 10000)
	long := ok + "a"
	b64ok := strings.Repeat("QUJD", 2500)
	for _, c := range []struct {
		expr  string
		input string
		fails bool
	}{
		{`States.Base64Encode($.s)`, ok, false},
		{`States.Base64Encode($.s)`, long, true},
		{`States.Base64Decode($.s)`, b64ok, false},
		{`States.Base64Decode($.s)`, b64ok + "QUJD", true},
		{`States.Hash($.s, 'SHA-256')`, ok, false},
		{`States.Hash($.s, 'SHA-256')`, long, true},
		{`States.ArrayRange(1, 1000, 1)`, "", false},
		{`States.ArrayRange(0, 1000, 1)`, "", true},
	} {
		_, err := evalOn(t, c.expr, map[string]any{"s": c.input})
		if (err != nil) != c.fails {
			t.Errorf("%s over %d chars: err = %v, want failure %v", c.expr, len(c.input), err, c.fails)
		}
		if err != nil {
			if e, ok := err.(*Error); !ok || e.Name != ErrIntrinsicFailure {
				t.Errorf("%s: got %v, want States.IntrinsicFailure", c.expr, err)
			}
		}
	}
}

// BenchmarkArrayUnique256KiB measures ArrayUnique over the largest array of tiny
// strings a 256 KiB payload holds.
func BenchmarkArrayUnique256KiB(b *testing.B) {
	in := map[string]any{"a": bigStrings(32000)}
	for b.Loop() {
		if _, err := evalOn(b, `States.ArrayUnique($.a)`, in); err != nil {
			b.Fatal(err)
		}
	}
}

// A state cannot multiply the work by repeating heavy fields: a definition may
// hold thousands of them (1 MiB), each over the whole payload. The state fails
// with States.Runtime, fast, once its work budget is spent; a state within the
// budget runs.
func TestStateWorkIsBounded(t *testing.T) {
	in := map[string]any{"a": bigStrings(20000), "o": map[string]any{"x": map[string]any{"y": bigStrings(2000)}}}
	fields := func(n int, expr string) string {
		var b strings.Builder
		for i := range n {
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, `"f%d.$":%q`, i, expr)
		}
		return b.String()
	}
	for _, c := range []struct {
		name, params string
		fails        bool
	}{
		{"one ArrayUnique", fields(1, "States.ArrayUnique($.a)"), false},
		{"3,000 ArrayUniques", fields(3000, "States.ArrayLength(States.ArrayUnique($.a))"), true},
		{"3,000 ArrayContains", fields(3000, "States.ArrayContains($.a, 'zz')"), true},
		{"3,000 recursive descents", fields(3000, "$..y"), true},
		{"3,000 simple paths", fields(3000, "$.o.x"), false},
	} {
		t.Run(c.name, func(t *testing.T) {
			sm, err := Parse([]byte(wrap(`"A":{"Type":"Pass","Parameters":{` + c.params + `},"End":true}`)))
			if err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			_, err = sm.States["A"].EffectiveInput(in, &Context{})
			took := time.Since(start)
			if !c.fails {
				if err != nil {
					t.Fatalf("within the budget: %v", err)
				}
				return
			}
			e, ok := err.(*Error)
			if !ok || e.Name != ErrRuntime || !strings.Contains(e.Cause, "more data than the run service allows") {
				t.Fatalf("err = %v, want the States.Runtime work-budget error", err)
			}
			if took > 2*time.Second {
				t.Fatalf("failing took %v", took)
			}
		})
	}
}

// EncodedSizeExceeds is a lower bound of the encoded size (never claims too
// big for what fits) and answers fast for a value that shares one large
// subtree a thousand times (≈ 256 MB once encoded).
func TestEncodedSizeExceeds(t *testing.T) {
	big := strings.Repeat("x", 256*1024)
	shared := map[string]any{}
	for i := range 1000 {
		shared[fmt.Sprintf("f%d", i)] = big
	}
	start := time.Now()
	if !EncodedSizeExceeds(shared, MaxPayloadBytes) {
		t.Fatal("a thousand copies of 256 KiB reported as fitting")
	}
	if took := time.Since(start); took > time.Second {
		t.Fatalf("the check took %v", took)
	}
	for _, s := range []string{`null`, `true`, `false`, `0`, `-1.5e300`, `"é\u0000\"<>"`, `[]`, `{}`, `[1,[2,[3]],{"a":{"b":null}}]`,
		`{"k\"ey":"v\\alue","n":[true,false,null,123456789,0.000001]}`, intrinsicInput} {
		v := js(t, s)
		enc, err := EncodeJSON(v)
		if err != nil {
			t.Fatal(err)
		}
		for limit := range len(enc) + 2 {
			if EncodedSizeExceeds(v, limit) && len(enc) <= limit {
				t.Fatalf("%s (%d bytes) reported as exceeding %d", s, len(enc), limit)
			}
		}
		if EncodedSizeExceeds(v, len(enc)) {
			t.Fatalf("%s reported as exceeding its own size", s)
		}
	}
}

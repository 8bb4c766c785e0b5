package asl

import (
	"regexp"
	"testing"
)

const intrinsicInput = `{"id":123456,"name":"wave-1","list":[1,2,3,4,5,6,7],"dup":[1,2,2,"a","a",{"k":1},{"k":1}],
"o1":{"a":1,"b":{"x":1}},"o2":{"b":{"y":2},"c":3},"json":"{\"k\":[1,2]}","b64":"RGF0YSB0byBlbmNvZGU=",
"csv":"1,2,3,4,5","messy":"This.is+a,test=string","f":1.5,"neg":-1,"t":true,"n":null}`

func evalExpr(t *testing.T, expr string) (any, error) {
	t.Helper()
	e, err := compileExpr(expr, fullPath)
	if err != nil {
		return nil, err
	}
	return e.Eval(js(t, intrinsicInput), &Context{Execution: ExecutionContext{Name: "exec-1"}})
}

func TestIntrinsics(t *testing.T) {
	cases := []struct {
		expr string
		want string // JSON, or "!Name" for a runtime error
	}{
		{`States.Format('Hello, my name is {}.', $.name)`, `"Hello, my name is wave-1."`},
		{`States.Format('{} {} {} {} {}', $.id, $.f, $.t, $.n, 'x')`, `"123456 1.5 true null x"`},
		{`States.Format('escaped \{} \' \\ {}', 1)`, `"escaped {} ' \\ 1"`},
		{`States.Format('{}{}', 1)`, "!States.IntrinsicFailure"},
		{`States.Format('{}', 1, 2)`, "!States.IntrinsicFailure"},
		{`States.Format('{}', $.list)`, "!States.IntrinsicFailure"},
		{`States.Format($.name)`, `"wave-1"`},
		{`States.Format('exec {}', $$.Execution.Name)`, `"exec exec-1"`},
		{`States.StringToJson($.json)`, `{"k":[1,2]}`},
		{`States.StringToJson('not json')`, "!States.IntrinsicFailure"},
		{`States.StringToJson($.id)`, "!States.IntrinsicFailure"},
		{`States.JsonToString($.o1)`, `"{\"a\":1,\"b\":{\"x\":1}}"`},
		{`States.Array($.id, 'a', 1, true, null)`, `[123456,"a",1,true,null]`},
		{`States.Array()`, `[]`},
		{"States.Array( 1 ,\t2 , '3' )", `[1,2,"3"]`},
		{`States.ArrayPartition($.list, 3)`, `[[1,2,3],[4,5,6],[7]]`},
		{`States.ArrayPartition($.list, 0)`, "!States.IntrinsicFailure"},
		{`States.ArrayPartition($.name, 2)`, "!States.IntrinsicFailure"},
		{`States.ArrayContains($.list, 5)`, `true`},
		{`States.ArrayContains($.list, 50)`, `false`},
		{`States.ArrayContains($.dup, $.o1)`, `false`},
		{`States.ArrayRange(1, 9, 2)`, `[1,3,5,7,9]`},
		{`States.ArrayRange(5, 1, -2)`, `[5,3,1]`},
		{`States.ArrayRange(1, 2, 0)`, "!States.IntrinsicFailure"},
		{`States.ArrayRange(0, 1000, 1)`, "!States.IntrinsicFailure"},
		{`States.ArrayRange(1.5, 3, 1)`, "!States.IntrinsicFailure"},
		{`States.ArrayGetItem($.list, 1)`, `2`},
		{`States.ArrayGetItem($.list, 7)`, "!States.IntrinsicFailure"},
		{`States.ArrayGetItem($.list, $.neg)`, "!States.IntrinsicFailure"},
		{`States.ArrayLength($.list)`, `7`},
		{`States.ArrayLength($.o1)`, "!States.IntrinsicFailure"},
		{`States.ArrayUnique($.dup)`, `[1,2,"a",{"k":1}]`},
		{`States.Base64Encode('Data to encode')`, `"RGF0YSB0byBlbmNvZGU="`},
		{`States.Base64Decode($.b64)`, `"Data to encode"`},
		{`States.Base64Decode('%%%')`, "!States.IntrinsicFailure"},
		{`States.Hash('abc', 'MD5')`, `"900150983cd24fb0d6963f7d28e17f72"`},
		{`States.Hash('abc', 'SHA-1')`, `"a9993e364706816aba3e25717850c26c9cd0d89d"`},
		{`States.Hash('abc', 'SHA-256')`, `"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"`},
		{`States.Hash('abc', 'SHA-384')`, `"cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7"`},
		{`States.Hash('abc', 'SHA-512')`, `"ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"`},
		{`States.Hash('abc', 'CRC32')`, "!States.IntrinsicFailure"},
		{`States.JsonMerge($.o1, $.o2, false)`, `{"a":1,"b":{"y":2},"c":3}`},
		{`States.JsonMerge($.o1, $.o2, true)`, "!States.IntrinsicFailure"},
		{`States.JsonMerge($.o1, $.list, false)`, "!States.IntrinsicFailure"},
		{`States.MathAdd($.id, -1)`, `123455`},
		{`States.MathAdd(1, $.f)`, "!States.IntrinsicFailure"},
		{`States.MathAdd(9223372036854775807, 1)`, "!States.IntrinsicFailure"},
		{`States.MathRandom(5, 5)`, "!States.IntrinsicFailure"},
		{`States.StringSplit($.csv, ',')`, `["1","2","3","4","5"]`},
		{`States.StringSplit($.messy, '.+,=')`, `["This","is","a","test","string"]`},
		{`States.StringSplit('a,,b', ',')`, `["a","b"]`},
		{`States.UUID(1)`, "!States.IntrinsicFailure"},
		{`States.ArrayLength(States.StringSplit($.csv, ','))`, `5`},
		{`States.ArrayGetItem(States.StringSplit(States.ArrayGetItem(States.StringSplit('a/b.c/d', '/'), 1), '.'), 1)`, `"c"`},
		{`States.ArrayLength($.items[?(@.n > 1)])`, `0`},
		{`States.Format('{}', $.missing)`, "!States.Runtime"},
	}
	for _, c := range cases {
		got, err := evalExpr(t, c.expr)
		if c.want[0] == '!' {
			if errName(err) != c.want[1:] {
				t.Errorf("%s: want error %s, got %v (%v)", c.expr, c.want[1:], got, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", c.expr, err)
			continue
		}
		if enc(t, got) != canon(t, c.want) {
			t.Errorf("%s = %s, want %s", c.expr, enc(t, got), c.want)
		}
	}
}

func TestIntrinsicSyntaxErrors(t *testing.T) {
	for _, expr := range []string{
		`States.Nope(1)`,
		`States.Format('x'`,
		`States.Format('x') trailing`,
		`States.Format('unterminated)`,
		`States.Format('bad \n escape')`,
		`States.Array(foo)`,
		`States.Array(1,)`,
		`States.Array(1 2)`,
		`States.Array`,
		`Foo.Bar()`,
		`States.Array($.a[?(@.x ==)])`,
		`States.Array(States.Array(States.Array(States.Array(States.Array(States.Array(States.Array(States.Array(States.Array(States.Array(States.Array())))))))))))`,
	} {
		if _, err := compileExpr(expr, fullPath); err == nil {
			t.Errorf("%s must not compile", expr)
		}
	}
}

func TestJsonMergeDoesNotModifyInputs(t *testing.T) {
	in := js(t, intrinsicInput)
	before := enc(t, in)
	e, err := compileExpr(`States.JsonMerge($.o1, $.o2, false)`, fullPath)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Eval(in, nil); err != nil {
		t.Fatal(err)
	}
	if enc(t, in) != before {
		t.Fatalf("JsonMerge modified its input: %s", enc(t, in))
	}
}

func TestMathRandomAndUUID(t *testing.T) {
	seen := map[int64]bool{}
	for i := 0; i < 200; i++ {
		v, err := evalExpr(t, `States.MathRandom(1, 4)`)
		if err != nil {
			t.Fatal(err)
		}
		n := v.(int64)
		if n < 1 || n >= 4 {
			t.Fatalf("MathRandom(1, 4) = %d, out of [1,4)", n)
		}
		seen[n] = true
	}
	if len(seen) != 3 {
		t.Errorf("MathRandom(1, 4) gave only %v in 200 draws", seen)
	}
	a, _ := evalExpr(t, `States.MathRandom(0, 1000000, 42)`)
	b, _ := evalExpr(t, `States.MathRandom(0, 1000000, 42)`)
	if a != b {
		t.Errorf("a seeded MathRandom must be deterministic: %v != %v", a, b)
	}
	u1, _ := evalExpr(t, `States.UUID()`)
	u2, _ := evalExpr(t, `States.UUID()`)
	re := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	if !re.MatchString(u1.(string)) || u1 == u2 {
		t.Errorf("UUIDs %v %v", u1, u2)
	}
}

package asl

import "testing"

const pathInput = `{"a":{"b":[10,20,{"c":"x"}]},"items":[{"n":1,"k":"p"},{"n":5,"k":"q"},{"n":9,"k":"r"}],"sp ace":1,"nul":null}`

func TestPathEval(t *testing.T) {
	ctx := &Context{Execution: ExecutionContext{ID: "arn:exec", Input: map[string]any{"mode": "DRILL"}},
		State: StateContext{Name: "S", RetryCount: 2}, Task: &TaskContext{Token: "tok"}}
	cases := []struct {
		path string
		want string // JSON, or "!Name" for an error
	}{
		{"$", pathInput},
		{"$.a.b[0]", `10`},
		{"$.a.b[2].c", `"x"`},
		{"$['sp ace']", `1`},
		{"$.nul", `null`},
		{"$.missing", "!States.Runtime"},
		{"$.a.b[7]", "!States.Runtime"},
		{"$.a.b.c", "!States.Runtime"},
		{"$.items[*].n", `[1,5,9]`},
		{"$.items[?(@.n > 3)].k", `["q","r"]`},
		{"$.items[?(@.n > 100)].k", `[]`},
		{"$.items[0:2].n", `[1,5]`},
		{"$.items[-1:].k", `["r"]`},
		{"$..c", `["x"]`},
		{"$.items[-1].k", `"r"`},
		{"$.items[-9].k", "!States.Runtime"},
		{"$.items[0,2].k", `["p","r"]`},
		{`$.items[?(@.k == "q")].n`, `[5]`},
		{"$.items[?(@.n > 1 && @.n < 9)].k", `["q"]`},
		{"$.items[?(@.n != 5)].k", `["p","r"]`},
		{"$$.Execution.Id", `"arn:exec"`},
		{"$$.Execution.Input.mode", `"DRILL"`},
		{"$$.State.RetryCount", `2`},
		{"$$.Task.Token", `"tok"`},
		{"$$.Map.Item.Index", "!States.Runtime"},
	}
	in := js(t, pathInput)
	for _, c := range cases {
		p, err := compilePath(c.path, fullPath, true)
		if err != nil {
			t.Errorf("%s: compile: %v", c.path, err)
			continue
		}
		got, err := p.Eval(in, ctx)
		if c.want[0] == '!' {
			if errName(err) != c.want[1:] {
				t.Errorf("%s: want error %s, got %v %v", c.path, c.want[1:], got, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", c.path, err)
			continue
		}
		if enc(t, got) != canon(t, c.want) {
			t.Errorf("%s = %s, want %s", c.path, enc(t, got), c.want)
		}
	}
}

func TestCompilePathErrors(t *testing.T) {
	cases := []struct {
		path    string
		kind    pathKind
		context bool
	}{
		{"a.b", fullPath, true},
		{"", fullPath, true},
		{"$.items[?(@.n > 3)]", referencePath, true},
		{"$.items[*]", referencePath, true},
		{"$..a", referencePath, true},
		{"$.a[0:1]", referencePath, true},
		{"$$.Execution.Id", referencePath, false},
		{"$.a[?(@.b ==", fullPath, true},
	}
	for _, c := range cases {
		if _, err := compilePath(c.path, c.kind, c.context); err == nil {
			t.Errorf("compilePath(%q) must fail", c.path)
		}
	}
	for _, ok := range []string{"$", "$.a", "$.a.b[0]", "$['a b'][3]", `$["x"]`, "$.a-b_c"} {
		p, err := compilePath(ok, referencePath, false)
		if err != nil || !p.IsReference() {
			t.Errorf("%q must be a reference path: %v", ok, err)
		}
	}
}

func TestApplyResultPath(t *testing.T) {
	cases := []struct {
		name, input, path, result, want string
	}{
		{"root replaces", `{"a":1}`, "$", `{"r":2}`, `{"r":2}`},
		{"null keeps input", `{"a":1}`, "null", `{"r":2}`, `{"a":1}`},
		{"absent is root", `{"a":1}`, "", `5`, `5`},
		{"new field", `{"a":1}`, "$.r", `2`, `{"a":1,"r":2}`},
		{"overwrite", `{"a":1}`, "$.a", `"x"`, `{"a":"x"}`},
		{"create intermediates", `{"a":1}`, "$.x.y.z", `true`, `{"a":1,"x":{"y":{"z":true}}}`},
		{"into existing object", `{"x":{"k":1}}`, "$.x.y", `2`, `{"x":{"k":1,"y":2}}`},
		{"array element", `{"l":[1,2,3]}`, "$.l[1]", `9`, `{"l":[1,9,3]}`},
		{"not an object", `{"a":1}`, "$.a.b", `2`, "!States.ResultPathMatchFailure"},
		{"input not an object", `[1,2]`, "$.a", `2`, "!States.ResultPathMatchFailure"},
		{"string input", `"s"`, "$.a", `2`, "!States.ResultPathMatchFailure"},
		{"index out of range", `{"l":[1]}`, "$.l[3]", `2`, "!States.ResultPathMatchFailure"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var p *Path
			switch c.path {
			case "":
			case "null":
				p = &Path{Null: true}
			default:
				var err error
				if p, err = compilePath(c.path, referencePath, false); err != nil {
					t.Fatal(err)
				}
			}
			in := js(t, c.input)
			before := enc(t, in)
			got, err := ApplyResultPath(p, in, js(t, c.result))
			if c.want[0] == '!' {
				if errName(err) != c.want[1:] {
					t.Fatalf("want %s, got %v", c.want[1:], err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if enc(t, got) != canon(t, c.want) {
				t.Fatalf("got %s, want %s", enc(t, got), c.want)
			}
			if enc(t, in) != before {
				t.Fatalf("the input was modified: %s", enc(t, in))
			}
		})
	}
}

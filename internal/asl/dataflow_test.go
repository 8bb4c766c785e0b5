package asl

import (
	"strings"
	"testing"
	"time"
)

func TestPassDataFlow(t *testing.T) {
	cases := []struct {
		name, state, input, want string
	}{
		{"no fields", `{"Type":"Pass","End":true}`, `{"a":1}`, `{"a":1}`},
		{"result", `{"Type":"Pass","Result":{"x":1},"End":true}`, `{"a":1}`, `{"x":1}`},
		{"result at path", `{"Type":"Pass","Result":{"x":1},"ResultPath":"$.r","End":true}`, `{"a":1}`, `{"a":1,"r":{"x":1}}`},
		{"result discarded", `{"Type":"Pass","Result":{"x":1},"ResultPath":null,"End":true}`, `{"a":1}`, `{"a":1}`},
		{"inputpath", `{"Type":"Pass","InputPath":"$.a","End":true}`, `{"a":{"b":2}}`, `{"b":2}`},
		{"inputpath null", `{"Type":"Pass","InputPath":null,"End":true}`, `{"a":1}`, `{}`},
		{"outputpath null", `{"Type":"Pass","OutputPath":null,"End":true}`, `{"a":1}`, `{}`},
		{"resultpath merges into raw input", `{"Type":"Pass","InputPath":"$.a","ResultPath":"$.copy","End":true}`, `{"a":{"b":2}}`, `{"a":{"b":2},"copy":{"b":2}}`},
		{"parameters", `{"Type":"Pass","Parameters":{"static":"s","n.$":"$.a.b","nested":{"list":[{"v.$":"$.a"}]},"ctx.$":"$$.State.Name"},"End":true}`, `{"a":{"b":2}}`,
			`{"static":"s","n":2,"nested":{"list":[{"v":{"b":2}}]},"ctx":"S"}`},
		{"result wins over parameters", `{"Type":"Pass","Parameters":{"p":1},"Result":"r","End":true}`, `{}`, `"r"`},
		{"outputpath after resultpath", `{"Type":"Pass","Result":5,"ResultPath":"$.r","OutputPath":"$.r","End":true}`, `{}`, `5`},
		{"filter in parameters", `{"Type":"Pass","Parameters":{"big.$":"$.l[?(@.n >= 2)].n"},"End":true}`, `{"l":[{"n":1},{"n":2},{"n":3}]}`, `{"big":[2,3]}`},
	}
	ctx := &Context{State: StateContext{Name: "S"}}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			st := mustParse(t, wrap(`"A":`+c.state)).States["A"]
			in := js(t, c.input)
			before := enc(t, in)
			eff, err := st.EffectiveInput(in, ctx)
			if err != nil {
				t.Fatal(err)
			}
			out, err := st.ApplyOutput(in, st.PassResult(eff), ctx)
			if err != nil {
				t.Fatal(err)
			}
			if enc(t, out) != canon(t, c.want) {
				t.Fatalf("got %s, want %s", enc(t, out), c.want)
			}
			if enc(t, in) != before {
				t.Fatalf("input modified")
			}
		})
	}
}

func TestDataFlowErrors(t *testing.T) {
	cases := []struct {
		name, state, input, want string
	}{
		{"inputpath missing", `{"Type":"Pass","InputPath":"$.x","End":true}`, `{}`, ErrRuntime},
		{"outputpath missing", `{"Type":"Pass","OutputPath":"$.x","End":true}`, `{}`, ErrRuntime},
		{"parameter path missing", `{"Type":"Pass","Parameters":{"v.$":"$.x"},"End":true}`, `{}`, ErrRuntime},
		{"intrinsic misuse", `{"Type":"Pass","Parameters":{"v.$":"States.ArrayLength($.s)"},"End":true}`, `{"s":"x"}`, ErrIntrinsicFailure},
		{"resultpath into string", `{"Type":"Pass","ResultPath":"$.s.x","End":true}`, `{"s":"x"}`, ErrResultPathMatchFailure},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			st := mustParse(t, wrap(`"A":`+c.state)).States["A"]
			in := js(t, c.input)
			eff, err := st.EffectiveInput(in, nil)
			if err == nil {
				_, err = st.ApplyOutput(in, st.PassResult(eff), nil)
			}
			if errName(err) != c.want {
				t.Fatalf("want %s, got %v", c.want, err)
			}
		})
	}
}

func TestParameterPathErrorNamesField(t *testing.T) {
	st := mustParse(t, wrap(`"A":{"Type":"Pass","Parameters":{"deep":{"v.$":"$.missing"}},"End":true}`)).States["A"]
	_, err := st.EffectiveInput(js(t, `{"a":1}`), nil)
	if err == nil || errName(err) != ErrRuntime || !strings.Contains(err.Error(), "'v.$'") || !strings.Contains(err.Error(), "$.missing") {
		t.Fatalf("error must name the field and path: %v", err)
	}
}

func TestTaskDataFlow(t *testing.T) {
	st := mustParse(t, wrap(`"A":{"Type":"Task","Resource":"arn:aws:states:::aws-sdk:drs:startRecovery",
		"InputPath":"$.req","Parameters":{"SourceServers.$":"$.servers","IsDrill":true,"Token.$":"$$.Task.Token"},
		"ResultSelector":{"JobID.$":"$.Job.JobID","Status.$":"$.Job.Status"},"ResultPath":"$.job","OutputPath":"$.job",
		"TimeoutSecondsPath":"$.timeout","HeartbeatSeconds":30,"End":true}`)).States["A"]
	ctx := &Context{Task: &TaskContext{Token: "T1"}}
	in := js(t, `{"req":{"servers":[{"sourceServerID":"s-1"}],"timeout":600}}`)
	params, err := st.EffectiveInput(in, ctx)
	if err != nil {
		t.Fatal(err)
	}
	if enc(t, params) != canon(t, `{"IsDrill":true,"SourceServers":[{"sourceServerID":"s-1"}],"Token":"T1"}`) {
		t.Fatalf("params %s", enc(t, params))
	}
	out, err := st.ApplyOutput(in, js(t, `{"Job":{"JobID":"drsjob-1","Status":"PENDING","Extra":1}}`), ctx)
	if err != nil {
		t.Fatal(err)
	}
	if enc(t, out) != canon(t, `{"JobID":"drsjob-1","Status":"PENDING"}`) {
		t.Fatalf("output %s", enc(t, out))
	}
	if d, err := st.Timeout(in, ctx); err != nil || d != 600*time.Second {
		t.Fatalf("timeout %v %v", d, err)
	}
	if d, err := st.Heartbeat(in, ctx); err != nil || d != 30*time.Second {
		t.Fatalf("heartbeat %v %v", d, err)
	}
	if _, err := st.Timeout(js(t, `{"req":{"timeout":-5}}`), ctx); errName(err) != ErrRuntime {
		t.Fatalf("negative TimeoutSecondsPath must fail: %v", err)
	}
	plain := mustParse(t, wrap(`"A":{"Type":"Task","Resource":"arn:aws:states:::events:putEvents","End":true}`)).States["A"]
	if d, _ := plain.Timeout(in, nil); d != DefaultTaskTimeoutSeconds*time.Second {
		t.Fatalf("default timeout %v", d)
	}
	if d, _ := plain.Heartbeat(in, nil); d != 0 {
		t.Fatalf("default heartbeat %v", d)
	}
}

func TestWaitUntil(t *testing.T) {
	entered := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	cases := []struct {
		state, input string
		want         time.Time
		err          string
	}{
		{`{"Type":"Wait","Seconds":90,"End":true}`, `{}`, entered.Add(90 * time.Second), ""},
		{`{"Type":"Wait","Timestamp":"2026-06-01T00:00:00Z","End":true}`, `{}`, time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC), ""},
		{`{"Type":"Wait","SecondsPath":"$.s","End":true}`, `{"s":5}`, entered.Add(5 * time.Second), ""},
		{`{"Type":"Wait","SecondsPath":"$.s","End":true}`, `{"s":-5}`, time.Time{}, ErrRuntime},
		{`{"Type":"Wait","SecondsPath":"$.s","End":true}`, `{"s":"5"}`, time.Time{}, ErrRuntime},
		{`{"Type":"Wait","SecondsPath":"$.s","End":true}`, `{}`, time.Time{}, ErrRuntime},
		{`{"Type":"Wait","TimestampPath":"$.t","End":true}`, `{"t":"2026-05-01T13:00:00+01:00"}`, entered, ""},
		{`{"Type":"Wait","TimestampPath":"$.t","End":true}`, `{"t":"soon"}`, time.Time{}, ErrRuntime},
		{`{"Type":"Wait","InputPath":"$.w","SecondsPath":"$.s","End":true}`, `{"w":{"s":1}}`, entered.Add(time.Second), ""},
	}
	for _, c := range cases {
		st := mustParse(t, wrap(`"A":`+c.state)).States["A"]
		until, _, err := st.WaitUntil(js(t, c.input), nil, entered)
		if errName(err) != c.err {
			t.Errorf("%s %s: error %v, want %q", c.state, c.input, err, c.err)
			continue
		}
		if c.err == "" && !until.Equal(c.want) {
			t.Errorf("%s %s: until %v, want %v", c.state, c.input, until, c.want)
		}
	}
}

func TestFailError(t *testing.T) {
	st := mustParse(t, wrap(`"A":{"Type":"Fail","Error":"Wave.Failed","Cause":"static"}`)).States["A"]
	if e, err := st.FailError(js(t, `{}`), nil); err != nil || e != (Error{Name: "Wave.Failed", Cause: "static"}) {
		t.Fatalf("%v %v", e, err)
	}
	st = mustParse(t, wrap(`"A":{"Type":"Fail","ErrorPath":"$.err.Error","CausePath":"States.Format('wave {} failed', $.wave)"}`)).States["A"]
	if e, err := st.FailError(js(t, `{"err":{"Error":"Drs.ConflictException"},"wave":"w1"}`), nil); err != nil || e != (Error{Name: "Drs.ConflictException", Cause: "wave w1 failed"}) {
		t.Fatalf("%v %v", e, err)
	}
	if _, err := st.FailError(js(t, `{"err":{"Error":5},"wave":"w1"}`), nil); errName(err) != ErrRuntime {
		t.Fatalf("a non-string ErrorPath value must fail: %v", err)
	}
}

func TestSucceedPassThrough(t *testing.T) {
	st := mustParse(t, wrap(`"A":{"Type":"Succeed","InputPath":"$.a","OutputPath":"$.b"}`)).States["A"]
	out, err := st.PassThrough(js(t, `{"a":{"b":[1]}}`), nil)
	if err != nil || enc(t, out) != `[1]` {
		t.Fatalf("%v %v", out, err)
	}
}

func TestMapDataFlow(t *testing.T) {
	sm := mustParse(t, wrap(`"A":{"Type":"Map","InputPath":"$.in","ItemsPath":"$.servers","MaxConcurrencyPath":"$.max",
		"ItemSelector":{"server.$":"$$.Map.Item.Value","index.$":"$$.Map.Item.Index","mode.$":"$.mode"},
		"ItemProcessor":{"StartAt":"B","States":{"B":{"Type":"Pass","End":true}}},
		"ResultSelector":{"count.$":"States.ArrayLength($)"},"ResultPath":"$.summary","End":true}`))
	st := sm.States["A"]
	in := js(t, `{"in":{"servers":["s-1","s-2"],"mode":"DRILL","max":3}}`)
	items, err := st.MapItems(in, nil)
	if err != nil || enc(t, items) != `["s-1","s-2"]` {
		t.Fatalf("items %v %v", items, err)
	}
	if n, err := st.MapMaxConcurrency(in, nil); err != nil || n != 3 {
		t.Fatalf("max concurrency %v %v", n, err)
	}
	var results []any
	for i, it := range items {
		ctx := &Context{Map: &MapContext{Item: MapItem{Index: i, Value: it}}}
		v, err := st.MapItemInput(in, ctx)
		if err != nil {
			t.Fatal(err)
		}
		results = append(results, v)
	}
	if enc(t, results) != canon(t, `[{"index":0,"mode":"DRILL","server":"s-1"},{"index":1,"mode":"DRILL","server":"s-2"}]`) {
		t.Fatalf("item inputs %s", enc(t, results))
	}
	out, err := st.ApplyOutput(in, results, nil)
	if err != nil || enc(t, out) != canon(t, `{"in":{"servers":["s-1","s-2"],"mode":"DRILL","max":3},"summary":{"count":2}}`) {
		t.Fatalf("output %s %v", enc(t, out), err)
	}
	if _, err := st.MapItems(js(t, `{"in":{"servers":"s-1"}}`), nil); errName(err) != ErrRuntime {
		t.Fatalf("non-array items must fail: %v", err)
	}
	// Without a selector the iteration input is the item itself.
	plain := mustParse(t, wrap(`"A":{"Type":"Map","ItemProcessor":{"StartAt":"B","States":{"B":{"Type":"Pass","End":true}}},"End":true}`)).States["A"]
	v, err := plain.MapItemInput(js(t, `[7]`), &Context{Map: &MapContext{Item: MapItem{Index: 0, Value: int64(7)}}})
	if err != nil || v != int64(7) {
		t.Fatalf("plain item %v %v", v, err)
	}
	if n, _ := plain.MapMaxConcurrency(nil, nil); n != 0 {
		t.Fatalf("default max concurrency %d", n)
	}
}

func TestParallelInput(t *testing.T) {
	st := mustParse(t, wrap(`"A":{"Type":"Parallel","Parameters":{"x.$":"$.a"},"ResultSelector":{"first.$":"$[0]"},"ResultPath":"$.r",
		"Branches":[{"StartAt":"B","States":{"B":{"Type":"Pass","End":true}}}],"End":true}`)).States["A"]
	in := js(t, `{"a":1}`)
	eff, err := st.EffectiveInput(in, nil)
	if err != nil || enc(t, eff) != `{"x":1}` {
		t.Fatalf("%v %v", eff, err)
	}
	out, err := st.ApplyOutput(in, []any{eff}, nil)
	if err != nil || enc(t, out) != canon(t, `{"a":1,"r":{"first":{"x":1}}}`) {
		t.Fatalf("%s %v", enc(t, out), err)
	}
}

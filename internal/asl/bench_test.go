package asl

import "testing"

const benchDefinition = `{"StartAt":"Count","States":{
 "Count":{"Type":"Pass","Parameters":{"n.$":"States.MathAdd($.loop.n, 1)","mode.$":"$$.Execution.Input.mode"},"ResultPath":"$.loop","Next":"More"},
 "More":{"Type":"Choice","Choices":[{"And":[{"Variable":"$.loop.n","NumericLessThan":1000000000000000},{"Variable":"$.loop.mode","StringEquals":"DRILL"}],"Next":"Count"}],"Default":"Done"},
 "Done":{"Type":"Succeed"}}}`

const benchInput = `{"loop":{"n":0},"plan":{"waves":[{"name":"w1","servers":["s-1","s-2","s-3"]},{"name":"w2","servers":["s-4"]}]}}`

// BenchmarkPassChoiceTransition is the pure data flow of one Pass → Choice step.
func BenchmarkPassChoiceTransition(b *testing.B) {
	sm := mustParse(b, benchDefinition)
	pass, choice := sm.States["Count"], sm.States["More"]
	ctx := &Context{Execution: ExecutionContext{Input: map[string]any{"mode": "DRILL"}}}
	in := js(b, benchInput)
	b.ReportAllocs()
	for b.Loop() {
		eff, err := pass.EffectiveInput(in, ctx)
		if err != nil {
			b.Fatal(err)
		}
		out, err := pass.ApplyOutput(in, pass.PassResult(eff), ctx)
		if err != nil {
			b.Fatal(err)
		}
		next, out2, err := choice.ChooseNext(out, ctx)
		if err != nil || next != "Count" {
			b.Fatal(next, err)
		}
		in = out2
	}
}

// BenchmarkPassChoiceTransitionJSON adds what a durable engine also pays: decoding the
// stored input and encoding each state's output.
func BenchmarkPassChoiceTransitionJSON(b *testing.B) {
	sm := mustParse(b, benchDefinition)
	pass, choice := sm.States["Count"], sm.States["More"]
	ctx := &Context{Execution: ExecutionContext{Input: map[string]any{"mode": "DRILL"}}}
	raw := []byte(benchInput)
	b.ReportAllocs()
	for b.Loop() {
		in, err := DecodeJSON(raw)
		if err != nil {
			b.Fatal(err)
		}
		eff, _ := pass.EffectiveInput(in, ctx)
		out, _ := pass.ApplyOutput(in, pass.PassResult(eff), ctx)
		if _, err := EncodeJSON(out); err != nil {
			b.Fatal(err)
		}
		_, out2, _ := choice.ChooseNext(out, ctx)
		if raw, err = EncodeJSON(out2); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParse(b *testing.B) {
	def := []byte(benchDefinition)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(def); err != nil {
			b.Fatal(err)
		}
	}
}

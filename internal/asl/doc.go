// Package asl is the Amazon States Language (JSONPath query language) for the run
// service's Step Functions engine: parsing and validation of definitions, and the pure
// data flow of every state. It does no I/O; the engine in internal/runservice/sfn owns
// time, storage and task calls.
//
// # JSON values
//
// Every JSON value handled here uses one representation: nil, bool, string, int64 (an
// integer that fits), float64 (any other number), []any and map[string]any. Use
// DecodeJSON and EncodeJSON to convert; integers round-trip exactly.
//
// # Using it from an engine
//
//	sm, err := asl.Parse(definition)        // *DefinitionError lists every problem
//	st := sm.States[sm.StartAt]
//
// For each state entered with raw input `in` and context `ctx`:
//   - Pass:     eff := st.EffectiveInput(in, ctx); out := st.ApplyOutput(in, st.PassResult(eff), ctx)
//   - Task:     eff := st.EffectiveInput(in, ctx) are the task parameters; Timeout/Heartbeat
//     give the limits; on success out := st.ApplyOutput(in, result, ctx)
//   - Choice:   next, out, err := st.ChooseNext(in, ctx)
//   - Wait:     until, out, err := st.WaitUntil(in, ctx, enteredAt)
//   - Succeed:  out := st.PassThrough(in, ctx)
//   - Fail:     e := st.FailError(in, ctx)
//   - Parallel: eff := st.EffectiveInput(in, ctx) is every branch's input; the result is
//     the array of branch outputs: out := st.ApplyOutput(in, results, ctx)
//   - Map:      items := st.MapItems(in, ctx); for item i set ctx.Map and call
//     st.MapItemInput(in, ctx); the result is the array of outputs: st.ApplyOutput.
//
// On a failure (an *Error from these helpers, or a task error) the engine looks up
// st.MatchRetrier(e) (index into st.Retry; the engine counts attempts per retrier and asks
// Retry[i].Delay), then st.MatchCatcher(e), whose Output(in, e) is the next state's input.
//
// Runtime failures are returned as *Error with the States.* name AWS uses.
package asl

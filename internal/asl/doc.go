// Package asl is the Amazon States Language (JSONPath query language) for the run
// service's Step Functions engine: parsing and validation of definitions, and the pure
// data flow of every state. It does no I/O; the engine in internal/runservice/sfn owns
// time, storage and task calls.
//
// # JSON values
//
// Every JSON value handled here uses one representation: nil, bool, string, int64 (an
// integer that fits), float64 (any other number), []any and map[string]any. Use
// DecodeJSON and EncodeJSON to convert (Normalize for values built elsewhere); integers
// round-trip exactly. Values are treated as immutable: no function here modifies its
// inputs, and outputs may share parts with inputs and with the definition, so callers
// must not modify them in place either.
//
// # Parsing
//
//	sm, err := asl.Parse(definition)
//
// A *DefinitionError lists every problem (Code, Location, Message), with the codes of
// ValidateStateMachineDefinition. Refused as unsupported, with a message naming the state
// and the field: QueryLanguage JSONata, Arguments/Output/Assign/Condition/Items, Task
// Resources other than aws-sdk:drs:<action>[.waitForTaskToken], the Service Quotas
// reads aws-sdk:servicequotas:getServiceQuota|getAWSDefaultServiceQuota|listServiceQuotas,
// states:startExecution[.sync[:2]|.waitForTaskToken] and
// events:putEvents[.waitForTaskToken] (no other .sync; the DRS action must be one of the DRS
// service model's operations, in camelCase), Task Credentials, and Distributed Map
// (ProcessorConfig Mode DISTRIBUTED, ItemReader, ResultWriter, ItemBatcher, Label,
// ToleratedFailure*: AWS accepts these only for Distributed Map).
//
// # Using it from an engine
//
// For each state entered with raw input `in` and context `ctx` (the engine fills
// ctx.State, ctx.Task for tasks, ctx.Map for Map iterations):
//   - Pass:     eff := st.EffectiveInput(in, ctx); out := st.ApplyOutput(in, st.PassResult(eff), ctx)
//   - Task:     eff := st.EffectiveInput(in, ctx) are the task parameters; st.Integration
//     says what to call; st.Timeout/st.Heartbeat give the limits; on success
//     out := st.ApplyOutput(in, result, ctx)
//   - Choice:   next, out, err := st.ChooseNext(in, ctx)
//   - Wait:     until, out, err := st.WaitUntil(in, ctx, enteredAt)
//   - Succeed:  out := st.PassThrough(in, ctx)
//   - Fail:     e := st.FailError(in, ctx)
//   - Parallel: eff := st.EffectiveInput(in, ctx) is every branch's input (st.Branches);
//     the result is the array of branch outputs: out := st.ApplyOutput(in, results, ctx)
//   - Map:      items := st.MapItems(in, ctx); n := st.MapMaxConcurrency(in, ctx); for
//     item i set ctx.Map = &MapContext{Item: MapItem{i, items[i]}} and run
//     st.ItemProcessor on st.MapItemInput(in, ctx); the result is the array of outputs:
//     out := st.ApplyOutput(in, results, ctx)
//
// Runtime failures are returned as *Error with the name AWS uses (States.Runtime for a
// path that matches nothing, States.IntrinsicFailure, States.NoChoiceMatched,
// States.ResultPathMatchFailure...). On a failure (such an *Error, or a task error) the
// engine looks up i := st.MatchRetrier(e) (the engine counts retries per retrier; when
// !st.Retry[i].Exhausted(done) it waits st.Retry[i].Delay(done+1, rand.Float64)), else
// c := st.MatchCatcher(e), whose c.Output(in, e) is the input of state c.Next.
// States.Runtime and States.DataLimitExceeded are terminal: nothing matches them.
// MaxPayloadBytes is the 256 KiB payload quota the engine enforces.
//
// Known differences from AWS: States.MathRandom with a seed is deterministic but does
// not give the numbers AWS gives; objects are encoded with sorted keys; string
// comparisons order by code point.
package asl

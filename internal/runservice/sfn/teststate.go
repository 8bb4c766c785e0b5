package sfn

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/drsorch/terraform-provider-drsorch/internal/asl"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/awswire"
)

// testStateName names the state TestState evaluates when the definition is
// a single state.
const testStateName = "TestState"

// singleStateMachine wraps one state's definition into a state machine the
// parser accepts: the states it may go to are stand-ins.
func singleStateMachine(stateDef string) ([]byte, error) {
	var st map[string]any
	if err := json.Unmarshal([]byte(stateDef), &st); err != nil || st == nil {
		return nil, fmt.Errorf("the definition must be a JSON object: one state, or a state machine with stateName")
	}
	states := map[string]any{testStateName: st}
	add := func(v any) {
		if name, ok := v.(string); ok && name != "" && name != testStateName {
			states[name] = map[string]any{"Type": "Succeed"}
		}
	}
	add(st["Next"])
	add(st["Default"])
	for _, key := range []string{"Choices", "Catch"} {
		list, _ := st[key].([]any)
		for _, item := range list {
			if m, ok := item.(map[string]any); ok {
				add(m["Next"])
			}
		}
	}
	return json.Marshal(map[string]any{"StartAt": testStateName, "States": states})
}

// testState is TestState: it evaluates one Pass, Choice, Fail, Succeed, Wait
// (without waiting) or Task state (calling its resource for real) with the
// given input and reports its output, error and next state
// (https://docs.aws.amazon.com/step-functions/latest/apireference/API_TestState.html).
func (s *Service) testState(ctx context.Context, id awswire.Identity, body []byte) (any, error) {
	var req struct {
		Definition      string          `json:"definition"`
		RoleArn         string          `json:"roleArn"`
		Input           *string         `json:"input"`
		InspectionLevel string          `json:"inspectionLevel"`
		StateName       string          `json:"stateName"`
		Mock            json.RawMessage `json:"mock"`
		Variables       *string         `json:"variables"`
		Context         *string         `json:"context"`
	}
	if err := decodeRequest(body, &req); err != nil {
		return nil, err
	}
	switch req.InspectionLevel {
	case "", "INFO", "DEBUG", "TRACE":
	default:
		return nil, validationErr("1 validation error detected: Value '%s' at 'inspectionLevel' failed to satisfy constraint: Member must satisfy enum value set: [INFO, DEBUG, TRACE]", req.InspectionLevel)
	}
	if req.Definition == "" {
		return nil, missing("definition")
	}
	if len(req.Mock) > 0 || req.Variables != nil || req.Context != nil {
		return nil, validationErr("the run service's TestState does not support mock, variables or context: test the state with a real call")
	}
	if req.RoleArn != "" {
		if err := checkRoleARN(req.RoleArn); err != nil {
			return nil, err
		}
	}
	var smDef []byte
	name := req.StateName
	if name != "" {
		smDef = []byte(req.Definition)
	} else {
		var err error
		if smDef, err = singleStateMachine(req.Definition); err != nil {
			return nil, apiErr("InvalidDefinition", "Invalid State Machine Definition: '%v'", err)
		}
		name = testStateName
	}
	sm, err := s.e.parseDefinition(string(smDef))
	if err != nil {
		return nil, err
	}
	st := sm.States[name]
	if st == nil {
		return nil, validationErr("stateName '%s' is not a state of the definition's top level", name)
	}
	input := "{}"
	if req.Input != nil {
		input = *req.Input
	}
	if len(input) > maxPayload {
		return nil, apiErr("InvalidExecutionInput", "Invalid Execution Input: the input is %d bytes, more than the %d bytes allowed", len(input), maxPayload)
	}
	in, err := asl.DecodeJSON([]byte(input))
	if err != nil {
		return nil, apiErr("InvalidExecutionInput", "Invalid Execution Input: the input must be JSON: %v", err)
	}
	now := s.e.clock.Now()
	actx := &asl.Context{
		Execution: asl.ExecutionContext{ID: "arn:" + partitionOf(id.Region) + ":states:" + id.Region + ":" + id.Account + ":execution:TestState:" + newUUID(),
			Input: in, Name: "TestState", RoleArn: req.RoleArn, StartTime: now.Format(contextTime)},
		State:        asl.StateContext{EnteredTime: now.Format(contextTime), Name: name},
		StateMachine: asl.StateMachineContext{ID: "arn:" + partitionOf(id.Region) + ":states:" + id.Region + ":" + id.Account + ":stateMachine:TestState", Name: "TestState"},
	}
	debug := req.InspectionLevel == "DEBUG" || req.InspectionLevel == "TRACE"
	inspection := map[string]any{"input": input}
	out := map[string]any{}
	succeed := func(next string, v any) (any, error) {
		enc, err := asl.EncodeJSON(v)
		if err != nil {
			return nil, err
		}
		out["status"], out["output"] = "SUCCEEDED", string(enc)
		if next != "" {
			out["nextState"] = next
		}
		if debug {
			out["inspectionData"] = inspection
		}
		return out, nil
	}
	fail := func(se asl.Error) (any, error) {
		if (st.Type == asl.TypeTask) && st.MatchRetrier(se) >= 0 {
			out["status"] = "RETRIABLE"
		} else if c := st.MatchCatcher(se); st.Type == asl.TypeTask && c != nil {
			v, err := c.Output(in, se)
			if err != nil {
				se = asStatesError(err)
			} else {
				enc, _ := asl.EncodeJSON(v)
				out["status"], out["output"], out["nextState"] = "CAUGHT_ERROR", string(enc), c.Next
			}
		}
		if out["status"] == nil {
			out["status"] = "FAILED"
		}
		out["error"], out["cause"] = se.Name, se.Cause
		if debug {
			out["inspectionData"] = inspection
		}
		return out, nil
	}
	switch st.Type {
	case asl.TypePass:
		eff, err := st.EffectiveInput(in, actx)
		if err != nil {
			return fail(asStatesError(err))
		}
		if enc, err := asl.EncodeJSON(eff); err == nil {
			inspection["afterParameters"] = string(enc)
		}
		res, err := st.ApplyOutput(in, st.PassResult(eff), actx)
		if err != nil {
			return fail(asStatesError(err))
		}
		return succeed(st.Next, res)
	case asl.TypeChoice:
		next, res, err := st.ChooseNext(in, actx)
		if err != nil {
			return fail(asStatesError(err))
		}
		return succeed(next, res)
	case asl.TypeSucceed:
		res, err := st.PassThrough(in, actx)
		if err != nil {
			return fail(asStatesError(err))
		}
		return succeed("", res)
	case asl.TypeFail:
		fe, err := st.FailError(in, actx)
		if err != nil {
			fe = asStatesError(err)
		}
		return fail(fe)
	case asl.TypeWait:
		_, res, err := st.WaitUntil(in, actx, now) // TestState does not wait
		if err != nil {
			return fail(asStatesError(err))
		}
		return succeed(st.Next, res)
	case asl.TypeTask:
		return s.testTask(ctx, id, req.RoleArn, st, in, actx, inspection, succeed, fail)
	}
	return nil, validationErr("the run service's TestState evaluates Pass, Choice, Fail, Succeed, Wait and Task states, not %s", st.Type)
}

func (s *Service) testTask(ctx context.Context, id awswire.Identity, role string, st *asl.State, in any, actx *asl.Context, inspection map[string]any,
	succeed func(string, any) (any, error), fail func(asl.Error) (any, error)) (any, error) {
	if role == "" {
		return nil, validationErr("TestState of a Task state needs a roleArn: the role the call is made with")
	}
	if st.Integration.WaitForTaskToken {
		return nil, validationErr("the run service's TestState does not run .waitForTaskToken tasks: test the state without the suffix")
	}
	if p := resourcePartition(st.Resource); p != "" && p != partitionOf(id.Region) {
		return fail(asl.Error{Name: asl.ErrRuntime, Cause: fmt.Sprintf("An error occurred while executing the state '%s'. The resource belongs to a different partition from the running execution.", st.Name)})
	}
	params, err := st.EffectiveInput(in, actx)
	if err != nil {
		return fail(asStatesError(err))
	}
	enc, err := asl.EncodeJSON(params)
	if err != nil {
		return fail(asStatesError(err))
	}
	inspection["afterParameters"] = string(enc)
	callCtx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	result, terr := s.e.invoke(callCtx, awswire.Identity{Account: id.Account, Region: id.Region}, st.Integration, taskRun{Resource: st.Resource, Params: enc}, false)
	if terr != nil {
		return fail(*terr)
	}
	inspection["result"] = string(result)
	v, err := asl.DecodeJSON(result)
	if err != nil {
		return fail(asStatesError(err))
	}
	res, err := st.ApplyOutput(in, v, actx)
	if err != nil {
		return fail(asStatesError(err))
	}
	return succeed(st.Next, res)
}

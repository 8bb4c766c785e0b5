package asl

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"
)

// Limits of the definition, as AWS enforces them.
const (
	maxStateNameLength = 80
	maxSeconds         = 99999999
	maxNestingDepth    = 32 // Parallel/Map/Choice nesting inside one definition
)

// Parse reads and validates a state machine definition. Every problem found is
// reported at once in a *DefinitionError.
func Parse(definition []byte) (*StateMachine, error) {
	p := &parser{names: map[string]string{}}
	if len(bytes.TrimSpace(definition)) == 0 {
		p.add(CodeMissingDescription, "", "the definition is empty")
		return nil, &DefinitionError{Diagnostics: p.diags}
	}
	root, err := decodeDefinition(definition)
	if err != nil {
		p.add(CodeInvalidJSON, "", "the definition is not valid JSON: %v", err)
		return nil, &DefinitionError{Diagnostics: p.diags}
	}
	o, ok := root.(*object)
	if !ok {
		p.add(CodeSchemaValidation, "", "the definition must be a JSON object, not %s", typeName(root))
		return nil, &DefinitionError{Diagnostics: p.diags}
	}
	sm := p.machine(o, "", machineTop, 0)
	if len(p.diags) > 0 {
		return nil, &DefinitionError{Diagnostics: p.diags}
	}
	return sm, nil
}

type machineKind int

const (
	machineTop       machineKind = iota
	machineBranch                // a Parallel branch, or a Map's legacy Iterator
	machineProcessor             // a Map's ItemProcessor
)

func (p *parser) machine(o *object, loc string, kind machineKind, depth int) *StateMachine {
	w := where{loc: loc}
	allowed := []string{"StartAt", "States", "Comment"}
	switch kind {
	case machineTop:
		allowed = append(allowed, "Version", "TimeoutSeconds", "QueryLanguage")
	case machineProcessor:
		allowed = append(allowed, "ProcessorConfig")
	}
	p.checkFields(o, w, allowed, unsupportedEverywhere)
	sm := &StateMachine{States: map[string]*State{}}
	sm.Comment, _ = p.str(o, w, "Comment", false)
	sm.StartAt, _ = p.target(o, w, "StartAt", true)
	if kind == machineTop {
		sm.Version, _ = p.str(o, w, "Version", false)
		sm.TimeoutSeconds, _ = p.integer(o, w, "TimeoutSeconds", 1, maxSeconds)
		p.queryLanguage(o, w)
	}
	if kind == machineProcessor {
		p.processorConfig(o, w)
	}
	sv, ok := o.get("States")
	if !ok {
		p.schema(loc, "%s is required", w.field("States"))
		return sm
	}
	states, ok := sv.(*object)
	if !ok {
		p.schema(w.at("States"), "%s must be an object of states, not %s", w.field("States"), typeName(sv))
		return sm
	}
	for _, k := range states.dups {
		p.add(CodeDuplicateStateName, w.at("States/"+k), "the state name %q is used more than once", k)
	}
	if len(states.keys) == 0 {
		p.schema(w.at("States"), "%s must contain at least one state", w.field("States"))
	}
	for _, name := range states.keys {
		sloc := loc + "/States/" + name
		if first, dup := p.names[name]; dup {
			p.add(CodeDuplicateStateName, sloc, "the state name %q is used more than once (also at %s): state names must be unique in the whole definition", name, first)
		} else {
			p.names[name] = sloc
		}
		if name == "" || utf8.RuneCountInString(name) > maxStateNameLength {
			p.add(CodeInvalidStateName, sloc, "the state name %q must have 1 to %d characters", name, maxStateNameLength)
		}
		so, ok := states.vals[name].(*object)
		if !ok {
			p.schema(sloc, "state %q must be a JSON object, not %s", name, typeName(states.vals[name]))
			continue
		}
		if st := p.state(name, so, sloc, depth); st != nil {
			sm.States[name] = st
			sm.StateNames = append(sm.StateNames, name)
		}
	}
	p.checkGraph(sm, loc, len(states.keys) == len(sm.StateNames))
	return sm
}

func (p *parser) processorConfig(o *object, w where) {
	v, ok := o.get("ProcessorConfig")
	if !ok {
		return
	}
	pc, ok := v.(*object)
	if !ok {
		p.schema(w.at("ProcessorConfig"), "%s must be an object, not %s", w.field("ProcessorConfig"), typeName(v))
		return
	}
	cw := where{state: w.state, loc: w.at("ProcessorConfig")}
	p.checkFields(pc, cw, []string{"Mode"}, map[string]string{
		"ExecutionType": "it only applies to Distributed Map, which is not supported",
	})
	mode, ok := p.str(pc, cw, "Mode", false)
	if !ok {
		return
	}
	switch mode {
	case "INLINE":
	case "DISTRIBUTED":
		p.schema(cw.at("Mode"), "%s: Distributed Map (Mode DISTRIBUTED) is not supported by drsorch; use Mode INLINE", cw.field("Mode"))
	default:
		p.schema(cw.at("Mode"), "%s must be INLINE or DISTRIBUTED, got %q", cw.field("Mode"), mode)
	}
}

// checkGraph checks transitions of one state machine (they may not leave it), that every
// state is reachable from StartAt and that some state ends the machine.
func (p *parser) checkGraph(sm *StateMachine, loc string, complete bool) {
	if sm.StartAt != "" {
		if _, ok := sm.States[sm.StartAt]; !ok {
			p.add(CodeMissingTransition, loc+"/StartAt", "StartAt %q is not a state of this state machine", sm.StartAt)
		}
	}
	terminal := false
	for _, name := range sm.StateNames {
		st := sm.States[name]
		if st.End || st.Type == TypeSucceed || st.Type == TypeFail {
			terminal = true
		}
		for _, t := range st.transitions() {
			if _, ok := sm.States[t.target]; !ok {
				p.add(CodeMissingTransition, loc+"/States/"+name+"/"+t.field, "state %q, field %q: %q is not a state of this state machine (a transition cannot leave a Parallel branch or a Map iteration)", name, t.field, t.target)
			}
		}
	}
	if len(sm.StateNames) > 0 && !terminal {
		p.add(CodeMissingEndState, loc+"/States", "no state ends the state machine: give a state \"End\": true, or add a Succeed or Fail state")
	}
	if !complete {
		return // reachability is meaningless while some states did not parse
	}
	reached := map[string]bool{}
	queue := []string{sm.StartAt}
	for len(queue) > 0 {
		name := queue[0]
		queue = queue[1:]
		st, ok := sm.States[name]
		if !ok || reached[name] {
			continue
		}
		reached[name] = true
		for _, t := range st.transitions() {
			queue = append(queue, t.target)
		}
	}
	for _, name := range sm.StateNames {
		if !reached[name] {
			p.schema(loc+"/States/"+name, "state %q is not reachable from StartAt %q", name, sm.StartAt)
		}
	}
}

type transition struct{ field, target string }

func (s *State) transitions() []transition {
	var ts []transition
	if s.Next != "" {
		ts = append(ts, transition{"Next", s.Next})
	}
	if s.Default != "" {
		ts = append(ts, transition{"Default", s.Default})
	}
	for i, r := range s.Choices {
		if r.Next != "" {
			ts = append(ts, transition{fmt.Sprintf("Choices[%d].Next", i), r.Next})
		}
	}
	for i, c := range s.Catch {
		if c.Next != "" {
			ts = append(ts, transition{fmt.Sprintf("Catch[%d].Next", i), c.Next})
		}
	}
	return ts
}

// fieldsByType lists what each state type may contain (besides Type, Comment,
// QueryLanguage).
var fieldsByType = map[string][]string{
	TypePass:     {"Next", "End", "InputPath", "OutputPath", "Parameters", "ResultPath", "Result"},
	TypeTask:     {"Next", "End", "InputPath", "OutputPath", "Parameters", "ResultSelector", "ResultPath", "Resource", "TimeoutSeconds", "TimeoutSecondsPath", "HeartbeatSeconds", "HeartbeatSecondsPath", "Retry", "Catch"},
	TypeChoice:   {"InputPath", "OutputPath", "Choices", "Default"},
	TypeWait:     {"Next", "End", "InputPath", "OutputPath", "Seconds", "Timestamp", "SecondsPath", "TimestampPath"},
	TypeSucceed:  {"InputPath", "OutputPath"},
	TypeFail:     {"Error", "Cause", "ErrorPath", "CausePath"},
	TypeParallel: {"Next", "End", "InputPath", "OutputPath", "Parameters", "ResultSelector", "ResultPath", "Branches", "Retry", "Catch"},
	TypeMap:      {"Next", "End", "InputPath", "OutputPath", "Parameters", "ItemSelector", "ResultSelector", "ResultPath", "ItemsPath", "Iterator", "ItemProcessor", "MaxConcurrency", "MaxConcurrencyPath", "Retry", "Catch"},
}

const distributedOnly = "it only applies to Distributed Map, which is not supported; use an inline Map"

var unsupportedByType = map[string]map[string]string{
	TypeTask: {"Credentials": "cross-account task credentials are not supported"},
	TypeMap: {
		"ItemReader":                     distributedOnly,
		"ResultWriter":                   distributedOnly,
		"ItemBatcher":                    distributedOnly,
		"Label":                          distributedOnly,
		"ToleratedFailurePercentage":     distributedOnly,
		"ToleratedFailurePercentagePath": distributedOnly,
		"ToleratedFailureCount":          distributedOnly,
		"ToleratedFailureCountPath":      distributedOnly,
		"Items":                          "it belongs to the JSONata query language; use ItemsPath",
	},
}

func (p *parser) state(name string, o *object, loc string, depth int) *State {
	w := where{state: name, loc: loc}
	typ, ok := p.str(o, w, "Type", true)
	if !ok {
		return nil
	}
	allowed, known := fieldsByType[typ]
	if !known {
		p.schema(w.at("Type"), "state %q has an unknown Type %q (use Pass, Task, Choice, Wait, Succeed, Fail, Parallel or Map)", name, typ)
		return nil
	}
	p.checkFields(o, w, append([]string{"Type", "Comment", "QueryLanguage"}, allowed...), mergeUnsupported(unsupportedByType[typ]))
	p.queryLanguage(o, w)
	st := &State{Name: name, Type: typ}
	st.Comment, _ = p.str(o, w, "Comment", false)
	p.nextOrEnd(st, o, w)
	st.InputPath = p.path(o, w, "InputPath", fullPath, true, true)
	st.OutputPath = p.path(o, w, "OutputPath", fullPath, true, true)
	st.ResultPath = p.path(o, w, "ResultPath", referencePath, true, false)
	st.Parameters = p.template(o, w, "Parameters")
	st.ResultSelector = p.template(o, w, "ResultSelector")

	switch typ {
	case TypePass:
		if v, ok := o.get("Result"); ok {
			st.Result, st.HasResult = plain(v), true
		}
	case TypeTask:
		p.task(st, o, w)
	case TypeChoice:
		p.choice(st, o, w, depth)
	case TypeWait:
		p.wait(st, o, w)
	case TypeFail:
		p.fail(st, o, w)
	case TypeParallel:
		p.parallel(st, o, w, depth)
	case TypeMap:
		p.mapState(st, o, w, depth)
	}
	if typ == TypeTask || typ == TypeParallel || typ == TypeMap {
		st.Retry = p.retriers(o, w)
		st.Catch = p.catchers(o, w)
	}
	return st
}

// nextOrEnd checks the transition fields: Choice, Succeed and Fail have neither; every
// other state exactly one of Next and "End": true.
func (p *parser) nextOrEnd(st *State, o *object, w where) {
	next, hasNext := p.target(o, w, "Next", false)
	end, hasEnd := p.boolean(o, w, "End")
	st.Next, st.End = next, end
	switch st.Type {
	case TypeChoice, TypeSucceed, TypeFail:
		return // checkFields already refused Next/End
	}
	switch {
	case hasNext && hasEnd && end:
		p.schema(w.loc, "state %q has both Next and \"End\": true; keep exactly one", st.Name)
	case !hasNext && !end:
		if _, present := o.get("Next"); !present {
			p.schema(w.loc, "state %q needs either \"Next\" or \"End\": true", st.Name)
		}
	}
}

var resourcePattern = regexp.MustCompile(`^arn:aws[a-z-]*:states:::(.+)$`)
var sdkActionPattern = regexp.MustCompile(`^[a-z][A-Za-z0-9]*$`)

const supportedResources = "arn:aws:states:::aws-sdk:drs:<action> (optionally .waitForTaskToken), arn:aws:states:::aws-sdk:ssm:<action> for " + ssmActionList + ", arn:aws:states:::aws-sdk:servicequotas:<getServiceQuota|getAWSDefaultServiceQuota|listServiceQuotas>, arn:aws:states:::events:putEvents and arn:aws:states:::events:putEvents.waitForTaskToken, arn:aws:states:::states:startExecution (optionally .sync, .sync:2 or .waitForTaskToken)"

func (p *parser) task(st *State, o *object, w where) {
	res, ok := p.str(o, w, "Resource", true)
	if ok {
		st.Resource = res
		in, err := parseResource(res)
		if err != nil {
			p.add(CodeInvalidResource, w.at("Resource"), "state %q, field \"Resource\": %v", st.Name, err)
		}
		st.Integration = in
	}
	var hasT, hasH bool
	st.TimeoutSeconds, hasT = p.integer(o, w, "TimeoutSeconds", 1, maxSeconds)
	st.TimeoutSecondsPath = p.path(o, w, "TimeoutSecondsPath", referencePath, false, true)
	st.HeartbeatSeconds, hasH = p.integer(o, w, "HeartbeatSeconds", 1, maxSeconds)
	st.HeartbeatSecondsPath = p.path(o, w, "HeartbeatSecondsPath", referencePath, false, true)
	p.exclusive(o, w, "TimeoutSeconds", "TimeoutSecondsPath")
	p.exclusive(o, w, "HeartbeatSeconds", "HeartbeatSecondsPath")
	timeout := DefaultTaskTimeoutSeconds
	if hasT {
		timeout = st.TimeoutSeconds
	}
	if hasH && st.TimeoutSecondsPath == nil && st.HeartbeatSeconds >= timeout {
		p.schema(w.at("HeartbeatSeconds"), "state %q: HeartbeatSeconds (%d) must be smaller than TimeoutSeconds (%d)", st.Name, st.HeartbeatSeconds, timeout)
	}
}

// parseResource accepts only the integrations drsorch runs.
func parseResource(res string) (Integration, error) {
	m := resourcePattern.FindStringSubmatch(res)
	if m == nil {
		return Integration{}, fmt.Errorf("%q is not supported: drsorch runs only %s", res, supportedResources)
	}
	rest := m[1]
	in := Integration{}
	if r, ok := strings.CutSuffix(rest, ".waitForTaskToken"); ok {
		in.WaitForTaskToken, rest = true, r
	}
	// Nested executions: the one integration with the .sync patterns.
	switch rest {
	case "states:startExecution":
		in.Service, in.Action = "states", "startExecution"
		return in, nil
	case "states:startExecution.sync", "states:startExecution.sync:2":
		if in.WaitForTaskToken {
			return Integration{}, fmt.Errorf("%q: .sync and .waitForTaskToken do not combine", res)
		}
		in.Service, in.Action, in.Sync, in.SyncV2 = "states", "startExecution", true, strings.HasSuffix(rest, ":2")
		return in, nil
	}
	if strings.Contains(rest, ".sync") {
		return Integration{}, fmt.Errorf("%q: the .sync pattern is not available for these integrations; poll with a Wait/Choice loop or use .waitForTaskToken", res)
	}
	switch {
	case rest == "events:putEvents":
		in.Service, in.Action = "events", "putEvents"
	case strings.HasPrefix(rest, "aws-sdk:drs:"):
		action := strings.TrimPrefix(rest, "aws-sdk:drs:")
		if !sdkActionPattern.MatchString(action) {
			return Integration{}, fmt.Errorf("%q: the DRS action %q must be an API action name in camelCase, such as startRecovery", res, action)
		}
		if !drsActions[action] {
			return Integration{}, fmt.Errorf("%q: DRS has no API action %q (actions are the DRS operation names in camelCase, such as startRecovery or describeJobs)", res, action)
		}
		in.Service, in.Action = "drs", action
	case strings.HasPrefix(rest, "aws-sdk:servicequotas:"):
		// The quota reads the run service serves (the start guard of the
		// wave runner reads DRS's quotas): nothing that requests a change.
		action := strings.TrimPrefix(rest, "aws-sdk:servicequotas:")
		if !quotaActions[action] {
			return Integration{}, fmt.Errorf("%q: the run service serves only the Service Quotas reads getServiceQuota, getAWSDefaultServiceQuota and listServiceQuotas", res)
		}
		in.Service, in.Action = "servicequotas", action
	case strings.HasPrefix(rest, "aws-sdk:ssm:"):
		action := strings.TrimPrefix(rest, "aws-sdk:ssm:")
		if !ssmActions[action] {
			return Integration{}, fmt.Errorf("%q: drsorch runs only the SSM actions %s (camelCase), not %q", res, ssmActionList, action)
		}
		in.Service, in.Action = "ssm", action
	default:
		return Integration{}, fmt.Errorf("%q is not supported: drsorch runs only %s", res, supportedResources)
	}
	return in, nil
}

// quotaActions are the Service Quotas actions a Task may call.
var quotaActions = map[string]bool{"getServiceQuota": true, "getAWSDefaultServiceQuota": true, "listServiceQuotas": true}

func (p *parser) exclusive(o *object, w where, a, b string) bool {
	_, hasA := o.get(a)
	_, hasB := o.get(b)
	if hasA && hasB {
		p.schema(w.loc, "state %q has both %s and %s; keep only one", w.state, a, b)
		return false
	}
	return true
}

func (p *parser) wait(st *State, o *object, w where) {
	count := 0
	for _, f := range []string{"Seconds", "Timestamp", "SecondsPath", "TimestampPath"} {
		if _, ok := o.get(f); ok {
			count++
		}
	}
	if count != 1 {
		p.schema(w.loc, "Wait state %q needs exactly one of Seconds, Timestamp, SecondsPath and TimestampPath (found %d)", st.Name, count)
	}
	st.Seconds, st.HasSeconds = p.integer(o, w, "Seconds", 0, maxSeconds)
	if ts, ok := p.str(o, w, "Timestamp", false); ok {
		t, valid := ParseTimestamp(ts)
		if !valid {
			p.schema(w.at("Timestamp"), "%s: %q is not an RFC 3339 timestamp such as 2026-01-02T15:04:05Z", w.field("Timestamp"), ts)
		}
		st.Timestamp, st.HasTimestamp = t, valid
	}
	st.SecondsPath = p.path(o, w, "SecondsPath", referencePath, false, true)
	st.TimestampPath = p.path(o, w, "TimestampPath", referencePath, false, true)
}

func (p *parser) fail(st *State, o *object, w where) {
	p.exclusive(o, w, "Error", "ErrorPath")
	p.exclusive(o, w, "Cause", "CausePath")
	st.ErrorName, _ = p.str(o, w, "Error", false)
	st.Cause, _ = p.str(o, w, "Cause", false)
	st.ErrorPath = p.dynamicString(o, w, "ErrorPath")
	st.CausePath = p.dynamicString(o, w, "CausePath")
}

// dynamicString reads ErrorPath/CausePath: a reference path or an intrinsic function.
func (p *parser) dynamicString(o *object, w where, key string) *Expr {
	s, ok := p.str(o, w, key, false)
	if !ok {
		return nil
	}
	e, err := compileExpr(s, referencePath)
	if err != nil {
		p.schema(w.at(key), "%s: %v", w.field(key), err)
		return nil
	}
	return e
}

func (p *parser) parallel(st *State, o *object, w where, depth int) {
	v, ok := o.get("Branches")
	if !ok {
		p.schema(w.loc, "%s is required", w.field("Branches"))
		return
	}
	arr, ok := v.([]any)
	if !ok || len(arr) == 0 {
		p.schema(w.at("Branches"), "%s must be a non-empty array of state machines", w.field("Branches"))
		return
	}
	if depth+1 > maxNestingDepth {
		p.add(CodeTooDeeplyNested, w.loc, "state %q: Parallel and Map states are nested more than %d deep", st.Name, maxNestingDepth)
		return
	}
	for i, b := range arr {
		bloc := fmt.Sprintf("%s/Branches[%d]", w.loc, i)
		bo, ok := b.(*object)
		if !ok {
			p.schema(bloc, "state %q: every branch must be an object with StartAt and States, not %s", st.Name, typeName(b))
			continue
		}
		st.Branches = append(st.Branches, p.machine(bo, bloc, machineBranch, depth+1))
	}
}

func (p *parser) mapState(st *State, o *object, w where, depth int) {
	st.ItemsPath = p.path(o, w, "ItemsPath", referencePath, false, true)
	st.ItemSelector = p.template(o, w, "ItemSelector")
	p.exclusive(o, w, "ItemSelector", "Parameters")
	st.MaxConcurrency, _ = p.integer(o, w, "MaxConcurrency", 0, 1<<31-1)
	st.MaxConcurrencyPath = p.path(o, w, "MaxConcurrencyPath", referencePath, false, true)
	p.exclusive(o, w, "MaxConcurrency", "MaxConcurrencyPath")
	_, hasProc := o.get("ItemProcessor")
	_, hasIter := o.get("Iterator")
	field, kind := "ItemProcessor", machineProcessor
	switch {
	case hasProc && hasIter:
		p.schema(w.loc, "Map state %q has both ItemProcessor and Iterator; keep ItemProcessor", st.Name)
		return
	case hasIter:
		field, kind = "Iterator", machineBranch
	case !hasProc:
		p.schema(w.loc, "Map state %q needs an ItemProcessor", st.Name)
		return
	}
	v, _ := o.get(field)
	po, ok := v.(*object)
	if !ok {
		p.schema(w.at(field), "%s must be an object with StartAt and States, not %s", w.field(field), typeName(v))
		return
	}
	if depth+1 > maxNestingDepth {
		p.add(CodeTooDeeplyNested, w.loc, "state %q: Parallel and Map states are nested more than %d deep", st.Name, maxNestingDepth)
		return
	}
	st.ItemProcessor = p.machine(po, w.at(field), kind, depth+1)
}

package statemachine

// The limits calculator: what a compiled state machine and one execution of
// it need from Step Functions, against the service's hard quotas
// (https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html):
//   - "Maximum size of state machine definition: 1 MB" (hard), and the
//     model's Definition member: at most 1,048,576 characters;
//   - "Maximum request size: 1 MB per request. This is the total data size
//     per Step Functions API request, including the request header and all
//     other associated request data" (hard; read strictly as 1,048,576 bytes);
//   - "Maximum execution history size: 25,000 events in a single state
//     machine execution history" (the execution fails when it reaches it);
//   - "Maximum input or output size for a task, state, or execution:
//     256 KiB of data as a UTF-8 encoded string" (262,144 bytes).
//
// The calculator works on one state machine and one execution of it, from
// the definition's structure: events are counted per state type, as the
// run service (internal/runservice/sfn) and Step Functions write them, and
// only the loops need outside knowledge (how many times they turn), which
// LoopBounds derives from the domain plan. A state machine that starts
// other state machines (a shared wave runner) is checked the same way, one
// definition at a time.

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/drsorch/terraform-provider-drsorch/internal/recoveryplan"
)

// Step Functions' hard limits (service-quotas page above).
const (
	MaxDefinitionChars = 1 << 20   // characters of the definition
	MaxRequestBytes    = 1 << 20   // bytes of one API request, headers included
	MaxHistoryEvents   = 25000     // events of one execution
	MaxStateBytes      = 256 << 10 // bytes of one state's input or output
)

// History events per state visit, as Step Functions writes them (the
// HistoryEvent types of the API reference) and the run service does
// (sfn/step.go, sfn/tasks.go, sfn/child.go):
//   - Pass, Choice, Wait, Succeed: <Type>StateEntered, <Type>StateExited;
//   - Fail: FailStateEntered (then the branch or the execution fails);
//   - Task: TaskStateEntered, TaskScheduled, TaskStarted, TaskSucceeded,
//     TaskStateExited; a .waitForTaskToken or .sync task adds TaskSubmitted;
//   - Parallel: ParallelStateEntered, ParallelStateStarted, the branches,
//     ParallelStateSucceeded, ParallelStateExited — or, when a branch fails,
//     ParallelStateFailed and one …StateAborted per other branch;
//   - the execution: ExecutionStarted and ExecutionSucceeded|Failed.
//
// A read that fails and is retried adds TaskFailed, TaskScheduled and
// TaskStarted per retry: the figures below are the worst case WITHOUT
// failures (every wave polling until its timeout), not with retries.
const (
	eventsSimpleState   = 2
	eventsFailState     = 1
	eventsTask          = 5
	eventsTaskSubmitted = 1
	eventsParallelOK    = 4
	eventsParallelFail  = 3 // Entered, Started, Failed (+ aborted siblings)
	eventsExecution     = 2
)

// Largest values the compiled plans carry per server, from the DRS service
// model (botocore drs 2020-02-26): SourceServerID and RecoveryInstanceID
// at most 19 characters, JobID exactly 24; the longest LaunchStatus is
// IN_PROGRESS and the longest EC2InstanceState SHUTTING-DOWN. EC2 instance
// IDs are "i-" and 17 hex digits (the model allows up to 255 characters,
// which EC2 has never issued).
var (
	worstSourceServerID   = "s-" + strings.Repeat("0", 17)
	worstInstanceID       = "i-" + strings.Repeat("0", 17)
	worstJobID            = "drsjob-" + strings.Repeat("0", 17)
	worstLaunchStatus     = "IN_PROGRESS"
	worstEC2InstanceState = "SHUTTING-DOWN"
)

// InputAllowance is the room left in the state for the execution input
// ({"type": …, "invokedBy": …, "adoptJobs": {…}}): the input is carried in
// the top-level state and copied into every branch.
const InputAllowance = 4096

// RequestInfo is what a CreateStateMachine or UpdateStateMachine request
// carries besides the definition.
type RequestInfo struct {
	Name    string
	RoleARN string
	Tags    map[string]string
}

// requestOverhead is the room kept for the request's HTTP headers
// (SigV4 Authorization, X-Amz-Target, X-Amz-Date, security token, user
// agent …) and the JSON members not modelled here (type, logging,
// tracing, publish, version description).
const requestOverhead = 4096

// Figures are a compiled plan's measures against the limits.
type Figures struct {
	// DefinitionCharacters is the definition's length in characters
	// (Unicode code points, as Step Functions counts them).
	DefinitionCharacters int
	// RequestBytes is the CreateStateMachine request: the definition
	// JSON-escaped in the body, name, role, tags, plus room for headers.
	RequestBytes int
	// HistoryEvents is the worst case of one execution without failures:
	// every wave polls until its timeout, its last poll finds the servers
	// launched and its health checks use all their retries.
	HistoryEvents int
	// WaveHistoryEvents is the worst case of each wave's branch.
	WaveHistoryEvents map[string]int
	// StateBytes is the largest state the execution carries: the output
	// of the last level, holding every level's per-server results.
	StateBytes int

	// what Measure read, for the fixes Problems proposes
	branches map[string]aslBranch
	bounds   map[string]int
}

// LoopBounds returns, for the states of plan's loops, the most times one
// run of a wave enters them: the DescribeJobs polling until the timeout and
// the health checks. States of a loop without their own bound take the
// loop's largest, so a state added to a loop is counted, not missed.
func LoopBounds(plan recoveryplan.Plan) map[string]int {
	b := make(map[string]int, len(plan.Waves)*11)
	for _, w := range plan.Waves {
		schedule := PollSchedule(w.EffectivePollInterval())
		waveBounds(b, w.Name, len(schedule), MaxPolls(schedule, w.EffectiveTimeout()))
	}
	return b
}

// waveBounds sets the bounds of wave's loops when it polls at most polls
// times under a schedule of steps intervals.
func waveBounds(b map[string]int, wave string, steps, polls int) {
	s := func(step string) string { return wave + ": " + step }
	for _, st := range []string{"wait", "describe job", "count", "check"} {
		b[s(st)] = polls
	}
	b[s("next interval")] = polls - 1
	b[s("ramp up")] = min(polls-1, steps-1)
	for _, st := range []string{"describe instances", "health", "healthy?", "recheck?"} {
		b[s(st)] = healthChecks
	}
	b[s("wait for instances")] = healthChecks - 1
}

// MaxPolls is the most DescribeJobs polls a wave makes before it times
// out: the state machine stops once the waited seconds reach the timeout,
// and the poll that reaches it may still find every server launched.
func MaxPolls(schedule []int, timeout time.Duration) int {
	t := int(timeout / time.Second)
	elapsed, polls := 0, 0
	for i := 0; i < len(schedule)-1 && elapsed < t; i++ {
		elapsed += schedule[i]
		polls++
	}
	if elapsed < t {
		steady := schedule[len(schedule)-1]
		polls += (t - elapsed + steady - 1) / steady
	}
	return max(polls, 1)
}

// Measure computes c's figures. plan is the domain plan c was compiled
// from (its loops' bounds); req the request that deploys it.
func Measure(plan recoveryplan.Plan, c *Compiled, req RequestInfo) (Figures, error) {
	f := Figures{
		DefinitionCharacters: utf8.RuneCountInString(c.Definition),
		RequestBytes:         RequestBytes(c.Definition, req),
	}
	var def aslBranch
	if err := json.Unmarshal([]byte(c.Definition), &def); err != nil {
		return f, fmt.Errorf("read the compiled definition: %w", err)
	}
	h := historyCounter{bounds: LoopBounds(plan), waves: map[string]int{}, branches: map[string]aslBranch{}}
	top, err := h.branch(def.StartAt, def.States)
	if err != nil {
		return f, err
	}
	f.HistoryEvents = eventsExecution + max(top.ok, top.fail)
	f.WaveHistoryEvents, f.branches, f.bounds = h.waves, h.branches, h.bounds
	f.StateBytes, err = stateBytes(plan, def.States)
	return f, err
}

// RequestBytes is the size of the CreateStateMachine request that deploys
// definition: the JSON body (definition escaped as a JSON string) plus the
// headers' allowance.
func RequestBytes(definition string, req RequestInfo) int {
	type tag struct {
		Key   string `json:"key"`
		Value string `json:"value"`
	}
	body := struct {
		Name       string `json:"name"`
		Definition string `json:"definition"`
		RoleArn    string `json:"roleArn"`
		Tags       []tag  `json:"tags,omitempty"`
	}{Name: req.Name, RoleArn: req.RoleARN}
	for k, v := range req.Tags {
		body.Tags = append(body.Tags, tag{k, v})
	}
	b, err := json.Marshal(body)
	if err != nil {
		b = nil
	}
	return len(b) + escapedLen(definition) - len(`""`) + requestOverhead
}

// escapedLen is the length of s as a JSON string, quotes included, with
// the escapes encoding/json writes (the largest the SDKs write).
func escapedLen(s string) int {
	n := 2
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\' || c == '\n' || c == '\r' || c == '\t':
				n += 2
			case c < 0x20 || c == '<' || c == '>' || c == '&':
				n += 6 // \u00XX
			default:
				n++
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			n += 6 // \ufffd
		case r == '\u2028' || r == '\u2029':
			n += 6
		default:
			n += size
		}
		i += size
	}
	return n
}

// cost is the worst number of events from entering a state (or a branch)
// to the end of its branch: ok when the branch ends normally, fail when it
// ends in a Fail state (-1: cannot).
type cost struct{ ok, fail int }

type historyCounter struct {
	bounds   map[string]int
	waves    map[string]int
	branches map[string]aslBranch
}

type aslState struct {
	Type       string
	Next       string
	ResultPath *string
	Parameters json.RawMessage
	End        bool
	Default    string
	Resource   string
	Choices    []struct{ Next string }
	Catch      []struct {
		ErrorEquals []string
		Next        string
	}
	Branches []aslBranch
}

// aslBranch is a definition or a Parallel branch, decoded once.
type aslBranch struct {
	StartAt string
	States  map[string]*aslState
}

// branch returns the worst cost of running the states from start to the
// end of the branch. Loops (strongly connected states) cost the sum of
// their states' bounds times their events, paid once on the way through.
func (h *historyCounter) branch(start string, states map[string]*aslState) (cost, error) {
	names := make([]string, 0, len(states))
	for n := range states {
		names = append(names, n)
	}
	sort.Strings(names)
	own := make(map[string]cost, len(states)) // events of one visit
	for _, n := range names {
		c, err := h.visit(n, states[n])
		if err != nil {
			return cost{}, err
		}
		own[n] = c
	}
	succ := func(n string) []string {
		st := states[n]
		var out []string
		add := func(s string) {
			if s != "" {
				out = append(out, s)
			}
		}
		add(st.Next)
		add(st.Default)
		for _, c := range st.Choices {
			add(c.Next)
		}
		for _, c := range st.Catch {
			add(c.Next)
		}
		return out
	}
	comp, order := scc(names, succ)
	// order lists components so that successors come first.
	best := make([]cost, len(order))
	for ci, members := range order {
		loop := len(members) > 1
		if !loop {
			for _, s := range succ(members[0]) {
				loop = loop || s == members[0]
			}
		}
		total, failExtra := 0, -1
		if loop {
			bound := 0
			for _, m := range members {
				bound = max(bound, h.bounds[m])
			}
			if bound == 0 {
				return cost{}, fmt.Errorf("states %s form a loop without a known bound", strings.Join(members, ", "))
			}
			for _, m := range members {
				b, ok := h.bounds[m]
				if !ok {
					b = bound
				}
				total += b * own[m].ok
			}
		} else {
			total = own[members[0]].ok
			if f := own[members[0]].fail; f >= 0 {
				failExtra = f - total // a Parallel that fails
			}
		}
		c := cost{ok: -1, fail: -1}
		for _, m := range members {
			st := states[m]
			switch {
			case st.Type == "Fail":
				c.fail = max(c.fail, total)
			case st.Type == "Succeed" || st.End:
				c.ok = max(c.ok, total)
			}
			for _, s := range succ(m) {
				t, known := comp[s]
				if !known {
					return cost{}, fmt.Errorf("state %q goes to %q, which does not exist", m, s)
				}
				if t == ci {
					continue
				}
				if best[t].ok >= 0 {
					c.ok = max(c.ok, total+best[t].ok)
				}
				if best[t].fail >= 0 {
					c.fail = max(c.fail, total+best[t].fail)
				}
			}
		}
		if failExtra >= 0 {
			c.fail = max(c.fail, total+failExtra)
		}
		best[ci] = c
	}
	sc, ok := comp[start]
	if !ok {
		return cost{}, fmt.Errorf("StartAt %q is not a state", start)
	}
	return best[sc], nil
}

// visit is the events of one visit of st: ok when it goes on normally,
// fail (-1: never) when it fails its branch by itself (a Parallel whose
// branch failed).
func (h *historyCounter) visit(name string, st *aslState) (cost, error) {
	switch st.Type {
	case "Pass", "Choice", "Wait", "Succeed":
		return cost{eventsSimpleState, -1}, nil
	case "Fail":
		return cost{eventsFailState, -1}, nil
	case "Task":
		n := eventsTask
		if strings.HasSuffix(st.Resource, ".waitForTaskToken") || strings.Contains(st.Resource, ".sync") {
			n += eventsTaskSubmitted
		}
		return cost{n, -1}, nil
	case "Parallel":
		ok, fail := eventsParallelOK, eventsParallelFail+max(len(st.Branches)-1, 0)
		anyFail := false
		for _, b := range st.Branches {
			bc, err := h.branch(b.StartAt, b.States)
			if err != nil {
				return cost{}, err
			}
			if wave, _, found := strings.Cut(b.StartAt, ": "); found {
				h.waves[wave] = max(bc.ok, bc.fail)
				if h.branches != nil {
					h.branches[wave] = b
				}
			}
			ok += max(bc.ok, 0)
			fail += max(bc.ok, bc.fail, 0)
			anyFail = anyFail || bc.fail >= 0
		}
		if !anyFail {
			fail = -1
		}
		return cost{ok, fail}, nil
	default:
		return cost{}, fmt.Errorf("state %q: cannot count the history events of a %s state", name, st.Type)
	}
}

// scc returns Tarjan's strongly connected components of the state graph,
// each state's component index, and the components in reverse topological
// order (a component's successors come before it).
func scc(names []string, succ func(string) []string) (map[string]int, [][]string) {
	index := map[string]int{}
	low := map[string]int{}
	onStack := map[string]bool{}
	var stack []string
	comp := map[string]int{}
	var order [][]string
	next := 0
	var strong func(v string)
	strong = func(v string) {
		index[v], low[v] = next, next
		next++
		stack = append(stack, v)
		onStack[v] = true
		for _, w := range succ(v) {
			if _, seen := index[w]; !seen {
				if _, exists := low[w]; !exists && !contains(names, w) {
					continue // reported by the caller
				}
				strong(w)
				low[v] = min(low[v], low[w])
			} else if onStack[w] {
				low[v] = min(low[v], index[w])
			}
		}
		if low[v] == index[v] {
			var members []string
			for {
				w := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				onStack[w] = false
				comp[w] = len(order)
				members = append(members, w)
				if w == v {
					break
				}
			}
			order = append(order, members)
		}
	}
	for _, n := range names {
		if _, seen := index[n]; !seen {
			strong(n)
		}
	}
	return comp, order
}

func contains(names []string, s string) bool {
	i := sort.SearchStrings(names, s)
	return i < len(names) && names[i] == s
}

// stateBytes is the largest state one execution carries, in bytes: the
// top-level state after each Parallel level (the execution input, the run
// type and every level's branch outputs, kept under their ResultPath), or
// a wave's own state while it runs, whichever is larger. Values come from
// worstBranchState: every ID and status at its longest.
func stateBytes(plan recoveryplan.Plan, states map[string]*aslState) (int, error) {
	top := map[string]any{"run": map[string]any{"isDrill": false}}
	largest := 0
	names := make([]string, 0, len(states))
	for n := range states {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		st := states[n]
		if st.Type != "Parallel" {
			continue
		}
		outputs := make([]any, 0, len(st.Branches))
		for _, b := range st.Branches {
			wave, _, _ := strings.Cut(b.StartAt, ": ")
			w, _ := plan.Wave(wave)
			in := worstBranchState(len(w.ServerIDs))
			inSize, err := jsonSize(in)
			if err != nil {
				return 0, err
			}
			largest = max(largest, inSize+InputAllowance)
			out, err := branchOutput(b.States, in)
			if err != nil {
				return 0, err
			}
			outputs = append(outputs, out)
		}
		if st.ResultPath == nil {
			continue // the level's output is dropped
		}
		setPath(top, *st.ResultPath, outputs)
	}
	size, err := jsonSize(top)
	if err != nil {
		return 0, err
	}
	return max(largest, size+InputAllowance), nil
}

// branchOutput is the largest output of a branch: the Parameters of the
// states that end it, resolved against in; the whole branch state when an
// end state passes its input on.
func branchOutput(states map[string]*aslState, in map[string]any) (any, error) {
	var largest any = in
	size := -1
	for n, st := range states {
		if !st.End && st.Type != "Succeed" {
			continue
		}
		var out any = in
		if st.Parameters != nil && (st.ResultPath == nil || *st.ResultPath == "$") {
			var params any
			if err := json.Unmarshal(st.Parameters, &params); err != nil {
				return nil, fmt.Errorf("state %q: %w", n, err)
			}
			out = resolveTemplate(params, in)
		}
		s, err := jsonSize(out)
		if err != nil {
			return nil, err
		}
		if s > size {
			largest, size = out, s
		}
	}
	return largest, nil
}

// worstBranchState is a wave's state at its end with n servers, each ID
// and status at its longest.
func worstBranchState(n int) map[string]any {
	rep := func(s string) []any {
		out := make([]any, n)
		for i := range out {
			out[i] = s
		}
		return out
	}
	return map[string]any{
		"isDrill": false,
		"job":     map[string]any{"JobID": worstJobID},
		"poll": map[string]any{"step": 3, "elapsed": recoveryplan.MaxWaveTimeout / time.Second, "seconds": 900,
			"schedule": []any{5, 10, 20, 900}, "distinct": 1, "anyLaunched": true, "anyFailed": false},
		"status": map[string]any{"Status": "COMPLETED", "ServerIDs": rep(worstSourceServerID),
			"LaunchStatuses": rep(worstLaunchStatus)},
		"instances": map[string]any{"SourceServerIDs": rep(worstSourceServerID), "RecoveryInstanceIDs": rep(worstInstanceID),
			"Ec2InstanceIDs": rep(worstInstanceID), "Ec2InstanceStates": rep(worstEC2InstanceState)},
		"health": map[string]any{"instances": n, "distinct": 1, "anyRunning": true, "checks": healthChecks},
	}
}

// worstContextValue stands for a "$$." or intrinsic value: as long as an
// execution ARN.
var worstContextValue = strings.Repeat("x", 256)

// resolveTemplate fills a Parameters template: plain "$." paths from in,
// anything else ("$$.", intrinsic functions) as a 256-character string.
func resolveTemplate(t any, in map[string]any) any {
	switch v := t.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, x := range v {
			if key, ok := strings.CutSuffix(k, ".$"); ok {
				p, _ := x.(string)
				if val, found := lookup(in, p); found {
					out[key] = val
				} else {
					out[key] = worstContextValue
				}
				continue
			}
			out[k] = resolveTemplate(x, in)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = resolveTemplate(x, in)
		}
		return out
	default:
		return v
	}
}

// lookup resolves a plain dotted path ($.a.b) in v.
func lookup(v map[string]any, p string) (any, bool) {
	rest, ok := strings.CutPrefix(p, "$.")
	if !ok || strings.ContainsAny(rest, "[]*()'") {
		return nil, false
	}
	var cur any = v
	for _, part := range strings.Split(rest, ".") {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = m[part]; !ok {
			return nil, false
		}
	}
	return cur, true
}

// setPath sets a plain dotted ResultPath ($.a.b) in v.
func setPath(v map[string]any, p string, val any) {
	rest, ok := strings.CutPrefix(p, "$.")
	if !ok {
		return
	}
	parts := strings.Split(rest, ".")
	for _, part := range parts[:len(parts)-1] {
		m, ok := v[part].(map[string]any)
		if !ok {
			m = map[string]any{}
			v[part] = m
		}
		v = m
	}
	v[parts[len(parts)-1]] = val
}

func jsonSize(v any) (int, error) {
	b, err := json.Marshal(v)
	return len(b), err
}

// Problems turns figures over the limits into plan-time errors on the
// attribute that causes them: the wave list for the definition, the
// request and the state; the poll_interval of the wave that writes the
// most history events for the history limit.
func Problems(plan recoveryplan.Plan, f Figures) recoveryplan.Problems {
	var ps recoveryplan.Problems
	add := func(wave int, attr, summary, format string, args ...any) {
		ps = append(ps, recoveryplan.Problem{Severity: recoveryplan.Error, Wave: wave, Attribute: attr, Summary: summary,
			Detail: fmt.Sprintf(format, args...)})
	}
	perWave := 0
	if len(plan.Waves) > 0 {
		perWave = f.DefinitionCharacters / len(plan.Waves)
	}
	if f.DefinitionCharacters > MaxDefinitionChars {
		add(-1, "wave", "State machine definition too large",
			"the compiled definition of this plan is %d characters; Step Functions' hard limit on a state machine definition is %d characters (1 MB, service quotas). Split the plan into plans of at most %d waves (about %d characters per wave here), or move servers into fewer waves.",
			f.DefinitionCharacters, MaxDefinitionChars, max(MaxDefinitionChars/max(perWave, 1), 1), perWave)
	} else if f.RequestBytes > MaxRequestBytes {
		add(-1, "wave", "CreateStateMachine request too large",
			"deploying this plan sends a request of about %d bytes (the definition JSON-escaped, name, role, tags and headers); Step Functions' hard limit on a request is %d bytes (1 MB, service quotas). Split the plan into smaller plans.",
			f.RequestBytes, MaxRequestBytes)
	}
	if f.HistoryEvents >= MaxHistoryEvents {
		ps = append(ps, historyProblem(plan, f))
	}
	if f.StateBytes > MaxStateBytes {
		add(-1, "wave", "Execution state too large",
			"one execution of this plan can carry a state of up to %d bytes (every wave's per-server results, kept to the end); Step Functions fails an execution whose state passes %d bytes (256 KiB, service quotas). Split the plan into plans of fewer servers (about %d servers each).",
			f.StateBytes, MaxStateBytes, max(plan.ServerCount()*MaxStateBytes/max(f.StateBytes, 1)*9/10, 1))
	}
	return ps
}

// historyProblem blames the wave that writes the most events, with the
// poll interval (or timeout) that would bring the plan under the limit.
func historyProblem(plan recoveryplan.Plan, f Figures) recoveryplan.Problem {
	worst, worstEvents := -1, -1
	for i, w := range plan.Waves {
		if e := f.WaveHistoryEvents[w.Name]; e > worstEvents {
			worst, worstEvents = i, e
		}
	}
	p := recoveryplan.Problem{Severity: recoveryplan.Error, Wave: -1, Attribute: "wave", Summary: "Too many history events for one execution"}
	head := fmt.Sprintf("one execution of this plan can write up to %d history events when its waves poll DRS until they time out; Step Functions fails an execution when its history reaches %d events (service quotas)",
		f.HistoryEvents, MaxHistoryEvents)
	if worst < 0 {
		p.Detail = head + ". Split the plan, or raise poll_interval or lower timeout of its waves."
		return p
	}
	w := plan.Waves[worst]
	// Each poll of w costs perPoll events; find the polls it may keep.
	schedule := PollSchedule(w.EffectivePollInterval())
	polls := MaxPolls(schedule, w.EffectiveTimeout())
	perPoll := f.eventsPerPoll(w.Name, len(schedule), polls)
	excess := f.HistoryEvents - (MaxHistoryEvents - 1)
	keep := polls - (excess+perPoll-1)/perPoll
	p.Wave, p.Attribute = worst, "poll_interval"
	detail := fmt.Sprintf("%s; wave %q alone can write %d of them, polling every %s (after 5, 10 and 20 s) for up to %s (%d polls). ",
		head, w.Name, worstEvents, w.EffectivePollInterval(), w.EffectiveTimeout(), polls)
	if keep < 1 {
		p.Detail = detail + "Changing this wave is not enough: split the plan, or raise poll_interval or lower timeout of its other waves too."
		return p
	}
	var fixes []string
	for iv := recoveryplan.MinPollInterval; iv <= recoveryplan.MaxPollInterval; iv += time.Second {
		if MaxPolls(PollSchedule(iv), w.EffectiveTimeout()) <= keep {
			fixes = append(fixes, fmt.Sprintf("Raise poll_interval to at least %s", iv))
			break
		}
	}
	for t := w.EffectiveTimeout().Truncate(time.Minute); t >= time.Minute; t -= time.Minute {
		if MaxPolls(schedule, t) <= keep {
			fixes = append(fixes, fmt.Sprintf("lower timeout to at most %s", t))
			break
		}
	}
	if len(fixes) == 0 {
		p.Detail = detail + "Split the plan, or poll less often in its other waves."
		return p
	}
	p.Detail = detail + strings.Join(fixes, ", or ") + "."
	return p
}

// eventsPerPoll is what one more poll of wave adds to its branch's worst
// case, counted on its branch in the definition (wait, describe job,
// count, check, next interval today: 13).
func (f Figures) eventsPerPoll(wave string, steps, polls int) int {
	const fallback = eventsSimpleState*4 + eventsTask
	b, ok := f.branches[wave]
	if !ok || polls < steps+1 {
		return fallback
	}
	bounds := make(map[string]int, len(f.bounds))
	for k, v := range f.bounds {
		bounds[k] = v
	}
	at := func(n int) int {
		waveBounds(bounds, wave, steps, n)
		h := historyCounter{bounds: bounds, waves: map[string]int{}}
		c, err := h.branch(b.StartAt, b.States)
		if err != nil {
			return -1
		}
		return max(c.ok, c.fail)
	}
	hi, lo := at(polls), at(polls-1)
	if hi < 0 || lo < 0 || hi <= lo {
		return fallback
	}
	return hi - lo
}

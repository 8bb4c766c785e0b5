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
	eventsMap           = 4 // Entered, Started, Succeeded, Exited
	eventsMapIteration  = 2 // MapIterationStarted, MapIterationSucceeded
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
	worstSnapshotID       = "pit-" + strings.Repeat("0", 17)
	worstLaunchStatus     = "IN_PROGRESS"
	worstEC2InstanceState = "SHUTTING-DOWN"
)

// InputAllowance is the room left in the state for the execution input
// before its wave controls are merged ({"type": …, "invokedBy": …}), and
// for the members a run adds (an optional wave's error).
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

// Figures are a compiled plan's measures against the limits: the plan's
// state machine and, per wave, the wave runner's execution.
type Figures struct {
	// DefinitionCharacters is the plan definition's length in characters
	// (Unicode code points, as Step Functions counts them).
	DefinitionCharacters int
	// RunnerDefinitionCharacters is the wave runner's.
	RunnerDefinitionCharacters int
	// RequestBytes is the CreateStateMachine request: the definition
	// JSON-escaped in the body, name, role, tags, plus room for headers.
	RequestBytes int
	// HistoryEvents is the worst case of any one execution without
	// failures: the plan's own, or a wave runner's that polls until its
	// timeout, finds the servers launched at its last poll and uses every
	// health check.
	HistoryEvents int
	// PlanHistoryEvents is the worst case of the plan's execution itself:
	// a few events per wave (pause gate, runner Task), no polls.
	PlanHistoryEvents int
	// WaveHistoryEvents is the worst case of each wave's runner execution.
	WaveHistoryEvents map[string]int
	// StateBytes is the largest state any execution carries: a runner's
	// (its input, the job's per-server status and instances) or the
	// plan's (its controls, and a failed runner's description).
	StateBytes int

	// what Measure read, for the fixes Problems proposes
	runner aslBranch
}

// withStepBounds adds the bounds of w's post-launch steps and health
// checks: the Map runs each step once, each step's poll loop turns up to
// its timeout (the longest step's, for all), and a failed command reads
// the invocations of up to every instance.
func withStepBounds(b map[string]int, w recoveryplan.Wave) map[string]int {
	steps := len(w.PostLaunch) + len(w.HealthChecks)
	b[mapItems(StepRunSteps)] = steps
	b[mapItems(stepFindFailure)] = len(w.ServerIDs)
	polls := max(stepPolls(w), 1)
	for _, st := range stepLoopStates {
		b[st] = polls
	}
	return b
}

// runnerBoundsAt: checks is how often the start guard scans the active
// jobs (GuardChecks of the wave's timeout).
func runnerBoundsAt(steps, polls, servers, checks int) map[string]int {
	b := map[string]int{StepSourceServers: servers,
		mapItems(StepSourceServers): servers, mapItems(StepLaunchSettings): servers, mapItems(StepExpectedStates): servers}
	for _, st := range []string{StepWait, StepDescribeJob, StepCount, StepCheck} {
		b[st] = polls
	}
	b[StepNextInterval] = polls - 1
	b[StepRampUp] = min(polls-1, steps-1)
	for _, st := range []string{StepDescribeInstance, StepHealth, StepAllInstances, StepExpectedStates, StepHealthy, StepRecheck} {
		b[st] = healthChecks
	}
	b[StepWaitInstances] = healthChecks - 1
	guardBounds(b, checks, servers)
	return b
}

// mapItems is the key of bounds that holds how many items Map state name
// iterates over, apart from how often it is visited (its name's key).
func mapItems(name string) string { return name + " [items]" }

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
		WaveHistoryEvents:    map[string]int{},
	}
	var def aslBranch
	if err := json.Unmarshal([]byte(c.Definition), &def); err != nil {
		return f, fmt.Errorf("read the compiled definition: %w", err)
	}
	h := historyCounter{bounds: map[string]int{}}
	top, err := h.branch(def.StartAt, def.States)
	if err != nil {
		return f, err
	}
	f.PlanHistoryEvents = eventsExecution + max(top.ok, top.fail)
	f.HistoryEvents = f.PlanHistoryEvents
	runnerDef := []byte(c.RunnerDefinition)
	if len(runnerDef) == 0 { // its structure does not depend on the partition
		if runnerDef, err = json.Marshal(runnerDefinition("aws")); err != nil {
			return f, err
		}
	}
	f.RunnerDefinitionCharacters = utf8.RuneCountInString(string(runnerDef))
	if err := json.Unmarshal(runnerDef, &f.runner); err != nil {
		return f, err
	}
	// Waves of the same shape (poll schedule, polls, servers, name length) cost the
	// same: count each shape once.
	type shape struct{ steps, polls, servers, name, waveSteps, stepPolls, stepBytes, checks int }
	events, states := map[shape]int{}, map[shape]int{}
	runnerState, guarding, guardStates := 0, 0, map[shape]int{}
	for _, w := range plan.Waves {
		schedule := PollSchedule(w.EffectivePollInterval())
		stepBytes, err := stepStateBytes(w)
		if err != nil {
			return f, err
		}
		k := shape{len(schedule), MaxPolls(schedule, w.EffectiveTimeout()), len(w.ServerIDs), len(w.Name),
			len(w.PostLaunch) + len(w.HealthChecks), stepPolls(w), stepBytes, GuardChecks(int(w.EffectiveTimeout() / time.Second))}
		n, ok := events[k]
		if !ok {
			if n, err = f.runnerEvents(withStepBounds(runnerBoundsAt(k.steps, k.polls, k.servers, k.checks), w)); err != nil {
				return f, fmt.Errorf("wave %q: %w", w.Name, err)
			}
			events[k] = n
		}
		f.WaveHistoryEvents[w.Name] = n
		f.HistoryEvents = max(f.HistoryEvents, n)
		size, ok := states[k]
		if !ok {
			if size, err = runnerStateBytes(plan, w); err != nil {
				return f, err
			}
			states[k] = size
		}
		runnerState = max(runnerState, size)
		guard, ok := guardStates[k]
		if !ok {
			if guard, err = runnerGuardStateBytes(plan, w); err != nil {
				return f, err
			}
			guardStates[k] = guard
		}
		guarding = max(guarding, guard)
	}
	parent, err := planStateBytes(plan, runnerState)
	if err != nil {
		return f, err
	}
	f.StateBytes = max(runnerState, guarding, parent)
	return f, nil
}

// runnerEvents is the worst case of one runner execution under bounds.
func (f Figures) runnerEvents(bounds map[string]int) (int, error) {
	h := historyCounter{bounds: bounds}
	c, err := h.branch(f.runner.StartAt, f.runner.States)
	if err != nil {
		return 0, err
	}
	return eventsExecution + max(c.ok, c.fail), nil
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
	bounds map[string]int
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
	Branches      []aslBranch
	ItemProcessor *aslBranch
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
			ok += max(bc.ok, 0)
			fail += max(bc.ok, bc.fail, 0)
			anyFail = anyFail || bc.fail >= 0
		}
		if !anyFail {
			fail = -1
		}
		return cost{ok, fail}, nil
	case "Map":
		// MapStateEntered, MapStateStarted, per item MapIterationStarted,
		// the processor's events and MapIterationSucceeded, then
		// MapStateSucceeded, MapStateExited.
		items, ok := h.bounds[mapItems(name)]
		if !ok || st.ItemProcessor == nil {
			return cost{}, fmt.Errorf("state %q (Map): no known number of items", name)
		}
		// The processor's states take their loop bounds from the same
		// bounds (their names differ from the enclosing states'). An
		// iteration that fails costs its events too (a step's failure).
		pc, err := h.branch(st.ItemProcessor.StartAt, st.ItemProcessor.States)
		if err != nil {
			return cost{}, err
		}
		return cost{eventsMap + items*(eventsMapIteration+max(pc.ok, pc.fail, 0)), -1}, nil
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

// runnerStateBytes is the largest state a runner execution of w carries,
// in bytes, every ID, status and message at its longest: its input, the
// job, the poll and health counters, the job's per-server status, the
// recovery instances and a failure's message. The plan's Task that waits
// for it receives its description (input and output), which is no larger.
func runnerStateBytes(plan recoveryplan.Plan, w recoveryplan.Wave) (int, error) {
	n := len(w.ServerIDs)
	rep := func(s string) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = s
		}
		return out
	}
	// Every server may launch from a chosen recovery snapshot (point in
	// time): the input lists them, and sourceServers holds them again.
	servers := make([]RecoverySnapshot, n)
	for i := range servers {
		servers[i] = RecoverySnapshot{SourceServerID: worstSourceServerID, RecoverySnapshotID: worstSnapshotID}
	}
	// A failure's cause lists the servers and their statuses.
	cause := strings.Repeat("x", 512+n*(len(worstSourceServerID)+len(worstInstanceID)+len(worstEC2InstanceState)+9))
	// The control stays in the input once merged (RunnerInput.C).
	state := map[string]any{
		"input": RunnerInput{
			Run:  RunContext{Plan: plan.Name, Execution: worstContextValue},
			Wave: w.Name, Level: len(plan.Waves), Servers: rep(worstSourceServerID),
			C:              &WaveControl{AdoptJobID: worstJobID, RecoverySnapshots: servers},
			TimeoutSeconds: int(recoveryplan.MaxWaveTimeout / time.Second), PollSchedule: []int{5, 10, 20, 900},
			AdoptJobID: worstJobID, RecoverySnapshots: servers,
		},
		"sourceServers": servers,
		"job":           map[string]any{"JobID": worstJobID},
		"poll": map[string]any{"step": 3, "last": 3, "elapsed": recoveryplan.MaxWaveTimeout / time.Second, "seconds": 900,
			"distinct": 1, "anyLaunched": true, "anyFailed": false},
		"status": map[string]any{"Status": "COMPLETED", "ServerIDs": rep(worstSourceServerID),
			"LaunchStatuses": rep(worstLaunchStatus)},
		"instances": map[string]any{"SourceServerIDs": rep(worstSourceServerID), "RecoveryInstanceIDs": rep(worstInstanceID),
			"Ec2InstanceIDs": rep(worstInstanceID), "Ec2InstanceStates": rep(worstEC2InstanceState)},
		"health":     map[string]any{"servers": n, "instances": n, "distinct": 1, "anyRunning": true, "checks": healthChecks},
		"failure":    map[string]any{"error": ErrWaveReadFailed, "outcome": "TIMED_OUT", "jobId": worstJobID, "cause": cause},
		"readError":  map[string]any{"Error": "Drs.SdkClientException", "Cause": worstContextValue},
		"eventError": map[string]any{"Error": "EventBridge.FailedEntry", "Cause": worstContextValue},
		"guard":      guardKept(),
	}
	size, err := jsonSize(state)
	if err != nil {
		return 0, err
	}
	steps, err := stepStateBytes(w)
	return size + steps, err
}

// runnerGuardStateBytes is the largest state of a runner execution of w
// while its start guard checks: the input and the guard's page and lists,
// which it drops before the recovery starts (so they never reach the
// plan's execution, unlike the rest of the runner's state).
func runnerGuardStateBytes(plan recoveryplan.Plan, w recoveryplan.Wave) (int, error) {
	cause := strings.Repeat("x", 512+len(w.ServerIDs)*(len(worstSourceServerID)+3)+20*(len(worstJobID)+3))
	return jsonSize(map[string]any{
		"input": RunnerInput{
			Run:  RunContext{Plan: plan.Name, Execution: worstContextValue},
			Wave: w.Name, Level: len(plan.Waves), Servers: slicesRepeat(worstSourceServerID, len(w.ServerIDs)),
			C:              &WaveControl{AdoptJobID: worstJobID, RecoverySnapshots: slicesRepeat(RecoverySnapshot{SourceServerID: worstSourceServerID, RecoverySnapshotID: worstSnapshotID}, len(w.ServerIDs))},
			TimeoutSeconds: int(recoveryplan.MaxWaveTimeout / time.Second), PollSchedule: []int{5, 10, 20, 900},
			AdoptJobID: worstJobID,
		},
		"sourceServers": slicesRepeat(map[string]any{"SourceServerID": worstSourceServerID, "RecoverySnapshotID": worstContextValue}, len(w.ServerIDs)),
		"guard":         guardState(len(w.ServerIDs)),
		"failure":       map[string]any{"error": ErrServerInActiveJob, "outcome": "FAILED", "jobId": nil, "cause": cause},
		"readError":     map[string]any{"Error": "Drs.SdkClientException", "Cause": worstContextValue},
		"eventError":    map[string]any{"Error": "EventBridge.FailedEntry", "Cause": worstContextValue},
	})
}

func slicesRepeat[T any](v T, n int) []T {
	out := make([]T, n)
	for i := range out {
		out[i] = v
	}
	return out
}

// planStateBytes is the largest state of the plan's execution: the run
// context, the controls (every wave adopting a job) and, when a wave
// failed, its runner's description (no larger than the runner's largest
// state), with room for the input.
func planStateBytes(plan recoveryplan.Plan, runnerState int) (int, error) {
	size, err := planStateWith(plan, runnerState, nil)
	return size + InputAllowance, err
}

// planStateWith is the plan execution's largest state with snaps (the
// waves' recovery snapshots from the input, nil for none) merged into
// the controls. The input's own members are dropped by the merge
// (StepMergeControls). Plans of spec version 1 held the same lists once
// too, in other members, at about the same size.
func planStateWith(plan recoveryplan.Plan, runnerState int, snaps map[string][]RecoverySnapshot) (int, error) {
	controls := make(map[string]WaveControl, len(plan.Waves))
	for _, w := range plan.Waves {
		controls[w.Name] = WaveControl{AdoptJobID: worstJobID, RecoverySnapshots: snaps[w.Name]}
	}
	state := map[string]any{
		"run": RunContext{Plan: plan.Name, Execution: worstContextValue},
		"c": map[string]any{"runner": worstContextValue, "id": strings.Repeat("0", 64), "w": controls,
			"stopped": map[string]any{"Error": ErrWaveFailed, "Cause": worstContextValue}},
		"error": map[string]any{"Error": "States.TaskFailed", "Cause": strings.Repeat("x", runnerState)},
	}
	return jsonSize(state)
}

// CheckStartInput refuses an execution input that would take a run of
// plan past Step Functions' 256 KiB limit on an execution's input and on
// any one state: the input itself, and the plan's largest state with the
// input's recovery snapshots (one item per server, point-in-time recovery)
// merged into the controls. The lists are the only input that grows
// with the plan; the rest is within InputAllowance.
func CheckStartInput(plan recoveryplan.Plan, input []byte, snaps map[string][]RecoverySnapshot) error {
	if len(input) > MaxStateBytes {
		return fmt.Errorf("the execution input is %d bytes; Step Functions' limit on an execution input is %d bytes (256 KiB, service quotas)", len(input), MaxStateBytes)
	}
	if len(snaps) == 0 {
		return nil
	}
	runnerState := 0
	for _, w := range plan.Waves {
		size, err := runnerStateBytes(plan, w)
		if err != nil {
			return err
		}
		runnerState = max(runnerState, size)
	}
	after, err := planStateWith(plan, runnerState, snaps)
	if err != nil {
		return err
	}
	// Before the merge, the state holds the input as it came, and the
	// controls without it.
	before, err := planStateWith(plan, 0, nil)
	if err != nil {
		return err
	}
	if size := max(after+InputAllowance, before+len(input)); size > MaxStateBytes {
		return fmt.Errorf("with a recovery snapshot per server, a run of plan %s carries a state of up to %d bytes; Step Functions fails an execution whose state passes %d bytes (256 KiB, service quotas): "+
			"recover fewer servers from chosen snapshots in one run (start the plan's later waves in a second run with start_from_wave / --from-wave), or split the plan", plan.Name, size, MaxStateBytes)
	}
	return nil
}

// worstContextValue stands for a "$$." or intrinsic value: as long as an
// execution ARN.
var worstContextValue = strings.Repeat("x", 256)

func jsonSize(v any) (int, error) {
	b, err := json.Marshal(v)
	return len(b), err
}

// Problems turns figures over the limits into plan-time errors on the
// attribute that causes them: the wave list for the plan's definition,
// request, history and state; a wave's poll_interval when its runner's
// history would pass the limit.
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
	if f.PlanHistoryEvents >= MaxHistoryEvents {
		add(-1, "wave", "Too many history events for one execution",
			"one execution of this plan writes up to %d history events of its own (pause gates and one runner Task per wave); Step Functions fails an execution when its history reaches %d events (service quotas). Split the plan into plans of at most %d waves.",
			f.PlanHistoryEvents, MaxHistoryEvents, max(len(plan.Waves)*(MaxHistoryEvents-1)/f.PlanHistoryEvents, 1))
	}
	for i, w := range plan.Waves {
		if f.WaveHistoryEvents[w.Name] >= MaxHistoryEvents {
			ps = append(ps, f.waveHistoryProblem(i, w))
		}
	}
	if f.StateBytes > MaxStateBytes {
		add(-1, "wave", "Execution state too large",
			"one execution of this plan can carry a state of up to %d bytes; Step Functions fails an execution whose state passes %d bytes (256 KiB, service quotas). Move servers into more waves (at most %d per wave).",
			f.StateBytes, MaxStateBytes, recoveryplan.DefaultQuotas.ServersPerJob)
	}
	return ps
}

// waveHistoryProblem blames the poll interval (or timeout) of a wave whose
// runner execution can write 25,000 events, with the values that would
// bring it under the limit.
func (f Figures) waveHistoryProblem(i int, w recoveryplan.Wave) recoveryplan.Problem {
	events := f.WaveHistoryEvents[w.Name]
	schedule := PollSchedule(w.EffectivePollInterval())
	polls := MaxPolls(schedule, w.EffectiveTimeout())
	p := recoveryplan.Problem{Severity: recoveryplan.Error, Wave: i, Attribute: "poll_interval", Summary: "Too many history events for one execution"}
	detail := fmt.Sprintf("the wave runner execution of wave %q can write up to %d history events, polling DRS every %s (after 5, 10 and 20 s) for up to %s (%d polls); Step Functions fails an execution when its history reaches %d events (service quotas). ",
		w.Name, events, w.EffectivePollInterval(), w.EffectiveTimeout(), polls, MaxHistoryEvents)
	fits := func(iv, timeout time.Duration) bool {
		s := PollSchedule(iv)
		n, err := f.runnerEvents(withStepBounds(runnerBoundsAt(len(s), MaxPolls(s, timeout), len(w.ServerIDs), GuardChecks(int(timeout/time.Second))), w))
		return err == nil && n < MaxHistoryEvents
	}
	// When the wave fits without its steps, the steps are the fix.
	if w.HasSteps() {
		bare := w
		bare.PostLaunch, bare.HealthChecks = nil, nil
		n, err := f.runnerEvents(withStepBounds(runnerBoundsAt(len(schedule), polls, len(w.ServerIDs), GuardChecks(int(w.EffectiveTimeout()/time.Second))), bare))
		if err == nil && n < MaxHistoryEvents {
			p.Attribute = "post_launch"
			if len(w.PostLaunch) == 0 {
				p.Attribute = "health_check"
			}
			p.Detail = fmt.Sprintf("the wave runner execution of wave %q can write up to %d history events, %d of them for its %d post_launch and health_check steps "+
				"(each polled every %d s up to its timeout, the longest %d s); Step Functions fails an execution when its history reaches %d events (service quotas). "+
				"Shorten the steps' timeouts (a health check's: fewer retries or a shorter interval), or use fewer steps.",
				w.Name, events, events-n, len(w.PostLaunch)+len(w.HealthChecks), stepPollSeconds, (stepPolls(w)-1)*stepPollSeconds, MaxHistoryEvents)
			return p
		}
	}
	var fixes []string
	for iv := recoveryplan.MinPollInterval; iv <= recoveryplan.MaxPollInterval; iv += time.Second {
		if fits(iv, w.EffectiveTimeout()) {
			fixes = append(fixes, fmt.Sprintf("Raise poll_interval to at least %s", iv))
			break
		}
	}
	for t := w.EffectiveTimeout().Truncate(time.Minute); t >= time.Minute; t -= time.Minute {
		if fits(w.EffectivePollInterval(), t) {
			fixes = append(fixes, fmt.Sprintf("lower timeout to at most %s", t))
			break
		}
	}
	if len(fixes) == 0 {
		p.Detail = detail + "Raise poll_interval or lower timeout."
		return p
	}
	p.Detail = detail + strings.Join(fixes, ", or ") + "."
	return p
}

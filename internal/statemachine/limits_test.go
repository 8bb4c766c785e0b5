package statemachine

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/drsorch/terraform-provider-drsorch/internal/recoveryplan"
)

func TestMaxPolls(t *testing.T) {
	for _, tc := range []struct {
		interval, timeout time.Duration
		want              int
	}{
		{5 * time.Second, time.Minute, 12},      // 5 s from the start
		{30 * time.Second, time.Minute, 4},      // 5+10+20 = 35, +30 = 65 ≥ 60
		{30 * time.Second, 35 * time.Second, 3}, // the ramp reaches it
		{5 * time.Second, 24 * time.Hour, 17280},
		{15 * time.Minute, time.Hour, 7}, // 35 s, then 4 × 900
	} {
		if got := MaxPolls(PollSchedule(tc.interval), tc.timeout); got != tc.want {
			t.Errorf("MaxPolls(%s, %s) = %d, want %d", tc.interval, tc.timeout, got, tc.want)
		}
	}
}

func measure(t testing.TB, p recoveryplan.Plan) Figures {
	t.Helper()
	c, err := Compile(p, testRegion, PlaceholderRunnerARN(testRegion))
	if err != nil {
		t.Fatal(err)
	}
	f, err := Measure(p, c, RequestInfo{Name: "drsorch-plan-" + p.Name, RoleARN: "arn:aws:iam::123456789012:role/drsorch"})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestMeasureCountsStatesNotWaves(t *testing.T) {
	p := threeTier()
	f := measure(t, p)
	if f.DefinitionCharacters == 0 || f.RequestBytes <= f.DefinitionCharacters || f.StateBytes == 0 {
		t.Fatalf("figures = %+v", f)
	}
	// The pause gate is a .waitForTaskToken task in the plan's execution,
	// after a Choice (a skipped wave does not pause): 8 events more than
	// the same plan without it.
	q := threeTier()
	q.Waves[3].PauseBefore = false
	g := measure(t, q)
	if d := f.PlanHistoryEvents - g.PlanHistoryEvents; d != 8 {
		t.Fatalf("pause gate adds %d events, want 8 (ChoiceStateEntered, ChoiceStateExited, TaskStateEntered, TaskScheduled, TaskStarted, TaskSubmitted, TaskSucceeded, TaskStateExited)", d)
	}
	// A longer timeout adds 13 events per extra poll (Wait 2, Task 5,
	// Pass 2, Choice 2, Choice 2) to the wave's runner, none to the plan.
	q.Waves[3].Timeout = 2 * time.Hour
	h := measure(t, q)
	extra := MaxPolls(PollSchedule(time.Minute), 2*time.Hour) - MaxPolls(PollSchedule(time.Minute), time.Hour)
	if d := h.WaveHistoryEvents["web"] - g.WaveHistoryEvents["web"]; d != 13*extra || h.PlanHistoryEvents != g.PlanHistoryEvents {
		t.Fatalf("an hour more of polling adds %d events, want %d", d, 13*extra)
	}
}

func TestUnicodeCountsCharacters(t *testing.T) {
	p := threeTier()
	c, err := Compile(p, testRegion, PlaceholderRunnerARN(testRegion))
	if err != nil {
		t.Fatal(err)
	}
	c.Definition = strings.Replace(c.Definition, `"Comment":"drsorch`, `"Comment":"→→→ drsorch`, 1)
	f, err := Measure(p, c, RequestInfo{})
	if err != nil {
		t.Fatal(err)
	}
	if f.DefinitionCharacters != len([]rune(c.Definition)) || f.DefinitionCharacters >= len(c.Definition) {
		t.Fatalf("definition characters = %d for %d bytes", f.DefinitionCharacters, len(c.Definition))
	}
}

// A 24 h wave at the smallest poll interval is refused on its
// poll_interval, naming the limit and the interval that fits.
func TestLongWaveShortPollRefused(t *testing.T) {
	p := recoveryplan.Plan{Name: "long", Waves: []recoveryplan.Wave{
		{Name: "db", ProtectionGroup: "db", ServerIDs: []string{"s-1"}},
		{Name: "app", ProtectionGroup: "app", Timeout: 24 * time.Hour, PollInterval: recoveryplan.MinPollInterval, ServerIDs: []string{"s-2"}},
	}}
	f := measure(t, p)
	ps := Problems(p, f)
	if len(ps) != 1 || ps[0].Wave != 1 || ps[0].Attribute != "poll_interval" {
		t.Fatalf("problems = %+v", ps)
	}
	for _, want := range []string{"25000 events", fmt.Sprint(f.HistoryEvents), "Raise poll_interval to at least", "lower timeout to at most"} {
		if !strings.Contains(ps[0].Detail, want) {
			t.Fatalf("detail %q lacks %q", ps[0].Detail, want)
		}
	}
	// The suggested interval fits.
	fix := ps[0].Detail[strings.Index(ps[0].Detail, "at least ")+len("at least "):]
	iv, err := time.ParseDuration(strings.TrimSuffix(strings.Fields(fix)[0], ","))
	if err != nil {
		t.Fatal(err)
	}
	p.Waves[1].PollInterval = iv
	if g := measure(t, p); g.HistoryEvents >= MaxHistoryEvents || len(Problems(p, g)) != 0 {
		t.Fatalf("with poll_interval %s: %d events, problems %+v", iv, g.HistoryEvents, Problems(p, g))
	}
	p.Waves[1].PollInterval = iv - time.Second
	if g := measure(t, p); g.HistoryEvents < MaxHistoryEvents {
		t.Fatalf("poll_interval %s also fits (%d events): the suggestion is not the smallest", iv-time.Second, g.HistoryEvents)
	}
}

func bigPlan(waves, servers int) recoveryplan.Plan {
	p := recoveryplan.Plan{Name: "big"}
	for i := 0; i < waves; i++ {
		w := recoveryplan.Wave{Name: fmt.Sprintf("w%04d", i), ProtectionGroup: fmt.Sprintf("g%04d", i)}
		for j := 0; j < servers/waves; j++ {
			w.ServerIDs = append(w.ServerIDs, fmt.Sprintf("s-%017d", i*servers+j))
		}
		p.Waves = append(p.Waves, w)
	}
	return p
}

// A ratchet on the size of a compiled wave: 1,000 waves of 10 servers
// (the target of BenchmarkLimits1000Waves) pass every limit, with room for
// wave names of 40 characters (bigPlan's are 5).
func TestPlanOf1000WavesFits(t *testing.T) {
	p := bigPlan(1000, 10000)
	for i := range p.Waves {
		p.Waves[i].Name = fmt.Sprintf("%-40s", p.Waves[i].Name)
		p.Waves[i].Name = strings.ReplaceAll(p.Waves[i].Name, " ", "x")
	}
	if ps := Problems(p, measure(t, p)); len(ps) != 0 {
		t.Fatalf("a plan of 1,000 waves of 10 servers is refused: %v", ps)
	}
}

func TestLargePlanRefusedForDefinition(t *testing.T) {
	// 1,000 waves of 50 servers: about 1.6 MB of definition.
	p := bigPlan(1000, 50000)
	ps := Problems(p, measure(t, p))
	if len(ps) == 0 || ps[0].Wave != -1 || !strings.Contains(ps[0].Detail, "1048576 characters") || !strings.Contains(ps[0].Detail, "Split the plan") {
		t.Fatalf("problems = %+v", ps)
	}
}

// BenchmarkLimits1000Waves: validate, compile and measure a plan of 1,000
// waves and 10,000 servers (target < 1 s, every definition < 1 MiB),
// printing its figures.
func BenchmarkLimits1000Waves(b *testing.B) {
	p := bigPlan(1000, 10000)
	var f Figures
	var c *Compiled
	start := time.Now()
	for b.Loop() {
		if ps := append(p.ValidateStructure(), p.ValidateServers()...); ps.HasErrors() {
			b.Fatal(ps.Err())
		}
		var err error
		if c, err = Compile(p, testRegion, PlaceholderRunnerARN(testRegion)); err != nil {
			b.Fatal(err)
		}
		if f, err = Measure(p, c, RequestInfo{Name: "drsorch-plan-big", RoleARN: "arn:aws:iam::123456789012:role/drsorch"}); err != nil {
			b.Fatal(err)
		}
		if ps := Problems(p, f); len(ps) != 0 {
			b.Fatalf("a 1,000-wave plan is refused: %v", ps)
		}
	}
	per := time.Since(start) / time.Duration(max(b.N, 1))
	if f.DefinitionCharacters >= MaxDefinitionChars || f.RunnerDefinitionCharacters >= MaxDefinitionChars || per >= time.Second {
		b.Fatalf("definitions %d and %d characters, %s per plan", f.DefinitionCharacters, f.RunnerDefinitionCharacters, per)
	}
	b.Logf("1,000 waves / 10,000 servers, validated, compiled and measured in %s: plan definition %d bytes (%d characters; limit %d), runner definition %d characters, request %d bytes, plan history %d events, worst runner history %d events (limit %d), state %d bytes (limit %d)",
		per, len(c.Definition), f.DefinitionCharacters, MaxDefinitionChars, f.RunnerDefinitionCharacters, f.RequestBytes, f.PlanHistoryEvents, f.HistoryEvents, MaxHistoryEvents, f.StateBytes, MaxStateBytes)
}

// BenchmarkLimits24hWave: the history figure of a wave of 24 h timeout at
// the smallest poll interval.
func BenchmarkLimits24hWave(b *testing.B) {
	p := recoveryplan.Plan{Name: "day", Waves: []recoveryplan.Wave{
		{Name: "w", ProtectionGroup: "g", Timeout: 24 * time.Hour, PollInterval: recoveryplan.MinPollInterval, ServerIDs: []string{"s-1"}},
	}}
	var f Figures
	for b.Loop() {
		f = measure(b, p)
	}
	b.Logf("24 h wave polling every %s: %d history events (limit %d): %v", recoveryplan.MinPollInterval, f.HistoryEvents, MaxHistoryEvents, Problems(p, f))
}

// RequestBytes counts the definition as the JSON body carries it.
func TestRequestBytesEscapesTheDefinition(t *testing.T) {
	def := "{\n  \"Comment\": \"a <b> & c → d \\\\ \u2028\"\n}"
	req := RequestInfo{Name: "n", RoleARN: "arn:aws:iam::1:role/r", Tags: map[string]string{"k": "v"}}
	body, err := json.Marshal(map[string]any{"name": req.Name, "definition": def, "roleArn": req.RoleARN,
		"tags": []map[string]string{{"key": "k", "value": "v"}}})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := RequestBytes(def, req), len(body)+requestOverhead; got != want {
		t.Fatalf("RequestBytes = %d, want %d", got, want)
	}
}

// States added to the runner (another step, an event) are counted from
// its definition; a loop nobody bounds is refused rather than guessed.
func TestHistoryCountsTheDefinitionsStates(t *testing.T) {
	p := threeTier()
	c, err := Compile(p, testRegion, PlaceholderRunnerARN(testRegion))
	if err != nil {
		t.Fatal(err)
	}
	base, err := Measure(p, c, RequestInfo{})
	if err != nil {
		t.Fatal(err)
	}
	var def map[string]any
	if err := json.Unmarshal([]byte(c.RunnerDefinition), &def); err != nil {
		t.Fatal(err)
	}
	states := def["States"].(map[string]any)
	// Another event published once the job started: a request-response
	// Task on every route of the runner.
	states["published"] = map[string]any{"Type": "Task", "Resource": "arn:aws:states:::events:putEvents",
		"Parameters": map[string]any{"Entries": []any{}}, "Next": StepPollSetup}
	states[StepPublishStarted].(map[string]any)["Next"] = "published"
	b, _ := json.Marshal(def)
	changed := *c
	changed.RunnerDefinition = string(b)
	f, err := Measure(p, &changed, RequestInfo{})
	if err != nil {
		t.Fatal(err)
	}
	if d := f.WaveHistoryEvents["web"] - base.WaveHistoryEvents["web"]; d != eventsTask {
		t.Fatalf("an added Task adds %d events, want %d", d, eventsTask)
	}
	// A loop of states no bound covers.
	states["again"] = map[string]any{"Type": "Pass", "Next": "again?"}
	states["again?"] = map[string]any{"Type": "Choice", "Choices": []any{map[string]any{"Variable": "$.x", "IsPresent": true, "Next": "again"}},
		"Default": StepPollSetup}
	states["published"].(map[string]any)["Next"] = "again"
	b, _ = json.Marshal(def)
	changed.RunnerDefinition = string(b)
	if _, err := Measure(p, &changed, RequestInfo{}); err == nil || !strings.Contains(err.Error(), "loop without a known bound") {
		t.Fatalf("unbounded loop: err = %v", err)
	}
}

// BenchmarkLargestPlan prints the most waves of 10 servers (5-character
// wave names) that one plan holds, and the limit reached past it.
func BenchmarkLargestPlan(b *testing.B) {
	fits := func(n int) recoveryplan.Problems {
		p := bigPlan(n, n*10)
		return Problems(p, measure(b, p))
	}
	var largest int
	for b.Loop() {
		lo, hi := 1000, 4000 // 1,000 fits (TestPlanOf1000WavesFits)
		for lo+1 < hi {
			if mid := (lo + hi) / 2; len(fits(mid)) == 0 {
				lo = mid
			} else {
				hi = mid
			}
		}
		largest = lo
	}
	b.Logf("largest plan: %d waves of 10 servers; at %d: %s", largest, largest+1, fits(largest+1)[0].Summary)
}

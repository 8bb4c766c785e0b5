package recoveryplan

import (
	"fmt"
	"math/rand"
	"testing"
	"time"
)

// Makespan model: a wave takes its duration (say, the launch time of its
// servers) plus one poll interval, the most that polling granularity can
// add before the next wave is told it may start. Series add up, parallel
// branches take the longest.

type durations map[string]time.Duration

func makespan(s Schedule, p Plan, d durations) time.Duration {
	switch {
	case s.IsWave():
		w, _ := p.Wave(s.Wave)
		return d[s.Wave] + w.EffectivePollInterval()
	case len(s.Series) > 0:
		var sum time.Duration
		for _, k := range s.Series {
			sum += makespan(k, p, d)
		}
		return sum
	}
	var longest time.Duration
	for _, k := range s.Parallel {
		longest = max(longest, makespan(k, p, d))
	}
	return longest
}

// criticalPath is the longest chain of dependencies, with each wave's poll
// interval added when slack is true: the best any layout can do.
func criticalPath(p Plan, d durations, slack bool) time.Duration {
	deps := p.Dependencies()
	finish := map[string]time.Duration{}
	var visit func(string) time.Duration
	visit = func(name string) time.Duration {
		if f, ok := finish[name]; ok {
			return f
		}
		var start time.Duration
		for _, dep := range deps[name] {
			start = max(start, visit(dep))
		}
		f := start + d[name]
		if slack {
			w, _ := p.Wave(name)
			f += w.EffectivePollInterval()
		}
		finish[name] = f
		return f
	}
	var cp time.Duration
	for _, w := range p.Waves {
		cp = max(cp, visit(w.Name))
	}
	return cp
}

// levelSchedule is the layout Schedule had before: a series of levels,
// every wave of a level waiting for the whole level before it.
func levelSchedule(p Plan) (Schedule, error) {
	levels, err := p.Levels()
	if err != nil {
		return Schedule{}, err
	}
	var out []Schedule
	for _, names := range levels {
		var par []Schedule
		for _, n := range names {
			par = append(par, Schedule{Wave: n})
		}
		out = append(out, parallel(par))
	}
	return series(out), nil
}

type makespanCase struct {
	name string
	plan Plan
	dur  durations
}

// unevenBranches is a plan whose branches put their long waves at
// different depths, so that levels wait for the slowest wave of each level
// although no branch needs it.
func unevenBranches() makespanCase {
	type w struct {
		name string
		min  int
		deps []string
	}
	spec := []w{
		{"network", 5, nil},
		{"db-primary", 40, []string{"network"}},
		{"db-replica", 5, []string{"db-primary"}},
		{"app-core", 30, []string{"db-replica"}},
		{"cache", 5, []string{"network"}},
		{"search-index", 35, []string{"cache"}},
		{"workers", 5, []string{"search-index"}},
		{"files", 15, []string{"network"}},
		{"file-sync", 20, []string{"files"}},
		{"web", 10, []string{"app-core", "workers"}},
		{"reports", 10, []string{"web", "file-sync"}},
	}
	c := makespanCase{name: "uneven-branches", dur: durations{}}
	for _, s := range spec {
		c.plan.Waves = append(c.plan.Waves, after(wave(s.name), s.deps...))
		c.dur[s.name] = time.Duration(s.min) * time.Minute
	}
	return c
}

// randomDurations gives each wave 3 to 60 minutes.
func randomDurations(r *rand.Rand, p Plan) durations {
	d := durations{}
	for _, w := range p.Waves {
		d[w.Name] = time.Duration(3+r.Intn(58)) * time.Minute
	}
	return d
}

func makespanCases() []makespanCase {
	r := rand.New(rand.NewSource(42))
	cases := []makespanCase{unevenBranches()}
	chains := Plan{}
	for i := 0; i < 4; i++ {
		chains.Waves = append(chains.Waves, wave(fmt.Sprintf("slow%d", i)))
	}
	chains.Waves = append(chains.Waves, after(wave("fast0")))
	for i := 1; i < 6; i++ {
		chains.Waves = append(chains.Waves, wave(fmt.Sprintf("fast%d", i)))
	}
	d := durations{}
	for _, w := range chains.Waves {
		d[w.Name] = 3 * time.Minute
		if w.Name[:4] == "slow" {
			d[w.Name] = 40 * time.Minute
		}
	}
	cases = append(cases, makespanCase{"two-chains", chains, d})
	var names []string
	sp := planOfTree(randomTree(r, 200, &names), names)
	cases = append(cases, makespanCase{"random-series-parallel-200", sp, randomDurations(r, sp)})
	for _, n := range []int{20, 50, 200, 1000} {
		p := randomPlan(r, n, 3, 10, false)
		cases = append(cases, makespanCase{fmt.Sprintf("random-%d", n), p, randomDurations(r, p)})
	}
	layers := layeredPlan(r, 20, 10, 2)
	cases = append(cases, makespanCase{"layers-20x10", layers, randomDurations(r, layers)})
	return cases
}

type makespanFigures struct {
	tree, levels, bound float64 // ÷ critical path
	falseWaits          int
}

func (c makespanCase) figures(t testing.TB) makespanFigures {
	s, err := c.plan.Schedule()
	if err != nil {
		t.Fatal(err)
	}
	lv, err := levelSchedule(c.plan)
	if err != nil {
		t.Fatal(err)
	}
	cp := float64(criticalPath(c.plan, c.dur, false))
	return makespanFigures{
		tree:       float64(makespan(s, c.plan, c.dur)) / cp,
		levels:     float64(makespan(lv, c.plan, c.dur)) / cp,
		bound:      float64(criticalPath(c.plan, c.dur, true)) / cp,
		falseWaits: checkSchedule(t, c.plan, s),
	}
}

// TestScheduleMakespan holds series-parallel plans to the target: the
// makespan is the critical path plus one poll interval per wave on it.
func TestScheduleMakespan(t *testing.T) {
	for _, c := range makespanCases() {
		f := c.figures(t)
		t.Logf("%-27s makespan ÷ critical path: schedule %.3f, levels %.3f, target %.3f, false waits %d",
			c.name, f.tree, f.levels, f.bound, f.falseWaits)
		if f.falseWaits == 0 && f.tree > f.bound+1e-9 {
			t.Errorf("%s: series-parallel plan takes %.3f × the critical path, want %.3f", c.name, f.tree, f.bound)
		}
	}
	c := unevenBranches()
	if f := c.figures(t); f.falseWaits != 0 || f.levels <= f.tree {
		t.Errorf("uneven branches: %+v, want no false waits and levels slower", f)
	}
}

// BenchmarkScheduleMakespan reports makespan ÷ critical path of the
// schedule (tree/cp), of the former levels layout (levels/cp), and the
// target (bound/cp: the critical path with one poll interval per wave).
func BenchmarkScheduleMakespan(b *testing.B) {
	for _, c := range makespanCases() {
		b.Run(c.name, func(b *testing.B) {
			var f makespanFigures
			for b.Loop() {
				f = c.figures(b)
			}
			b.ReportMetric(f.tree, "tree/cp")
			b.ReportMetric(f.levels, "levels/cp")
			b.ReportMetric(f.bound, "bound/cp")
			b.ReportMetric(float64(f.falseWaits), "false-waits")
		})
	}
}

// TestScheduleNeverSlowerThanLevels: barriers sit between levels, so for
// any durations the schedule finishes no later than level after level.
func TestScheduleNeverSlowerThanLevels(t *testing.T) {
	r := rand.New(rand.NewSource(7))
	for i := 0; i < 500; i++ {
		n := 1 + r.Intn(80)
		p := randomPlan(r, n, 1+r.Intn(4), 1+r.Intn(n), true)
		d := randomDurations(r, p)
		s, err := p.Schedule()
		if err != nil {
			t.Fatal(err)
		}
		lv, err := levelSchedule(p)
		if err != nil {
			t.Fatal(err)
		}
		if got, levels := makespan(s, p, d), makespan(lv, p, d); got > levels {
			t.Fatalf("schedule %s takes %s, levels %s", s, got, levels)
		}
	}
}

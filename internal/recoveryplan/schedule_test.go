package recoveryplan

import (
	"errors"
	"fmt"
	"math/bits"
	"math/rand"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"
)

func TestSchedule(t *testing.T) {
	tests := []struct {
		name       string
		waves      []Wave
		want       string
		falseWaits int
	}{
		{"one wave", []Wave{wave("db")}, "db", 0},
		{"plain list runs in sequence", []Wave{wave("db"), wave("app"), wave("web")}, "db ; app ; web", 0},
		{"independent waves", []Wave{wave("a"), after(wave("b")), after(wave("c"))}, "a | b | c", 0},
		{"diamond", []Wave{wave("a"), after(wave("b"), "a"), after(wave("c"), "a"), after(wave("d"), "b", "c")},
			"a ; (b | c) ; d", 0},
		{"two chains of different lengths do not wait for each other",
			[]Wave{wave("a1"), wave("a2"), wave("a3"), after(wave("b1")), wave("b2")},
			"(a1 ; a2 ; a3) | (b1 ; b2)", 0},
		{"parallel branches keep declared order",
			[]Wave{after(wave("z")), after(wave("m")), after(wave("y"), "m"), after(wave("x"), "z")},
			"(z ; x) | (m ; y)", 0},
		{"declared order does not need to be topological",
			[]Wave{after(wave("web"), "db"), after(wave("db"))}, "db ; web", 0},
		{"branches rejoin, one branch nested",
			[]Wave{wave("net"), after(wave("db"), "net"), after(wave("app"), "db"), after(wave("cache"), "net"),
				after(wave("web"), "app", "cache"), after(wave("files"), "net"), after(wave("report"), "web", "files")},
			"net ; ((((db ; app) | cache) ; web) | files) ; report", 0},
		{"N shape gets one barrier",
			[]Wave{after(wave("a")), after(wave("b")), after(wave("c"), "a", "b"), after(wave("d"), "b")},
			"(a | b) ; (c | d)", 1},
		{"N inside a chain: the barrier stays local",
			[]Wave{wave("root"), after(wave("a"), "root"), after(wave("b"), "root"), after(wave("c"), "a", "b"),
				after(wave("d"), "b"), after(wave("end"), "c", "d"), after(wave("side"))},
			"(root ; (a | b) ; (c | d) ; end) | side", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := Plan{Waves: tt.waves}
			s, err := p.Schedule()
			if err != nil {
				t.Fatal(err)
			}
			if s.String() != tt.want {
				t.Fatalf("schedule = %s, want %s", s, tt.want)
			}
			if fw := checkSchedule(t, p, s); fw != tt.falseWaits {
				t.Fatalf("false waits = %d, want %d", fw, tt.falseWaits)
			}
		})
	}
}

func TestScheduleFastChainDoesNotWait(t *testing.T) {
	p := Plan{Waves: []Wave{wave("slow1"), wave("slow2"), wave("slow3"), wave("slow4"), after(wave("fast1")), wave("fast2")}}
	s, err := p.Schedule()
	if err != nil {
		t.Fatal(err)
	}
	waits := s.WaitsFor()
	if got := strings.Join(waits["fast2"], ","); got != "fast1" {
		t.Fatalf("fast2 waits for %q, want only fast1 (schedule %s)", got, s)
	}
	if len(waits["fast1"]) != 0 {
		t.Fatalf("fast1 waits for %v (schedule %s)", waits["fast1"], s)
	}
}

func TestScheduleErrors(t *testing.T) {
	var cycle *CycleError
	_, err := Plan{Waves: []Wave{wave("db"), after(wave("app"), "db", "web"), after(wave("web"), "app")}}.Schedule()
	if !errors.As(err, &cycle) {
		t.Fatalf("cycle: err = %v", err)
	}
	_, err = Plan{Waves: []Wave{wave("db"), after(wave("web"), "app")}}.Schedule()
	if err == nil || !strings.Contains(err.Error(), `unknown wave "app"`) {
		t.Fatalf("unknown dependency: err = %v", err)
	}
	_, err = Plan{Waves: []Wave{wave("db"), after(wave("db"))}}.Schedule()
	if err == nil || !strings.Contains(err.Error(), `"db" is used twice`) {
		t.Fatalf("duplicate: err = %v", err)
	}
	_, err = Plan{Waves: []Wave{wave("db"), after(wave(""))}}.Schedule()
	if err == nil || !strings.Contains(err.Error(), "wave 2 has no name") {
		t.Fatalf("no name: err = %v", err)
	}
	s, err := Plan{}.Schedule()
	if err != nil || len(s.Waves()) != 0 {
		t.Fatalf("empty plan: %v, %v", s, err)
	}
}

// TestScheduleKeepsEveryDependency checks random DAGs: every dependency
// holds in the tree, the tree is well formed, and on small plans the
// barriers add no more false waits than the best possible tree, within
// the heuristic's known gap (logged).
func TestScheduleKeepsEveryDependency(t *testing.T) {
	r := rand.New(rand.NewSource(11))
	optimal, worse, extra := 0, 0, 0
	for i := 0; i < 3000; i++ {
		n := 1 + r.Intn(9)
		if i%10 == 0 {
			n = 10 + r.Intn(60)
		}
		p := randomPlan(r, n, 1+r.Intn(4), 1+r.Intn(n), true)
		s, err := p.Schedule()
		if err != nil {
			t.Fatal(err)
		}
		fw := checkSchedule(t, p, s)
		if n > 9 {
			continue
		}
		best := minFalseWaits(p)
		switch {
		case fw < best:
			t.Fatalf("%d false waits beat the optimum %d: the checker is wrong (%s)", fw, best, s)
		case fw == best:
			optimal++
		default:
			worse++
			extra += fw - best
		}
		if best == 0 && fw != 0 {
			t.Fatalf("series-parallel plan got %d false waits: %s", fw, s)
		}
	}
	t.Logf("small random plans: %d with the fewest false waits, %d with more (%d extra in all)", optimal, worse, extra)
}

// TestScheduleRecoversSeriesParallelTrees builds the DAG of a random
// series-parallel tree and expects exactly that tree back.
func TestScheduleRecoversSeriesParallelTrees(t *testing.T) {
	r := rand.New(rand.NewSource(6))
	for i := 0; i < 500; i++ {
		var names []string
		tree := randomTree(r, 1+r.Intn(40), &names)
		p := planOfTree(tree, names)
		s, err := p.Schedule()
		if err != nil {
			t.Fatal(err)
		}
		want := canonical(tree, p)
		if s.String() != want.String() {
			t.Fatalf("schedule = %s\nwant       %s", s, want)
		}
		if fw := checkSchedule(t, p, s); fw != 0 {
			t.Fatalf("false waits = %d on a series-parallel plan", fw)
		}
	}
}

func FuzzSchedule(f *testing.F) {
	f.Add([]byte{4, 0, 2, 1, 2, 3})
	f.Add([]byte{8, 1, 2, 3, 4, 5, 6, 7, 0, 1, 3, 5})
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) == 0 {
			return
		}
		n := 1 + int(data[0])%24
		waves := make([]Wave, n)
		for i := range waves {
			waves[i] = after(wave(fmt.Sprintf("w%d", i)))
		}
		// Each further byte pair is an edge from a lower to a higher index.
		for k := 1; k+1 < len(data); k += 2 {
			a, b := int(data[k])%n, int(data[k+1])%n
			if a == b {
				continue
			}
			lo, hi := min(a, b), max(a, b)
			waves[hi].DependsOn = append(waves[hi].DependsOn, waves[lo].Name)
		}
		p := Plan{Waves: waves}
		s, err := p.Schedule()
		if err != nil {
			t.Fatal(err)
		}
		checkSchedule(t, p, s)
	})
}

func TestSchedule1000WavesIsFast(t *testing.T) {
	for _, shape := range benchShapes() {
		start := time.Now()
		if _, err := shape.plan.Schedule(); err != nil {
			t.Fatal(err)
		}
		// The target is well under 100 ms; the bound is loose because the
		// machine running the tests may be shared.
		if d := time.Since(start); d > time.Second {
			t.Errorf("%s: %s to schedule", shape.name, d)
		}
	}
}

func BenchmarkSchedule(b *testing.B) {
	for _, shape := range benchShapes() {
		b.Run(shape.name, func(b *testing.B) {
			start := cpuTime()
			for b.Loop() {
				if _, err := shape.plan.Schedule(); err != nil {
					b.Fatal(err)
				}
			}
			// CPU per run, garbage collection included: wall time on a
			// shared machine counts the wait for a core too.
			b.ReportMetric(float64(cpuTime()-start)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
		})
	}
}

type benchShape struct {
	name string
	plan Plan
}

func benchShapes() []benchShape {
	r := rand.New(rand.NewSource(1000))
	chain := make([]Wave, 1000)
	for i := range chain {
		chain[i] = wave(fmt.Sprintf("w%d", i))
	}
	var spNames []string
	sp := planOfTree(randomTree(r, 1000, &spNames), spNames)
	return []benchShape{
		{"chain-1000", Plan{Waves: chain}},
		{"series-parallel-1000", sp},
		{"random-sparse-1000", randomPlan(r, 1000, 2, 30, false)},
		{"random-dense-1000", randomPlan(r, 1000, 6, 200, false)},
		{"layers-50x20", layeredPlan(r, 50, 20, 3)},
	}
}

// checkSchedule fails t unless s is a well-formed, flattened tree holding
// each wave of p once and keeping every dependency; it returns the number
// of false waits (a wave waiting for one it does not depend on).
func checkSchedule(t testing.TB, p Plan, s Schedule) int {
	t.Helper()
	var check func(s Schedule, parent string)
	check = func(s Schedule, parent string) {
		set := 0
		if s.Wave != "" {
			set++
		}
		if len(s.Series) > 0 {
			set++
		}
		if len(s.Parallel) > 0 {
			set++
		}
		if set != 1 && len(p.Waves) > 0 {
			t.Fatalf("node %+v sets %d of Wave, Series, Parallel", s, set)
		}
		kind := "series"
		kids := s.Series
		if len(s.Parallel) > 0 {
			kind, kids = "parallel", s.Parallel
		}
		if !s.IsWave() && len(kids) < 2 {
			t.Fatalf("%s of one child in %s", kind, s)
		}
		if !s.IsWave() && kind == parent {
			t.Fatalf("%s directly inside %s: %s", kind, parent, s)
		}
		for _, k := range kids {
			check(k, kind)
		}
	}
	check(s, "")
	leaves := s.Waves()
	if len(leaves) != len(p.Waves) {
		t.Fatalf("schedule %s has %d waves, plan %d", s, len(leaves), len(p.Waves))
	}
	seen := map[string]bool{}
	for _, l := range leaves {
		if _, ok := p.Wave(l); !ok || seen[l] {
			t.Fatalf("wave %q unknown or repeated in %s", l, s)
		}
		seen[l] = true
	}
	waits := s.WaitsFor()
	deps := p.Dependencies()
	anc := closure(p)
	falseWaits := 0
	for _, w := range p.Waves {
		in := map[string]bool{}
		for _, u := range waits[w.Name] {
			in[u] = true
			if !anc[w.Name][u] {
				falseWaits++
			}
		}
		for _, d := range deps[w.Name] {
			if !in[d] {
				t.Fatalf("%s does not wait for its dependency %s in %s", w.Name, d, s)
			}
		}
	}
	return falseWaits
}

// closure is the transitive dependencies of each wave, the slow way.
func closure(p Plan) map[string]map[string]bool {
	deps := p.Dependencies()
	out := map[string]map[string]bool{}
	var visit func(string) map[string]bool
	visit = func(w string) map[string]bool {
		if a, ok := out[w]; ok {
			return a
		}
		a := map[string]bool{}
		for _, d := range deps[w] {
			a[d] = true
			for u := range visit(d) {
				a[u] = true
			}
		}
		out[w] = a
		return a
	}
	for _, w := range p.Waves {
		visit(w.Name)
	}
	return out
}

// minFalseWaits is the fewest false waits of any tree for a plan of at
// most 16 waves, by exhaustive search over subsets: disconnected parts run
// in parallel; a connected part must be a series of a down-closed part and
// the rest.
func minFalseWaits(p Plan) int {
	n := len(p.Waves)
	anc := closure(p)
	ancMask := make([]uint32, n)
	for i, w := range p.Waves {
		for j, u := range p.Waves {
			if anc[w.Name][u.Name] {
				ancMask[i] |= 1 << j
			}
		}
	}
	related := func(i, j int) bool { return ancMask[i]&(1<<j) != 0 || ancMask[j]&(1<<i) != 0 }
	memo := map[uint32]int{}
	var best func(set uint32) int
	best = func(set uint32) int {
		if bits.OnesCount32(set) <= 1 {
			return 0
		}
		if v, ok := memo[set]; ok {
			return v
		}
		// The part connected to the lowest wave.
		comp := set & -set
		for grown := true; grown; {
			grown = false
			for i := 0; i < n; i++ {
				if set&(1<<i) == 0 || comp&(1<<i) != 0 {
					continue
				}
				for j := 0; j < n; j++ {
					if comp&(1<<j) != 0 && related(i, j) {
						comp |= 1 << i
						grown = true
						break
					}
				}
			}
		}
		var v int
		if comp != set {
			v = best(comp) + best(set&^comp)
		} else {
			v = 1 << 30
			for sub := (set - 1) & set; sub != 0; sub = (sub - 1) & set {
				down, cost := true, 0
				for i := 0; i < n && down; i++ {
					if sub&(1<<i) != 0 && ancMask[i]&set&^sub != 0 {
						down = false
					}
				}
				if !down {
					continue
				}
				for i := 0; i < n; i++ {
					if set&^sub&(1<<i) != 0 {
						cost += bits.OnesCount32(sub &^ ancMask[i])
					}
				}
				v = min(v, cost+best(sub)+best(set&^sub))
			}
		}
		memo[set] = v
		return v
	}
	return best(1<<n - 1)
}

// randomPlan makes n waves, each depending on up to maxDeps of the window
// waves created just before it; shuffled, the declared order is not
// topological.
func randomPlan(r *rand.Rand, n, maxDeps, window int, shuffle bool) Plan {
	waves := make([]Wave, n)
	for i := range waves {
		w := after(wave(fmt.Sprintf("w%03d", i)))
		for k := r.Intn(maxDeps + 1); k > 0 && i > 0; k-- {
			d := fmt.Sprintf("w%03d", i-1-r.Intn(min(window, i)))
			if !hasName(w.DependsOn, d) {
				w.DependsOn = append(w.DependsOn, d)
			}
		}
		waves[i] = w
	}
	if shuffle {
		r.Shuffle(n, func(i, j int) { waves[i], waves[j] = waves[j], waves[i] })
	}
	return Plan{Waves: waves}
}

// layeredPlan is levels × width waves, each depending on deps waves of the
// level before.
func layeredPlan(r *rand.Rand, levels, width, deps int) Plan {
	var waves []Wave
	for l := 0; l < levels; l++ {
		for i := 0; i < width; i++ {
			w := after(wave(fmt.Sprintf("l%02d-%02d", l, i)))
			for k := 0; l > 0 && k < deps; k++ {
				d := fmt.Sprintf("l%02d-%02d", l-1, r.Intn(width))
				if !hasName(w.DependsOn, d) {
					w.DependsOn = append(w.DependsOn, d)
				}
			}
			waves = append(waves, w)
		}
	}
	return Plan{Waves: waves}
}

func hasName(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// randomTree makes a random series-parallel tree of n waves, named in
// the order they are created (appended to names).
func randomTree(r *rand.Rand, n int, names *[]string) Schedule {
	if n == 1 {
		*names = append(*names, fmt.Sprintf("t%04d", len(*names)))
		return Schedule{Wave: (*names)[len(*names)-1]}
	}
	parts := 2 + r.Intn(min(n-1, 3))
	sizes := make([]int, parts)
	for i := range sizes {
		sizes[i] = 1
	}
	for left := n - parts; left > 0; left-- {
		sizes[r.Intn(parts)]++
	}
	kids := make([]Schedule, parts)
	for i, size := range sizes {
		kids[i] = randomTree(r, size, names)
	}
	if r.Intn(2) == 0 {
		return Schedule{Series: kids}
	}
	return Schedule{Parallel: kids}
}

// planOfTree declares the first waves of each series child as depending
// on the last waves of the child before it.
func planOfTree(s Schedule, names []string) Plan {
	deps := map[string][]string{}
	var ends func(s Schedule, last bool) []string
	ends = func(s Schedule, last bool) []string {
		switch {
		case s.IsWave():
			return []string{s.Wave}
		case len(s.Series) > 0 && last:
			return ends(s.Series[len(s.Series)-1], last)
		case len(s.Series) > 0:
			return ends(s.Series[0], last)
		}
		var out []string
		for _, k := range s.Parallel {
			out = append(out, ends(k, last)...)
		}
		return out
	}
	var walk func(s Schedule)
	walk = func(s Schedule) {
		for i, k := range s.Series {
			if i > 0 {
				for _, w := range ends(k, false) {
					deps[w] = append(deps[w], ends(s.Series[i-1], true)...)
				}
			}
		}
		for _, k := range append(append([]Schedule(nil), s.Series...), s.Parallel...) {
			walk(k)
		}
	}
	walk(s)
	var waves []Wave
	for _, n := range names {
		waves = append(waves, after(wave(n), deps[n]...))
	}
	return Plan{Waves: waves}
}

// canonical flattens s and orders parallel branches by first declared wave.
func canonical(s Schedule, p Plan) Schedule {
	if s.IsWave() {
		return s
	}
	pos := map[string]int{}
	for i, w := range p.Waves {
		pos[w.Name] = i
	}
	first := func(s Schedule) int {
		m := len(p.Waves)
		for _, w := range s.Waves() {
			m = min(m, pos[w])
		}
		return m
	}
	var kids []Schedule
	for _, k := range append(append([]Schedule(nil), s.Series...), s.Parallel...) {
		kids = append(kids, canonical(k, p))
	}
	if len(s.Series) > 0 {
		return series(kids)
	}
	out := parallel(kids)
	sort.SliceStable(out.Parallel, func(i, j int) bool { return first(out.Parallel[i]) < first(out.Parallel[j]) })
	return out
}

func TestBarriers(t *testing.T) {
	n := Plan{Waves: []Wave{after(wave("a")), after(wave("b")), after(wave("c"), "a", "b"), after(wave("d"), "b")}}
	bs, err := n.Barriers()
	if err != nil {
		t.Fatal(err)
	}
	want := Barrier{Before: []string{"a", "b"}, After: []string{"c", "d"}, FalseWaits: []FalseWait{{Wave: "d", WaitsFor: "a"}}}
	if len(bs) != 1 || !reflect.DeepEqual(bs[0], want) {
		t.Fatalf("barriers = %+v, want %+v", bs, want)
	}
	if got := bs[0].String(); got != "c, d wait for a, b: 1 false wait (d waits for a)" {
		t.Fatalf("String() = %q", got)
	}
	sp := Plan{Waves: []Wave{wave("a"), after(wave("b"), "a"), after(wave("c"), "a"), after(wave("d"), "b", "c")}}
	if bs, err := sp.Barriers(); err != nil || len(bs) != 0 {
		t.Fatalf("series-parallel plan: %+v, %v", bs, err)
	}
	if _, err := (Plan{Waves: []Wave{after(wave("a"), "b"), after(wave("b"), "a")}}).Barriers(); err == nil {
		t.Fatal("cycle: no error")
	}
	// The false waits reported are exactly those of the schedule.
	r := rand.New(rand.NewSource(3))
	for i := 0; i < 300; i++ {
		n := 1 + r.Intn(60)
		p := randomPlan(r, n, 1+r.Intn(4), 1+r.Intn(n), true)
		s, err := p.Schedule()
		if err != nil {
			t.Fatal(err)
		}
		bs, err := p.Barriers()
		if err != nil {
			t.Fatal(err)
		}
		reported := 0
		for _, b := range bs {
			if len(b.FalseWaits) == 0 {
				t.Fatalf("barrier without false waits: %+v", b)
			}
			reported += len(b.FalseWaits)
		}
		if fw := checkSchedule(t, p, s); fw != reported {
			t.Fatalf("schedule has %d false waits, barriers report %d", fw, reported)
		}
	}
}

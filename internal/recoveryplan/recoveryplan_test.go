package recoveryplan

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
)

func wave(name string, servers ...string) Wave {
	return Wave{Name: name, ProtectionGroup: name + "-group", ServerIDs: servers}
}

func after(w Wave, deps ...string) Wave {
	w.DependsOn, w.DependsOnSet = deps, true
	return w
}

func TestLevels(t *testing.T) {
	tests := []struct {
		name  string
		waves []Wave
		want  [][]string
	}{
		{"plain list runs in sequence", []Wave{wave("db"), wave("app"), wave("web")}, [][]string{{"db"}, {"app"}, {"web"}}},
		{"explicit empty depends_on joins the first level",
			[]Wave{wave("db"), after(wave("cache")), wave("app"), after(wave("web"), "app", "cache")},
			[][]string{{"db", "cache"}, {"app"}, {"web"}}},
		{"diamond", []Wave{wave("a"), after(wave("b"), "a"), after(wave("c"), "a"), after(wave("d"), "b", "c")},
			[][]string{{"a"}, {"b", "c"}, {"d"}}},
		{"declared order does not need to be topological", []Wave{after(wave("web"), "db"), after(wave("db"))},
			[][]string{{"db"}, {"web"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Plan{Waves: tt.waves}.Levels()
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("levels = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestCycleIsNamed(t *testing.T) {
	p := Plan{Waves: []Wave{after(wave("db")), after(wave("app"), "db", "web"), after(wave("web"), "app")}}
	_, err := p.Levels()
	if err == nil || !strings.Contains(err.Error(), "app → web → app") && !strings.Contains(err.Error(), "web → app → web") {
		t.Fatalf("err = %v", err)
	}
	ps := p.ValidateStructure()
	if len(ps) != 1 || ps[0].Attribute != "depends_on" || !strings.Contains(ps[0].Detail, "→") {
		t.Fatalf("problems = %+v", ps)
	}
}

func TestValidateStructure(t *testing.T) {
	tests := []struct {
		name      string
		waves     []Wave
		wave      int
		attribute string
		contains  string
	}{
		{"no waves", nil, -1, "wave", "add at least one wave"},
		{"duplicate names", []Wave{wave("db"), wave("DB")}, 1, "name", "must be unique"},
		{"bad name", []Wave{wave("db tier")}, 0, "name", "letters, digits"},
		{"unknown dependency", []Wave{wave("db"), after(wave("web"), "app")}, 1, "depends_on", `depends on "app", which is not a wave`},
		{"self dependency", []Wave{after(wave("db"), "db")}, 0, "depends_on", "remove \"db\""},
		{"pause before first level", []Wave{{Name: "db", PauseBefore: true}}, 0, "pause_before", "first level"},
		{"pause before explicit first level", []Wave{wave("db"), {Name: "cache", DependsOnSet: true, PauseBefore: true}}, 1, "pause_before", "first level"},
		{"timeout too short", []Wave{{Name: "db", Timeout: 30 * time.Second}}, 0, "timeout", "between 1m"},
		{"poll interval too short", []Wave{{Name: "db", PollInterval: time.Second}}, 0, "poll_interval", "between 5s"},
		{"poll longer than timeout", []Wave{{Name: "db", PollInterval: 10 * time.Minute, Timeout: 5 * time.Minute}}, 0, "poll_interval", "times out after"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ps := Plan{Waves: tt.waves}.ValidateStructure()
			if len(ps) == 0 {
				t.Fatal("no problem reported")
			}
			p := ps[0]
			if p.Wave != tt.wave || p.Attribute != tt.attribute || !strings.Contains(p.Detail, tt.contains) || p.Severity != Error {
				t.Fatalf("problem = %+v", p)
			}
		})
	}
	ok := Plan{Waves: []Wave{wave("db"), {Name: "app", PauseBefore: true}, wave("web")}}
	if ps := ok.ValidateStructure(); len(ps) != 0 {
		t.Fatalf("valid plan reported %+v", ps)
	}
}

func TestValidateServers(t *testing.T) {
	p := Plan{Waves: []Wave{wave("db", "s-1", "s-2"), wave("app", "s-2"), wave("web")}}
	ps := p.ValidateServers()
	if len(ps) != 2 {
		t.Fatalf("problems = %+v", ps)
	}
	if ps[0].Wave != 1 || !strings.Contains(ps[0].Detail, "s-2") || !strings.Contains(ps[0].Detail, `"db"`) {
		t.Fatalf("duplicate server: %+v", ps[0])
	}
	if ps[1].Wave != 2 || !strings.Contains(ps[1].Summary, "Empty") {
		t.Fatalf("empty group: %+v", ps[1])
	}
}

func servers(prefix string, n int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("%s-%d", prefix, i)
	}
	return ids
}

func TestValidateQuotas(t *testing.T) {
	q := Quotas{ServersPerJob: 100, ConcurrentJobs: 2, ServersInActiveJobs: 150}
	p := Plan{Waves: []Wave{
		wave("big", servers("a", 101)...),
		after(wave("x", servers("x", 60)...)),
		after(wave("y", servers("y", 60)...)),
		after(wave("z", servers("z", 60)...)),
	}}
	levels, err := p.Levels()
	if err != nil {
		t.Fatal(err)
	}
	ps := p.ValidateQuotas(levels, q, Usage{})
	var summaries []string
	for _, pr := range ps {
		summaries = append(summaries, pr.Summary)
	}
	joined := strings.Join(summaries, "|")
	for _, want := range []string{"per-job quota", "concurrent-jobs quota", "servers-in-active-jobs quota"} {
		if !strings.Contains(joined, want) {
			t.Errorf("missing %q in %s", want, joined)
		}
	}

	// Within quota, but live usage makes it fail now: warnings only.
	small := Plan{Waves: []Wave{wave("db", servers("d", 10)...), after(wave("cache", servers("c", 10)...))}}
	levels, _ = small.Levels()
	ps = small.ValidateQuotas(levels, q, Usage{ActiveJobs: 1, ServersInActiveJobs: 140})
	if ps.HasErrors() || len(ps) != 2 {
		t.Fatalf("want two warnings, got %+v", ps)
	}
}

// Each message names the values involved once: two waves on one group
// make one problem listing the shared servers, and the known waves of an
// unknown dependency are listed once even when two waves share a name.
func TestProblemsNameEachValueOnce(t *testing.T) {
	p := Plan{Waves: []Wave{wave("db", "s-1", "s-2", "s-3"), wave("db2", "s-3", "s-2", "s-1")}}
	ps := p.ValidateServers()
	if len(ps) != 1 {
		t.Fatalf("want one problem for the two overlapping waves, got %+v", ps)
	}
	if want := `source servers s-1, s-2, s-3 are in wave "db"`; !strings.Contains(ps[0].Detail, want) {
		t.Fatalf("detail %q lacks %q", ps[0].Detail, want)
	}

	app := wave("app")
	app.DependsOn = []string{"cache", "cache", "cache"}
	p = Plan{Waves: []Wave{wave("db"), wave("db"), app}}
	ps = p.ValidateStructure()
	var details []string
	for _, pr := range ps {
		details = append(details, pr.Detail)
	}
	all := strings.Join(details, "\n")
	if strings.Contains(all, "db, db") || !strings.Contains(all, "known waves: app, db") {
		t.Fatalf("known waves not listed once each:\n%s", all)
	}
	if n := strings.Count(all, "more than once"); n != 1 {
		t.Fatalf("duplicate dependency reported %d times:\n%s", n, all)
	}
}

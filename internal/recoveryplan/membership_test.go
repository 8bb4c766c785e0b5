package recoveryplan

import (
	"reflect"
	"testing"
)

func TestMembershipChanges(t *testing.T) {
	from := Plan{Waves: []Wave{
		{Name: "db", ServerIDs: []string{"s-1", "s-2"}},
		{Name: "web", ServerIDs: []string{"s-3"}},
		{Name: "old", ServerIDs: []string{"s-9"}},
	}}
	to := Plan{Waves: []Wave{
		{Name: "db", ServerIDs: []string{"s-2", "s-4", "s-1"}},
		{Name: "web", ServerIDs: []string{"s-3"}},
		{Name: "new", ServerIDs: []string{"s-5"}},
	}}
	want := []MembershipChange{
		{Wave: "db", Added: []string{"s-4"}},
		{Wave: "new", Added: []string{"s-5"}},
		{Wave: "old", Removed: []string{"s-9"}},
	}
	if got := MembershipChanges(from, to); !reflect.DeepEqual(got, want) {
		t.Fatalf("changes = %+v, want %+v", got, want)
	}
	if got := MembershipChanges(to, to); len(got) != 0 {
		t.Fatalf("no change expected, got %+v", got)
	}
}

func TestAsWarnings(t *testing.T) {
	ps := Problems{{Severity: Error, Summary: "a"}, {Severity: Warning, Summary: "b"}}
	if w := ps.AsWarnings(); w.HasErrors() || len(w) != 2 || !ps.HasErrors() {
		t.Fatalf("AsWarnings = %+v (original %+v)", w, ps)
	}
}

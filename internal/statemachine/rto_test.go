package statemachine

import (
	"os"
	"strings"
	"testing"
	"time"
)

// RTO targets are stored in the plan spec and read back; a plan without
// them writes nothing about them, and a spec written before they existed
// (the fixture, compiled by the drsorch of 2026-12-01 before RTOs) still
// reads, with no targets.
func TestRTOInThePlanSpec(t *testing.T) {
	plan := threeTier()
	plan.RTO = 2 * time.Hour
	plan.Waves[0].RTO = 20 * time.Minute
	plan.Waves[3].RTO = 45 * time.Minute
	c, err := Compile(plan, testRegion, PlaceholderRunnerARN(testRegion))
	if err != nil {
		t.Fatal(err)
	}
	v, err := Describe(c.Definition)
	if err != nil {
		t.Fatal(err)
	}
	if v.RTO != 2*time.Hour || v.SpecVersion != SpecVersion {
		t.Fatalf("plan RTO read back as %s (spec %d)", v.RTO, v.SpecVersion)
	}
	want := map[string]time.Duration{"db": 20 * time.Minute, "cache": 0, "app": 0, "web": 45 * time.Minute}
	for _, w := range v.Waves() {
		if w.RTO != want[w.Name] {
			t.Errorf("wave %s RTO read back as %s, want %s", w.Name, w.RTO, want[w.Name])
		}
	}
	again, err := Compile(v.Plan(), testRegion, PlaceholderRunnerARN(testRegion))
	if err != nil {
		t.Fatal(err)
	}
	if again.Definition != c.Definition {
		t.Fatal("the plan read back compiles differently: the RTOs did not survive the round trip")
	}

	before, err := os.ReadFile("testdata/compiled-2026-12-01-spec1-three-tier.json")
	if err != nil {
		t.Fatal(err)
	}
	plain, err := Compile(threeTier(), testRegion, PlaceholderRunnerARN(testRegion))
	if err != nil {
		t.Fatal(err)
	}
	// Nothing about RTOs is written for a plan without targets, so its
	// definition stays as it was (no new version to publish on upgrade).
	// (Not compared byte for byte with the fixture: later compilers may
	// change the definition for other reasons.)
	if strings.Contains(plain.Definition, "rtoSeconds") {
		t.Fatal("rtoSeconds written for a plan without targets: every deployed plan would change on upgrade")
	}
	old, err := Describe(string(before))
	if err != nil {
		t.Fatalf("a spec written before RTOs no longer reads: %v", err)
	}
	if old.RTO != 0 {
		t.Errorf("an old spec reads with RTO %s", old.RTO)
	}
	for _, w := range old.Waves() {
		if w.RTO != 0 {
			t.Errorf("an old spec's wave %s reads with RTO %s", w.Name, w.RTO)
		}
	}
}

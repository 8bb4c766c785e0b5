package statemachine

import (
	"os"
	"reflect"
	"testing"
)

// Plans deployed by an earlier drsorch keep reading back: a definition
// compiled before read failures were caught and jobs could be adopted
// describes the same plan as today's compilation of it.
func TestDescribeReadsDefinitionsOfEarlierCompilers(t *testing.T) {
	old, err := os.ReadFile("testdata/compiled-2026-11-30-three-tier.json")
	if err != nil {
		t.Fatal(err)
	}
	then, err := Describe(string(old))
	if err != nil {
		t.Fatalf("the earlier definition no longer reads back: %v", err)
	}
	c, err := Compile(threeTier(), testRegion, PlaceholderRunnerARN(testRegion))
	if err != nil {
		t.Fatal(err)
	}
	now, err := Describe(c.Definition)
	if err != nil {
		t.Fatal(err)
	}
	if then.SpecVersion != 0 || now.SpecVersion != SpecVersion || now.RunnerARN != PlaceholderRunnerARN(testRegion) {
		t.Fatalf("spec versions %d and %d, runner %q", then.SpecVersion, now.SpecVersion, now.RunnerARN)
	}
	// Only today's plans pass recovery snapshots to their waves.
	if then.RecoverySnapshots || !now.RecoverySnapshots {
		t.Fatalf("recovery snapshots passed: earlier %v, today %v", then.RecoverySnapshots, now.RecoverySnapshots)
	}
	// Only today's plans read their waves' controls from the input's waves.
	if then.WaveControls || !now.WaveControls {
		t.Fatalf("wave controls: earlier %v, today %v", then.WaveControls, now.WaveControls)
	}
	now.SpecVersion, now.RunnerARN, now.RecoverySnapshots, now.WaveControls = 0, "", false, false
	if !reflect.DeepEqual(then, now) {
		t.Fatalf("earlier definition reads as\n%+v\ntoday's as\n%+v", then, now)
	}
	// The plan it rebuilds compiles to today's definition of the same plan.
	again, err := Compile(then.Plan(), testRegion, PlaceholderRunnerARN(testRegion))
	if err != nil {
		t.Fatal(err)
	}
	if again.Definition != c.Definition {
		t.Fatal("the plan read from the earlier definition compiles differently from the plan itself")
	}
	if string(old) == c.Definition+"\n" {
		t.Fatal("the fixture is today's compilation: it no longer proves anything about earlier definitions")
	}
}

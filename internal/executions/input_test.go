package executions_test

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	sfntypes "github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/drsorch/terraform-provider-drsorch/internal/executions"
	"github.com/drsorch/terraform-provider-drsorch/internal/recoveryplan"
	"github.com/drsorch/terraform-provider-drsorch/internal/statemachine"
)

func sampleInput() executions.Input {
	return executions.Input{
		Type: executions.TypeRecovery, InvokedBy: "arn:aws:iam::123456789012:user/ops",
		AdoptJobs:   map[string]string{"app": "drsjob-00000000000000001"},
		SkipWaves:   map[string]string{"db": "arn:aws:states:us-east-1:123456789012:execution:p:e"},
		OnlyServers: map[string][]string{"web": {"s-00000000000000002"}},
		PointInTime: "2026-11-30T08:00:00Z",
		RecoverySnapshots: map[string][]statemachine.RecoverySnapshot{
			"web": {{SourceServerID: "s-00000000000000002", RecoverySnapshotID: "pit-00000000000000003"}}},
	}
}

// Plans of spec version 2 read one control per wave; plans of version 1
// the four maps. Either form reads back into the same Input.
func TestInputEncodesTheFormThePlanReads(t *testing.T) {
	in := sampleInput()
	v2, err := in.Encode(true)
	if err != nil {
		t.Fatal(err)
	}
	var wire map[string]json.RawMessage
	if err := json.Unmarshal(v2, &wire); err != nil {
		t.Fatal(err)
	}
	if _, ok := wire[statemachine.InputWaves]; !ok || wire[statemachine.InputAdoptJobs] != nil || wire[statemachine.InputRecoverySnapshots] != nil {
		t.Fatalf("spec version 2 input = %s", v2)
	}
	var waves map[string]statemachine.WaveControl
	_ = json.Unmarshal(wire[statemachine.InputWaves], &waves)
	if waves["db"].Skip == "" || waves["app"].AdoptJobID == "" || len(waves["web"].OnlyServers) != 1 || len(waves["web"].RecoverySnapshots) != 1 {
		t.Fatalf("waves = %+v", waves)
	}
	v1, err := in.Encode(false)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(v1), `"waves"`) || !strings.Contains(string(v1), `"skipWaves"`) {
		t.Fatalf("spec version 1 input = %s", v1)
	}
	for _, b := range [][]byte{v1, v2} {
		var back executions.Input
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(back, in) {
			t.Fatalf("%s reads back as %+v", b, back)
		}
	}
	if b, _ := (executions.Input{Type: executions.TypeDrill}).Encode(true); string(b) != `{"type":"DRILL"}` {
		t.Fatalf("an input without wave controls = %s", b)
	}
}

// A wave skipped through the input does not run, in a plan of this
// drsorch (the runner skips it) and in a plan of spec version 1 deployed
// by an earlier drsorch (testdata/plan-before-guard.json, which reads
// skipWaves): StartWith writes the form each plan reads.
func TestSkipReachesPlansOfEitherSpecVersion(t *testing.T) {
	svc, c, ids := guardEstate(t, 3, nil)
	ctx := context.Background()
	v1, _ := deployPlanBeforeGuard(t, c, ids[0])
	v2 := deployScalePlan(t, c, recoveryplan.Plan{Name: "after", Waves: []recoveryplan.Wave{
		{Name: "db", ProtectionGroup: "db", ServerIDs: []string{ids[1]}},
		{Name: "app", ProtectionGroup: "app", ServerIDs: []string{ids[2]}},
	}})
	for _, plan := range []string{v1, v2} {
		in := executions.Input{Type: executions.TypeDrill, SkipWaves: map[string]string{"db": "recovered elsewhere"}}
		arn, err := executions.StartWith(ctx, c, plan, "", in)
		if err != nil {
			t.Fatal(err)
		}
		var e *executions.Execution
		svc.Drive(t, 2000, func() bool {
			if e, err = executions.Describe(ctx, c, arn); err != nil {
				t.Fatal(err)
			}
			return !e.Running()
		})
		db, _ := e.Wave("db")
		if app, ok := e.Wave("app"); ok && app.Status != executions.WaveRecovered {
			t.Fatalf("plan %s: app %+v", plan, app)
		}
		if e.Status != sfntypes.ExecutionStatusSucceeded || db.Status != executions.WaveSkipped || db.RecoveredIn != "recovered elsewhere" || db.JobID != "" {
			t.Fatalf("plan %s: %s, db %+v", plan, e.Status, db)
		}
	}
	if jobs := append(jobsOf(t, c, ids[0]), jobsOf(t, c, ids[1])...); len(jobs) != 0 {
		t.Fatalf("a skipped wave launched: %d jobs", len(jobs))
	}
}

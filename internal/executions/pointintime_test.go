package executions_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/drs"
	drstypes "github.com/aws/aws-sdk-go-v2/service/drs/types"
	sfntypes "github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/drsorch/terraform-provider-drsorch/internal/executions"
	"github.com/drsorch/terraform-provider-drsorch/internal/plans"
	"github.com/drsorch/terraform-provider-drsorch/internal/recoveryplan"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/runservicetest"
	"github.com/drsorch/terraform-provider-drsorch/internal/statemachine"
)

func planView(t *testing.T, f *fixture) *statemachine.PlanView {
	t.Helper()
	out, found, err := plans.Find(context.Background(), f.clients.SFN, f.planARN)
	if err != nil || !found {
		t.Fatalf("plan: %v %v", found, err)
	}
	v, err := statemachine.Describe(aws.ToString(out.Definition))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// latestAtOrBefore lists a server's snapshots and returns the newest one
// taken at or before t, as the test's own answer.
func latestAtOrBefore(t *testing.T, api *drs.Client, server string, at time.Time) (drstypes.RecoverySnapshot, bool) {
	t.Helper()
	out, err := api.DescribeRecoverySnapshots(context.Background(), &drs.DescribeRecoverySnapshotsInput{SourceServerID: aws.String(server), Order: drstypes.RecoverySnapshotsOrderAsc})
	if err != nil {
		t.Fatal(err)
	}
	var best drstypes.RecoverySnapshot
	found := false
	for _, s := range out.Items {
		taken, _ := time.Parse(time.RFC3339, aws.ToString(s.Timestamp))
		if !taken.After(at) {
			best, found = s, true
		}
	}
	return best, found
}

// A drill from a point in time launches every server from its latest
// snapshot taken at or before T; the input, the status and the recovery
// instances say which. A retry keeps those snapshots.
func TestPointInTimeDrill(t *testing.T) {
	f := deploy(t, "shop")
	ctx := context.Background()
	view := planView(t, f)
	if !view.RecoverySnapshots {
		t.Fatal("a plan of this compiler must pass recovery snapshots")
	}
	// The simulated estate's clock starts at Epoch; DRS keeps 10-minute
	// snapshots for an hour, hourly ones for a day, daily ones for a week.
	// An hourly snapshot is expected on the hour and taken 20 to 60
	// seconds later: at 07:00:10 the 07:00 one is not yet taken.
	at := runservicetest.Epoch.Add(-2*time.Hour + 10*time.Second)
	in := executions.Input{Type: executions.TypeDrill, InvokedBy: "tester"}
	chosen, err := executions.ChooseSnapshots(ctx, f.clients.DRS, view, executions.SnapshotRequest{PointInTime: at}, &in)
	if err != nil {
		t.Fatal(err)
	}
	if len(chosen) != 9 || in.PointInTime != at.Format(time.RFC3339) || len(in.RecoverySnapshots) != 3 {
		t.Fatalf("chosen %d, input %+v", len(chosen), in)
	}
	want := map[string]drstypes.RecoverySnapshot{}
	for _, c := range chosen {
		if exp := runservicetest.Epoch.Add(-3 * time.Hour); !c.Taken.Truncate(time.Minute).Equal(exp) {
			t.Fatalf("%s: chose the snapshot taken %s, want the one of %s", c.SourceServerID, c.Taken, exp)
		}
		s, ok := latestAtOrBefore(t, f.clients.DRS, c.SourceServerID, at)
		if !ok || aws.ToString(s.SnapshotID) != c.SnapshotID || c.Taken.After(at) {
			t.Fatalf("%s: chose %s (%s), want %s", c.SourceServerID, c.SnapshotID, c.Taken, aws.ToString(s.SnapshotID))
		}
		want[c.SourceServerID] = s
	}
	arn, err := executions.StartWith(ctx, f.clients, f.planARN, "", in)
	if err != nil {
		t.Fatal(err)
	}
	var e *executions.Execution
	f.svc.Drive(t, 300, func() bool { e = f.describe(t, arn); return e.PausedBefore() != "" })
	if err := executions.Resume(ctx, f.clients, e, "web", "tester", time.Now()); err != nil {
		t.Fatal(err)
	}
	f.svc.Drive(t, 300, func() bool { e = f.describe(t, arn); return !e.Running() })
	if e.Status != sfntypes.ExecutionStatusSucceeded || e.PointInTime != in.PointInTime {
		t.Fatalf("status %s point in time %q: %s", e.Status, e.PointInTime, e.Cause)
	}
	for _, w := range e.Waves {
		for _, s := range w.Servers {
			snap := want[s.SourceServerID]
			if s.RecoverySnapshotID != aws.ToString(snap.SnapshotID) || s.SnapshotTime != aws.ToString(snap.ExpectedTimestamp) {
				t.Fatalf("%s launched from %s at %s, want %s at %s", s.SourceServerID, s.RecoverySnapshotID, s.SnapshotTime,
					aws.ToString(snap.SnapshotID), aws.ToString(snap.ExpectedTimestamp))
			}
		}
	}

	// A retry recovers the same point in time.
	retry, err := executions.RetryInput(&executions.Execution{Type: e.Type, Status: sfntypes.ExecutionStatusFailed, PointInTime: e.PointInTime,
		Waves: []executions.Wave{e.Waves[0], {Name: "app", Status: executions.WaveFailed, Servers: e.Waves[1].Servers[:1]}, e.Waves[2]}}, "tester")
	if err != nil {
		t.Fatal(err)
	}
	retry.Type = executions.TypeDrill
	if retry.PointInTime != e.PointInTime || retry.RecoverySnapshots["db"] != nil || len(retry.RecoverySnapshots["app"]) == 0 {
		t.Fatalf("retry input %+v", retry)
	}
}

// A point in time before a server's oldest snapshot refuses the start,
// naming the server and its oldest snapshot; a named snapshot the server
// lacks, or a server outside the plan, is refused too.
func TestPointInTimeRefusals(t *testing.T) {
	f := deploy(t, "shop")
	ctx := context.Background()
	view := planView(t, f)
	in := executions.Input{Type: executions.TypeDrill}
	_, err := executions.ChooseSnapshots(ctx, f.clients.DRS, view, executions.SnapshotRequest{PointInTime: runservicetest.Epoch.Add(-30 * 24 * time.Hour)}, &in)
	db := f.servers["db"][0]
	if err == nil || !strings.Contains(err.Error(), db) || !strings.Contains(err.Error(), "its oldest is pit-") || !strings.Contains(err.Error(), "nothing was started") {
		t.Fatalf("T before every snapshot: %v", err)
	}
	if in.RecoverySnapshots != nil {
		t.Fatalf("a refused choice wrote the input: %+v", in)
	}
	_, err = executions.ChooseSnapshots(ctx, f.clients.DRS, view, executions.SnapshotRequest{Servers: map[string]string{db: "pit-00000000000000000"}}, &in)
	if err == nil || !strings.Contains(err.Error(), db) || !strings.Contains(err.Error(), "has no recovery snapshot pit-00000000000000000") {
		t.Fatalf("unknown snapshot: %v", err)
	}
	_, err = executions.ChooseSnapshots(ctx, f.clients.DRS, view, executions.SnapshotRequest{Servers: map[string]string{"s-00000000000000000": "pit-00000000000000000"}}, &in)
	if err == nil || !strings.Contains(err.Error(), "plan shop has no such server") {
		t.Fatalf("server outside the plan: %v", err)
	}
	if _, err := executions.ParsePointInTime(time.Now().Add(time.Hour).Format(time.RFC3339), time.Now()); err == nil || !strings.Contains(err.Error(), "in the future") {
		t.Fatalf("future point in time: %v", err)
	}

	// One server named, the others from the latest data: only the named
	// server's wave gets a list, the others launch as usual.
	snap, _ := latestAtOrBefore(t, f.clients.DRS, db, runservicetest.Epoch)
	chosen, err := executions.ChooseSnapshots(ctx, f.clients.DRS, view, executions.SnapshotRequest{Servers: map[string]string{db: aws.ToString(snap.SnapshotID)}}, &in)
	if err != nil || len(chosen) != 1 || len(in.RecoverySnapshots) != 1 || len(in.RecoverySnapshots["db"]) != 2 || in.PointInTime != "" {
		t.Fatalf("one named snapshot: %v %+v", err, in)
	}
	for _, s := range in.RecoverySnapshots["db"] {
		if (s.SourceServerID == db) != (s.RecoverySnapshotID != "") {
			t.Fatalf("db list %+v", in.RecoverySnapshots["db"])
		}
	}
}

// A point-in-time run of a 2,400-server plan (24 waves of 100) carries a
// snapshot per server in its input: it starts and runs its first wave
// within Step Functions' 256 KiB state limit, which CheckStartInput's
// estimate bounds from above.
func TestPointInTimeLargePlanStateSize(t *testing.T) {
	if testing.Short() {
		t.Skip("2,400 servers")
	}
	const n = 2400
	svc, c, ids := generatedEstate(t, n)
	p := recoveryplan.Plan{Name: "pit-scale"}
	for w := 0; w < n/100; w++ {
		p.Waves = append(p.Waves, recoveryplan.Wave{Name: fmt.Sprintf("w%02d", w), ProtectionGroup: "g", ServerIDs: ids[w*100 : (w+1)*100],
			PauseBefore: w == 1})
	}
	planARN := deployScalePlan(t, c, p)
	out, _, err := plans.Find(context.Background(), c.SFN, planARN)
	if err != nil {
		t.Fatal(err)
	}
	view, err := statemachine.Describe(aws.ToString(out.Definition))
	if err != nil {
		t.Fatal(err)
	}
	in := executions.Input{Type: executions.TypeDrill, InvokedBy: "tester"}
	if _, err := executions.ChooseSnapshots(context.Background(), c.DRS, view, executions.SnapshotRequest{PointInTime: runservicetest.Epoch.Add(-2 * time.Hour)}, &in); err != nil {
		t.Fatal(err)
	}
	input, _ := json.Marshal(in)
	arn, err := executions.StartWith(context.Background(), c, planARN, "", in)
	if err != nil {
		t.Fatal(err)
	}
	var e *executions.Execution
	svc.Drive(t, 500, func() bool {
		var err error
		if e, err = executions.Describe(context.Background(), c, arn); err != nil {
			t.Fatal(err)
		}
		return e.PausedBefore() != "" || !e.Running()
	})
	first, _ := e.Wave("w00")
	if e.PausedBefore() != "w01" || first.Status != executions.WaveRecovered || first.Servers[0].RecoverySnapshotID == "" {
		t.Fatalf("phase %s, w00 %s: %s", e.Phase(), first.Status, e.Cause)
	}
	_, largest := executionFigures(t, c, arn)
	for _, r := range runnerExecutions(t, c) {
		_, l := executionFigures(t, c, r)
		largest = max(largest, l)
	}
	t.Logf("%d servers: execution input %d bytes, largest state %d bytes (limit %d)", n, len(input), largest, statemachine.MaxStateBytes)
	if largest > statemachine.MaxStateBytes || largest < len(input)/2 {
		t.Fatalf("largest state %d bytes", largest)
	}
	if err := executions.Cancel(context.Background(), c, arn, "test over"); err != nil {
		t.Fatal(err)
	}
}

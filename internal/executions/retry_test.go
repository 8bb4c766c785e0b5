package executions_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/drs"
	drstypes "github.com/aws/aws-sdk-go-v2/service/drs/types"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	sfntypes "github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/drsorch/terraform-provider-drsorch/internal/executions"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/drssim"
	"github.com/drsorch/terraform-provider-drsorch/internal/statemachine"
)

// launchesPerServer counts, per source server, the DRS recovery jobs it
// took part in: each is one StartRecovery that named it.
func launchesPerServer(t *testing.T, f *fixture) map[string]int {
	t.Helper()
	out := map[string]int{}
	pages := drs.NewDescribeJobsPaginator(f.clients.DRS, &drs.DescribeJobsInput{})
	for pages.HasMorePages() {
		page, err := pages.NextPage(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for _, j := range page.Items {
			if j.Type != drstypes.JobTypeLaunch {
				continue
			}
			for _, s := range j.ParticipatingServers {
				out[aws.ToString(s.SourceServerID)]++
			}
		}
	}
	return out
}

// A drill whose wave app fails for one server is retried: db (recovered)
// is skipped, app relaunches only the server that failed, web runs.
func TestRetryRelaunchesOnlyTheFailedServers(t *testing.T) {
	f := deploy(t, "shop")
	ctx := context.Background()
	bad := f.servers["app"][1]
	if err := f.svc.App.DRS.SetFailLaunch(drssim.Estate{Account: "123456789012", Region: "us-east-1"}, true, bad); err != nil {
		t.Fatal(err)
	}
	first, err := executions.Start(ctx, f.clients, f.planARN, executions.TypeDrill, "tester", "")
	if err != nil {
		t.Fatal(err)
	}
	var e *executions.Execution
	f.svc.Drive(t, 300, func() bool { e = f.describe(t, first); return !e.Running() })
	if e.Phase() != "FAILED in wave app" {
		t.Fatalf("first run: %q", e.Phase())
	}
	if err := f.svc.App.DRS.SetFailLaunch(drssim.Estate{Account: "123456789012", Region: "us-east-1"}, false, bad); err != nil {
		t.Fatal(err)
	}
	// The wave failed at its first failed server; DRS goes on launching
	// the other, and a retry waits for that.
	launching := func() bool {
		app, _ := e.Wave("app")
		for _, s := range app.Servers {
			if s.LaunchStatus == "PENDING" || s.LaunchStatus == "IN_PROGRESS" {
				return true
			}
		}
		return false
	}
	if launching() {
		if _, err := executions.RetryInput(e, "tester"); err == nil || !strings.Contains(err.Error(), "still launching") {
			t.Fatalf("retry while the job launches: %v", err)
		}
	}
	for i := 0; launching(); i++ {
		if i == 100 {
			t.Fatal("app's job never completed")
		}
		f.svc.App.DRS.Advance(30 * time.Second)
		e = f.describe(t, first)
	}
	in, err := executions.RetryInput(e, "tester")
	if err != nil {
		t.Fatal(err)
	}
	if in.SkipWaves["db"] != first || len(in.SkipWaves) != 1 || len(in.OnlyServers["app"]) != 1 || in.OnlyServers["app"][0] != bad {
		t.Fatalf("retry input %+v (%s)", in, executions.DescribeResume(in))
	}
	before := launchesPerServer(t, f)
	retry, err := executions.StartWith(ctx, f.clients, f.planARN, "", in)
	if err != nil {
		t.Fatal(err)
	}
	f.svc.Drive(t, 300, func() bool { e = f.describe(t, retry); return e.PausedBefore() != "" || !e.Running() })
	if e.PausedBefore() != "web" {
		t.Fatalf("retry: %s %s", e.Phase(), e.Cause)
	}
	if err := executions.Resume(ctx, f.clients, e, "web", "tester", time.Now()); err != nil {
		t.Fatal(err)
	}
	f.svc.Drive(t, 300, func() bool { e = f.describe(t, retry); return !e.Running() })
	if e.Status != sfntypes.ExecutionStatusSucceeded {
		t.Fatalf("retry ended %s: %s", e.Status, e.Cause)
	}
	db, _ := e.Wave("db")
	app, _ := e.Wave("app")
	if db.Status != executions.WaveSkipped || db.RecoveredIn != first || db.JobID != "" {
		t.Fatalf("db = %+v", db)
	}
	if app.Status != executions.WaveRecovered || len(app.Servers) != 1 || app.Servers[0].SourceServerID != bad {
		t.Fatalf("app = %+v", app)
	}
	after := launchesPerServer(t, f)
	for tier, ids := range f.servers {
		for _, id := range ids {
			want := 0
			if tier == "web" || id == bad {
				want = 1
			}
			if got := after[id] - before[id]; got != want {
				t.Errorf("%s server %s launched %d times by the retry, want %d", tier, id, got, want)
			}
		}
	}

	// A retry of a run that succeeded is refused.
	if _, err := executions.RetryInput(e, "tester"); err == nil || !strings.Contains(err.Error(), "nothing to retry") {
		t.Fatalf("retry of a success: %v", err)
	}
	// A run started at app takes db as recovered, and only db.
	skip, err := executions.SkipBefore(mustView(t, f), "app")
	if err != nil || len(skip) != 1 || skip["db"] != executions.FromWaveReason("app") {
		t.Fatalf("skip before app = %v (%v)", skip, err)
	}
	if _, err := executions.SkipBefore(mustView(t, f), "nope"); err == nil || !strings.Contains(err.Error(), "db, app, web") {
		t.Fatalf("unknown wave: %v", err)
	}
}

func mustView(t *testing.T, f *fixture) *statemachine.PlanView {
	t.Helper()
	d, err := f.clients.SFN.DescribeStateMachine(context.Background(), &sfn.DescribeStateMachineInput{StateMachineArn: aws.String(f.planARN)})
	if err != nil {
		t.Fatal(err)
	}
	v, err := statemachine.Describe(aws.ToString(d.Definition))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

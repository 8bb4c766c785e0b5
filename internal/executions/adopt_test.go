package executions_test

import (
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	sfntypes "github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/drsorch/terraform-provider-drsorch/internal/executions"
	"github.com/drsorch/terraform-provider-drsorch/internal/plans"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/drssim"
	"github.com/drsorch/terraform-provider-drsorch/internal/statemachine"
)

var estate = drssim.Estate{Account: "123456789012", Region: "us-east-1"}

func (f *fixture) sfnStatus(t *testing.T, arn string) *sfn.DescribeExecutionOutput {
	t.Helper()
	d, err := f.clients.SFN.DescribeExecution(context.Background(), &sfn.DescribeExecutionInput{ExecutionArn: aws.String(arn)})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// DRS reads of a wave fail past their retry budget while its job launches:
// the execution ends with a wave failure naming the wave, the job and the
// last error (never a raw Drs.ThrottlingException), and a new run that
// adopts the job follows it to the end without starting another.
func TestReadFailureNamesTheJobAndARetryAdoptsIt(t *testing.T) {
	f := deploy(t, "shop")
	ctx := context.Background()
	arn, err := executions.Start(ctx, f.clients, f.planARN, executions.TypeDrill, "tester", "")
	if err != nil {
		t.Fatal(err)
	}
	var e *executions.Execution
	f.svc.Drive(t, 300, func() bool { e = f.describe(t, arn); w, _ := e.Wave("db"); return w.JobID != "" })
	db, _ := e.Wave("db")
	job := db.JobID

	if err := f.svc.App.DRS.SetFaults(estate, drssim.Faults{ThrottlePercent: 100}); err != nil {
		t.Fatal(err)
	}
	f.svc.Drive(t, 300, func() bool { return f.sfnStatus(t, arn).Status != sfntypes.ExecutionStatusRunning })
	d := f.sfnStatus(t, arn)
	cause := aws.ToString(d.Cause)
	if d.Status != sfntypes.ExecutionStatusFailed || aws.ToString(d.Error) != statemachine.ErrWaveReadFailed {
		t.Fatalf("execution ended %s with %s: %s", d.Status, aws.ToString(d.Error), cause)
	}
	for _, want := range []string{"wave db ", job, "Drs.ThrottlingException", "waves.db.adoptJobId set to " + job} {
		if !strings.Contains(cause, want) {
			t.Fatalf("cause does not name %q: %s", want, cause)
		}
	}

	if err := f.svc.App.DRS.SetFaults(estate, drssim.Faults{}); err != nil {
		t.Fatal(err)
	}
	e = f.describe(t, arn)
	db, _ = e.Wave("db")
	if db.Status != executions.WaveFailed || db.Error != statemachine.ErrWaveReadFailed || db.JobID != job || e.Phase() != "FAILED in wave db" {
		t.Fatalf("db = %+v, phase %q", db, e.Phase())
	}
	if _, err := executions.AdoptJobsFrom(ctx, f.clients, arn, "shop", executions.TypeRecovery); err == nil {
		t.Fatal("a DRILL's jobs were offered to a RECOVERY")
	}
	adopt, err := executions.AdoptJobsFrom(ctx, f.clients, arn, "shop", executions.TypeDrill)
	if err != nil {
		t.Fatal(err)
	}
	if len(adopt) != 1 || adopt["db"] != job {
		t.Fatalf("adoptable jobs %v, want db: %s", adopt, job)
	}

	f.svc.App.DRS.ResetStats()
	retry, err := executions.StartWith(ctx, f.clients, f.planARN, "", executions.Input{Type: executions.TypeDrill, InvokedBy: "tester", AdoptJobs: adopt})
	if err != nil {
		t.Fatal(err)
	}
	f.svc.Drive(t, 300, func() bool { e = f.describe(t, retry); return e.PausedBefore() != "" || !e.Running() })
	db, _ = e.Wave("db")
	app, _ := e.Wave("app")
	if db.Status != executions.WaveRecovered || db.JobID != job || app.Status != executions.WaveRecovered {
		t.Fatalf("retry: db %+v, app %+v (%s %s)", db, app, e.Status, e.Cause)
	}
	if got := f.svc.App.DRS.Stats()["StartRecovery"]; got != 1 {
		t.Fatalf("the retry sent StartRecovery %d times, want once (app only)", got)
	}
	for _, s := range db.Servers {
		if s.LaunchStatus != "LAUNCHED" || s.EC2InstanceState != "RUNNING" {
			t.Fatalf("db server %+v", s)
		}
	}
}

// With 90 % of DRS calls throttled, the read retries' budget carries a
// drill through.
func TestHeavyThrottlingDoesNotFailAWave(t *testing.T) {
	f := deploy(t, "shop")
	ctx := context.Background()
	arn, err := executions.Start(ctx, f.clients, f.planARN, executions.TypeDrill, "tester", "")
	if err != nil {
		t.Fatal(err)
	}
	f.svc.Drive(t, 50, func() bool { return len(historyOf(t, f, arn)) > 8 })
	if err := f.svc.App.DRS.SetFaults(estate, drssim.Faults{ThrottlePercent: 90}); err != nil {
		t.Fatal(err)
	}
	f.svc.Drive(t, 2000, func() bool {
		for _, ev := range historyOf(t, f, arn) {
			if ev.Type == sfntypes.HistoryEventTypeTaskScheduled && strings.Contains(aws.ToString(ev.TaskScheduledEventDetails.Parameters), "drsorch wave paused") {
				return true
			}
		}
		return f.sfnStatus(t, arn).Status != sfntypes.ExecutionStatusRunning
	})
	if d := f.sfnStatus(t, arn); d.Status != sfntypes.ExecutionStatusRunning {
		t.Fatalf("execution ended %s: %s %s", d.Status, aws.ToString(d.Error), aws.ToString(d.Cause))
	}
}

func historyOf(t *testing.T, f *fixture, arn string) []sfntypes.HistoryEvent {
	t.Helper()
	evs, err := executions.History(context.Background(), f.clients.SFN, arn)
	if err != nil {
		t.Fatal(err)
	}
	return evs
}

// A plan deployed by an earlier drsorch (before reads were caught and jobs
// adopted) still runs and shows its status.
func TestStatusOfAPlanCompiledByAnEarlierVersion(t *testing.T) {
	f := deploy(t, "shop")
	ctx := context.Background()
	def, err := os.ReadFile("../statemachine/testdata/compiled-2026-11-30-three-tier.json")
	if err != nil {
		t.Fatal(err)
	}
	// The fixture's servers are placeholders: point them at the demo's.
	text := string(def)
	for old, tier := range map[string]string{"s-db1": "db", "s-db2": "db", "s-c1": "app", "s-a1": "app", "s-w1": "web", "s-w2": "web"} {
		idx := map[string]int{"s-db1": 0, "s-db2": 1, "s-c1": 0, "s-a1": 1, "s-w1": 0, "s-w2": 1}[old]
		text = strings.ReplaceAll(text, `"`+old+`"`, `"`+f.servers[tier][idx]+`"`)
	}
	if !json.Valid([]byte(text)) {
		t.Fatal("fixture is not JSON")
	}
	out, err := f.clients.SFN.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{
		Name: aws.String(plans.StateMachineName("old-shop")), Definition: aws.String(text),
		RoleArn: aws.String("arn:aws:iam::123456789012:role/drsorch")})
	if err != nil {
		t.Fatal(err)
	}
	arn, err := executions.Start(ctx, f.clients, aws.ToString(out.StateMachineArn), executions.TypeDrill, "tester", "")
	if err != nil {
		t.Fatal(err)
	}
	var e *executions.Execution
	f.svc.Drive(t, 300, func() bool { e = f.describe(t, arn); return e.PausedBefore() != "" || !e.Running() })
	if e.Phase() != "PAUSED before wave web" || e.Plan != "shop" || len(e.Waves) != 4 {
		t.Fatalf("phase %q plan %q waves %d (%s)", e.Phase(), e.Plan, len(e.Waves), e.Cause)
	}
	for _, name := range []string{"db", "cache", "app"} {
		w, _ := e.Wave(name)
		if w.Status != executions.WaveRecovered || w.JobID == "" {
			t.Fatalf("%s = %+v", name, w)
		}
	}
}

// Which waves of an ended run leave a job to adopt.
func TestAdoptableJobsPicksJobsThatMayStillRun(t *testing.T) {
	e := &executions.Execution{Status: sfntypes.ExecutionStatusFailed, Error: statemachine.ErrWaveReadFailed, Waves: []executions.Wave{
		{Name: "done", Status: executions.WaveRecovered, JobID: "drsjob-done"},
		{Name: "read", Status: executions.WaveFailed, JobID: "drsjob-read", Error: statemachine.ErrWaveReadFailed},
		{Name: "beside", Status: executions.WaveFailed, JobID: "drsjob-beside", Servers: []executions.Server{{LaunchStatus: "IN_PROGRESS"}}},
		{Name: "crashed", Status: executions.WaveFailed, JobID: "drsjob-crashed", Servers: []executions.Server{{LaunchStatus: "LAUNCHED"}, {LaunchStatus: "FAILED"}}},
		{Name: "launchfail", Status: executions.WaveFailed, JobID: "drsjob-lf", Error: statemachine.ErrWaveFailed},
		{Name: "later", Status: executions.WavePending},
	}}
	got := executions.AdoptableJobs(e)
	if len(got) != 2 || got["read"] != "drsjob-read" || got["beside"] != "drsjob-beside" {
		t.Fatalf("adoptable = %v, want read and beside", got)
	}
	e.Status = sfntypes.ExecutionStatusRunning
	if got := executions.AdoptableJobs(e); len(got) != 0 {
		t.Fatalf("a running execution offered jobs: %v", got)
	}
}

package executions_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/drs"
	"github.com/aws/aws-sdk-go-v2/service/servicequotas"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	sfntypes "github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/drsorch/terraform-provider-drsorch/internal/drsapi"
	"github.com/drsorch/terraform-provider-drsorch/internal/executions"
	"github.com/drsorch/terraform-provider-drsorch/internal/plans"
	"github.com/drsorch/terraform-provider-drsorch/internal/recoveryplan"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/drssim"
	rsevents "github.com/drsorch/terraform-provider-drsorch/internal/runservice/events"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/runservicetest"
	runsfn "github.com/drsorch/terraform-provider-drsorch/internal/runservice/sfn"
	"github.com/drsorch/terraform-provider-drsorch/internal/statemachine"
)

// waveEvent is the detail of a wave event.
type waveEvent struct {
	DetailType string
	Region     string
	Plan       string   `json:"plan"`
	Wave       string   `json:"wave"`
	Execution  string   `json:"execution"`
	Servers    []string `json:"servers"`
	Outcome    string   `json:"outcome"`
	JobID      *string  `json:"jobId"`
	IsDrill    bool     `json:"isDrill"`
	Error      string   `json:"error"`
	Cause      string   `json:"cause"`
}

// waveEvents lists the wave events of execution arn, oldest first.
func waveEvents(t *testing.T, svc *runservicetest.Service, arn string) []waveEvent {
	t.Helper()
	evs, err := svc.App.Events.List(context.Background(), rsevents.Filter{Source: statemachine.EventSource})
	if err != nil {
		t.Fatal(err)
	}
	var out []waveEvent
	for _, e := range evs {
		if !slices.Contains([]string{statemachine.WaveStartedDetailType, statemachine.WaveSucceededDetailType, statemachine.WaveFailedDetailType}, e.DetailType) {
			continue
		}
		w := waveEvent{DetailType: e.DetailType, Region: e.Region}
		if err := json.Unmarshal(e.Detail, &w); err != nil {
			t.Fatalf("event detail %s: %v", e.Detail, err)
		}
		if w.Execution == arn {
			out = append(out, w)
		}
	}
	return out
}

func eventsOf(evs []waveEvent, wave string) map[string]waveEvent {
	out := map[string]waveEvent{}
	for _, e := range evs {
		if e.Wave == wave {
			out[e.DetailType] = e
		}
	}
	return out
}

// shopNoPause is the demo shop, db → app → web, without a pause gate.
func shopNoPause(f *fixture) recoveryplan.Plan {
	return recoveryplan.Plan{Name: "events", Waves: []recoveryplan.Wave{
		{Name: "db", ProtectionGroup: "shop-db", ServerIDs: f.servers["db"]},
		{Name: "app", ProtectionGroup: "shop-app", ServerIDs: f.servers["app"]},
		{Name: "web", ProtectionGroup: "shop-web", ServerIDs: f.servers["web"]},
	}}
}

// A drill publishes a started and a succeeded event for every wave, naming
// the plan, the execution, the wave's servers and its DRS job.
func TestDrillPublishesWaveEvents(t *testing.T) {
	f := deploy(t, "shop")
	ctx := context.Background()
	planARN := deployPlan(t, f, "events", shopNoPause(f))
	arn, err := executions.Start(ctx, f.clients, planARN, executions.TypeDrill, "tester", "")
	if err != nil {
		t.Fatal(err)
	}
	var e *executions.Execution
	f.svc.Drive(t, 300, func() bool { e = f.describe(t, arn); return !e.Running() })
	if e.Status != sfntypes.ExecutionStatusSucceeded {
		t.Fatalf("drill %s: %s", e.Status, e.Cause)
	}
	evs := waveEvents(t, f.svc, arn)
	if len(evs) != 6 {
		t.Fatalf("%d wave events, want started and succeeded for 3 waves: %+v", len(evs), evs)
	}
	for _, w := range e.Waves {
		got := eventsOf(evs, w.Name)
		started, succeeded := got[statemachine.WaveStartedDetailType], got[statemachine.WaveSucceededDetailType]
		for _, ev := range []waveEvent{started, succeeded} {
			if ev.Plan != "events" || !ev.IsDrill || ev.JobID == nil || *ev.JobID != w.JobID || !slices.Equal(ev.Servers, f.servers[w.Name]) || ev.Region != "us-east-1" {
				t.Errorf("wave %s (job %s): event %+v", w.Name, w.JobID, ev)
			}
		}
		if started.Outcome != "STARTED" || succeeded.Outcome != "SUCCEEDED" {
			t.Errorf("wave %s: outcomes %q, %q", w.Name, started.Outcome, succeeded.Outcome)
		}
	}
	// In wave order: app starts only after db succeeded.
	order := []string{}
	for _, ev := range evs {
		order = append(order, ev.Wave+" "+ev.Outcome)
	}
	if want := "db STARTED,db SUCCEEDED,app STARTED,app SUCCEEDED,web STARTED,web SUCCEEDED"; strings.Join(order, ",") != want {
		t.Errorf("events in order %v", order)
	}
}

// A launch failure publishes a failed event naming the wave, its job, the
// error and the cause; the execution fails as before.
func TestLaunchFailurePublishesAFailedEvent(t *testing.T) {
	f := deploy(t, "shop")
	ctx := context.Background()
	bad := f.servers["app"][1]
	if err := f.svc.App.DRS.SetFailLaunch(drssim.Estate{Account: "123456789012", Region: "us-east-1"}, true, bad); err != nil {
		t.Fatal(err)
	}
	planARN := deployPlan(t, f, "events", shopNoPause(f))
	arn, err := executions.Start(ctx, f.clients, planARN, executions.TypeDrill, "tester", "")
	if err != nil {
		t.Fatal(err)
	}
	var e *executions.Execution
	f.svc.Drive(t, 300, func() bool { e = f.describe(t, arn); return !e.Running() })
	app, _ := e.Wave("app")
	if e.Status != sfntypes.ExecutionStatusFailed || e.Error != statemachine.ErrWaveFailed || !strings.Contains(e.Cause, "wave app") || app.Status != executions.WaveFailed {
		t.Fatalf("status %s error %s cause %s, app %s", e.Status, e.Error, e.Cause, app.Status)
	}
	evs := waveEvents(t, f.svc, arn)
	got := eventsOf(evs, "app")
	failed, ok := got[statemachine.WaveFailedDetailType]
	if !ok || failed.Outcome != "FAILED" || failed.Error != statemachine.ErrWaveFailed || failed.Cause != e.Cause ||
		!strings.Contains(failed.Cause, bad) || failed.JobID == nil || *failed.JobID != app.JobID || !slices.Equal(failed.Servers, f.servers["app"]) {
		t.Fatalf("app's failed event = %+v (job %s); events %+v", failed, app.JobID, evs)
	}
	if _, ok := got[statemachine.WaveSucceededDetailType]; ok {
		t.Fatal("app published success")
	}
	if len(eventsOf(evs, "web")) != 0 || len(evs) != 4 {
		t.Fatalf("events = %+v; want db started+succeeded, app started+failed", evs)
	}
}

// EventBridge failing every PutEvents does not fail or hold up a drill:
// each publish retries, then the wave goes on.
func TestEventBridgeFailuresDoNotFailTheDrill(t *testing.T) {
	f := deploy(t, "shop")
	ctx := context.Background()
	if err := f.svc.App.SFN.Engine().SetFaults(runsfn.Faults{Tasks: []runsfn.TaskFault{{
		Resource: statemachine.Resource("aws", statemachine.IntegrationPutEvents), Error: "EventBridge.InternalException", Cause: "injected"}}}); err != nil {
		t.Fatal(err)
	}
	planARN := deployPlan(t, f, "events", shopNoPause(f))
	arn, err := executions.Start(ctx, f.clients, planARN, executions.TypeDrill, "tester", "")
	if err != nil {
		t.Fatal(err)
	}
	var e *executions.Execution
	f.svc.Drive(t, 300, func() bool { e = f.describe(t, arn); return !e.Running() })
	if e.Status != sfntypes.ExecutionStatusSucceeded || len(executions.LaunchedInstances(e)) != 9 {
		t.Fatalf("drill %s with EventBridge down: %s %s", e.Status, e.Error, e.Cause)
	}
	if evs := waveEvents(t, f.svc, arn); len(evs) != 0 {
		t.Fatalf("events published through the fault: %+v", evs)
	}
	// The publishes were tried, retried and caught, in the waves' runners.
	failed := 0
	for _, w := range e.Waves {
		history, err := executions.History(ctx, f.clients.SFN, w.RunnerExecutionARN)
		if err != nil {
			t.Fatal(err)
		}
		for _, ev := range history {
			if ev.Type == sfntypes.HistoryEventTypeTaskFailed && aws.ToString(ev.TaskFailedEventDetails.Error) == "EventBridge.InternalException" {
				failed++
			}
		}
	}
	if failed != 6*4 {
		t.Fatalf("%d failed PutEvents tasks, want 6 publishes × 4 attempts", failed)
	}
}

// govCloud starts a run service whose estate is in us-gov-west-1.
func govCloud(t *testing.T) (*runservicetest.Service, executions.Clients, []string) {
	t.Helper()
	inv, err := json.Marshal(drssim.Inventory{Estates: []drssim.EstateSpec{{Account: "123456789012", Region: "us-gov-west-1",
		Generate: &drssim.GenerateSpec{Count: 3, HostnamePrefix: "gov", Tags: map[string]string{"app": "gov"}}}}})
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "inventory.json")
	if err := os.WriteFile(file, inv, 0o600); err != nil {
		t.Fatal(err)
	}
	svc := runservicetest.Start(t, runservice.Config{Inventory: file})
	cfg := svc.AWSConfig("us-gov-west-1")
	c := executions.Clients{SFN: sfn.NewFromConfig(cfg), DRS: drs.NewFromConfig(cfg), Quotas: servicequotas.NewFromConfig(cfg)}
	servers, err := drsapi.ListSourceServers(context.Background(), c.DRS, nil)
	if err != nil || len(servers) != 3 {
		t.Fatalf("GovCloud estate: %d servers, %v", len(servers), err)
	}
	var ids []string
	for _, s := range servers {
		ids = append(ids, aws.ToString(s.SourceServerID))
		if !strings.HasPrefix(aws.ToString(s.Arn), "arn:aws-us-gov:drs:us-gov-west-1:123456789012:source-server/") {
			t.Fatalf("GovCloud source server ARN %s", aws.ToString(s.Arn))
		}
	}
	return svc, c, ids
}

func deployIn(t *testing.T, c executions.Clients, name, region string, ids []string) string {
	t.Helper()
	plan := recoveryplan.Plan{Name: name, Waves: []recoveryplan.Wave{
		{Name: "first", ProtectionGroup: "g1", ServerIDs: ids[:1]},
		{Name: "second", ProtectionGroup: "g2", ServerIDs: ids[1:]},
	}}
	var compiled *statemachine.Compiled
	var err error
	if region == "us-gov-west-1" {
		compiled, err = plans.CompileWithRunner(context.Background(), c.SFN, plan, region, "123456789012", "arn:aws-us-gov:iam::123456789012:role/drsorch")
	} else { // compiled for another partition: never runs its runner
		compiled, err = statemachine.Compile(plan, region, statemachine.PlaceholderRunnerARN(region))
	}
	if err != nil {
		t.Fatal(err)
	}
	out, err := c.SFN.CreateStateMachine(context.Background(), &sfn.CreateStateMachineInput{Name: aws.String(plans.StateMachineName(name)),
		Definition: aws.String(compiled.Definition), RoleArn: aws.String("arn:aws-us-gov:iam::123456789012:role/drsorch")})
	if err != nil {
		t.Fatal(err)
	}
	return aws.ToString(out.StateMachineArn)
}

// A plan compiled for us-gov-west-1 runs a drill to completion there (the
// run service fails a Task of another partition, as Step Functions does);
// the same plan compiled with commercial ARNs fails at its first Task
// without starting recovery.
func TestGovCloudPlanRunsInItsPartition(t *testing.T) {
	svc, c, ids := govCloud(t)
	ctx := context.Background()
	planARN := deployIn(t, c, "gov", "us-gov-west-1", ids)
	if want := "arn:aws-us-gov:states:us-gov-west-1:123456789012:stateMachine:drsorch-plan-gov"; planARN != want || plans.ARN(drsapi.PartitionOf("us-gov-west-1"), "us-gov-west-1", "123456789012", "gov") != want {
		t.Fatalf("plan ARN %s", planARN)
	}
	arn, err := executions.Start(ctx, c, planARN, executions.TypeDrill, "tester", "")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(arn, "arn:aws-us-gov:states:us-gov-west-1:") {
		t.Fatalf("execution ARN %s", arn)
	}
	var e *executions.Execution
	svc.Drive(t, 300, func() bool {
		e, err = executions.Describe(ctx, c, arn)
		if err != nil {
			t.Fatal(err)
		}
		return !e.Running()
	})
	if e.Status != sfntypes.ExecutionStatusSucceeded || len(executions.LaunchedInstances(e)) != 3 {
		t.Fatalf("GovCloud drill %s: %s %s", e.Status, e.Error, e.Cause)
	}
	evs := waveEvents(t, svc, arn)
	if len(evs) != 4 || evs[0].Region != "us-gov-west-1" {
		t.Fatalf("GovCloud wave events: %+v", evs)
	}

	// Commercial ARNs in GovCloud: States.Runtime at the first Task.
	wrong := deployIn(t, c, "gov-commercial-arns", "us-east-1", ids)
	arn, err = executions.Start(ctx, c, wrong, executions.TypeDrill, "tester", "")
	if err != nil {
		t.Fatal(err)
	}
	svc.Drive(t, 300, func() bool {
		e, err = executions.Describe(ctx, c, arn)
		if err != nil {
			t.Fatal(err)
		}
		return !e.Running()
	})
	if e.Status != sfntypes.ExecutionStatusFailed || e.Error != "States.Runtime" || !strings.Contains(e.Cause, "different partition") ||
		!strings.Contains(e.Cause, "'first: run'") {
		t.Fatalf("commercial ARNs in GovCloud: %s %s %s", e.Status, e.Error, e.Cause)
	}
	for _, w := range e.Waves {
		if w.JobID != "" {
			t.Fatalf("wave %s started job %s with a Task of another partition", w.Name, w.JobID)
		}
	}
}

package executions_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/drs"
	"github.com/aws/aws-sdk-go-v2/service/servicequotas"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	sfntypes "github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/drsorch/terraform-provider-drsorch/internal/awsclient"
	"github.com/drsorch/terraform-provider-drsorch/internal/drsapi"
	"github.com/drsorch/terraform-provider-drsorch/internal/executions"
	"github.com/drsorch/terraform-provider-drsorch/internal/plans"
	"github.com/drsorch/terraform-provider-drsorch/internal/recoveryplan"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/drssim"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/runservicetest"
	"github.com/drsorch/terraform-provider-drsorch/internal/statemachine"
)

type fixture struct {
	svc     *runservicetest.Service
	clients executions.Clients
	planARN string
	servers map[string][]string // tier -> server IDs
}

// deploy compiles the demo shop into a plan (db → app → pause → web) and
// deploys it, the way the provider does.
func deploy(t testing.TB, name string) *fixture {
	t.Helper()
	svc := runservicetest.Start(t, runservice.Config{})
	cfg := svc.AWSConfig("us-east-1")
	cfg.HTTPClient = awsclient.NewHTTPClient()
	f := &fixture{svc: svc, clients: executions.Clients{SFN: sfn.NewFromConfig(cfg), DRS: drs.NewFromConfig(cfg), Quotas: servicequotas.NewFromConfig(cfg)},
		servers: map[string][]string{}}
	all, err := drsapi.ListSourceServers(context.Background(), f.clients.DRS, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range all {
		if s.Tags["app"] == "shop" {
			f.servers[s.Tags["tier"]] = append(f.servers[s.Tags["tier"]], aws.ToString(s.SourceServerID))
		}
	}
	f.planARN = deployPlan(t, f, name, recoveryplan.Plan{Name: name, Waves: []recoveryplan.Wave{
		{Name: "db", ProtectionGroup: "shop-db", ServerIDs: f.servers["db"]},
		{Name: "app", ProtectionGroup: "shop-app", ServerIDs: f.servers["app"]},
		{Name: "web", ProtectionGroup: "shop-web", PauseBefore: true, ServerIDs: f.servers["web"]},
	}})
	return f
}

func deployPlan(t testing.TB, f *fixture, name string, p recoveryplan.Plan) string {
	c, err := plans.CompileWithRunner(context.Background(), f.clients.SFN, p, "us-east-1", "123456789012", "arn:aws:iam::123456789012:role/drsorch")
	if err != nil {
		t.Fatal(err)
	}
	out, err := f.clients.SFN.CreateStateMachine(context.Background(), &sfn.CreateStateMachineInput{
		Name: aws.String(plans.StateMachineName(name)), Definition: aws.String(c.Definition),
		RoleArn: aws.String("arn:aws:iam::123456789012:role/drsorch")})
	if err != nil {
		t.Fatal(err)
	}
	return aws.ToString(out.StateMachineArn)
}

func (f *fixture) describe(t *testing.T, arn string) *executions.Execution {
	t.Helper()
	e, err := executions.Describe(context.Background(), f.clients, arn)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func TestDrillPauseResumeTerminate(t *testing.T) {
	f := deploy(t, "shop")
	ctx := context.Background()
	arn, err := executions.Start(ctx, f.clients, f.planARN, executions.TypeDrill, "tester", "")
	if err != nil {
		t.Fatal(err)
	}
	var e *executions.Execution
	f.svc.Drive(t, 300, func() bool { e = f.describe(t, arn); return e.PausedBefore() != "" })
	if e.Phase() != "PAUSED before wave web" || e.Type != executions.TypeDrill || e.InvokedBy != "tester" || e.Plan != "shop" {
		t.Fatalf("phase %q type %q by %q plan %q", e.Phase(), e.Type, e.InvokedBy, e.Plan)
	}
	db, _ := e.Wave("db")
	if db.Status != executions.WaveRecovered || db.JobID == "" || len(db.Servers) != 2 {
		t.Fatalf("db = %+v", db)
	}
	for _, s := range db.Servers {
		if s.LaunchStatus != "LAUNCHED" || s.EC2InstanceID == "" || s.EC2InstanceState != "RUNNING" {
			t.Fatalf("db server = %+v", s)
		}
	}
	if err := executions.Resume(ctx, f.clients, e, "app", "tester", time.Now()); err == nil || !strings.Contains(err.Error(), "not paused") {
		t.Fatalf("resume of a wave that is not paused: %v", err)
	}
	if err := executions.Resume(ctx, f.clients, e, "web", "tester", time.Now()); err != nil {
		t.Fatal(err)
	}
	f.svc.Drive(t, 300, func() bool { e = f.describe(t, arn); return !e.Running() })
	if e.Status != sfntypes.ExecutionStatusSucceeded || len(executions.LaunchedInstances(e)) != 9 {
		t.Fatalf("status %s, %d instances; %s", e.Status, len(executions.LaunchedInstances(e)), e.Cause)
	}

	// Terminate waits for DRS's terminate job; drive the clock meanwhile.
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			select {
			case <-done:
				return
			case <-time.After(5 * time.Millisecond):
				f.svc.App.DRS.Advance(30 * time.Second)
			}
		}
	}()
	res, err := executions.Terminate(ctx, f.clients, e, false, 10*time.Millisecond)
	done <- struct{}{}
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Terminated) != 9 || res.JobID == "" {
		t.Fatalf("terminated %d (job %s)", len(res.Terminated), res.JobID)
	}
	if e = f.describe(t, arn); len(executions.LaunchedInstances(e)) != 0 {
		t.Fatalf("instances left: %+v", executions.LaunchedInstances(e))
	}
}

func TestFailedLaunchNamesServerAndWave(t *testing.T) {
	f := deploy(t, "shop")
	ctx := context.Background()
	bad := f.servers["app"][1]
	if err := f.svc.App.DRS.SetFailLaunch(drssim.Estate{Account: "123456789012", Region: "us-east-1"}, true, bad); err != nil {
		t.Fatal(err)
	}
	arn, err := executions.Start(ctx, f.clients, f.planARN, executions.TypeDrill, "tester", "")
	if err != nil {
		t.Fatal(err)
	}
	var e *executions.Execution
	f.svc.Drive(t, 300, func() bool { e = f.describe(t, arn); return !e.Running() })
	if e.Status != sfntypes.ExecutionStatusFailed || !strings.Contains(e.Cause, bad) || !strings.Contains(e.Cause, "wave app") {
		t.Fatalf("status %s error %s cause %s", e.Status, e.Error, e.Cause)
	}
	app, _ := e.Wave("app")
	web, _ := e.Wave("web")
	if app.Status != executions.WaveFailed || web.Status != executions.WavePending || web.JobID != "" {
		t.Fatalf("app %s, web %s (job %q)", app.Status, web.Status, web.JobID)
	}
	if e.Phase() != "FAILED in wave app" {
		t.Fatalf("phase %q", e.Phase())
	}
}

func TestCancelAndConflicts(t *testing.T) {
	f := deploy(t, "shop")
	ctx := context.Background()
	other := deployPlan(t, f, "web-only", recoveryplan.Plan{Name: "web-only", Waves: []recoveryplan.Wave{
		{Name: "web", ProtectionGroup: "shop-web", ServerIDs: f.servers["web"]}}})
	arn, err := executions.Start(ctx, f.clients, f.planARN, executions.TypeDrill, "tester", "")
	if err != nil {
		t.Fatal(err)
	}
	var e *executions.Execution
	f.svc.Drive(t, 300, func() bool { e = f.describe(t, arn); return e.PausedBefore() == "web" })

	// web-only shares the web servers with the paused run.
	def, _ := f.clients.SFN.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: aws.String(other)})
	view, err := statemachine.Describe(aws.ToString(def.Definition))
	if err != nil {
		t.Fatal(err)
	}
	conflicts, err := executions.Conflicts(ctx, f.clients, view, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(conflicts) != 4 || conflicts[0].Execution != arn || conflicts[0].Plan != "shop" {
		t.Fatalf("conflicts = %+v", conflicts)
	}
	if ps, err := executions.Headroom(ctx, f.clients, view); err != nil || ps.HasErrors() {
		t.Fatalf("headroom: %v %v", ps, err)
	}

	if err := executions.Cancel(ctx, f.clients, arn, "tester"); err != nil {
		t.Fatal(err)
	}
	e = f.describe(t, arn)
	web, _ := e.Wave("web")
	if e.Status != sfntypes.ExecutionStatusAborted || web.Status != executions.WaveCancelled {
		t.Fatalf("after cancel: %s, web %s", e.Status, web.Status)
	}
	if conflicts, _ := executions.Conflicts(ctx, f.clients, view, ""); len(conflicts) != 0 {
		t.Fatalf("conflicts after cancel: %+v", conflicts)
	}
}

package sfn_test

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	awssfn "github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/awswire"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/drssim"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/runservicetest"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/sfn"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/simclock"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/store"
)

// A restart on the same data dir resumes waits and token waits where they stood.
func TestRestartResumesExecutions(t *testing.T) {
	dir := t.TempDir()
	h := newHarness(t, runservice.Config{DataDir: dir})
	waitSM := h.createStateMachine("waiting", `{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":100,"Next":"P"},"P":{"Type":"Pass","Result":"done","End":true}}}`)
	gateSM := h.createStateMachine("gate", pauseGateDef)
	waiting := h.start(waitSM, "w", `{}`)
	gated := h.start(gateSM, "g", `{"a":1}`)
	token := tokenFromHistory(t, h.history(gated))
	h.advance(40 * time.Second)
	if err := h.svc.App.Close(); err != nil {
		t.Fatal(err)
	}

	h2 := newHarness(t, runservice.Config{DataDir: dir, StartTime: runservicetest.Epoch.Add(40 * time.Second)})
	wantStatus(t, h2.describe(waiting), types.ExecutionStatusRunning)
	h2.advance(59 * time.Second)
	wantStatus(t, h2.describe(waiting), types.ExecutionStatusRunning)
	h2.advance(time.Second)
	wantStatus(t, h2.describe(waiting), types.ExecutionStatusSucceeded)

	if _, err := h2.sfn.SendTaskSuccess(ctx(t), &awssfn.SendTaskSuccessInput{TaskToken: aws.String(token), Output: aws.String(`"go"`)}); err != nil {
		t.Fatal(err)
	}
	h2.settle()
	d := h2.describe(gated)
	wantStatus(t, d, types.ExecutionStatusSucceeded)
	jsonEqual(t, *d.Output, `{"a":1,"resume":"go"}`)
	// One continuous history: ids go on where they stopped.
	evs := h2.history(gated)
	for i, ev := range evs {
		if ev.Id != int64(i+1) {
			t.Fatalf("event %d has id %d", i, ev.Id)
		}
	}
}

// node is one incarnation of the run service's Step Functions and DRS on a
// data dir, assembled by hand so the test can inject a crash.
type node struct {
	st   *store.Store
	clk  *simclock.Clock
	sim  *drssim.Simulator
	svc  *sfn.Service
	srv  *httptest.Server
	sfn  *awssfn.Client
	kill func()
}

func startNode(t *testing.T, dir string, at time.Time, hook func(execARN, resource string) bool) *node {
	t.Helper()
	st, err := store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	clk := simclock.New(at, 0)
	sim, err := drssim.New(drssim.Options{Store: st, Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	svc, err := sfn.New(sfn.Options{Store: st, Clock: clk, DRS: sim, Quotas: sim.QuotasInvoker(), AfterTaskSent: hook})
	if err != nil {
		t.Fatal(err)
	}
	router := runservice.NewRouter()
	router.HandleTarget(sfn.TargetPrefix, awswire.ContentTypeJSON10, svc)
	srv := httptest.NewServer(router)
	client := awssfn.NewFromConfig(aws.Config{Region: region, RetryMaxAttempts: 1, BaseEndpoint: aws.String(srv.URL),
		Credentials: credentials.NewStaticCredentialsProvider(runservicetest.AccessKeyID, runservicetest.SecretAccessKey, "")})
	n := &node{st: st, clk: clk, sim: sim, svc: svc, srv: srv, sfn: client}
	var once sync.Once
	n.kill = func() {
		once.Do(func() {
			srv.Close()
			_ = svc.Close()
			clk.Close()
			_ = st.Close()
		})
	}
	t.Cleanup(n.kill)
	return n
}

func (n *node) settle(t *testing.T) {
	t.Helper()
	if err := n.svc.Engine().Settle(ctx(t)); err != nil {
		t.Fatal(err)
	}
}

func describeJobs(t *testing.T, sim *drssim.Simulator) []map[string]any {
	t.Helper()
	raw, err := sim.Invoke(context.Background(), awswire.Identity{Account: awswire.DefaultAccount, Region: region}, "DescribeJobs", []byte(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	var page struct{ Items []map[string]any }
	if err := json.Unmarshal(raw, &page); err != nil {
		t.Fatal(err)
	}
	return page.Items
}

// The engine dies after DRS accepted StartRecovery and before the answer is
// recorded. The next engine on the same data file must adopt the job that
// exists instead of launching the servers a second time.
func TestCrashBetweenStartRecoveryAndRecordLaunchesOnce(t *testing.T) {
	dir := t.TempDir()
	crashed := make(chan struct{})
	var once sync.Once
	hook := func(_, resource string) bool {
		if !strings.HasSuffix(resource, ":startRecovery") {
			return false
		}
		crash := false
		once.Do(func() { crash = true; close(crashed) })
		return crash
	}
	n1 := startNode(t, dir, runservicetest.Epoch, hook)
	raw, err := n1.sim.Invoke(context.Background(), awswire.Identity{Account: awswire.DefaultAccount, Region: region},
		"DescribeSourceServers", []byte(`{"filters":{}}`))
	if err != nil {
		t.Fatal(err)
	}
	var servers struct {
		Items []struct {
			SourceServerID string `json:"sourceServerID"`
		}
	}
	if err := json.Unmarshal(raw, &servers); err != nil || len(servers.Items) < 2 {
		t.Fatalf("demo servers: %s %v", raw, err)
	}
	input, _ := json.Marshal(map[string]any{"servers": []map[string]string{
		{"SourceServerID": servers.Items[0].SourceServerID}, {"SourceServerID": servers.Items[1].SourceServerID}}})

	c := ctx(t)
	sm, err := n1.sfn.CreateStateMachine(c, &awssfn.CreateStateMachineInput{Name: aws.String("recover"), RoleArn: aws.String(roleARN),
		Definition: aws.String(`{"StartAt":"Launch","States":{"Launch":{"Type":"Task",
			"Resource":"arn:aws:states:::aws-sdk:drs:startRecovery",
			"Parameters":{"SourceServers.$":"$.servers","IsDrill":true,"Tags":{"drsorch:execution.$":"$$.Execution.Name","drsorch:wave":"web"}},
			"ResultSelector":{"jobId.$":"$.Job.JobID","tags.$":"$.Job.Tags"},"End":true}}}`)})
	if err != nil {
		t.Fatal(err)
	}
	start, err := n1.sfn.StartExecution(c, &awssfn.StartExecutionInput{StateMachineArn: sm.StateMachineArn, Name: aws.String("drill-7"), Input: aws.String(string(input))})
	if err != nil {
		t.Fatal(err)
	}
	n1.settle(t)
	select {
	case <-crashed:
	default:
		t.Fatal("the crash hook never ran")
	}
	if got := n1.sim.Stats()["StartRecovery"]; got != 1 {
		t.Fatalf("StartRecovery sent %d times before the crash, want 1", got)
	}
	n1.kill()

	n2 := startNode(t, dir, runservicetest.Epoch.Add(time.Minute), nil)
	n2.settle(t)
	d, err := n2.sfn.DescribeExecution(c, &awssfn.DescribeExecutionInput{ExecutionArn: start.ExecutionArn})
	if err != nil {
		t.Fatal(err)
	}
	wantStatus(t, d, types.ExecutionStatusSucceeded)
	if got := n2.sim.Stats()["StartRecovery"]; got != 0 {
		t.Fatalf("StartRecovery sent again after the restart (%d times)", got)
	}
	jobs := describeJobs(t, n2.sim)
	if len(jobs) != 1 {
		t.Fatalf("%d DRS jobs, want exactly 1: %v", len(jobs), jobs)
	}
	var out struct {
		JobID string            `json:"jobId"`
		Tags  map[string]string `json:"tags"`
	}
	if err := json.Unmarshal([]byte(*d.Output), &out); err != nil || out.JobID != jobs[0]["jobID"] || out.Tags["drsorch:execution"] != "drill-7" {
		t.Fatalf("output %s does not name job %v", *d.Output, jobs[0]["jobID"])
	}
}

// The same for TerminateRecoveryInstances: the TERMINATE job that exists is
// adopted, never a second one sent.
func TestCrashBetweenTerminateAndRecordTerminatesOnce(t *testing.T) {
	dir := t.TempDir()
	crashed := make(chan struct{})
	var once sync.Once
	hook := func(_, resource string) bool {
		crash := false
		if strings.HasSuffix(resource, ":terminateRecoveryInstances") {
			once.Do(func() { crash = true; close(crashed) })
		}
		return crash
	}
	n1 := startNode(t, dir, runservicetest.Epoch, hook)
	id := awswire.Identity{Account: awswire.DefaultAccount, Region: region}
	raw, err := n1.sim.Invoke(context.Background(), id, "DescribeSourceServers", []byte(`{"filters":{}}`))
	if err != nil {
		t.Fatal(err)
	}
	var servers struct {
		Items []struct {
			SourceServerID string `json:"sourceServerID"`
		}
	}
	_ = json.Unmarshal(raw, &servers)
	launch, _ := json.Marshal(map[string]any{"isDrill": true, "sourceServers": []map[string]string{{"sourceServerID": servers.Items[0].SourceServerID}}})
	if _, err := n1.sim.Invoke(context.Background(), id, "StartRecovery", launch); err != nil {
		t.Fatal(err)
	}
	n1.sim.RunUntilIdle()
	raw, err = n1.sim.Invoke(context.Background(), id, "DescribeRecoveryInstances", []byte(`{"filters":{}}`))
	if err != nil {
		t.Fatal(err)
	}
	var instances struct {
		Items []struct {
			RecoveryInstanceID string `json:"recoveryInstanceID"`
		}
	}
	if err := json.Unmarshal(raw, &instances); err != nil || len(instances.Items) != 1 {
		t.Fatalf("recovery instances: %s %v", raw, err)
	}
	ids, _ := json.Marshal(map[string]any{"ids": []string{instances.Items[0].RecoveryInstanceID}})

	c := ctx(t)
	sm, err := n1.sfn.CreateStateMachine(c, &awssfn.CreateStateMachineInput{Name: aws.String("cleanup"), RoleArn: aws.String(roleARN),
		Definition: aws.String(`{"StartAt":"Terminate","States":{"Terminate":{"Type":"Task",
			"Resource":"arn:aws:states:::aws-sdk:drs:terminateRecoveryInstances",
			"Parameters":{"RecoveryInstanceIDs.$":"$.ids"},"ResultSelector":{"jobId.$":"$.Job.JobID","type.$":"$.Job.Type"},"End":true}}}`)})
	if err != nil {
		t.Fatal(err)
	}
	start, err := n1.sfn.StartExecution(c, &awssfn.StartExecutionInput{StateMachineArn: sm.StateMachineArn, Input: aws.String(string(ids))})
	if err != nil {
		t.Fatal(err)
	}
	n1.settle(t)
	select {
	case <-crashed:
	default:
		t.Fatal("the crash hook never ran")
	}
	at := n1.clk.Now()
	n1.kill()

	n2 := startNode(t, dir, at.Add(time.Second), nil)
	n2.settle(t)
	d, err := n2.sfn.DescribeExecution(c, &awssfn.DescribeExecutionInput{ExecutionArn: start.ExecutionArn})
	if err != nil {
		t.Fatal(err)
	}
	wantStatus(t, d, types.ExecutionStatusSucceeded)
	if got := n2.sim.Stats()["TerminateRecoveryInstances"]; got != 0 {
		t.Fatalf("TerminateRecoveryInstances sent again after the restart (%d times)", got)
	}
	var terminate []map[string]any
	for _, job := range describeJobs(t, n2.sim) {
		if job["type"] == "TERMINATE" {
			terminate = append(terminate, job)
		}
	}
	if len(terminate) != 1 {
		t.Fatalf("%d TERMINATE jobs, want exactly 1", len(terminate))
	}
	var out struct{ JobID, Type string }
	if err := json.Unmarshal([]byte(*d.Output), &out); err != nil || out.JobID != terminate[0]["jobID"] || out.Type != "TERMINATE" {
		t.Fatalf("output %s does not name job %v", *d.Output, terminate[0]["jobID"])
	}
}

package ssmsim

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/awswire"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/ec2sim"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/store"
)

type fakeEC2 map[string]ec2sim.Instance

func (f fakeEC2) LookupInstance(_, _, id string) (ec2sim.Instance, bool) {
	i, ok := f[id]
	return i, ok
}
func (f fakeEC2) RunningInstances(_, _ string) []string {
	var ids []string
	for id, i := range f {
		if i.Running {
			ids = append(ids, id)
		}
	}
	return ids
}

const (
	running = "i-0000000000000000a"
	stopped = "i-0000000000000000b"
	broken  = "i-0000000000000000c"
)

type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func newSim(t *testing.T, st *store.Store, c *clock) *Service {
	t.Helper()
	s, err := New(Options{Store: st, Now: c.now, Instances: fakeEC2{
		running: {ID: running, Running: true},
		stopped: {ID: stopped},
		broken:  {ID: broken, Running: true, Tags: map[string]string{HealthCheckTag: "fail"}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

var id = awswire.Identity{Account: "123456789012", Region: "us-east-1"}

func call(t *testing.T, s *Service, op string, in any) (map[string]any, *awswire.APIError) {
	t.Helper()
	body, _ := json.Marshal(in)
	out, err := s.Invoke(context.Background(), id, op, body)
	if err != nil {
		var apiErr *awswire.APIError
		if !errors.As(err, &apiErr) {
			t.Fatal(err)
		}
		return nil, apiErr
	}
	var m map[string]any
	if err := json.Unmarshal(out, &m); err != nil {
		t.Fatal(err)
	}
	return m, nil
}

var check = []string{"# drsorch health check: http http://127.0.0.1:80/health expect 200 attempts 3 interval 10", "curl …"}

// A health check passes on a running instance, fails on one tagged to
// fail (with the script's output), and never reaches a stopped one;
// invocations do not exist right after SendCommand; everything survives
// a restart.
func TestHealthCheckOutcomes(t *testing.T) {
	st, err := store.Open(store.Memory)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	c := &clock{t: time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)}
	s := newSim(t, st, c)
	out, apiErr := call(t, s, "SendCommand", map[string]any{"DocumentName": "AWS-RunShellScript",
		"InstanceIds": []string{running, stopped, broken}, "Parameters": map[string][]string{"commands": check}})
	if apiErr != nil {
		t.Fatal(apiErr)
	}
	cmd := out["Command"].(map[string]any)["CommandId"].(string)
	if _, apiErr := call(t, s, "GetCommandInvocation", map[string]any{"CommandId": cmd, "InstanceId": running}); apiErr == nil || apiErr.Code != "InvocationDoesNotExist" {
		t.Fatalf("right after SendCommand: %v", apiErr)
	}
	if out, _ := call(t, s, "ListCommandInvocations", map[string]any{"CommandId": cmd}); len(out["CommandInvocations"].([]any)) != 0 {
		t.Fatalf("invocations listed before delivery: %v", out)
	}
	c.t = c.t.Add(2 * time.Minute)
	s = newSim(t, st, c) // a restarted run service
	want := map[string]string{running: "Success", stopped: "TimedOut", broken: "Failed"}
	for inst, status := range want {
		out, apiErr := call(t, s, "GetCommandInvocation", map[string]any{"CommandId": cmd, "InstanceId": inst})
		if apiErr != nil || out["Status"] != status {
			t.Errorf("%s: %v %v, want %s", inst, out["Status"], apiErr, status)
		}
		if inst == broken && !strings.Contains(out["StandardErrorContent"].(string), "expected HTTP 200") {
			t.Errorf("failed check's output: %v", out)
		}
	}
	if _, apiErr := call(t, s, "SendCommand", map[string]any{"DocumentName": "AWS-RunShellScript",
		"InstanceIds": []string{"i-0123456789abcdef0"}, "Parameters": map[string][]string{"commands": {"true"}}}); apiErr == nil || apiErr.Code != "InvalidInstanceId" {
		t.Errorf("unknown instance: %v", apiErr)
	}
}

// Rules decide commands and automations, and refuse documents.
func TestRules(t *testing.T) {
	c := &clock{t: time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)}
	s := newSim(t, nil, c)
	s.SetRules([]Rule{
		{Document: "Missing-Doc", ErrorCode: "InvalidDocument"},
		{Document: "Custom-Runbook", Status: "Failed", Error: "DNS record not updated"},
		{InstanceID: running, Document: "AWS-RunShellScript", Status: "Failed", Output: "nginx: not found"},
	})
	if _, apiErr := call(t, s, "SendCommand", map[string]any{"DocumentName": "Missing-Doc", "InstanceIds": []string{running}}); apiErr == nil || apiErr.Code != "InvalidDocument" {
		t.Errorf("refused document: %v", apiErr)
	}
	out, _ := call(t, s, "SendCommand", map[string]any{"DocumentName": "AWS-RunShellScript", "InstanceIds": []string{running},
		"Parameters": map[string][]string{"commands": {"systemctl start nginx"}}})
	cmd := out["Command"].(map[string]any)["CommandId"].(string)
	a, _ := call(t, s, "StartAutomationExecution", map[string]any{"DocumentName": "Custom-Runbook", "Parameters": map[string][]string{"Zone": {"example.com"}}})
	if _, apiErr := call(t, s, "StartAutomationExecution", map[string]any{"DocumentName": "Custom-Runbook", "Parameters": map[string][]string{}}); apiErr == nil || apiErr.Code != "ValidationException" {
		t.Errorf("empty automation parameters: %v", apiErr)
	}
	c.t = c.t.Add(time.Minute)
	inv, _ := call(t, s, "GetCommandInvocation", map[string]any{"CommandId": cmd, "InstanceId": running})
	if inv["Status"] != "Failed" || inv["StandardOutputContent"] != "nginx: not found" || inv["ResponseCode"] != float64(1) {
		t.Errorf("command: %v", inv)
	}
	got, _ := call(t, s, "GetAutomationExecution", map[string]any{"AutomationExecutionId": a["AutomationExecutionId"]})
	exec := got["AutomationExecution"].(map[string]any)
	step := exec["StepExecutions"].([]any)[0].(map[string]any)
	if exec["AutomationExecutionStatus"] != "Failed" || step["FailureMessage"] != "DNS record not updated" {
		t.Errorf("automation: %v", exec)
	}
}

// A command that would run longer than its executionTimeout is stopped
// there (TimedOut, ExecutionTimedOut); a DRS launch action runs as an
// ordinary command or automation, decided by the same rules, with the
// instance named in an automation's InstanceId.
func TestExecutionTimeoutAndLaunchActions(t *testing.T) {
	c := &clock{t: time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)}
	s := newSim(t, nil, c)
	s.SetRules([]Rule{
		{Document: "AWS-RunShellScript", DurationSeconds: 120},
		{Document: "Shop-Failover", SourceServerID: "s-0123456789abcdef0", Status: "Failed", Error: "no quorum", DurationSeconds: 30},
	})
	out, _ := call(t, s, "SendCommand", map[string]any{"DocumentName": "AWS-RunShellScript", "InstanceIds": []string{running},
		"Parameters": map[string][]string{"commands": {"sleep 120"}, "executionTimeout": {"60"}}})
	cmd := out["Command"].(map[string]any)["CommandId"].(string)
	c.t = c.t.Add(5 * time.Minute)
	inv, _ := call(t, s, "GetCommandInvocation", map[string]any{"CommandId": cmd, "InstanceId": running})
	if inv["Status"] != "TimedOut" || inv["StatusDetails"] != "ExecutionTimedOut" || inv["ExecutionEndDateTime"] != "2026-01-05T09:01:01Z" {
		t.Errorf("timed-out command: %v", inv)
	}

	inst := ec2sim.Instance{ID: running, Running: true, Tags: map[string]string{"AWSElasticDisasterRecoverySourceServerID": "s-0123456789abcdef0"}}
	ex, err := s.StartLaunchAction(context.Background(), LaunchAction{Account: id.Account, Region: id.Region, Instance: inst, Document: "Shop-Failover",
		Version: "$LATEST", Automation: true, At: c.t})
	if err != nil || ex.Status != "Failed" || ex.Error != "no quorum" || ex.Ends != 30*time.Second {
		t.Fatalf("automation launch action: %v %+v", err, ex)
	}
	got, _ := call(t, s, "GetAutomationExecution", map[string]any{"AutomationExecutionId": ex.ID})
	if e := got["AutomationExecution"].(map[string]any); e["AutomationExecutionStatus"] != "InProgress" || e["Parameters"].(map[string]any)["InstanceId"].([]any)[0] != running {
		t.Errorf("automation before its end: %v", e)
	}
	ex, err = s.StartLaunchAction(context.Background(), LaunchAction{Account: id.Account, Region: id.Region, Instance: inst, Document: "AWS-RunShellScript",
		Version: "3", Parameters: map[string][]string{"commands": {"{{ssm:smoke}}"}}, Comment: "DRS launch action run x", At: c.t})
	if err != nil || ex.Status != "Success" || ex.Ends != deliverAfter+120*time.Second {
		t.Fatalf("command launch action: %v %+v", err, ex)
	}
	if _, err := s.StartLaunchAction(context.Background(), LaunchAction{Account: id.Account, Region: id.Region, Instance: inst, Document: "AWS-RunShellScript", At: c.t}); err == nil || err.Code != "InvalidParameters" {
		t.Errorf("AWS-RunShellScript without commands: %v", err)
	}
	c.t = c.t.Add(time.Minute)
	list, _ := call(t, s, "ListCommandInvocations", map[string]any{"CommandId": ex.ID})
	if item := list["CommandInvocations"].([]any)[0].(map[string]any); item["DocumentVersion"] != "3" || item["Comment"] != "DRS launch action run x" || item["Status"] != "InProgress" {
		t.Errorf("launch action command: %v", item)
	}
}

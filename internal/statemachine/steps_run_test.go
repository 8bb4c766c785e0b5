package statemachine_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	sfntypes "github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/drsorch/terraform-provider-drsorch/internal/recoveryplan"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/runservicetest"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/ssmsim"
	"github.com/drsorch/terraform-provider-drsorch/internal/statemachine"
)

func stepsPlan() recoveryplan.Plan {
	return recoveryplan.Plan{Name: "steps", Waves: []recoveryplan.Wave{
		{Name: "db", ProtectionGroup: "db", PollInterval: 30 * time.Second, PostLaunch: []recoveryplan.PostLaunch{
			{Type: recoveryplan.StepAutomation, Document: "AWS-RestartEC2Instance", InstanceParameter: "InstanceId"},
		}},
		{Name: "web", ProtectionGroup: "web", PollInterval: 30 * time.Second,
			PostLaunch: []recoveryplan.PostLaunch{{Type: recoveryplan.StepCommand, Document: "AWS-RunShellScript",
				Parameters: map[string][]string{"commands": {"systemctl start nginx"}}}},
			HealthChecks: []recoveryplan.HealthCheck{{Type: recoveryplan.CheckHTTP, Port: 80, Path: "/health", Retries: 2}}},
	}}
}

func runnerResult(t *testing.T, events []sfntypes.HistoryEvent) (statemachine.RunnerOutput, *sfntypes.ExecutionFailedEventDetails) {
	t.Helper()
	var out statemachine.RunnerOutput
	for _, e := range events {
		if d := e.ExecutionSucceededEventDetails; d != nil {
			if err := json.Unmarshal([]byte(aws.ToString(d.Output)), &out); err != nil {
				t.Fatal(err)
			}
		}
		if d := e.ExecutionFailedEventDetails; d != nil {
			return out, d
		}
	}
	return out, nil
}

// A wave's post-launch steps and health checks run through SSM on its
// recovered instances; their outcomes are in the runner's output, and the
// history stays within the computed worst case.
func TestWaveStepsRun(t *testing.T) {
	parent, status, c, runners := runPlan(t, stepsPlan())
	if status != sfntypes.ExecutionStatusSucceeded {
		t.Fatalf("status %s; history %+v", status, parent[len(parent)-1])
	}
	f, err := statemachine.Measure(stepsPlan(), c, statemachine.RequestInfo{})
	if err != nil {
		t.Fatal(err)
	}
	for wave, want := range map[string][]string{"db": {"post_launch 1"}, "web": {"post_launch 1", "health_check 1"}} {
		out, failed := runnerResult(t, runners[wave])
		if failed != nil {
			t.Fatalf("%s failed: %s", wave, aws.ToString(failed.Cause))
		}
		if len(out.Steps) != len(want) {
			t.Fatalf("%s steps %+v", wave, out.Steps)
		}
		for i, s := range out.Steps {
			if s.Name != want[i] || !strings.HasPrefix(s.Status, "Success") || s.ID == "" {
				t.Errorf("%s step %d: %+v", wave, i, s)
			}
		}
		if n := len(runners[wave]); n > f.WaveHistoryEvents[wave] {
			t.Errorf("%s: %d events, computed worst case %d", wave, n, f.WaveHistoryEvents[wave])
		}
	}
}

// A failing health check fails its wave with the check's output in the
// cause, and the wave after it does not start.
func TestFailingHealthCheckFailsTheWave(t *testing.T) {
	p := stepsPlan()
	p.Waves = append(p.Waves, recoveryplan.Wave{Name: "app", ProtectionGroup: "app"})
	parent, status, _, runners := runPlanWith(t, p, func(s *runservicetest.Service) {
		s.App.SSM.SetRules([]ssmsim.Rule{{Check: "http", Status: "Failed"}})
	})
	if status != sfntypes.ExecutionStatusFailed {
		t.Fatalf("status %s", status)
	}
	_, failed := runnerResult(t, runners["web"])
	if failed == nil {
		t.Fatal("web did not fail")
	}
	cause := aws.ToString(failed.Cause)
	for _, want := range []string{"wave web", "health_check 1", "AWS-RunShellScript", "failed on instance i-", "attempt 3: HTTP 000", "expected HTTP 200"} {
		if !strings.Contains(cause, want) {
			t.Errorf("cause lacks %q: %s", want, cause)
		}
	}
	t.Logf("cause: %s", cause)
	if aws.ToString(failed.Error) != statemachine.ErrWaveStepFailed {
		t.Errorf("error %s", aws.ToString(failed.Error))
	}
	if _, ran := runners["app"]; ran {
		t.Error("the wave after the failed check started")
	}
	last := parent[len(parent)-1].ExecutionFailedEventDetails
	if last == nil || !strings.Contains(aws.ToString(last.Cause), "expected HTTP 200") {
		t.Errorf("the plan's execution does not carry the check's output: %+v", last)
	}
}

// Steps read back from the compiled definition as configured.
func TestStepsReadBack(t *testing.T) {
	p := stepsPlan()
	for i := range p.Waves {
		p.Waves[i].ServerIDs = []string{"s-0000000000000000" + string(rune('1'+i))}
	}
	c, err := statemachine.Compile(p, "us-east-1", statemachine.PlaceholderRunnerARN("us-east-1"))
	if err != nil {
		t.Fatal(err)
	}
	view, err := statemachine.Describe(c.Definition)
	if err != nil {
		t.Fatal(err)
	}
	back := view.Plan()
	for i, w := range back.Waves {
		want := p.Waves[i]
		if !reflect.DeepEqual(w.PostLaunch, want.PostLaunch) {
			t.Errorf("%s post_launch %+v, want %+v", w.Name, w.PostLaunch, want.PostLaunch)
		}
		for j, hc := range w.HealthChecks {
			if hc.Normalized() != want.HealthChecks[j].Normalized() || hc.Host != want.HealthChecks[j].Host || hc.Path != want.HealthChecks[j].Path {
				t.Errorf("%s health_check %+v, want %+v", w.Name, hc, want.HealthChecks[j])
			}
		}
	}
}

// Steps whose polls could pass the history limit are blamed at plan, not
// the wave's poll interval.
func TestStepsOverTheHistoryLimitAreBlamed(t *testing.T) {
	w := recoveryplan.Wave{Name: "web", ProtectionGroup: "web", ServerIDs: []string{"s-00000000000000001"}}
	for range recoveryplan.MaxStepsPerWave {
		w.PostLaunch = append(w.PostLaunch, recoveryplan.PostLaunch{Type: recoveryplan.StepCommand, Document: "AWS-RunShellScript", Timeout: recoveryplan.MaxStepTimeout})
	}
	p := recoveryplan.Plan{Name: "long", Waves: []recoveryplan.Wave{w}}
	c, err := statemachine.Compile(p, "us-east-1", statemachine.PlaceholderRunnerARN("us-east-1"))
	if err != nil {
		t.Fatal(err)
	}
	f, err := statemachine.Measure(p, c, statemachine.RequestInfo{})
	if err != nil {
		t.Fatal(err)
	}
	ps := statemachine.Problems(p, f)
	if len(ps) != 1 || ps[0].Attribute != "post_launch" || !strings.Contains(ps[0].Detail, "Shorten the steps' timeouts") {
		t.Fatalf("%d events: %+v", f.WaveHistoryEvents["web"], ps)
	}
	// One step of an hour fits.
	w.PostLaunch = w.PostLaunch[:1]
	p.Waves[0] = w
	c, _ = statemachine.Compile(p, "us-east-1", statemachine.PlaceholderRunnerARN("us-east-1"))
	if f, _ = statemachine.Measure(p, c, statemachine.RequestInfo{}); len(statemachine.Problems(p, f)) != 0 {
		t.Errorf("one step: %d events", f.WaveHistoryEvents["web"])
	}
}

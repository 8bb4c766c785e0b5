package statemachine_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/drs"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	sfntypes "github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/drsorch/terraform-provider-drsorch/internal/drsapi"
	"github.com/drsorch/terraform-provider-drsorch/internal/plans"
	"github.com/drsorch/terraform-provider-drsorch/internal/recoveryplan"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/runservicetest"
	"github.com/drsorch/terraform-provider-drsorch/internal/statemachine"
)

// runPlan deploys p on a run service, starts a drill and drives simulated
// time until it ends; it returns the execution's history and status, and
// the history of each wave's runner execution.
func runPlan(t *testing.T, p recoveryplan.Plan) ([]sfntypes.HistoryEvent, sfntypes.ExecutionStatus, *statemachine.Compiled, map[string][]sfntypes.HistoryEvent) {
	return runPlanWith(t, p, nil)
}

// runPlanWith is runPlan with setup run on the started run service first.
func runPlanWith(t *testing.T, p recoveryplan.Plan, setup func(*runservicetest.Service)) ([]sfntypes.HistoryEvent, sfntypes.ExecutionStatus, *statemachine.Compiled, map[string][]sfntypes.HistoryEvent) {
	t.Helper()
	ctx := context.Background()
	svc := runservicetest.Start(t, runservice.Config{})
	if setup != nil {
		setup(svc)
	}
	cfg := svc.AWSConfig("us-east-1")
	servers, err := drsapi.ListSourceServers(ctx, drs.NewFromConfig(cfg), nil)
	if err != nil {
		t.Fatal(err)
	}
	tiers := map[string][]string{}
	for _, s := range servers {
		if s.Tags["app"] == "shop" {
			tiers[s.Tags["tier"]] = append(tiers[s.Tags["tier"]], aws.ToString(s.SourceServerID))
		}
	}
	for i := range p.Waves {
		p.Waves[i].ServerIDs = tiers[p.Waves[i].ProtectionGroup]
	}
	client := sfn.NewFromConfig(cfg)
	c, err := plans.CompileWithRunner(ctx, client, p, "us-east-1", "123456789012", "arn:aws:iam::123456789012:role/drsorch")
	if err != nil {
		t.Fatal(err)
	}
	sm, err := client.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String("drsorch-plan-" + p.Name),
		Definition: aws.String(c.Definition), RoleArn: aws.String("arn:aws:iam::123456789012:role/drsorch")})
	if err != nil {
		t.Fatal(err)
	}
	x, err := client.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: sm.StateMachineArn, Input: aws.String(`{"type":"DRILL"}`)})
	if err != nil {
		t.Fatal(err)
	}
	var status sfntypes.ExecutionStatus
	svc.Drive(t, 5000, func() bool {
		d, err := client.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: x.ExecutionArn})
		if err != nil {
			t.Fatal(err)
		}
		status = d.Status
		return status != sfntypes.ExecutionStatusRunning
	})
	history := func(arn *string) []sfntypes.HistoryEvent {
		var events []sfntypes.HistoryEvent
		pages := sfn.NewGetExecutionHistoryPaginator(client, &sfn.GetExecutionHistoryInput{ExecutionArn: arn, MaxResults: 1000})
		for pages.HasMorePages() {
			page, err := pages.NextPage(ctx)
			if err != nil {
				t.Fatal(err)
			}
			events = append(events, page.Events...)
		}
		return events
	}
	runners := map[string][]sfntypes.HistoryEvent{}
	list, err := client.ListExecutions(ctx, &sfn.ListExecutionsInput{StateMachineArn: aws.String(statemachine.RunnerARN("us-east-1", "123456789012"))})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range list.Executions {
		d, err := client.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: e.ExecutionArn})
		if err != nil {
			t.Fatal(err)
		}
		var in statemachine.RunnerInput
		if err := json.Unmarshal([]byte(aws.ToString(d.Input)), &in); err != nil {
			t.Fatal(err)
		}
		runners[in.Wave] = history(e.ExecutionArn)
	}
	return history(x.ExecutionArn), status, c, runners
}

// largestState is the largest state input or output in the history.
func largestState(events []sfntypes.HistoryEvent) int {
	n := 0
	for _, e := range events {
		if d := e.StateEnteredEventDetails; d != nil {
			n = max(n, len(aws.ToString(d.Input)))
		}
		if d := e.StateExitedEventDetails; d != nil {
			n = max(n, len(aws.ToString(d.Output)))
		}
	}
	return n
}

// countScheduledIn counts the Tasks on resource that state scheduled.
func countScheduledIn(events []sfntypes.HistoryEvent, resource, state string) int {
	n, in := 0, ""
	for _, e := range events {
		if d := e.StateEnteredEventDetails; d != nil {
			in = aws.ToString(d.Name)
		}
		if e.Type == sfntypes.HistoryEventTypeTaskScheduled && aws.ToString(e.TaskScheduledEventDetails.Resource) == resource && in == state {
			n++
		}
	}
	return n
}

// eventsBetween counts the events from entering state from to leaving
// state to, both included.
func eventsBetween(events []sfntypes.HistoryEvent, from, to string) int {
	start := -1
	for i, e := range events {
		if d := e.StateEnteredEventDetails; d != nil && aws.ToString(d.Name) == from && start < 0 {
			start = i
		}
		if d := e.StateExitedEventDetails; d != nil && aws.ToString(d.Name) == to && start >= 0 {
			return i - start + 1
		}
	}
	return 0
}

// A wave that times out polls exactly MaxPolls times, and the computed
// worst case bounds the real history from above by less than the health
// checks it did not run.
func TestHistoryEventsBoundATimedOutWave(t *testing.T) {
	p := recoveryplan.Plan{Name: "timeout", Waves: []recoveryplan.Wave{
		// A launch takes 8 to 12 simulated minutes: 4 minutes times out.
		{Name: "db", ProtectionGroup: "db", Timeout: 4 * time.Minute, PollInterval: 5 * time.Second},
	}}
	parent, status, c, runners := runPlan(t, p)
	events := runners["db"]
	if status != sfntypes.ExecutionStatusFailed {
		t.Fatalf("status = %s, want FAILED (the wave times out)", status)
	}
	for _, h := range [][]sfntypes.HistoryEvent{events, parent} {
		if got := h[len(h)-1].ExecutionFailedEventDetails; got == nil || aws.ToString(got.Error) != statemachine.ErrWaveTimedOut {
			t.Fatalf("last event = %+v, want %s", h[len(h)-1], statemachine.ErrWaveTimedOut)
		}
	}
	f, err := statemachine.Measure(p, c, statemachine.RequestInfo{})
	if err != nil {
		t.Fatal(err)
	}
	polls := statemachine.MaxPolls(statemachine.PollSchedule(5*time.Second), 4*time.Minute)
	if got := countScheduledIn(events, "describeJobs", statemachine.StepDescribeJob); got != polls {
		t.Fatalf("the wave polled %d times, MaxPolls says %d", got, polls)
	}
	actual := len(events)
	// The start guard passed at its first check, reading one page: its
	// worst case (every check, every page) is counted but not run.
	guard := statemachine.GuardWorstEvents(4*time.Minute) - eventsBetween(events, statemachine.StepGuardSetup, statemachine.StepGuardPassed)
	// Not run: health setup, 3 checks (describe, health, healthy?,
	// recheck?), 2 waits, recovered instead of the failure: about 45
	// events; and per server the launch settings read (about 15 events)
	// and 3 comparisons with the expected state (about 6 each).
	worst := f.WaveHistoryEvents["db"]
	slack := 50 + 35*len(p.Waves[0].ServerIDs) + guard
	t.Logf("timed-out wave: %d events in its runner's history, %d computed worst case; the plan's own: %d (worst case %d)", actual, worst, len(parent), f.PlanHistoryEvents)
	if worst < actual || worst > actual+slack {
		t.Fatalf("computed worst case %d events, actual %d: want actual ≤ computed ≤ actual+%d", worst, actual, slack)
	}
	if len(parent) > f.PlanHistoryEvents {
		t.Fatalf("the plan's execution wrote %d events, computed worst case %d", len(parent), f.PlanHistoryEvents)
	}
	if got := largestState(events); got > f.StateBytes {
		t.Fatalf("largest state %d bytes > computed worst case %d", got, f.StateBytes)
	}
}

// A plan that recovers (two levels, a pause gate left out) stays within
// the computed worst case, and its largest state within the computed one.
func TestHistoryEventsBoundARecovery(t *testing.T) {
	p := recoveryplan.Plan{Name: "shop", Waves: []recoveryplan.Wave{
		{Name: "db", ProtectionGroup: "db", Timeout: 30 * time.Minute, PollInterval: 5 * time.Second},
		{Name: "app", ProtectionGroup: "app", DependsOnSet: true, Timeout: 30 * time.Minute, PollInterval: 10 * time.Second},
		{Name: "web", ProtectionGroup: "web", Timeout: 30 * time.Minute},
	}}
	events, status, c, runners := runPlan(t, p)
	if status != sfntypes.ExecutionStatusSucceeded {
		t.Fatalf("status = %s", status)
	}
	f, err := statemachine.Measure(p, c, statemachine.RequestInfo{})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("recovery: %d events (worst case %d); largest state %d bytes (worst case %d)", len(events), f.HistoryEvents, largestState(events), f.StateBytes)
	if f.HistoryEvents < len(events) {
		t.Fatalf("computed worst case %d events < actual %d", f.HistoryEvents, len(events))
	}
	if got := largestState(events); got > f.StateBytes {
		t.Fatalf("largest state %d bytes > computed worst case %d", got, f.StateBytes)
	}
	if len(runners) != 3 {
		t.Fatalf("%d runner executions", len(runners))
	}
	for wave, h := range runners {
		if len(h) > f.WaveHistoryEvents[wave] || largestState(h) > f.StateBytes {
			t.Fatalf("wave %s: %d events (worst case %d), largest state %d bytes", wave, len(h), f.WaveHistoryEvents[wave], largestState(h))
		}
	}
	var out map[string]any
	if err := json.Unmarshal([]byte(aws.ToString(events[len(events)-1].ExecutionSucceededEventDetails.Output)), &out); err != nil {
		t.Fatal(err)
	}
}

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
	"github.com/drsorch/terraform-provider-drsorch/internal/recoveryplan"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/runservicetest"
	"github.com/drsorch/terraform-provider-drsorch/internal/statemachine"
)

// startOtherJob starts a drill of servers outside any plan, as another
// team or the DRS console would.
func startOtherJob(t *testing.T, c executions.Clients, servers ...string) string {
	t.Helper()
	var in []drstypes.StartRecoveryRequestSourceServer
	for _, s := range servers {
		in = append(in, drstypes.StartRecoveryRequestSourceServer{SourceServerID: aws.String(s)})
	}
	out, err := c.DRS.StartRecovery(context.Background(), &drs.StartRecoveryInput{IsDrill: aws.Bool(true), SourceServers: in})
	if err != nil {
		t.Fatal(err)
	}
	return aws.ToString(out.Job.JobID)
}

// startDirectly starts a drill of the plan through Step Functions
// StartExecution, as the console or an EventBridge rule does: no drsorch
// preflight runs.
func startDirectly(t *testing.T, svc *runservicetest.Service, c executions.Clients, planARN string) *sfn.DescribeExecutionOutput {
	t.Helper()
	ctx := context.Background()
	x, err := c.SFN.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(planARN), Input: aws.String(`{"type": "DRILL"}`)})
	if err != nil {
		t.Fatal(err)
	}
	var d *sfn.DescribeExecutionOutput
	svc.Drive(t, 5000, func() bool {
		if d, err = c.SFN.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: x.ExecutionArn}); err != nil {
			t.Fatal(err)
		}
		return d.Status != sfntypes.ExecutionStatusRunning
	})
	return d
}

// jobsOf lists the DRS jobs whose participating servers include server.
func jobsOf(t *testing.T, c executions.Clients, server string) []drstypes.Job {
	t.Helper()
	var out []drstypes.Job
	pages := drs.NewDescribeJobsPaginator(c.DRS, &drs.DescribeJobsInput{})
	for pages.HasMorePages() {
		page, err := pages.NextPage(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for _, j := range page.Items {
			for _, p := range j.ParticipatingServers {
				if aws.ToString(p.SourceServerID) == server {
					out = append(out, j)
				}
			}
		}
	}
	return out
}

// A drill started directly through Step Functions, bypassing drsorch's
// preflight, on a plan one of whose servers is in another active DRS job:
// the wave fails with drsorch.ServerInActiveJob naming the server and the
// job, before it sends StartRecovery (its other server is in no job); the
// wave after it does not run, and the other job is left alone.
func TestDirectStartFailsWaveWhoseServerIsInAnotherJob(t *testing.T) {
	svc, c, ids := guardEstate(t, 3, nil)
	other := startOtherJob(t, c, ids[0])
	p := recoveryplan.Plan{Name: "guarded", Waves: []recoveryplan.Wave{
		{Name: "db", ProtectionGroup: "db", ServerIDs: []string{ids[0], ids[2]}},
		{Name: "app", ProtectionGroup: "app", ServerIDs: []string{ids[1]}, DependsOn: []string{"db"}, DependsOnSet: true},
	}}
	planARN := deployScalePlan(t, c, p)
	d := startDirectly(t, svc, c, planARN)
	if d.Status != sfntypes.ExecutionStatusFailed || aws.ToString(d.Error) != statemachine.ErrServerInActiveJob {
		t.Fatalf("execution %s %s: %s, want FAILED with %s", d.Status, aws.ToString(d.Error), aws.ToString(d.Cause), statemachine.ErrServerInActiveJob)
	}
	cause := aws.ToString(d.Cause)
	for _, want := range []string{"wave db", ids[0], other} {
		if !strings.Contains(cause, want) {
			t.Errorf("cause %q does not name %s", cause, want)
		}
	}
	if strings.Contains(cause, ids[2]) {
		t.Errorf("cause %q names %s, which is in no job", cause, ids[2])
	}
	t.Logf("cause: %s", cause)
	if jobs := jobsOf(t, c, ids[0]); len(jobs) != 1 || aws.ToString(jobs[0].JobID) != other {
		t.Fatalf("%s is in %d jobs, want only %s", ids[0], len(jobs), other)
	}
	for _, s := range ids[1:] {
		if jobs := jobsOf(t, c, s); len(jobs) != 0 {
			t.Fatalf("%s is in %d jobs: a wave started recovery", s, len(jobs))
		}
	}
	e, err := executions.Describe(context.Background(), c, aws.ToString(d.ExecutionArn))
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range e.Waves {
		if w.Name == "db" && (w.Status != executions.WaveFailed || w.Error != statemachine.ErrServerInActiveJob) {
			t.Errorf("wave db: %s %s, want %s %s", w.Status, w.Error, executions.WaveFailed, statemachine.ErrServerInActiveJob)
		}
	}
}

// With the concurrent-jobs quota full (1, taken by another job), a wave
// started directly through Step Functions waits with backoff instead of
// failing, and starts recovery once the other job has completed.
func TestDirectStartWaitsForConcurrentJobsQuota(t *testing.T) {
	svc, c, ids := guardEstate(t, 2, map[string]int{recoveryplan.QuotaConcurrentJobs: 1})
	other := startOtherJob(t, c, ids[1])
	p := recoveryplan.Plan{Name: "patient", Waves: []recoveryplan.Wave{{Name: "db", ProtectionGroup: "db", ServerIDs: []string{ids[0]}}}}
	planARN := deployScalePlan(t, c, p)
	d := startDirectly(t, svc, c, planARN)
	if d.Status != sfntypes.ExecutionStatusSucceeded {
		t.Fatalf("execution %s %s: %s, want SUCCEEDED after waiting for the quota", d.Status, aws.ToString(d.Error), aws.ToString(d.Cause))
	}
	runners := runnerExecutions(t, c)
	if len(runners) != 1 {
		t.Fatalf("%d runner executions", len(runners))
	}
	h, err := executions.History(context.Background(), c.SFN, runners[0])
	if err != nil {
		t.Fatal(err)
	}
	waits := 0
	for _, e := range h {
		if e.Type == sfntypes.HistoryEventTypeWaitStateEntered && aws.ToString(e.StateEnteredEventDetails.Name) == statemachine.StepQuotaWait {
			waits++
		}
	}
	if waits == 0 {
		t.Fatal("the wave did not wait for the concurrent-jobs quota")
	}
	otherJob := jobsOf(t, c, ids[1])
	mine := jobsOf(t, c, ids[0])
	if len(otherJob) != 1 || aws.ToString(otherJob[0].JobID) != other || len(mine) != 1 {
		t.Fatalf("jobs: other %d, the wave's %d", len(otherJob), len(mine))
	}
	// The wave's job was created after the other one ended: the quota held.
	if aws.ToString(mine[0].CreationDateTime) < aws.ToString(otherJob[0].EndDateTime) {
		t.Fatalf("the wave's job was created at %s, before the other job ended at %s", aws.ToString(mine[0].CreationDateTime), aws.ToString(otherJob[0].EndDateTime))
	}
	t.Logf("waited %d times; other job ended %s, the wave's job created %s; runner history %d events", waits,
		aws.ToString(otherJob[0].EndDateTime), aws.ToString(mine[0].CreationDateTime), len(h))
}

// When the quota stays full for the wave's whole timeout, the wave ends
// TIMED_OUT with drsorch.QuotaWaitTimedOut, naming the quota, and never
// sent StartRecovery.
func TestDirectStartTimesOutWaitingForQuota(t *testing.T) {
	svc, c, ids := guardEstate(t, 2, map[string]int{recoveryplan.QuotaConcurrentJobs: 1})
	startOtherJob(t, c, ids[1])
	p := recoveryplan.Plan{Name: "impatient", Waves: []recoveryplan.Wave{{Name: "db", ProtectionGroup: "db", ServerIDs: []string{ids[0]}, Timeout: time.Minute}}}
	planARN := deployScalePlan(t, c, p)
	d := startDirectly(t, svc, c, planARN)
	if d.Status != sfntypes.ExecutionStatusFailed || aws.ToString(d.Error) != statemachine.ErrQuotaWaitTimedOut {
		t.Fatalf("execution %s %s: %s, want FAILED with %s", d.Status, aws.ToString(d.Error), aws.ToString(d.Cause), statemachine.ErrQuotaWaitTimedOut)
	}
	if cause := aws.ToString(d.Cause); !strings.Contains(cause, recoveryplan.QuotaConcurrentJobs) || !strings.Contains(cause, "wave db waited") {
		t.Fatalf("cause %q", cause)
	}
	if jobs := jobsOf(t, c, ids[0]); len(jobs) != 0 {
		t.Fatalf("the wave started %d jobs", len(jobs))
	}
	e, err := executions.Describe(context.Background(), c, aws.ToString(d.ExecutionArn))
	if err != nil {
		t.Fatal(err)
	}
	if w, _ := e.Wave("db"); w.Status != executions.WaveTimedOut {
		t.Fatalf("wave db: %s %s", w.Status, w.Error)
	}
}

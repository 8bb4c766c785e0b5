package executions_test

import (
	"context"
	"errors"
	"testing"
	"time"

	sfntypes "github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/drsorch/terraform-provider-drsorch/internal/executions"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/drssim"
)

// A TERMINATE job is bound by DRS's job quotas like any other: at most
// L-B827C881 instances per job, L-D88FAC3A jobs at once. With those at 4
// and 1, the drill's 9 instances take three jobs, each started once the
// one before completed; Terminate waits for every one.
func TestTerminateBatchesWithinTheJobQuotas(t *testing.T) {
	f := deploy(t, "shop")
	e := f.finishedDrill(t)
	estate := drssim.Estate{Account: "123456789012", Region: "us-east-1"}
	for code, v := range map[string]int{drssim.QuotaServersPerJob: 4, drssim.QuotaConcurrentJobs: 1} {
		if err := f.svc.App.DRS.SetQuota(estate, code, v); err != nil {
			t.Fatal(err)
		}
	}
	front, c := f.behind(t, 1)
	front.Before("DescribeJobs", func() { f.svc.App.DRS.Advance(30 * time.Second) })
	res, err := executions.Terminate(context.Background(), c, e, false, time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	jobs := f.terminateJobs(t)
	if len(jobs) != 3 || len(res.JobIDs) != 3 || len(res.Terminated) != 9 {
		t.Fatalf("%d terminate jobs, result %+v", len(jobs), res)
	}
	for _, j := range jobs {
		if n := len(j.ParticipatingServers); n > 4 || j.Status != "COMPLETED" {
			t.Fatalf("job %s: %d instances, %s", *j.JobID, n, j.Status)
		}
	}
	if left := executions.LaunchedInstances(f.describe(t, e.ARN)); len(left) != 0 {
		t.Fatalf("instances left: %+v", left)
	}
	t.Logf("9 instances, per-job quota 4, 1 concurrent job: %d TerminateRecoveryInstances calls, %d jobs",
		front.Calls("TerminateRecoveryInstances"), len(jobs))
}

// Step Functions forgets a closed execution after 90 days; its drill
// instances live on. FromJobs finds them through the DRS jobs tagged
// with the execution's ARN, and Terminate cleans them up.
func TestTerminateFindsADrillWhoseHistoryExpired(t *testing.T) {
	f := deploy(t, "shop")
	e := f.finishedDrill(t)
	f.svc.App.Clock.Advance(91 * 24 * time.Hour)
	_, err := executions.Describe(context.Background(), f.clients, e.ARN)
	var missing *sfntypes.ExecutionDoesNotExist
	if !errors.As(err, &missing) {
		t.Fatalf("after 91 days DescribeExecution: %v, want ExecutionDoesNotExist", err)
	}
	old, found, err := executions.FromJobs(context.Background(), f.clients, e.ARN)
	if err != nil || !found {
		t.Fatalf("FromJobs: found %v, %v", found, err)
	}
	if old.Type != executions.TypeDrill || old.Plan != "shop" || len(old.Waves) != 3 || len(executions.LaunchedInstances(old)) != 9 {
		t.Fatalf("rebuilt from jobs: %s of %q, %d waves, %d instances", old.Type, old.Plan, len(old.Waves), len(executions.LaunchedInstances(old)))
	}
	front, c := f.behind(t, 1)
	front.Before("DescribeJobs", func() { f.svc.App.DRS.Advance(30 * time.Second) })
	res, err := executions.Terminate(context.Background(), c, old, false, time.Millisecond)
	if err != nil || len(res.Terminated) != 9 {
		t.Fatalf("terminate: %+v, %v", res, err)
	}
	if again, _, _ := executions.FromJobs(context.Background(), f.clients, e.ARN); len(executions.LaunchedInstances(again)) != 0 {
		t.Fatalf("instances left: %+v", executions.LaunchedInstances(again))
	}
	if _, found, err := executions.FromJobs(context.Background(), f.clients, e.ARN+"-never"); found || err != nil {
		t.Fatalf("an execution without jobs: found %v, %v", found, err)
	}
}

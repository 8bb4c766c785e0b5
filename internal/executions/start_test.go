package executions_test

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/drs"
	drstypes "github.com/aws/aws-sdk-go-v2/service/drs/types"
	"github.com/aws/aws-sdk-go-v2/service/servicequotas"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	sfntypes "github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/drsorch/terraform-provider-drsorch/internal/awsclient"
	"github.com/drsorch/terraform-provider-drsorch/internal/executions"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/runservicetest"
)

// behind returns clients that reach f's service through a front door,
// making up to attempts attempts per call with a short backoff (the SDK's
// standard retryer, as in production, with test-sized delays).
func (f *fixture) behind(t *testing.T, attempts int) (*runservicetest.Front, executions.Clients) {
	t.Helper()
	front := f.svc.Front(t)
	cfg := f.svc.AWSConfig("us-east-1")
	cfg.BaseEndpoint = aws.String(front.URL)
	cfg.HTTPClient = awsclient.NewHTTPClient()
	cfg.RetryMaxAttempts = 0 // the retryer below decides
	cfg.Retryer = func() aws.Retryer {
		return retry.NewStandard(func(o *retry.StandardOptions) {
			o.MaxAttempts = attempts
			o.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return 5 * time.Millisecond, nil })
			o.Retryables = append(o.Retryables, retry.RetryableHTTPStatusCode{Codes: map[int]struct{}{503: {}}})
		})
	}
	return front, executions.Clients{SFN: sfn.NewFromConfig(cfg), DRS: drs.NewFromConfig(cfg), Quotas: servicequotas.NewFromConfig(cfg)}
}

// runs lists the executions of the plan, straight from the service.
func (f *fixture) runs(t *testing.T) []sfntypes.ExecutionListItem {
	t.Helper()
	out, err := f.clients.SFN.ListExecutions(context.Background(), &sfn.ListExecutionsInput{StateMachineArn: aws.String(f.planARN)})
	if err != nil {
		t.Fatal(err)
	}
	return out.Executions
}

func TestNewNameIsValidReadableAndUnique(t *testing.T) {
	at := time.Date(2026, 1, 5, 9, 0, 0, 0, time.FixedZone("CET", 3600))
	seen := map[string]bool{}
	for range 1000 {
		name := executions.NewName(executions.TypeRecovery, at)
		if err := executions.ValidateName(name); err != nil {
			t.Fatal(err)
		}
		if !regexp.MustCompile(`^recovery-20260105T080000Z-[0-9a-f]{12}$`).MatchString(name) {
			t.Fatalf("name %q", name)
		}
		if seen[name] {
			t.Fatalf("%q made twice", name)
		}
		seen[name] = true
	}
	for _, bad := range []string{"", strings.Repeat("a", 81), "a b", "a/b", "a:b", "a[1]", "a*", "a\x7f", "a#b", "a~b", "a,b"} {
		if executions.ValidateName(bad) == nil {
			t.Errorf("ValidateName(%q) accepted it", bad)
		}
	}
	if err := executions.ValidateName(strings.Repeat("a", 80)); err != nil {
		t.Error(err)
	}
}

func TestExecutionARN(t *testing.T) {
	for plan, want := range map[string]string{
		"arn:aws:states:us-east-1:123456789012:stateMachine:drsorch-plan-shop":         "arn:aws:states:us-east-1:123456789012:execution:drsorch-plan-shop:run-1",
		"arn:aws-cn:states:cn-north-1:123456789012:stateMachine:drsorch-plan-shop:3":   "arn:aws-cn:states:cn-north-1:123456789012:execution:drsorch-plan-shop:run-1",
		"arn:aws:states:us-east-1:123456789012:stateMachine:drsorch-plan-shop:PROD":    "arn:aws:states:us-east-1:123456789012:execution:drsorch-plan-shop:run-1",
		"arn:aws-us-gov:states:us-gov-west-1:123456789012:stateMachine:drsorch-plan-x": "arn:aws-us-gov:states:us-gov-west-1:123456789012:execution:drsorch-plan-x:run-1",
	} {
		if got, err := executions.ExecutionARN(plan, "run-1"); err != nil || got != want {
			t.Errorf("ExecutionARN(%s) = %s, %v; want %s", plan, got, err, want)
		}
	}
	if _, err := executions.ExecutionARN("arn:aws:states:us-east-1:123456789012:execution:x:y", "run-1"); err == nil {
		t.Error("an execution ARN was taken for a state machine ARN")
	}
}

// The same name and input is the same run: while it runs (Step Functions
// answers with it) and after it closed (ExecutionAlreadyExists, then the
// input is compared).
func TestStartSameNameAndInputIsTheSameRun(t *testing.T) {
	f := deploy(t, "shop")
	ctx := context.Background()
	first, err := executions.Start(ctx, f.clients, f.planARN, executions.TypeDrill, "tester", "drill-once")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(first, ":execution:drsorch-plan-shop:drill-once") {
		t.Fatalf("ARN %s", first)
	}
	again, err := executions.Start(ctx, f.clients, f.planARN, executions.TypeDrill, "tester", "drill-once")
	if err != nil || again != first {
		t.Fatalf("running: second start = %s, %v; want %s", again, err, first)
	}
	if err := executions.Cancel(ctx, f.clients, first, "tester"); err != nil {
		t.Fatal(err)
	}
	closed, err := executions.Start(ctx, f.clients, f.planARN, executions.TypeDrill, "tester", "drill-once")
	if err != nil || closed != first {
		t.Fatalf("closed: third start = %s, %v; want %s", closed, err, first)
	}
	if runs := f.runs(t); len(runs) != 1 || runs[0].Status != sfntypes.ExecutionStatusAborted {
		t.Fatalf("executions of the plan: %+v", runs)
	}
}

func TestStartSameNameOtherInputIsRefused(t *testing.T) {
	f := deploy(t, "shop")
	ctx := context.Background()
	if _, err := executions.Start(ctx, f.clients, f.planARN, executions.TypeDrill, "alice", "friday"); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ runType, by string }{{executions.TypeDrill, "bob"}, {executions.TypeRecovery, "alice"}} {
		_, err := executions.Start(ctx, f.clients, f.planARN, tc.runType, tc.by, "friday")
		if !errors.Is(err, executions.ErrNameTaken) {
			t.Fatalf("%s by %s under a taken name: %v", tc.runType, tc.by, err)
		}
		for _, want := range []string{"friday", "another input", `started by "alice"`, "DRILL RUNNING", "choose another name"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error lacks %q: %v", want, err)
			}
		}
	}
	if runs := f.runs(t); len(runs) != 1 {
		t.Fatalf("%d executions, want 1", len(runs))
	}
}

// The service starts the run and its answer is lost; the SDK retries the
// same request. One run.
func TestStartLostAnswerRetriedMakesOneRun(t *testing.T) {
	f := deploy(t, "shop")
	front, c := f.behind(t, 3)
	front.LoseAnswers("StartExecution", 1)
	arn, err := executions.Start(context.Background(), c, f.planARN, executions.TypeRecovery, "tester", "")
	if err != nil {
		t.Fatal(err)
	}
	if front.Lost("StartExecution") != 1 || front.Calls("StartExecution") != 2 {
		t.Fatalf("lost %d of %d StartExecution answers", front.Lost("StartExecution"), front.Calls("StartExecution"))
	}
	runs := f.runs(t)
	if len(runs) != 1 || aws.ToString(runs[0].ExecutionArn) != arn {
		t.Fatalf("executions %+v, started %s", runs, arn)
	}
	if !regexp.MustCompile(`:execution:drsorch-plan-shop:recovery-\d{8}T\d{6}Z-[0-9a-f]{12}$`).MatchString(arn) {
		t.Fatalf("ARN %s: not named by the client", arn)
	}
}

// No retry is left after the lost answer: Start finds the run by its name.
func TestStartLostAnswerFoundByName(t *testing.T) {
	f := deploy(t, "shop")
	front, c := f.behind(t, 1)
	front.LoseAnswers("StartExecution", 1)
	arn, err := executions.Start(context.Background(), c, f.planARN, executions.TypeDrill, "tester", "")
	if err != nil {
		t.Fatal(err)
	}
	if front.Calls("StartExecution") != 1 || front.Calls("DescribeExecution") != 1 {
		t.Fatalf("%d StartExecution, %d DescribeExecution calls", front.Calls("StartExecution"), front.Calls("DescribeExecution"))
	}
	if runs := f.runs(t); len(runs) != 1 || aws.ToString(runs[0].ExecutionArn) != arn {
		t.Fatalf("executions %+v, started %s", runs, arn)
	}
	// Starting again with the same name (a rerun of the same command)
	// still makes no second run.
	name := arn[strings.LastIndex(arn, ":")+1:]
	if again, err := executions.Start(context.Background(), c, f.planARN, executions.TypeDrill, "tester", name); err != nil || again != arn {
		t.Fatalf("again: %s, %v", again, err)
	}
	if n := len(f.runs(t)); n != 1 {
		t.Fatalf("%d executions", n)
	}
}

// When the lookup fails too, the outcome is reported as unknown, naming
// the run to look for; a call that never reached the service is a plain
// failure.
func TestStartUnknownOutcomeAndPlainFailure(t *testing.T) {
	f := deploy(t, "shop")
	front, c := f.behind(t, 1)
	front.LoseAnswers("StartExecution", 1)
	front.Outage("DescribeExecution")
	_, err := executions.Start(context.Background(), c, f.planARN, executions.TypeDrill, "tester", "lost-1")
	var unknown *executions.UnknownOutcomeError
	if !errors.As(err, &unknown) || unknown.Name != "lost-1" || !strings.HasSuffix(unknown.ARN, ":execution:drsorch-plan-shop:lost-1") {
		t.Fatalf("err = %v", err)
	}
	if !strings.Contains(err.Error(), "cannot tell whether execution lost-1 started") {
		t.Fatalf("message: %v", err)
	}
	front.Restore()
	if n := len(f.runs(t)); n != 1 {
		t.Fatalf("%d executions", n)
	}

	front.Outage("StartExecution")
	_, err = executions.Start(context.Background(), c, f.planARN, executions.TypeDrill, "tester", "never")
	if err == nil || errors.As(err, &unknown) || !strings.Contains(err.Error(), "ServiceUnavailable") {
		t.Fatalf("start that never reached the service: %v", err)
	}
	if n := len(f.runs(t)); n != 1 {
		t.Fatalf("%d executions", n)
	}
}

// The approval arrives, its answer is lost, and the SDK's retry meets the
// closed task (TaskDoesNotExist): Resume reports it as already approved,
// naming who approved.
func TestResumeLostAnswerIsAlreadyApproved(t *testing.T) {
	f := deploy(t, "shop")
	ctx := context.Background()
	arn, err := executions.Start(ctx, f.clients, f.planARN, executions.TypeDrill, "tester", "")
	if err != nil {
		t.Fatal(err)
	}
	var e *executions.Execution
	f.svc.Drive(t, 300, func() bool { e = f.describe(t, arn); return e.PausedBefore() == "web" })
	front, c := f.behind(t, 3)
	front.LoseAnswers("SendTaskSuccess", 1)
	at := time.Date(2026, 1, 5, 9, 30, 0, 0, time.UTC)
	err = executions.Resume(ctx, c, e, "web", "alice", at)
	if !errors.Is(err, executions.ErrAlreadyApproved) || !strings.Contains(err.Error(), "by alice at 2026-01-05T09:30:00Z") {
		t.Fatalf("resume with a lost answer: %v", err)
	}
	if front.Calls("SendTaskSuccess") != 2 {
		t.Fatalf("%d SendTaskSuccess calls", front.Calls("SendTaskSuccess"))
	}
	web, _ := f.describe(t, arn).Wave("web")
	if web.Approval == nil || web.Approval.ApprovedBy != "alice" || web.Status == executions.WavePaused {
		t.Fatalf("web after resume: %+v", web)
	}
	// The stale view again: still already approved, never "not paused".
	if err := executions.Resume(ctx, c, e, "web", "bob", at); !errors.Is(err, executions.ErrAlreadyApproved) {
		t.Fatalf("second resume: %v", err)
	}
}

// terminateJobs lists the TERMINATE jobs of the estate.
func (f *fixture) terminateJobs(t *testing.T) []drstypes.Job {
	t.Helper()
	out, err := f.clients.DRS.DescribeJobs(context.Background(), &drs.DescribeJobsInput{})
	if err != nil {
		t.Fatal(err)
	}
	var jobs []drstypes.Job
	for _, j := range out.Items {
		if j.Type == drstypes.JobTypeTerminate {
			jobs = append(jobs, j)
		}
	}
	return jobs
}

// finishedDrill runs a drill of the shop to its end (9 instances).
func (f *fixture) finishedDrill(t *testing.T) *executions.Execution {
	t.Helper()
	ctx := context.Background()
	arn, err := executions.Start(ctx, f.clients, f.planARN, executions.TypeDrill, "tester", "")
	if err != nil {
		t.Fatal(err)
	}
	var e *executions.Execution
	f.svc.Drive(t, 300, func() bool { e = f.describe(t, arn); return e.PausedBefore() == "web" })
	if err := executions.Resume(ctx, f.clients, e, "web", "tester", time.Now()); err != nil {
		t.Fatal(err)
	}
	f.svc.Drive(t, 300, func() bool { e = f.describe(t, arn); return !e.Running() })
	if n := len(executions.LaunchedInstances(e)); n != 9 {
		t.Fatalf("%d instances", n)
	}
	return e
}

// TerminateRecoveryInstances starts its job and the answer is lost.
// Terminate does not send it again: DescribeJobs finds the job, which it
// adopts. One terminate job, every instance terminated.
func TestTerminateLostAnswerAdoptsTheJob(t *testing.T) {
	f := deploy(t, "shop")
	e := f.finishedDrill(t)
	front, c := f.behind(t, 3)
	front.LoseAnswers("TerminateRecoveryInstances", 1)
	// Simulated DRS time moves only when the job is polled.
	front.Before("DescribeJobs", func() { f.svc.App.DRS.Advance(30 * time.Second) })
	res, err := executions.Terminate(context.Background(), c, e, false, time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	if front.Calls("TerminateRecoveryInstances") != 1 || front.Lost("TerminateRecoveryInstances") != 1 {
		t.Fatalf("%d TerminateRecoveryInstances calls", front.Calls("TerminateRecoveryInstances"))
	}
	jobs := f.terminateJobs(t)
	if len(jobs) != 1 || len(res.JobIDs) != 1 || res.JobID != aws.ToString(jobs[0].JobID) || len(res.Terminated) != 9 {
		t.Fatalf("terminate jobs %d, result %+v", len(jobs), res)
	}
	if left := executions.LaunchedInstances(f.describe(t, e.ARN)); len(left) != 0 {
		t.Fatalf("instances left: %+v", left)
	}
}

// A terminate job for the instances already runs (an earlier destroy, an
// operator): Terminate waits for it instead of asking DRS again.
func TestTerminateAdoptsARunningJob(t *testing.T) {
	f := deploy(t, "shop")
	e := f.finishedDrill(t)
	var ids []string
	for _, s := range executions.LaunchedInstances(e) {
		ids = append(ids, s.RecoveryInstanceID)
	}
	out, err := f.clients.DRS.TerminateRecoveryInstances(context.Background(), &drs.TerminateRecoveryInstancesInput{RecoveryInstanceIDs: ids})
	if err != nil {
		t.Fatal(err)
	}
	front, c := f.behind(t, 1)
	front.Before("DescribeJobs", func() { f.svc.App.DRS.Advance(30 * time.Second) })
	res, err := executions.Terminate(context.Background(), c, e, false, time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	if front.Calls("TerminateRecoveryInstances") != 0 || res.JobID != aws.ToString(out.Job.JobID) || len(res.Terminated) != 9 {
		t.Fatalf("%d calls, result %+v", front.Calls("TerminateRecoveryInstances"), res)
	}
	if n := len(f.terminateJobs(t)); n != 1 {
		t.Fatalf("%d terminate jobs", n)
	}
}

// A call that never reached DRS (503) left nothing behind: after looking,
// Terminate asks again, and one job terminates everything.
func TestTerminateRetriesWhatNeverArrived(t *testing.T) {
	f := deploy(t, "shop")
	e := f.finishedDrill(t)
	front, c := f.behind(t, 3)
	front.FailNext("TerminateRecoveryInstances", 1)
	front.Before("DescribeJobs", func() { f.svc.App.DRS.Advance(30 * time.Second) })
	res, err := executions.Terminate(context.Background(), c, e, false, time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	if front.Calls("TerminateRecoveryInstances") != 2 || len(res.Terminated) != 9 {
		t.Fatalf("%d calls, result %+v", front.Calls("TerminateRecoveryInstances"), res)
	}
	if n := len(f.terminateJobs(t)); n != 1 {
		t.Fatalf("%d terminate jobs", n)
	}
}

// A request that is wrong in itself is a plain error: no lookup, even
// when the lookup would fail.
func TestStartRefusedIsPlain(t *testing.T) {
	f := deploy(t, "shop")
	front, c := f.behind(t, 1)
	front.Outage("DescribeExecution")
	missing := strings.Replace(f.planARN, "drsorch-plan-shop", "drsorch-plan-nosuch", 1)
	_, err := executions.Start(context.Background(), c, missing, executions.TypeDrill, "tester", "")
	var noMachine *sfntypes.StateMachineDoesNotExist
	if !errors.As(err, &noMachine) || front.Calls("DescribeExecution") != 0 {
		t.Fatalf("start of a missing plan: %v (%d lookups)", err, front.Calls("DescribeExecution"))
	}
}

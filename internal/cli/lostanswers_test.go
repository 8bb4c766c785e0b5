package cli_test

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/drs"
	drstypes "github.com/aws/aws-sdk-go-v2/service/drs/types"
	"github.com/aws/aws-sdk-go-v2/service/sfn"

	"github.com/drsorch/terraform-provider-drsorch/internal/cli"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/runservicetest"
)

// lossy puts a front door that can lose answers before the harness's
// service, and lets the CLI retry (as by default) with AWS_MAX_ATTEMPTS.
func (h *harness) lossy(t *testing.T) *runservicetest.Front {
	t.Helper()
	h.env["AWS_MAX_ATTEMPTS"] = "3"
	return h.svc.Front(t)
}

// runVia runs the CLI against front instead of the harness's door.
func (h *harness) runVia(t *testing.T, front *runservicetest.Front, code int, args ...string) result {
	t.Helper()
	r := h.runRaw(t, "", append(args, "--endpoint", front.URL, "--region", "us-east-1", "--poll-interval", "1ms")...)
	if r.code != code {
		t.Fatalf("drsorch %s: want exit %d, got %s", strings.Join(args, " "), code, r)
	}
	return r
}

func (h *harness) executionsOf(t *testing.T, plan string) int {
	t.Helper()
	out, err := h.sfn.ListExecutions(context.Background(), &sfn.ListExecutionsInput{StateMachineArn: aws.String(plan)})
	if err != nil {
		t.Fatal(err)
	}
	return len(out.Executions)
}

// StartExecution reaches the service, which starts the recovery; its
// answer is lost and the SDK sends the call again. One recovery.
func TestStartWithALostAnswerStartsOneRecovery(t *testing.T) {
	h := newHarness(t)
	plan := h.deployShop(t, "shop", true)
	front := h.lossy(t)
	front.LoseAnswers("StartExecution", 1)
	r := h.runVia(t, front, 0, "start", "shop", "--recovery", "--yes")
	if front.Lost("StartExecution") != 1 {
		t.Fatalf("no answer was lost (%d calls)", front.Calls("StartExecution"))
	}
	if n := h.executionsOf(t, plan); n != 1 {
		t.Fatalf("one start made %d executions", n)
	}
	if !regexp.MustCompile(`Started RECOVERY recovery-\d{8}T\d{6}Z-[0-9a-f]{12} of plan shop`).MatchString(r.stdout) {
		t.Fatalf("start: %s", r)
	}
}

// A name another run of the plan has is refused, naming that run.
func TestStartWithATakenNameIsRefused(t *testing.T) {
	h := newHarness(t)
	plan := h.deployShop(t, "shop", false)
	h.drive("DescribeExecution")
	h.mustRun(t, 0, "", "start", "shop", "--drill", "--wait", "completed", "--name", "friday")
	h.drive("")
	r := h.mustRun(t, cli.ExitRefused, "", "start", "shop", "--recovery", "--yes", "--name", "friday")
	if !strings.Contains(r.stderr, "friday (DRILL SUCCEEDED") || !strings.Contains(r.stderr, "choose another name") {
		t.Fatalf("taken name: %s", r)
	}
	if r = h.mustRun(t, cli.ExitUsage, "", "start", "shop", "--drill", "--name", "a/b"); !strings.Contains(r.stderr, "--name") {
		t.Fatalf("invalid name: %s", r)
	}
	if n := h.executionsOf(t, plan); n != 1 {
		t.Fatalf("%d executions", n)
	}
}

// The approval arrives and its answer is lost; the retry meets the closed
// task. resume says the wave was already approved, and succeeds.
func TestResumeWithALostAnswerSaysAlreadyApproved(t *testing.T) {
	h := newHarness(t)
	h.deployShop(t, "shop", true)
	h.drive("DescribeExecution")
	h.mustRun(t, 0, "", "start", "shop", "--drill", "--wait", "paused", "--name", "d")
	h.drive("")
	front := h.lossy(t)
	front.LoseAnswers("SendTaskSuccess", 1)
	r := h.runVia(t, front, 0, "resume", "d", "--wave", "web")
	if front.Calls("SendTaskSuccess") != 2 || !strings.Contains(r.stdout, "Wave web of d was already approved") || !strings.Contains(r.stdout, "released by arn:aws:") {
		t.Fatalf("resume (%d SendTaskSuccess calls): %s", front.Calls("SendTaskSuccess"), r)
	}
}

// TerminateRecoveryInstances starts its job and the answer is lost.
// terminate does not send it again: it finds the job (DescribeJobs) and
// waits for it. One terminate job, every instance terminated.
func TestTerminateWithALostAnswerAdoptsTheJob(t *testing.T) {
	h := newHarness(t)
	h.deployShop(t, "shop", false)
	h.drive("DescribeExecution")
	h.mustRun(t, 0, "", "start", "shop", "--drill", "--wait", "completed", "--name", "d")
	h.drive("")
	front := h.lossy(t)
	front.LoseAnswers("TerminateRecoveryInstances", 1)
	front.Before("DescribeJobs", func() { h.svc.App.DRS.Advance(30 * time.Second) })
	r := h.runVia(t, front, 0, "terminate", "d")
	if front.Calls("TerminateRecoveryInstances") != 1 || !strings.Contains(r.stdout, "Terminated 9 recovery instances of d (DRS job drsjob-") {
		t.Fatalf("terminate (%d calls): %s", front.Calls("TerminateRecoveryInstances"), r)
	}
	jobs, err := h.drs.DescribeJobs(context.Background(), &drs.DescribeJobsInput{})
	if err != nil {
		t.Fatal(err)
	}
	terminates := 0
	for _, j := range jobs.Items {
		if j.Type == drstypes.JobTypeTerminate {
			terminates++
		}
	}
	if terminates != 1 {
		t.Fatalf("%d terminate jobs", terminates)
	}
}

package cli_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/drs"
	drstypes "github.com/aws/aws-sdk-go-v2/service/drs/types"

	"github.com/drsorch/terraform-provider-drsorch/internal/cli"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/ssmsim"
)

// status names each failed server with DRS's own error text from the
// wave's job log, not only parallel arrays of IDs and statuses.
func TestStatusListsEachFailedServerWithDRSError(t *testing.T) {
	h := newHarness(t)
	h.deployShop(t, "shop", false)
	bad := h.servers["app"][1]
	if err := h.svc.App.DRS.SetFailLaunch(estate, true, bad); err != nil {
		t.Fatal(err)
	}
	h.drive("DescribeExecution")
	h.mustRun(t, cli.ExitRunFailed, "", "start", "shop", "--drill", "--wait", "completed", "--name", "doomed")
	h.drive("")
	const drsError = "simulated launch failure: the EC2 instance did not pass its status checks"
	r := h.mustRun(t, 0, "", "status", "doomed")
	if !strings.Contains(r.stdout, "Failed servers (DRS job log):") || !strings.Contains(r.stdout, bad+" (wave app, job drsjob-") ||
		!strings.Contains(r.stdout, "LAUNCH_FAILED: "+drsError) {
		t.Fatalf("status does not name the failed server with DRS's error: %s", r)
	}
	e := decode[cli.ExecutionJSON](t, h.mustRun(t, 0, "", "status", "doomed", "--json"))
	if len(e.Failures) != 1 || e.Failures[0].SourceServerID != bad || e.Failures[0].Wave != "app" || e.Failures[0].Event != "LAUNCH_FAILED" ||
		e.Failures[0].Error != drsError || e.Failures[0].JobID != e.Waves[1].JobID {
		t.Fatalf("status --json failures = %+v", e.Failures)
	}
}

// status shows each server's DRS post-launch action runs; a must-succeed
// action that fails fails the server, with the action's failure as DRS's
// error.
func TestStatusShowsLaunchActionRuns(t *testing.T) {
	h := newHarness(t)
	h.deployShop(t, "shop", false)
	web := h.servers["web"][0]
	put := func(id, code, name string, order int32, optional bool) {
		t.Helper()
		if _, err := h.drs.PutLaunchAction(context.Background(), &drs.PutLaunchActionInput{ResourceId: aws.String(web), ActionId: aws.String(id),
			ActionCode: aws.String(code), Order: aws.Int32(order), Name: aws.String(name), Active: aws.Bool(true), Optional: aws.Bool(optional),
			ActionVersion: aws.String("$DEFAULT"), Category: drstypes.LaunchActionCategoryValidation, Description: aws.String(""),
			Parameters: map[string]drstypes.LaunchActionParameter{"commands": {Value: aws.String("app.smoke"), Type: drstypes.LaunchActionParameterTypeSsmStore}}}); err != nil {
			t.Fatal(err)
		}
	}
	put("3f2a3b4c-0000-4000-8000-000000000001", "AWS-ConfigureAWSPackage", "install agent", 5, true)
	put("3f2a3b4c-0000-4000-8000-000000000002", "AWS-RunShellScript", "smoke test", 10, false)
	if _, err := h.drs.UpdateLaunchConfiguration(context.Background(), &drs.UpdateLaunchConfigurationInput{SourceServerID: aws.String(web), PostLaunchEnabled: aws.Bool(true)}); err != nil {
		t.Fatal(err)
	}
	h.svc.App.SSM.SetRules([]ssmsim.Rule{{Document: "AWS-RunShellScript", SourceServerID: web, Status: "Failed", Error: "HTTP 503 from /health"}})
	h.drive("DescribeExecution")
	h.mustRun(t, cli.ExitRunFailed, "", "start", "shop", "--drill", "--wait", "completed", "--name", "smoke")
	h.drive("")
	r := h.mustRun(t, 0, "", "status", "smoke")
	for _, want := range []string{"DRS post-launch actions:", web + "  5 install agent (AWS-ConfigureAWSPackage, optional)  SUCCEEDED",
		web + "  10 smoke test (AWS-RunShellScript, must succeed)  FAILED: SSM command ", "exit code 1: HTTP 503 from /health",
		`LAUNCH_FAILED: post-launch action "smoke test" (order 10, AWS-RunShellScript) must succeed and failed`} {
		if !strings.Contains(r.stdout, want) {
			t.Fatalf("status lacks %q:\n%s", want, r)
		}
	}
	e := decode[cli.ExecutionJSON](t, h.mustRun(t, 0, "", "status", "smoke", "--json"))
	var runs []cli.LaunchActionJSON
	for _, w := range e.Waves {
		for _, s := range w.Servers {
			if s.SourceServerID == web {
				runs = s.LaunchActions
			}
		}
	}
	if len(runs) != 2 || runs[1].Name != "smoke test" || !runs[1].MustSucceed || runs[1].Status != "FAILED" || !strings.Contains(runs[1].FailureReason, "HTTP 503") {
		t.Fatalf("status --json launch actions = %+v", runs)
	}
}

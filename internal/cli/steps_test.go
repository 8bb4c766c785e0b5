package cli_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/drsorch/terraform-provider-drsorch/internal/cli"
	"github.com/drsorch/terraform-provider-drsorch/internal/recoveryplan"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/ssmsim"
)

// drsorch status shows each wave's post-launch steps and health checks
// with their outcome, and the failed check's output in the wave's cause.
func TestStatusShowsWaveSteps(t *testing.T) {
	h := newHarness(t)
	h.deploy(t, recoveryplan.Plan{Name: "shop", Waves: []recoveryplan.Wave{
		{Name: "db", ProtectionGroup: "shop-db", ServerIDs: h.servers["db"]},
		{Name: "web", ProtectionGroup: "shop-web", ServerIDs: h.servers["web"],
			PostLaunch: []recoveryplan.PostLaunch{{Type: recoveryplan.StepCommand, Document: "AWS-RunShellScript",
				Parameters: map[string][]string{"commands": {"systemctl start nginx"}}}},
			HealthChecks: []recoveryplan.HealthCheck{{Type: recoveryplan.CheckHTTP, Port: 80, Path: "/health", Retries: 1}}},
		{Name: "app", ProtectionGroup: "shop-app", ServerIDs: h.servers["app"]},
	}})
	h.svc.App.SSM.SetRules([]ssmsim.Rule{{Check: "http", Status: "Failed"}})
	h.drive("DescribeExecution")
	h.mustRun(t, 4, "", "start", "shop", "--drill", "--wait", "completed", "--name", "drill-1") // 4: the run failed
	h.drive("")
	r := h.mustRun(t, 0, "", "status", "drill-1")
	for _, want := range []string{
		"Wave web (level 2)  FAILED", "drsorch.WaveStepFailed", "health_check 1 (command AWS-RunShellScript", "expected HTTP 200, got no answer after 2 attempts",
		"Wave app (level 3)  PENDING",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("status lacks %q:\n%s", want, r.stdout)
		}
	}
	for _, row := range []string{
		`STEP\s+DOCUMENT\s+CHECK\s+SSM ID\s+OUTCOME`,
		`post_launch 1\s+command AWS-RunShellScript\s+-\s+[0-9a-f-]{36}\s+Success`,
		`health_check 1\s+command AWS-RunShellScript\s+http://127.0.0.1:80/health\s+-\s+FAILED`,
	} {
		if !regexp.MustCompile(row).MatchString(r.stdout) {
			t.Errorf("status lacks a row like %s:\n%s", row, r.stdout)
		}
	}
	e := decode[cli.ExecutionJSON](t, h.mustRun(t, 0, "", "status", "drill-1", "--json"))
	steps := e.Waves[1].Steps
	if len(steps) != 2 || steps[0].Status != "Success" || steps[0].ID == "" || steps[1].Status != "FAILED" ||
		!strings.Contains(steps[1].Detail, "expected HTTP 200") || len(e.Waves[0].Steps) != 0 {
		t.Errorf("status --json steps: %+v", steps)
	}
}

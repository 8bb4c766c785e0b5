package cli_test

import (
	"strings"
	"testing"

	"github.com/drsorch/terraform-provider-drsorch/internal/cli"
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

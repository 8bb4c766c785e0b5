package cli_test

import (
	"strings"
	"testing"
	"time"

	"github.com/drsorch/terraform-provider-drsorch/internal/cli"
)

// `retry` continues a drill whose wave app failed for one server: db is
// skipped (recovered earlier), app relaunches only that server, web runs.
// `start --from-wave web` takes db and app as recovered.
func TestRetryAndStartFromWave(t *testing.T) {
	h := newHarness(t)
	h.deployShop(t, "shop", false)
	bad := h.servers["app"][1]
	if err := h.svc.App.DRS.SetFailLaunch(estate, true, bad); err != nil {
		t.Fatal(err)
	}
	h.drive("DescribeExecution")
	h.mustRun(t, cli.ExitRunFailed, "", "start", "shop", "--drill", "--wait", "completed", "--name", "doomed")
	h.drive("")
	if err := h.svc.App.DRS.SetFailLaunch(estate, false, bad); err != nil {
		t.Fatal(err)
	}
	// DRS goes on launching app's other server after the wave failed.
	if r := h.run(t, "", "retry", "doomed"); r.code == 0 {
		// the job may already be done: nothing to check then
		t.Logf("retry while app's job ran: %s", r)
	}
	for i := 0; i < 100; i++ {
		h.svc.App.DRS.Advance(30 * time.Second)
	}
	h.mustRun(t, cli.ExitNotFound, "", "retry", "doomed-nope")

	h.svc.App.DRS.ResetStats()
	h.drive("DescribeExecution")
	r := h.mustRun(t, 0, "", "retry", "doomed", "--wait", "completed", "--name", "again")
	h.drive("")
	if !strings.Contains(r.stderr, "db skipped (arn:aws:states:us-east-1:123456789012:execution:drsorch-plan-shop:doomed); app relaunches only "+bad) ||
		!strings.Contains(r.stdout, "SKIPPED  (recovered earlier in arn:aws:states:us-east-1:123456789012:execution:drsorch-plan-shop:doomed)") {
		t.Fatalf("retry: %s", r)
	}
	if got := h.svc.App.DRS.Stats()["StartRecovery"]; got != 2 {
		t.Fatalf("the retry sent StartRecovery %d times, want twice (app's failed server, web)", got)
	}
	e := decode[cli.ExecutionJSON](t, h.mustRun(t, 0, "", "status", "again", "--json"))
	if e.Waves[0].Status != "SKIPPED" || e.Waves[1].Status != "RECOVERED" || len(e.Waves[1].Servers) != 1 || e.Waves[1].Servers[0].SourceServerID != bad || e.Waves[2].Status != "RECOVERED" {
		t.Fatalf("retry's waves: %+v", e.Waves)
	}
	h.mustRun(t, cli.ExitRefused, "", "retry", "again")

	h.mustRun(t, cli.ExitUsage, "", "start", "shop", "--drill", "--from-wave", "nope")
	h.drive("DescribeExecution")
	r = h.mustRun(t, 0, "", "start", "shop", "--drill", "--from-wave", "web", "--wait", "completed", "--json")
	h.drive("")
	e = decode[cli.ExecutionJSON](t, r)
	if e.Waves[0].Status != "SKIPPED" || e.Waves[1].Status != "SKIPPED" || e.Waves[2].Status != "RECOVERED" || !strings.Contains(e.Waves[1].RecoveredIn, "started from wave web") {
		t.Fatalf("from-wave web: %+v", e.Waves)
	}
}

package cli_test

import (
	"strings"
	"testing"
	"time"

	"github.com/drsorch/terraform-provider-drsorch/internal/cli"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/runservicetest"
)

// start --point-in-time recovers every server from its latest snapshot at
// or before T and says which; status shows the snapshot per server; a T
// before every snapshot refuses the start, naming the server, and starts
// nothing.
func TestStartFromPointInTime(t *testing.T) {
	h := newHarness(t)
	h.deployShop(t, "shop", false)
	// Two hours and ten seconds before the estate's clock: the hourly
	// snapshot expected at T-10s is not yet taken, the one an hour
	// earlier is.
	at := runservicetest.Epoch.Add(-2*time.Hour + 10*time.Second).Format(time.RFC3339)
	want := runservicetest.Epoch.Add(-3 * time.Hour).Format("2006-01-02T15:04")

	before := runservicetest.Epoch.Add(-30 * 24 * time.Hour).Format(time.RFC3339)
	r := h.mustRun(t, 3, "", "start", "shop", "--drill", "--point-in-time", before, "--name", "too-early")
	if db := h.servers["db"][0]; !strings.Contains(r.stderr, db) || !strings.Contains(r.stderr, "its oldest is pit-") || !strings.Contains(r.stderr, "nothing was started") {
		t.Fatalf("T before every snapshot: %s", r)
	}
	if n := h.svc.App.DRS.Stats()["StartRecovery"]; n != 0 {
		t.Fatalf("a refused point in time sent StartRecovery %d times", n)
	}
	h.mustRun(t, 1, "", "start", "shop", "--drill", "--point-in-time", "yesterday")
	h.mustRun(t, 1, "", "start", "shop", "--drill", "--snapshot", h.servers["db"][0]+"=snap-1")

	h.drive("DescribeExecution")
	r = h.mustRun(t, 0, "", "start", "shop", "--drill", "--point-in-time", at, "--name", "pit", "--wait", "completed")
	h.drive("")
	if !strings.Contains(r.stderr, "Recovering 9 servers from chosen recovery snapshots") || !strings.Contains(r.stderr, "taken "+want) {
		t.Fatalf("start: %s", r)
	}
	r = h.mustRun(t, 0, "", "status", "pit")
	if !strings.Contains(r.stdout, "SNAPSHOT") || !strings.Contains(r.stdout, "the latest snapshot at or before "+at) || strings.Count(r.stdout, "("+want) != 9 {
		t.Fatalf("status: %s", r)
	}
	e := decode[cli.ExecutionJSON](t, h.mustRun(t, 0, "", "status", "pit", "--json"))
	if e.PointInTime != at {
		t.Fatalf("point_in_time %q", e.PointInTime)
	}
	for _, w := range e.Waves {
		for _, s := range w.Servers {
			if !strings.HasPrefix(s.RecoverySnapshotID, "pit-") || !strings.HasPrefix(s.SnapshotTime, want) || s.LaunchStatus != "LAUNCHED" {
				t.Fatalf("server %+v", s)
			}
		}
	}
}

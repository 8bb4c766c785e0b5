package statemachine

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/drsorch/terraform-provider-drsorch/internal/recoveryplan"
)

// planOf is a plan of waves of 100 servers each (the per-job quota), and
// the point-in-time input that names a snapshot for every server.
func pitPlanOf(servers int) (recoveryplan.Plan, []byte, map[string][]RecoverySnapshot) {
	p := recoveryplan.Plan{Name: "big"}
	snaps := map[string][]RecoverySnapshot{}
	for n := 0; n < servers; n += 100 {
		w := recoveryplan.Wave{Name: fmt.Sprintf("wave-%03d", n/100), ProtectionGroup: "g"}
		for i := n; i < min(n+100, servers); i++ {
			id := fmt.Sprintf("s-%017x", i)
			w.ServerIDs = append(w.ServerIDs, id)
			snaps[w.Name] = append(snaps[w.Name], RecoverySnapshot{SourceServerID: id, RecoverySnapshotID: fmt.Sprintf("pit-%017x", i)})
		}
		p.Waves = append(p.Waves, w)
	}
	in, _ := json.Marshal(map[string]any{"type": "RECOVERY", "invokedBy": strings.Repeat("x", 100), "pointInTime": "2026-11-30T22:00:00Z", InputRecoverySnapshots: snaps})
	return p, in, snaps
}

// A snapshot per server costs about 90 bytes of execution input: plans of
// up to about 2,500 servers recover from a point in time in one run; a
// larger one is refused before it starts, naming the 256 KiB limit and
// what to do.
func TestCheckStartInputPointInTime(t *testing.T) {
	largest := 0
	for servers := 100; servers <= 4000; servers += 100 {
		p, in, snaps := pitPlanOf(servers)
		if CheckStartInput(p, in, snaps) != nil {
			break
		}
		largest = servers
	}
	_, in, _ := pitPlanOf(largest)
	t.Logf("largest plan recovering every server from a chosen snapshot in one run: %d servers (input %d bytes)", largest, len(in))
	if largest < 1500 {
		t.Fatalf("only %d servers fit", largest)
	}
	p, in, snaps := pitPlanOf(largest + 100)
	err := CheckStartInput(p, in, snaps)
	if err == nil || !strings.Contains(err.Error(), "256 KiB") || !strings.Contains(err.Error(), "start_from_wave") {
		t.Fatalf("%d servers: %v", largest+100, err)
	}
	// No snapshots: only the input's own limit applies.
	if err := CheckStartInput(p, []byte(`{"type":"DRILL"}`), nil); err != nil {
		t.Fatal(err)
	}
}

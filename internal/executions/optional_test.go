package executions_test

import (
	"context"
	"strings"
	"testing"
	"time"

	sfntypes "github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/drsorch/terraform-provider-drsorch/internal/executions"
	"github.com/drsorch/terraform-provider-drsorch/internal/recoveryplan"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/drssim"
)

// An optional wave that fails lets the run go on: it ends SUCCEEDED, its
// phase PARTIAL naming the wave, and the next wave recovered.
func TestOptionalWaveFailureEndsPartial(t *testing.T) {
	f := deploy(t, "shop")
	arn := deployPlan(t, f, "shop-optional", recoveryplan.Plan{Name: "shop-optional", Waves: []recoveryplan.Wave{
		{Name: "db", ProtectionGroup: "shop-db", ServerIDs: f.servers["db"]},
		{Name: "app", ProtectionGroup: "shop-app", Optional: true, ServerIDs: f.servers["app"]},
		{Name: "web", ProtectionGroup: "shop-web", ServerIDs: f.servers["web"]},
	}})
	bad := f.servers["app"][1]
	if err := f.svc.App.DRS.SetFailLaunch(drssim.Estate{Account: "123456789012", Region: "us-east-1"}, true, bad); err != nil {
		t.Fatal(err)
	}
	run, err := executions.Start(context.Background(), f.clients, arn, executions.TypeDrill, "tester", "")
	if err != nil {
		t.Fatal(err)
	}
	var e *executions.Execution
	f.svc.Drive(t, 300, func() bool { e = f.describe(t, run); return !e.Running() })
	app, _ := e.Wave("app")
	web, _ := e.Wave("web")
	if e.Status != sfntypes.ExecutionStatusSucceeded || e.Phase() != "PARTIAL: optional wave app failed" {
		t.Fatalf("status %s, phase %q: %s", e.Status, e.Phase(), e.Cause)
	}
	if app.Status != executions.WaveFailed || !strings.Contains(app.Cause, bad) || web.Status != executions.WaveRecovered {
		t.Fatalf("app %+v, web %s", app, web.Status)
	}
	// A PARTIAL run can be retried: only the optional wave's failed
	// server, once its DRS job has completed.
	if !e.Partial() {
		t.Fatal("Partial() is false for a PARTIAL run")
	}
	var in executions.Input
	for i := 0; ; i++ {
		if in, err = executions.RetryInput(f.describe(t, run), "tester"); err == nil {
			break
		} else if i == 120 {
			t.Fatalf("retry of a PARTIAL run: %v", err)
		}
		f.svc.App.Clock.Advance(time.Minute)
	}
	if len(in.SkipWaves) != 2 || in.SkipWaves["db"] != run || in.SkipWaves["web"] != run || len(in.OnlyServers["app"]) != 1 || in.OnlyServers["app"][0] != bad {
		t.Fatalf("retry input of a PARTIAL run: %+v", in)
	}
}

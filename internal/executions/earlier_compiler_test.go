package executions_test

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	sfntypes "github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/drsorch/terraform-provider-drsorch/internal/executions"
	"github.com/drsorch/terraform-provider-drsorch/internal/plans"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/drssim"
)

// deployEarlier deploys the definition an earlier compiler made of the
// statemachine package's three-tier plan (Fail states named for each
// failure, no wave events), its server IDs mapped onto the demo estate.
func deployEarlier(t *testing.T, f *fixture) string {
	t.Helper()
	raw, err := os.ReadFile("../statemachine/testdata/compiled-2026-11-30-three-tier.json")
	if err != nil {
		t.Fatal(err)
	}
	def := strings.NewReplacer(
		`"s-db1"`, `"`+f.servers["db"][0]+`"`, `"s-db2"`, `"`+f.servers["db"][1]+`"`,
		`"s-c1"`, `"`+f.servers["app"][1]+`"`, `"s-a1"`, `"`+f.servers["app"][0]+`"`,
		`"s-w1"`, `"`+f.servers["web"][0]+`"`, `"s-w2"`, `"`+f.servers["web"][1]+`"`,
	).Replace(string(raw))
	out, err := f.clients.SFN.CreateStateMachine(context.Background(), &sfn.CreateStateMachineInput{
		Name: aws.String(plans.StateMachineName("shop")), Definition: aws.String(def),
		RoleArn: aws.String("arn:aws:iam::123456789012:role/drsorch")})
	if err != nil {
		t.Fatal(err)
	}
	return aws.ToString(out.StateMachineArn)
}

// A plan deployed by an earlier drsorch still runs and shows its status:
// waves recovered, paused, resumed.
func TestPlanOfAnEarlierCompilerRunsAndShowsStatus(t *testing.T) {
	svc := deploy(t, "unused")
	ctx := context.Background()
	planARN := deployEarlier(t, svc)
	arn, err := executions.Start(ctx, svc.clients, planARN, executions.TypeDrill, "tester", "")
	if err != nil {
		t.Fatal(err)
	}
	var e *executions.Execution
	svc.svc.Drive(t, 300, func() bool { e = svc.describe(t, arn); return e.PausedBefore() != "" || !e.Running() })
	if e.PausedBefore() != "web" || e.Plan != "shop" {
		t.Fatalf("phase %s, plan %s", e.Phase(), e.Plan)
	}
	for _, name := range []string{"db", "cache", "app"} {
		if w, _ := e.Wave(name); w.Status != executions.WaveRecovered || w.JobID == "" {
			t.Fatalf("wave %s = %+v", name, w)
		}
	}
	if err := executions.Resume(ctx, svc.clients, e, "web", "tester", time.Now()); err != nil {
		t.Fatal(err)
	}
	svc.svc.Drive(t, 300, func() bool { e = svc.describe(t, arn); return !e.Running() })
	if w, _ := e.Wave("web"); e.Status != sfntypes.ExecutionStatusSucceeded || w.Status != executions.WaveRecovered {
		t.Fatalf("%s, web %+v: %s", e.Status, w, e.Cause)
	}
}

// Its failures read as before: the wave that failed in its own Fail state.
func TestPlanOfAnEarlierCompilerShowsItsFailedWave(t *testing.T) {
	f := deploy(t, "unused")
	ctx := context.Background()
	if err := f.svc.App.DRS.SetFailLaunch(drssim.Estate{Account: "123456789012", Region: "us-east-1"}, true, f.servers["app"][0]); err != nil {
		t.Fatal(err)
	}
	planARN := deployEarlier(t, f)
	arn, err := executions.Start(ctx, f.clients, planARN, executions.TypeDrill, "tester", "")
	if err != nil {
		t.Fatal(err)
	}
	var e *executions.Execution
	f.svc.Drive(t, 300, func() bool { e = f.describe(t, arn); return !e.Running() })
	app, _ := e.Wave("app")
	web, _ := e.Wave("web")
	if e.Status != sfntypes.ExecutionStatusFailed || app.Status != executions.WaveFailed || app.Error != "drsorch.WaveFailed" ||
		web.Status != executions.WavePending || e.Phase() != "FAILED in wave app" {
		t.Fatalf("%s (%s), app %+v, web %s", e.Status, e.Phase(), app, web.Status)
	}
}

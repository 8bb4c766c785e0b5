package executions_test

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/drs"
	"github.com/aws/aws-sdk-go-v2/service/servicequotas"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	sfntypes "github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/drsorch/terraform-provider-drsorch/internal/drsapi"
	"github.com/drsorch/terraform-provider-drsorch/internal/executions"
	"github.com/drsorch/terraform-provider-drsorch/internal/recoveryplan"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/runservicetest"
)

// serve starts a run service on dataDir at simulated time start.
func serve(t *testing.T, dataDir string, start time.Time) (*runservicetest.Service, func()) {
	app, err := runservice.New(runservice.Config{DataDir: dataDir, StartTime: start})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(app.Handler())
	return &runservicetest.Service{App: app, URL: srv.URL}, func() { srv.Close(); _ = app.Close() }
}

func clientsFor(svc *runservicetest.Service) executions.Clients {
	cfg := svc.AWSConfig("us-east-1")
	return executions.Clients{SFN: sfn.NewFromConfig(cfg), DRS: drs.NewFromConfig(cfg), Quotas: servicequotas.NewFromConfig(cfg)}
}

// A restart of the run service in the middle of a drill loses nothing and
// launches nothing twice.
func TestRestartMidDrill(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	svc, stop := serve(t, dir, runservicetest.Epoch)
	c := clientsFor(svc)
	f := &fixture{svc: svc, clients: c, servers: map[string][]string{}}
	all, err := drsapi.ListSourceServers(ctx, c.DRS, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range all {
		if s.Tags["app"] == "shop" {
			f.servers[s.Tags["tier"]] = append(f.servers[s.Tags["tier"]], aws.ToString(s.SourceServerID))
		}
	}
	planARN := deployPlan(t, f, "shop", recoveryplan.Plan{Name: "shop", Waves: []recoveryplan.Wave{
		{Name: "db", ProtectionGroup: "shop-db", ServerIDs: f.servers["db"]},
		{Name: "app", ProtectionGroup: "shop-app", ServerIDs: f.servers["app"]},
		{Name: "web", ProtectionGroup: "shop-web", PauseBefore: true, ServerIDs: f.servers["web"]},
	}})
	arn, err := executions.Start(ctx, c, planARN, executions.TypeDrill, "tester", "")
	if err != nil {
		t.Fatal(err)
	}
	// Stop while the app wave's servers are launching.
	svc.Drive(t, 300, func() bool {
		e, err := executions.Describe(ctx, c, arn)
		if err != nil {
			t.Fatal(err)
		}
		w, _ := e.Wave("app")
		return w.Status == executions.WaveRunning && w.JobID != ""
	})
	at := svc.App.Clock.Now()
	stop()

	svc, stop = serve(t, dir, at)
	defer stop()
	c = clientsFor(svc)
	var e *executions.Execution
	svc.Drive(t, 300, func() bool {
		if e, err = executions.Describe(ctx, c, arn); err != nil {
			t.Fatal(err)
		}
		return e.PausedBefore() == "web"
	})
	if err := executions.Resume(ctx, c, e, "web", "tester", time.Now()); err != nil {
		t.Fatal(err)
	}
	svc.Drive(t, 300, func() bool {
		if e, err = executions.Describe(ctx, c, arn); err != nil {
			t.Fatal(err)
		}
		return !e.Running()
	})
	if e.Status != sfntypes.ExecutionStatusSucceeded {
		t.Fatalf("after restart: %s %s", e.Status, e.Cause)
	}
	jobs, err := c.DRS.DescribeJobs(ctx, &drs.DescribeJobsInput{})
	if err != nil {
		t.Fatal(err)
	}
	launches := map[string]int{}
	for _, j := range jobs.Items {
		for _, p := range j.ParticipatingServers {
			launches[aws.ToString(p.SourceServerID)]++
		}
	}
	if len(jobs.Items) != 3 || len(launches) != 9 {
		t.Fatalf("%d jobs over %d servers, want 3 jobs over 9", len(jobs.Items), len(launches))
	}
	for id, n := range launches {
		if n != 1 {
			t.Errorf("server %s launched %d times", id, n)
		}
	}
}

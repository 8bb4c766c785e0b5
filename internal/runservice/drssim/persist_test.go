package drssim_test

import (
	"net/http/httptest"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/drs"
	"github.com/aws/aws-sdk-go-v2/service/drs/types"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/drssim"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/runservicetest"
)

// open starts a run service on dataDir at simulated time at.
func open(t *testing.T, dataDir, inventory string, at time.Time) (*runservicetest.Service, func()) {
	t.Helper()
	app, err := runservice.New(runservice.Config{DataDir: dataDir, Inventory: inventory, StartTime: at})
	if err != nil {
		t.Fatalf("start run service: %v", err)
	}
	srv := httptest.NewServer(app.Handler())
	return &runservicetest.Service{App: app, URL: srv.URL}, func() {
		srv.Close()
		if err := app.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	}
}

func TestStatePersistsAcrossRestart(t *testing.T) {
	dir := t.TempDir()
	inv := writeInventory(t, &drssim.Inventory{Estates: []drssim.EstateSpec{{Region: "us-east-1",
		Servers:  []drssim.ServerSpec{{Hostname: "db-1", Tags: map[string]string{"tier": "db"}}, {Hostname: "app-1"}},
		Generate: &drssim.GenerateSpec{Count: 20}}}})

	svc, stop := open(t, dir, inv, runservicetest.Epoch)
	c := drsClient(svc, "us-east-1")
	ids := serverIDs(t, c, "db-1", "app-1")
	first, err := c.StartRecovery(ctx, recoveryInput(true, ids[0]))
	if err != nil {
		t.Fatal(err)
	}
	svc.App.DRS.RunUntilIdle()
	second, err := c.StartRecovery(ctx, recoveryInput(false, ids[1]))
	if err != nil {
		t.Fatal(err)
	}
	advance(svc, 4*time.Minute) // the second job is half way
	servers, _ := allServers(t, c, 0)
	if _, err := c.TagResource(ctx, &drs.TagResourceInput{ResourceArn: serverByHost(t, servers, "db-1").Arn, Tags: map[string]string{"kept": "yes"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.UpdateLaunchConfiguration(ctx, &drs.UpdateLaunchConfigurationInput{SourceServerID: aws.String(ids[1]), CopyTags: aws.Bool(true)}); err != nil {
		t.Fatal(err)
	}
	if err := svc.App.DRS.SetQuota(drssim.Estate{}, drssim.QuotaConcurrentJobs, 7); err != nil {
		t.Fatal(err)
	}
	logsBefore := len(jobEvents(t, c, aws.ToString(second.Job.JobID)))
	at := svc.App.Clock.Now()
	stop()

	// Restart on the same data dir with a different inventory: the store wins.
	other := writeInventory(t, &drssim.Inventory{Estates: []drssim.EstateSpec{{Region: "us-east-1", Generate: &drssim.GenerateSpec{Count: 3}}}})
	svc, stop = open(t, dir, other, at)
	defer stop()
	c = drsClient(svc, "us-east-1")
	servers, _ = allServers(t, c, 0)
	if len(servers) != 22 {
		t.Fatalf("%d servers after restart, want the 22 first seeded", len(servers))
	}
	db := serverByHost(t, servers, "db-1")
	if db.Tags["kept"] != "yes" || db.LastLaunchResult != types.LastLaunchResultSucceeded || aws.ToString(db.RecoveryInstanceId) == "" {
		t.Fatalf("db-1 after restart: tags %v result %s instance %q", db.Tags, db.LastLaunchResult, aws.ToString(db.RecoveryInstanceId))
	}
	if j := describeJob(t, c, aws.ToString(first.Job.JobID)); j.Status != types.JobStatusCompleted {
		t.Fatalf("first job after restart: %s", j.Status)
	}
	j := describeJob(t, c, aws.ToString(second.Job.JobID))
	if j.Status != types.JobStatusStarted || len(jobEvents(t, c, aws.ToString(second.Job.JobID))) != logsBefore {
		t.Fatalf("second job after restart: %s with %d log items, want STARTED with %d", j.Status, len(jobEvents(t, c, aws.ToString(second.Job.JobID))), logsBefore)
	}
	lc, _ := c.GetLaunchConfiguration(ctx, &drs.GetLaunchConfigurationInput{SourceServerID: aws.String(ids[1])})
	if !aws.ToBool(lc.CopyTags) {
		t.Fatal("launch configuration change lost")
	}
	if q := svc.App.DRS.State().Estates; q[0].Quotas[drssim.QuotaConcurrentJobs] != 7 {
		t.Fatalf("quota override lost: %+v", q[0].Quotas)
	}
	// The interrupted job resumes where it stood and launches once.
	svc.App.DRS.RunUntilIdle()
	j = describeJob(t, c, aws.ToString(second.Job.JobID))
	if j.Status != types.JobStatusCompleted || j.ParticipatingServers[0].LaunchStatus != types.LaunchStatusLaunched {
		t.Fatalf("resumed job %+v", j)
	}
	inst, _ := c.DescribeRecoveryInstances(ctx, &drs.DescribeRecoveryInstancesInput{})
	if len(inst.Items) != 2 {
		t.Fatalf("%d recovery instances, want 2 (one per launched server)", len(inst.Items))
	}
}

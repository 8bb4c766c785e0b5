package drssim_test

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/drs"
	"github.com/aws/aws-sdk-go-v2/service/drs/types"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/drssim"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/runservicetest"
)

// Templates, launch actions, replication runs, deleted servers and
// operation-fault counters survive a restart.
func TestNewStatePersistsAcrossRestart(t *testing.T) {
	dir := t.TempDir()
	inv := writeInventory(t, &drssim.Inventory{Estates: []drssim.EstateSpec{{Region: "us-east-1",
		Servers: []drssim.ServerSpec{{Hostname: "db-1"}, {Hostname: "app-1"}, {Hostname: "web-1"}}}}})
	svc, stop := open(t, dir, inv, runservicetest.Epoch)
	c := drsClient(svc, "us-east-1")
	ids := serverIDs(t, c, "db-1", "app-1", "web-1")
	tpl, err := c.CreateLaunchConfigurationTemplate(ctx, &drs.CreateLaunchConfigurationTemplateInput{CopyTags: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.PutLaunchAction(ctx, &drs.PutLaunchActionInput{ResourceId: aws.String(ids[0]), ActionId: aws.String("dddddddd-0000-4000-8000-000000000004"),
		ActionCode: aws.String("AWS-RunShellScript"), Name: aws.String("kept"), Order: aws.Int32(5), Optional: aws.Bool(true), Active: aws.Bool(true),
		ActionVersion: aws.String("1"), Category: types.LaunchActionCategoryOther, Description: aws.String("kept")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.StopReplication(ctx, &drs.StopReplicationInput{SourceServerID: aws.String(ids[1])}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.StartReplication(ctx, &drs.StartReplicationInput{SourceServerID: aws.String(ids[1])}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DisconnectSourceServer(ctx, &drs.DisconnectSourceServerInput{SourceServerID: aws.String(ids[2])}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteSourceServer(ctx, &drs.DeleteSourceServerInput{SourceServerID: aws.String(ids[2])}); err != nil {
		t.Fatal(err)
	}
	if err := svc.App.DRS.SetFaults(drssim.Estate{}, drssim.Faults{Errors: []drssim.OperationFault{{Operation: "DescribeJobs", Kind: drssim.FaultService, Count: 2}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DescribeJobs(ctx, &drs.DescribeJobsInput{}); err == nil {
		t.Fatal("fault did not fire")
	}
	now := svc.App.Clock.Now()
	stop()

	svc, stop = open(t, dir, inv, now)
	defer stop()
	c = drsClient(svc, "us-east-1")
	lt, err := c.DescribeLaunchConfigurationTemplates(ctx, &drs.DescribeLaunchConfigurationTemplatesInput{})
	if err != nil || len(lt.Items) != 1 || aws.ToString(lt.Items[0].LaunchConfigurationTemplateID) != aws.ToString(tpl.LaunchConfigurationTemplate.LaunchConfigurationTemplateID) {
		t.Fatalf("templates after restart: %v %+v", err, lt)
	}
	acts, err := c.ListLaunchActions(ctx, &drs.ListLaunchActionsInput{ResourceId: aws.String(ids[0])})
	if err != nil || len(acts.Items) != 1 {
		t.Fatalf("launch actions after restart: %v %+v", err, acts)
	}
	servers, _ := allServers(t, c, 0)
	if len(servers) != 2 {
		t.Fatalf("%d servers after restart, want 2 (one deleted)", len(servers))
	}
	// The replication run goes on from where it stood.
	svc.App.DRS.Advance(time.Hour)
	if st := serverByHost(t, mustServers(t, c), "app-1").DataReplicationInfo.DataReplicationState; st != types.DataReplicationStateContinuous {
		t.Fatalf("app-1 after restart and an hour: %s", st)
	}
	// One of the fault's two failures is left.
	if _, err := c.DescribeJobs(ctx, &drs.DescribeJobsInput{}); err == nil {
		t.Fatal("the fault's second failure was lost in the restart")
	}
	if _, err := c.DescribeJobs(ctx, &drs.DescribeJobsInput{}); err != nil {
		t.Fatalf("the fault fired a third time: %v", err)
	}
}

func mustServers(t *testing.T, c *drs.Client) []types.SourceServer {
	s, _ := allServers(t, c, 0)
	return s
}

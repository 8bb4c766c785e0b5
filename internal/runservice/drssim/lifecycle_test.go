package drssim_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/drs"
	"github.com/aws/aws-sdk-go-v2/service/drs/types"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/drssim"
)

func wantTyped[T error](t *testing.T, err error, what string) T {
	t.Helper()
	var target T
	if !errors.As(err, &target) {
		t.Fatalf("%s: want %T, got %v", what, target, err)
	}
	return target
}

func TestLaunchConfigurationTemplatesAndTheirLaunchActions(t *testing.T) {
	svc := start(t, nil)
	c := drsClient(svc, "us-east-1")
	created, err := c.CreateLaunchConfigurationTemplate(ctx, &drs.CreateLaunchConfigurationTemplateInput{
		LaunchDisposition: types.LaunchDispositionStopped, CopyTags: aws.Bool(true), Tags: map[string]string{"team": "dr"}})
	if err != nil {
		t.Fatal(err)
	}
	tpl := created.LaunchConfigurationTemplate
	id := aws.ToString(tpl.LaunchConfigurationTemplateID)
	if len(id) != 21 || tpl.LaunchDisposition != types.LaunchDispositionStopped || !aws.ToBool(tpl.CopyTags) || tpl.Tags["team"] != "dr" {
		t.Fatalf("created %+v", tpl)
	}
	// Quota L-1F3FAE4D: one launch configuration template per account and region.
	_, err = c.CreateLaunchConfigurationTemplate(ctx, &drs.CreateLaunchConfigurationTemplateInput{})
	if q := wantTyped[*types.ServiceQuotaExceededException](t, err, "second template"); aws.ToString(q.QuotaCode) != "L-1F3FAE4D" {
		t.Fatalf("quota %s", aws.ToString(q.QuotaCode))
	}
	up, err := c.UpdateLaunchConfigurationTemplate(ctx, &drs.UpdateLaunchConfigurationTemplateInput{LaunchConfigurationTemplateID: aws.String(id),
		TargetInstanceTypeRightSizingMethod: types.TargetInstanceTypeRightSizingMethodInAws})
	if err != nil || up.LaunchConfigurationTemplate.TargetInstanceTypeRightSizingMethod != types.TargetInstanceTypeRightSizingMethodInAws ||
		up.LaunchConfigurationTemplate.LaunchDisposition != types.LaunchDispositionStopped {
		t.Fatalf("update: %v %+v", err, up)
	}
	_, err = c.UpdateLaunchConfigurationTemplate(ctx, &drs.UpdateLaunchConfigurationTemplateInput{LaunchConfigurationTemplateID: aws.String(id), LaunchDisposition: "SIDEWAYS"})
	wantValidation(t, err, "launchDisposition")

	put, err := c.PutLaunchAction(ctx, &drs.PutLaunchActionInput{ResourceId: aws.String(id), ActionId: aws.String("3f2a3b4c-0000-4000-8000-00000000000a"),
		ActionCode: aws.String("AWS-RunShellScript"), Name: aws.String("warm cache"), Order: aws.Int32(10), Optional: aws.Bool(true), Active: aws.Bool(true),
		ActionVersion: aws.String("$DEFAULT"), Category: types.LaunchActionCategoryConfiguration, Description: aws.String("warm the cache"),
		Parameters: map[string]types.LaunchActionParameter{"commands": {Value: aws.String("drs.warm-cache-commands"), Type: types.LaunchActionParameterTypeSsmStore}}})
	if err != nil || put.Type != types.LaunchActionTypeSsmCommand || aws.ToString(put.ResourceId) != id {
		t.Fatalf("PutLaunchAction on a template: %v %+v", err, put)
	}
	list, err := c.ListLaunchActions(ctx, &drs.ListLaunchActionsInput{ResourceId: aws.String(id)})
	if err != nil || len(list.Items) != 1 || aws.ToString(list.Items[0].Name) != "warm cache" {
		t.Fatalf("ListLaunchActions: %v %+v", err, list)
	}

	desc, err := c.DescribeLaunchConfigurationTemplates(ctx, &drs.DescribeLaunchConfigurationTemplatesInput{})
	if err != nil || len(desc.Items) != 1 {
		t.Fatalf("describe: %v %+v", err, desc)
	}
	if _, err := c.DeleteLaunchConfigurationTemplate(ctx, &drs.DeleteLaunchConfigurationTemplateInput{LaunchConfigurationTemplateID: aws.String(id)}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DescribeLaunchConfigurationTemplates(ctx, &drs.DescribeLaunchConfigurationTemplatesInput{LaunchConfigurationTemplateIDs: []string{id}})
	wantTyped[*types.ResourceNotFoundException](t, err, "deleted template by ID")
	_, err = c.DeleteLaunchConfigurationTemplate(ctx, &drs.DeleteLaunchConfigurationTemplateInput{LaunchConfigurationTemplateID: aws.String(id)})
	wantTyped[*types.ResourceNotFoundException](t, err, "second delete")
	_, err = c.ListLaunchActions(ctx, &drs.ListLaunchActionsInput{ResourceId: aws.String(id)})
	wantTyped[*types.ResourceNotFoundException](t, err, "actions of a deleted template")
}

func TestReplicationConfigurationTemplates(t *testing.T) {
	svc := start(t, nil)
	c := drsClient(svc, "us-east-1")
	in := &drs.CreateReplicationConfigurationTemplateInput{
		StagingAreaSubnetId: aws.String("subnet-0123456789abcdef0"), AssociateDefaultSecurityGroup: aws.Bool(true),
		ReplicationServersSecurityGroupsIDs: []string{}, ReplicationServerInstanceType: aws.String("t3.small"),
		UseDedicatedReplicationServer: aws.Bool(false), DefaultLargeStagingDiskType: types.ReplicationConfigurationDefaultLargeStagingDiskTypeGp3,
		EbsEncryption: types.ReplicationConfigurationEbsEncryptionDefault, BandwidthThrottling: 0,
		DataPlaneRouting: types.ReplicationConfigurationDataPlaneRoutingPrivateIp, CreatePublicIP: aws.Bool(false),
		StagingAreaTags: map[string]string{}, PitPolicy: []types.PITPolicyRule{{Units: types.PITPolicyRuleUnitsDay, Interval: aws.Int32(1), RetentionDuration: aws.Int32(7)}}}
	out, err := c.CreateReplicationConfigurationTemplate(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	id := out.ReplicationConfigurationTemplateID
	if len(aws.ToString(id)) != 21 || len(out.PitPolicy) != 1 || !aws.ToBool(out.PitPolicy[0].Enabled) {
		t.Fatalf("created %+v", out)
	}
	_, err = c.UpdateReplicationConfigurationTemplate(ctx, &drs.UpdateReplicationConfigurationTemplateInput{ReplicationConfigurationTemplateID: id,
		EbsEncryption: types.ReplicationConfigurationEbsEncryptionCustom})
	wantValidation(t, err, "ebsEncryptionKeyArn")
	up, err := c.UpdateReplicationConfigurationTemplate(ctx, &drs.UpdateReplicationConfigurationTemplateInput{ReplicationConfigurationTemplateID: id,
		BandwidthThrottling: 100})
	if err != nil || up.BandwidthThrottling != 100 || aws.ToString(up.StagingAreaSubnetId) != "subnet-0123456789abcdef0" {
		t.Fatalf("update: %v %+v", err, up)
	}
	list, err := c.DescribeReplicationConfigurationTemplates(ctx, &drs.DescribeReplicationConfigurationTemplatesInput{ReplicationConfigurationTemplateIDs: []string{aws.ToString(id)}})
	if err != nil || len(list.Items) != 1 || list.Items[0].BandwidthThrottling != 100 {
		t.Fatalf("describe: %v %+v", err, list)
	}
	if _, err := c.DeleteReplicationConfigurationTemplate(ctx, &drs.DeleteReplicationConfigurationTemplateInput{ReplicationConfigurationTemplateID: id}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DeleteReplicationConfigurationTemplate(ctx, &drs.DeleteReplicationConfigurationTemplateInput{ReplicationConfigurationTemplateID: id})
	wantTyped[*types.ResourceNotFoundException](t, err, "second delete")
}

func TestLaunchActionsOnASourceServer(t *testing.T) {
	svc := start(t, nil)
	c := drsClient(svc, "us-east-1")
	id := aws.String(serverIDs(t, c, "shop-db-1")[0])
	put := func(actionID string, order int32) error {
		_, err := c.PutLaunchAction(ctx, &drs.PutLaunchActionInput{ResourceId: id, ActionId: aws.String(actionID),
			ActionCode: aws.String("AWSEC2-CreateVssSnapshot"), Name: aws.String("action " + actionID[:4]), Order: aws.Int32(order),
			Optional: aws.Bool(false), Active: aws.Bool(true), ActionVersion: aws.String("$LATEST"),
			Category: types.LaunchActionCategoryValidation, Description: aws.String("check")})
		return err
	}
	for i, a := range []string{"bbbbbbbb-0000-4000-8000-000000000002", "aaaaaaaa-0000-4000-8000-000000000001"} {
		if err := put(a, int32(200-i*100)); err != nil {
			t.Fatal(err)
		}
	}
	err := put("cccccccc-0000-4000-8000-000000000003", 100)
	wantTyped[*types.ConflictException](t, err, "a second action at order 100")
	err = put("cccccccc-0000-4000-8000-000000000003", 1)
	wantValidation(t, err, "order")
	// Listed in run order, a page at a time.
	first, err := c.ListLaunchActions(ctx, &drs.ListLaunchActionsInput{ResourceId: id, MaxResults: aws.Int32(1)})
	if err != nil || len(first.Items) != 1 || aws.ToInt32(first.Items[0].Order) != 100 || first.NextToken == nil {
		t.Fatalf("first page: %v %+v", err, first)
	}
	second, err := c.ListLaunchActions(ctx, &drs.ListLaunchActionsInput{ResourceId: id, MaxResults: aws.Int32(1), NextToken: first.NextToken})
	if err != nil || len(second.Items) != 1 || aws.ToInt32(second.Items[0].Order) != 200 || second.NextToken != nil {
		t.Fatalf("second page: %v %+v", err, second)
	}
	if first.Items[0].Type != types.LaunchActionTypeSsmAutomation {
		t.Errorf("type %s", first.Items[0].Type)
	}
	if _, err := c.DeleteLaunchAction(ctx, &drs.DeleteLaunchActionInput{ResourceId: id, ActionId: first.Items[0].ActionId}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DeleteLaunchAction(ctx, &drs.DeleteLaunchActionInput{ResourceId: id, ActionId: first.Items[0].ActionId})
	wantTyped[*types.ResourceNotFoundException](t, err, "second delete")
	_, err = c.ListLaunchActions(ctx, &drs.ListLaunchActionsInput{ResourceId: aws.String("s-00000000000000000")})
	wantTyped[*types.ResourceNotFoundException](t, err, "unknown server")
}

func TestReplicationLifeCycleOverSimulatedTime(t *testing.T) {
	svc := start(t, nil)
	c := drsClient(svc, "us-east-1")
	id := aws.String(serverIDs(t, c, "shop-app-1")[0])
	state := func() types.DataReplicationState {
		t.Helper()
		out, err := c.DescribeSourceServers(ctx, &drs.DescribeSourceServersInput{Filters: &types.DescribeSourceServersRequestFilters{SourceServerIDs: []string{*id}}})
		if err != nil || len(out.Items) != 1 {
			t.Fatalf("describe: %v", err)
		}
		return out.Items[0].DataReplicationInfo.DataReplicationState
	}
	_, err := c.StartReplication(ctx, &drs.StartReplicationInput{SourceServerID: id})
	wantTyped[*types.ConflictException](t, err, "start while replicating")
	//lint:ignore SA1019 DRS still serves this deprecated operation, so the simulator does
	_, err = c.RetryDataReplication(ctx, &drs.RetryDataReplicationInput{SourceServerID: id})
	wantTyped[*types.ValidationException](t, err, "retry while healthy")

	stopped, err := c.StopReplication(ctx, &drs.StopReplicationInput{SourceServerID: id})
	if err != nil || stopped.SourceServer.DataReplicationInfo.DataReplicationState != types.DataReplicationStateStopped {
		t.Fatalf("stop: %v %+v", err, stopped)
	}
	snaps, err := c.DescribeRecoverySnapshots(ctx, &drs.DescribeRecoverySnapshotsInput{SourceServerID: id})
	if err != nil || len(snaps.Items) != 0 {
		t.Fatalf("a stopped server keeps no snapshots: %v %d", err, len(snaps.Items))
	}
	started, err := c.StartReplication(ctx, &drs.StartReplicationInput{SourceServerID: id})
	if err != nil || started.SourceServer.DataReplicationInfo.DataReplicationState != types.DataReplicationStateInitiating {
		t.Fatalf("start: %v %+v", err, started)
	}
	advance(svc, 5*time.Minute)
	if s := state(); s != types.DataReplicationStateInitialSync {
		t.Fatalf("after 5 minutes: %s, want INITIAL_SYNC", s)
	}
	advance(svc, 40*time.Minute)
	if s := state(); s != types.DataReplicationStateContinuous {
		t.Fatalf("after 45 minutes: %s, want CONTINUOUS", s)
	}

	disc, err := c.DisconnectSourceServer(ctx, &drs.DisconnectSourceServerInput{SourceServerID: id})
	if err != nil || disc.DataReplicationInfo.DataReplicationState != types.DataReplicationStateDisconnected || disc.DataReplicationInfo.LagDuration != nil ||
		disc.DataReplicationInfo.ReplicatedDisks[0].TotalStorageBytes != 0 {
		t.Fatalf("disconnect: %v %+v", err, disc)
	}
	if _, err := c.DeleteSourceServer(ctx, &drs.DeleteSourceServerInput{SourceServerID: id}); err != nil {
		t.Fatal(err)
	}
	_, err = c.GetLaunchConfiguration(ctx, &drs.GetLaunchConfigurationInput{SourceServerID: id})
	wantTyped[*types.ResourceNotFoundException](t, err, "deleted server")
	other := aws.String(serverIDs(t, c, "shop-app-2")[0])
	_, err = c.DeleteSourceServer(ctx, &drs.DeleteSourceServerInput{SourceServerID: other})
	wantTyped[*types.ConflictException](t, err, "delete a connected server")
}

func TestRecoveryInstanceFailbackDisconnectAndDelete(t *testing.T) {
	svc := start(t, nil)
	c := drsClient(svc, "us-east-1")
	sid := serverIDs(t, c, "shop-db-1")[0]
	if _, err := c.StartRecovery(ctx, recoveryInput(true, sid)); err != nil {
		t.Fatal(err)
	}
	svc.App.DRS.RunUntilIdle()
	insts, err := c.DescribeRecoveryInstances(ctx, &drs.DescribeRecoveryInstancesInput{})
	if err != nil || len(insts.Items) != 1 {
		t.Fatalf("instances: %v", err)
	}
	iid := insts.Items[0].RecoveryInstanceID
	_, err = c.DisconnectSourceServer(ctx, &drs.DisconnectSourceServerInput{SourceServerID: aws.String(sid)})
	wantTyped[*types.ConflictException](t, err, "disconnect a server that has a recovery instance")

	cfg, err := c.GetFailbackReplicationConfiguration(ctx, &drs.GetFailbackReplicationConfigurationInput{RecoveryInstanceID: iid})
	if err != nil || aws.ToString(cfg.RecoveryInstanceID) != aws.ToString(iid) || cfg.InternetProtocol != types.InternetProtocolIpv4 {
		t.Fatalf("failback configuration: %v %+v", err, cfg)
	}
	if _, err := c.UpdateFailbackReplicationConfiguration(ctx, &drs.UpdateFailbackReplicationConfigurationInput{RecoveryInstanceID: iid,
		BandwidthThrottling: 50, UsePrivateIP: aws.Bool(true)}); err != nil {
		t.Fatal(err)
	}
	cfg, _ = c.GetFailbackReplicationConfiguration(ctx, &drs.GetFailbackReplicationConfigurationInput{RecoveryInstanceID: iid})
	if cfg.BandwidthThrottling != 50 || !aws.ToBool(cfg.UsePrivateIP) {
		t.Fatalf("updated failback configuration %+v", cfg)
	}
	_, err = c.GetFailbackReplicationConfiguration(ctx, &drs.GetFailbackReplicationConfigurationInput{RecoveryInstanceID: aws.String("i-0123456789abcdef0")})
	wantTyped[*types.ResourceNotFoundException](t, err, "unknown instance")
	if _, err := c.StopFailback(ctx, &drs.StopFailbackInput{RecoveryInstanceID: iid}); err != nil {
		t.Fatal(err)
	}
	insts, _ = c.DescribeRecoveryInstances(ctx, &drs.DescribeRecoveryInstancesInput{})
	if f := insts.Items[0].Failback; f == nil || f.State != types.FailbackStateFailbackNotStarted {
		t.Fatalf("failback after StopFailback: %+v", f)
	}

	_, err = c.DeleteRecoveryInstance(ctx, &drs.DeleteRecoveryInstanceInput{RecoveryInstanceID: iid})
	wantTyped[*types.ConflictException](t, err, "delete before disconnect")
	if _, err := c.DisconnectRecoveryInstance(ctx, &drs.DisconnectRecoveryInstanceInput{RecoveryInstanceID: iid}); err != nil {
		t.Fatal(err)
	}
	insts, _ = c.DescribeRecoveryInstances(ctx, &drs.DescribeRecoveryInstancesInput{})
	if d := insts.Items[0].DataReplicationInfo; d == nil || d.DataReplicationState != types.RecoveryInstanceDataReplicationStateDisconnected {
		t.Fatalf("after disconnect: %+v", d)
	}
	if _, err := c.DeleteRecoveryInstance(ctx, &drs.DeleteRecoveryInstanceInput{RecoveryInstanceID: iid}); err != nil {
		t.Fatal(err)
	}
	insts, _ = c.DescribeRecoveryInstances(ctx, &drs.DescribeRecoveryInstancesInput{})
	if len(insts.Items) != 0 {
		t.Fatalf("%d instances after delete", len(insts.Items))
	}
	// DeleteRecoveryInstance models no ResourceNotFoundException.
	_, err = c.DeleteRecoveryInstance(ctx, &drs.DeleteRecoveryInstanceInput{RecoveryInstanceID: iid})
	wantTyped[*types.ConflictException](t, err, "delete twice")
	// Now the server has no recovery instance and can be disconnected.
	if _, err := c.DisconnectSourceServer(ctx, &drs.DisconnectSourceServerInput{SourceServerID: aws.String(sid)}); err != nil {
		t.Fatal(err)
	}
	nets, err := c.DescribeSourceNetworks(ctx, &drs.DescribeSourceNetworksInput{})
	if err != nil || len(nets.Items) != 0 {
		t.Fatalf("source networks: %v %+v", err, nets)
	}
}

func TestTemplatesAreTaggable(t *testing.T) {
	svc := start(t, nil)
	c := drsClient(svc, "us-east-1")
	out, err := c.CreateLaunchConfigurationTemplate(ctx, &drs.CreateLaunchConfigurationTemplateInput{Tags: map[string]string{"a": "1"}})
	if err != nil {
		t.Fatal(err)
	}
	arn := out.LaunchConfigurationTemplate.Arn
	if _, err := c.TagResource(ctx, &drs.TagResourceInput{ResourceArn: arn, Tags: map[string]string{"b": "2"}}); err != nil {
		t.Fatal(err)
	}
	tags, err := c.ListTagsForResource(ctx, &drs.ListTagsForResourceInput{ResourceArn: arn})
	if err != nil || len(tags.Tags) != 2 {
		t.Fatalf("template tags: %v %+v", err, tags)
	}
	desc, _ := c.DescribeLaunchConfigurationTemplates(ctx, &drs.DescribeLaunchConfigurationTemplatesInput{})
	if desc.Items[0].Tags["b"] != "2" {
		t.Fatalf("described tags %v", desc.Items[0].Tags)
	}
}

func TestListExtensibleSourceServersOfAStagingAccount(t *testing.T) {
	svc := start(t, &drssim.Inventory{Estates: []drssim.EstateSpec{
		{Region: "us-east-1", Servers: []drssim.ServerSpec{{Hostname: "target-1"}}},
		{Account: "111122223333", Region: "us-east-1", Servers: []drssim.ServerSpec{{Hostname: "staged-1", Tags: map[string]string{"app": "erp"}}, {Hostname: "staged-2"}}},
		{Account: "111122223333", Region: "eu-west-1", Servers: []drssim.ServerSpec{{Hostname: "elsewhere"}}},
	}})
	c := drsClient(svc, "us-east-1")
	first, err := c.ListExtensibleSourceServers(ctx, &drs.ListExtensibleSourceServersInput{StagingAccountID: aws.String("111122223333"), MaxResults: aws.Int32(1)})
	if err != nil || len(first.Items) != 1 || aws.ToString(first.Items[0].Hostname) != "staged-1" || first.Items[0].Tags["app"] != "erp" || first.NextToken == nil {
		t.Fatalf("first page: %v %+v", err, first)
	}
	second, err := c.ListExtensibleSourceServers(ctx, &drs.ListExtensibleSourceServersInput{StagingAccountID: aws.String("111122223333"), NextToken: first.NextToken})
	if err != nil || len(second.Items) != 1 || aws.ToString(second.Items[0].Hostname) != "staged-2" {
		t.Fatalf("second page: %v %+v", err, second)
	}
	none, err := c.ListExtensibleSourceServers(ctx, &drs.ListExtensibleSourceServersInput{StagingAccountID: aws.String("444455556666")})
	if err != nil || len(none.Items) != 0 {
		t.Fatalf("account without DRS: %v %+v", err, none)
	}
	_, err = c.ListExtensibleSourceServers(ctx, &drs.ListExtensibleSourceServersInput{StagingAccountID: aws.String("123456789012")})
	wantValidation(t, err, "stagingAccountID")
	_, err = c.ListExtensibleSourceServers(ctx, &drs.ListExtensibleSourceServersInput{StagingAccountID: aws.String("111122223333"), MaxResults: aws.Int32(301)})
	wantValidation(t, err, "maxResults")
}

func TestFailbackLaunchAfterTheFailbackClientReplicates(t *testing.T) {
	svc := start(t, nil)
	c := drsClient(svc, "us-east-1")
	sid := serverIDs(t, c, "shop-db-1")[0]
	if _, err := c.StartRecovery(ctx, recoveryInput(false, sid)); err != nil {
		t.Fatal(err)
	}
	svc.App.DRS.RunUntilIdle()
	insts, _ := c.DescribeRecoveryInstances(ctx, &drs.DescribeRecoveryInstancesInput{})
	iid := aws.ToString(insts.Items[0].RecoveryInstanceID)
	_, err := c.StartFailbackLaunch(ctx, &drs.StartFailbackLaunchInput{RecoveryInstanceIDs: []string{iid}})
	wantTyped[*types.ConflictException](t, err, "failback before the client replicated")

	resp, err := http.Post(svc.URL+"/_sim/failback-client", "application/json", strings.NewReader(`{"recoveryInstanceID":"`+iid+`"}`))
	if err != nil || resp.StatusCode != http.StatusNoContent {
		t.Fatalf("failback client: %v %v", err, resp)
	}
	resp.Body.Close()
	failback := func() (types.FailbackState, types.RecoveryInstanceDataReplicationState) {
		out, err := c.DescribeRecoveryInstances(ctx, &drs.DescribeRecoveryInstancesInput{})
		if err != nil || out.Items[0].Failback == nil || out.Items[0].DataReplicationInfo == nil {
			t.Fatalf("describe: %v %+v", err, out)
		}
		return out.Items[0].Failback.State, out.Items[0].DataReplicationInfo.DataReplicationState
	}
	if st, rep := failback(); st != types.FailbackStateFailbackInProgress || rep != types.RecoveryInstanceDataReplicationStateInitiating {
		t.Fatalf("after connecting: %s %s", st, rep)
	}
	advance(svc, 35*time.Minute)
	if st, rep := failback(); st != types.FailbackStateFailbackReadyForLaunch || rep != types.RecoveryInstanceDataReplicationStateContinuous {
		t.Fatalf("after 35 minutes: %s %s", st, rep)
	}
	out, err := c.StartFailbackLaunch(ctx, &drs.StartFailbackLaunchInput{RecoveryInstanceIDs: []string{iid}, Tags: map[string]string{"why": "failback"}})
	if err != nil || out.Job.InitiatedBy != types.InitiatedByFailback || out.Job.Type != types.JobTypeLaunch {
		t.Fatalf("StartFailbackLaunch: %v %+v", err, out)
	}
	svc.App.DRS.RunUntilIdle()
	j := describeJob(t, c, aws.ToString(out.Job.JobID))
	if j.Status != types.JobStatusCompleted || j.ParticipatingServers[0].LaunchStatus != types.LaunchStatusLaunched {
		t.Fatalf("failback job %+v", j)
	}
	if st, _ := failback(); st != types.FailbackStateFailbackCompleted {
		t.Fatalf("after the job: %s", st)
	}
	_, err = c.StartFailbackLaunch(ctx, &drs.StartFailbackLaunchInput{RecoveryInstanceIDs: []string{"i-0123456789abcdef0"}})
	wantTyped[*types.ConflictException](t, err, "unknown instance")
}

func TestDrillInstancesDoNotFailBack(t *testing.T) {
	svc := start(t, nil)
	c := drsClient(svc, "us-east-1")
	if _, err := c.StartRecovery(ctx, recoveryInput(true, serverIDs(t, c, "shop-db-1")...)); err != nil {
		t.Fatal(err)
	}
	svc.App.DRS.RunUntilIdle()
	insts, _ := c.DescribeRecoveryInstances(ctx, &drs.DescribeRecoveryInstancesInput{})
	if err := svc.App.DRS.ConnectFailbackClient(drssim.Estate{}, aws.ToString(insts.Items[0].RecoveryInstanceID)); err == nil {
		t.Fatal("a drill instance started failback replication")
	}
}

func TestReverseReplicationOfAnEC2SourceServer(t *testing.T) {
	svc := start(t, &drssim.Inventory{Estates: []drssim.EstateSpec{
		{Region: "us-east-1", Servers: []drssim.ServerSpec{{Hostname: "ec2-app", SourceRegion: "us-west-2"}, {Hostname: "onprem-db"},
			{Hostname: "ec2-orphan", SourceRegion: "eu-north-1"}}},
		{Region: "us-west-2"},
	}})
	c := drsClient(svc, "us-east-1")
	ids := serverIDs(t, c, "ec2-app", "onprem-db", "ec2-orphan")
	for _, id := range ids {
		if _, err := c.StartRecovery(ctx, recoveryInput(false, id)); err != nil {
			t.Fatal(err)
		}
	}
	svc.App.DRS.RunUntilIdle()
	instOf := func(sid string) string {
		out, err := c.DescribeRecoveryInstances(ctx, &drs.DescribeRecoveryInstancesInput{Filters: &types.DescribeRecoveryInstancesRequestFilters{SourceServerIDs: []string{sid}}})
		if err != nil || len(out.Items) != 1 {
			t.Fatalf("instance of %s: %v", sid, err)
		}
		return aws.ToString(out.Items[0].RecoveryInstanceID)
	}
	ec2Inst := instOf(ids[0])
	out, err := c.ReverseReplication(ctx, &drs.ReverseReplicationInput{RecoveryInstanceID: aws.String(ec2Inst)})
	if err != nil {
		t.Fatal(err)
	}
	arn := aws.ToString(out.ReversedDirectionSourceServerArn)
	west := drsClient(svc, "us-west-2")
	servers, _ := allServers(t, west, 0)
	if len(servers) != 1 || aws.ToString(servers[0].Arn) != arn || servers[0].ReplicationDirection != types.ReplicationDirectionFailback ||
		servers[0].DataReplicationInfo.DataReplicationState != types.DataReplicationStateInitiating {
		t.Fatalf("reversed server in us-west-2: %+v (want %s)", servers, arn)
	}
	orig, _ := allServers(t, c, 0)
	if a := aws.ToString(serverByHost(t, orig, "ec2-app").ReversedDirectionSourceServerArn); a != arn {
		t.Fatalf("forward server's reversed ARN %q, want %q", a, arn)
	}
	if aws.ToString(servers[0].ReversedDirectionSourceServerArn) != aws.ToString(serverByHost(t, orig, "ec2-app").Arn) {
		t.Fatal("the reversed server does not point back to the forward one")
	}
	_, err = c.ReverseReplication(ctx, &drs.ReverseReplicationInput{RecoveryInstanceID: aws.String(ec2Inst)})
	wantTyped[*types.ConflictException](t, err, "reverse twice")
	_, err = c.ReverseReplication(ctx, &drs.ReverseReplicationInput{RecoveryInstanceID: aws.String(instOf(ids[1]))})
	wantTyped[*types.ValidationException](t, err, "on-premises origin")
	_, err = c.ReverseReplication(ctx, &drs.ReverseReplicationInput{RecoveryInstanceID: aws.String(instOf(ids[2]))})
	wantTyped[*types.ValidationException](t, err, "origin region without DRS")
	_, err = c.ReverseReplication(ctx, &drs.ReverseReplicationInput{RecoveryInstanceID: aws.String("i-0123456789abcdef0")})
	wantTyped[*types.ResourceNotFoundException](t, err, "unknown instance")
}

func TestSourceNetworks(t *testing.T) {
	svc := start(t, nil)
	c := drsClient(svc, "us-east-1")
	in := &drs.CreateSourceNetworkInput{VpcID: aws.String("vpc-0123456789abcdef0"), OriginAccountID: aws.String("123456789012"),
		OriginRegion: aws.String("us-west-2"), Tags: map[string]string{"app": "shop"}}
	out, err := c.CreateSourceNetwork(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	id := out.SourceNetworkID
	_, err = c.CreateSourceNetwork(ctx, in)
	wantTyped[*types.ConflictException](t, err, "the same VPC twice")
	status := func() types.ReplicationStatus {
		list, err := c.DescribeSourceNetworks(ctx, &drs.DescribeSourceNetworksInput{Filters: &types.DescribeSourceNetworksRequestFilters{SourceNetworkIDs: []string{*id}}})
		if err != nil || len(list.Items) != 1 {
			t.Fatalf("describe: %v", err)
		}
		return list.Items[0].ReplicationStatus
	}
	if st := status(); st != types.ReplicationStatusInProgress {
		t.Fatalf("new network %s", st)
	}
	advance(svc, 10*time.Minute)
	if st := status(); st != types.ReplicationStatusProtected {
		t.Fatalf("after 10 minutes %s", st)
	}
	_, err = c.DeleteSourceNetwork(ctx, &drs.DeleteSourceNetworkInput{SourceNetworkID: id})
	wantTyped[*types.ConflictException](t, err, "delete while replicating")
	stopped, err := c.StopSourceNetworkReplication(ctx, &drs.StopSourceNetworkReplicationInput{SourceNetworkID: id})
	if err != nil || stopped.SourceNetwork.ReplicationStatus != types.ReplicationStatusStopped {
		t.Fatalf("stop: %v %+v", err, stopped)
	}
	started, err := c.StartSourceNetworkReplication(ctx, &drs.StartSourceNetworkReplicationInput{SourceNetworkID: id})
	if err != nil || started.SourceNetwork.ReplicationStatus != types.ReplicationStatusInProgress {
		t.Fatalf("start: %v %+v", err, started)
	}
	if _, err := c.StopSourceNetworkReplication(ctx, &drs.StopSourceNetworkReplicationInput{SourceNetworkID: id}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteSourceNetwork(ctx, &drs.DeleteSourceNetworkInput{SourceNetworkID: id}); err != nil {
		t.Fatal(err)
	}
	_, err = c.StartSourceNetworkReplication(ctx, &drs.StartSourceNetworkReplicationInput{SourceNetworkID: id})
	wantTyped[*types.ResourceNotFoundException](t, err, "deleted network")
	if err := svc.App.DRS.SetQuota(drssim.Estate{}, drssim.QuotaSourceNetworks, 0); err != nil {
		t.Fatal(err)
	}
	_, err = c.CreateSourceNetwork(ctx, in)
	wantTyped[*types.ServiceQuotaExceededException](t, err, "quota L-4B0323BD")
}

func TestCreateExtendedSourceServerFromAStagingAccount(t *testing.T) {
	svc := start(t, &drssim.Inventory{Estates: []drssim.EstateSpec{
		{Region: "us-east-1", Servers: []drssim.ServerSpec{{Hostname: "target-1"}}},
		{Account: "111122223333", Region: "us-east-1", Servers: []drssim.ServerSpec{{Hostname: "staged-1", OS: "WINDOWS"}, {Hostname: "staged-2"}}},
	}})
	c := drsClient(svc, "us-east-1")
	list, err := c.ListExtensibleSourceServers(ctx, &drs.ListExtensibleSourceServersInput{StagingAccountID: aws.String("111122223333")})
	if err != nil || len(list.Items) != 2 {
		t.Fatalf("extensible: %v %+v", err, list)
	}
	arn := list.Items[0].Arn
	out, err := c.CreateExtendedSourceServer(ctx, &drs.CreateExtendedSourceServerInput{SourceServerArn: arn, Tags: map[string]string{"from": "staging"}})
	if err != nil {
		t.Fatal(err)
	}
	s := out.SourceServer
	if s.StagingArea.Status != types.ExtensionStatusExtended || aws.ToString(s.StagingArea.StagingAccountID) != "111122223333" ||
		aws.ToString(s.StagingArea.StagingSourceServerArn) != aws.ToString(arn) || s.Tags["from"] != "staging" ||
		aws.ToString(s.SourceProperties.IdentificationHints.Hostname) != "staged-1" {
		t.Fatalf("extended server %+v", s)
	}
	list, _ = c.ListExtensibleSourceServers(ctx, &drs.ListExtensibleSourceServersInput{StagingAccountID: aws.String("111122223333")})
	if len(list.Items) != 1 || aws.ToString(list.Items[0].Hostname) != "staged-2" {
		t.Fatalf("extensible after extending staged-1: %+v", list.Items)
	}
	staged, err := c.DescribeSourceServers(ctx, &drs.DescribeSourceServersInput{Filters: &types.DescribeSourceServersRequestFilters{StagingAccountIDs: []string{"111122223333"}}})
	if err != nil || len(staged.Items) != 1 {
		t.Fatalf("staging-account filter: %v %d", err, len(staged.Items))
	}
	_, err = c.CreateExtendedSourceServer(ctx, &drs.CreateExtendedSourceServerInput{SourceServerArn: arn})
	wantTyped[*types.ValidationException](t, err, "extend twice")
	_, err = c.CreateExtendedSourceServer(ctx, &drs.CreateExtendedSourceServerInput{SourceServerArn: aws.String("arn:aws:drs:us-east-1:111122223333:source-server/s-00000000000000000")})
	wantTyped[*types.ResourceNotFoundException](t, err, "unknown staging server")
	own := serverByHost(t, mustServers(t, c), "target-1").Arn
	_, err = c.CreateExtendedSourceServer(ctx, &drs.CreateExtendedSourceServerInput{SourceServerArn: own})
	wantTyped[*types.ValidationException](t, err, "a server of this account")
}

func TestSourceNetworkRecoveryAndStackAssociation(t *testing.T) {
	svc := start(t, nil)
	c := drsClient(svc, "us-east-1")
	out, err := c.CreateSourceNetwork(ctx, &drs.CreateSourceNetworkInput{VpcID: aws.String("vpc-0123456789abcdef0"),
		OriginAccountID: aws.String("123456789012"), OriginRegion: aws.String("us-west-2")})
	if err != nil {
		t.Fatal(err)
	}
	id := out.SourceNetworkID
	rec, err := c.StartSourceNetworkRecovery(ctx, &drs.StartSourceNetworkRecoveryInput{
		SourceNetworks: []types.StartSourceNetworkRecoveryRequestNetworkEntry{{SourceNetworkID: id}}, Tags: map[string]string{"why": "dr"}})
	if err != nil || rec.Job.InitiatedBy != types.InitiatedByCreateNetworkRecovery || len(rec.Job.ParticipatingResources) != 1 {
		t.Fatalf("StartSourceNetworkRecovery: %v %+v", err, rec)
	}
	_, err = c.AssociateSourceNetworkStack(ctx, &drs.AssociateSourceNetworkStackInput{SourceNetworkID: id, CfnStackName: aws.String("old-stack")})
	wantTyped[*types.ConflictException](t, err, "associate while a network job runs")
	svc.App.DRS.RunUntilIdle()
	j := describeJob(t, c, aws.ToString(rec.Job.JobID))
	if j.Status != types.JobStatusCompleted || j.ParticipatingResources[0].LaunchStatus != types.LaunchStatusLaunched {
		t.Fatalf("network job %+v", j)
	}
	nets, _ := c.DescribeSourceNetworks(ctx, &drs.DescribeSourceNetworksInput{})
	n := nets.Items[0]
	if aws.ToString(n.LaunchedVpcID) == "" || aws.ToString(n.CfnStackName) == "" || n.LastRecovery == nil ||
		n.LastRecovery.LastRecoveryResult != types.RecoveryResultSuccess || aws.ToString(n.LastRecovery.JobID) != aws.ToString(rec.Job.JobID) {
		t.Fatalf("network after recovery %+v %+v", n, n.LastRecovery)
	}
	// Again, without deployAsNew: the stack is updated.
	again, err := c.StartSourceNetworkRecovery(ctx, &drs.StartSourceNetworkRecoveryInput{SourceNetworks: []types.StartSourceNetworkRecoveryRequestNetworkEntry{{SourceNetworkID: id}}})
	if err != nil || again.Job.InitiatedBy != types.InitiatedByUpdateNetworkRecovery {
		t.Fatalf("second recovery: %v %+v", err, again)
	}
	svc.App.DRS.RunUntilIdle()
	assoc, err := c.AssociateSourceNetworkStack(ctx, &drs.AssociateSourceNetworkStackInput{SourceNetworkID: id, CfnStackName: aws.String("old-stack")})
	if err != nil || assoc.Job.InitiatedBy != types.InitiatedByAssociateNetworkRecovery {
		t.Fatalf("associate: %v %+v", err, assoc)
	}
	svc.App.DRS.RunUntilIdle()
	nets, _ = c.DescribeSourceNetworks(ctx, &drs.DescribeSourceNetworksInput{})
	if aws.ToString(nets.Items[0].CfnStackName) != "old-stack" || nets.Items[0].LastRecovery.LastRecoveryResult != types.RecoveryResultAssociateSuccess {
		t.Fatalf("after associate %+v", nets.Items[0])
	}
	logs := jobEvents(t, c, aws.ToString(assoc.Job.JobID))
	if len(logs) < 4 || logs[0].Event != types.JobLogEventJobStart || logs[len(logs)-1].Event != types.JobLogEventJobEnd {
		t.Fatalf("associate job log %+v", logs)
	}
	_, err = c.StartSourceNetworkRecovery(ctx, &drs.StartSourceNetworkRecoveryInput{SourceNetworks: []types.StartSourceNetworkRecoveryRequestNetworkEntry{{SourceNetworkID: aws.String("sn-00000000000000000")}}})
	wantTyped[*types.ConflictException](t, err, "unknown network (StartSourceNetworkRecovery models no ResourceNotFoundException)")
	_, err = c.AssociateSourceNetworkStack(ctx, &drs.AssociateSourceNetworkStackInput{SourceNetworkID: id, CfnStackName: aws.String("9-bad")})
	wantValidation(t, err, "cfnStackName")
}

func TestLaunchActionBoundsFollowTheModel(t *testing.T) {
	c := drsClient(start(t, nil), "us-east-1")
	tpl, err := c.CreateLaunchConfigurationTemplate(ctx, &drs.CreateLaunchConfigurationTemplateInput{})
	if err != nil {
		t.Fatal(err)
	}
	id := tpl.LaunchConfigurationTemplate.LaunchConfigurationTemplateID
	put := func(value string) error {
		_, err := c.PutLaunchAction(ctx, &drs.PutLaunchActionInput{ResourceId: id, ActionId: aws.String("3f2a3b4c-0000-4000-8000-00000000000b"),
			ActionCode: aws.String("AWS-RunShellScript"), Order: aws.Int32(2), Name: aws.String("p"), Active: aws.Bool(true), Optional: aws.Bool(true),
			ActionVersion: aws.String("$DEFAULT"), Category: types.LaunchActionCategoryOther, Description: aws.String(""),
			Parameters: map[string]types.LaunchActionParameter{"commands": {Value: aws.String(value), Type: types.LaunchActionParameterTypeSsmStore}}})
		return err
	}
	if err := put("echo hi"); err == nil || !strings.Contains(err.Error(), "parameters.commands.value") {
		t.Fatalf("a value with a space: %v", err)
	}
	if err := put(strings.Repeat("a", 1011)); err != nil {
		t.Fatalf("a 1011-character value: %v", err)
	}
	ids := make([]string, 101)
	for i := range ids {
		ids[i] = "3f2a3b4c-0000-4000-8000-00000000000b"
	}
	_, err = c.ListLaunchActions(ctx, &drs.ListLaunchActionsInput{ResourceId: id, Filters: &types.LaunchActionsRequestFilters{ActionIds: ids}})
	// ListLaunchActions models no ValidationException: the bound still refuses.
	if err == nil || !strings.Contains(err.Error(), "filters.actionIds") {
		t.Fatalf("101 action IDs in the filter: %v", err)
	}
}

package drssim_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/drs"
	"github.com/aws/aws-sdk-go-v2/service/drs/types"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/drssim"
)

func TestDrillLaunchesInstancesOverSimulatedTime(t *testing.T) {
	svc := start(t, nil)
	c := drsClient(svc, "us-east-1")
	ids := serverIDs(t, c, "shop-db-1", "shop-db-2")
	in := recoveryInput(true, ids...)
	in.Tags = map[string]string{"drsorch:execution": "e-1"}
	out, err := c.StartRecovery(ctx, in)
	if err != nil {
		t.Fatalf("StartRecovery: %v", err)
	}
	j := out.Job
	if j.Status != types.JobStatusPending || j.Type != types.JobTypeLaunch || j.InitiatedBy != types.InitiatedByStartDrill ||
		len(j.ParticipatingServers) != 2 || j.Tags["drsorch:execution"] != "e-1" {
		t.Fatalf("new job %+v", j)
	}
	jobID := aws.ToString(j.JobID)

	advance(svc, time.Minute)
	if got := describeJob(t, c, jobID); got.Status != types.JobStatusStarted {
		t.Fatalf("after 1 min job %s, want STARTED", got.Status)
	}
	advance(svc, 3*time.Minute)
	for _, p := range describeJob(t, c, jobID).ParticipatingServers {
		if p.LaunchStatus != types.LaunchStatusInProgress {
			t.Fatalf("after 4 min server %s is %s, want IN_PROGRESS", aws.ToString(p.SourceServerID), p.LaunchStatus)
		}
	}
	servers, _ := allServers(t, c, 0)
	if r := serverByHost(t, servers, "shop-db-1").LastLaunchResult; r != types.LastLaunchResultPending {
		t.Errorf("lastLaunchResult during the job %s, want PENDING", r)
	}
	// A launch takes at least 7.5 minutes and at most about 12.
	advance(svc, 3*time.Minute+20*time.Second)
	for _, p := range describeJob(t, c, jobID).ParticipatingServers {
		if p.LaunchStatus == types.LaunchStatusLaunched {
			t.Fatalf("server launched after only 7m20s")
		}
	}
	advance(svc, 5*time.Minute)
	done := describeJob(t, c, jobID)
	if done.Status != types.JobStatusCompleted || aws.ToString(done.EndDateTime) == "" {
		t.Fatalf("after 12m20s job %s end %q, want COMPLETED", done.Status, aws.ToString(done.EndDateTime))
	}
	for _, p := range done.ParticipatingServers {
		if p.LaunchStatus != types.LaunchStatusLaunched || aws.ToString(p.RecoveryInstanceID) == "" {
			t.Fatalf("server %+v, want LAUNCHED with an instance", p)
		}
	}

	events := jobEvents(t, c, jobID)
	var names []string
	for _, e := range events {
		names = append(names, string(e.Event))
	}
	for _, want := range []string{"JOB_START", "SNAPSHOT_START", "SNAPSHOT_END", "CONVERSION_START", "CONVERSION_END", "LAUNCH_START", "JOB_END"} {
		if !slices.Contains(names, want) {
			t.Errorf("job log lacks %s: %v", want, names)
		}
	}
	if names[0] != "JOB_START" || names[len(names)-1] != "JOB_END" || slices.Contains(names, "LAUNCH_FINISHED") {
		t.Errorf("job log order %v", names)
	}

	inst, err := c.DescribeRecoveryInstances(ctx, &drs.DescribeRecoveryInstancesInput{
		Filters: &types.DescribeRecoveryInstancesRequestFilters{SourceServerIDs: ids[:1]}})
	if err != nil || len(inst.Items) != 1 {
		t.Fatalf("DescribeRecoveryInstances: %v %+v", err, inst)
	}
	ri := inst.Items[0]
	if !aws.ToBool(ri.IsDrill) || ri.Ec2InstanceState != types.EC2InstanceStateRunning || aws.ToString(ri.JobID) != jobID ||
		aws.ToString(ri.Ec2InstanceID) == "" || aws.ToString(ri.PointInTimeSnapshotDateTime) == "" ||
		ri.RecoveryInstanceProperties == nil || len(ri.RecoveryInstanceProperties.Disks) != 2 {
		t.Fatalf("recovery instance %+v", ri)
	}
	servers, _ = allServers(t, c, 0)
	db := serverByHost(t, servers, "shop-db-1")
	if db.LastLaunchResult != types.LastLaunchResultSucceeded || aws.ToString(db.RecoveryInstanceId) != aws.ToString(ri.RecoveryInstanceID) ||
		db.LifeCycle.LastLaunch == nil || db.LifeCycle.LastLaunch.Initiated.Type != types.LastLaunchTypeDrill {
		t.Fatalf("source server after drill: result %s instance %s lifecycle %+v", db.LastLaunchResult, aws.ToString(db.RecoveryInstanceId), db.LifeCycle.LastLaunch)
	}
}

func TestLaunchDispositionStoppedGivesStoppedInstance(t *testing.T) {
	svc := start(t, nil)
	c := drsClient(svc, "us-east-1")
	id := serverIDs(t, c, "shop-web-1")[0]
	if _, err := c.UpdateLaunchConfiguration(ctx, &drs.UpdateLaunchConfigurationInput{SourceServerID: aws.String(id),
		LaunchDisposition: types.LaunchDispositionStopped}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.StartRecovery(ctx, recoveryInput(false, id)); err != nil {
		t.Fatal(err)
	}
	svc.App.DRS.RunUntilIdle()
	inst, err := c.DescribeRecoveryInstances(ctx, &drs.DescribeRecoveryInstancesInput{})
	if err != nil || len(inst.Items) != 1 || inst.Items[0].Ec2InstanceState != types.EC2InstanceStateStopped || aws.ToBool(inst.Items[0].IsDrill) {
		t.Fatalf("instance %v %+v, want one STOPPED recovery (not drill) instance", err, inst)
	}
}

func TestFailedLaunches(t *testing.T) {
	svc := start(t, nil)
	c := drsClient(svc, "us-east-1")
	ids := serverIDs(t, c, "shop-app-1", "shop-app-2", "build-agent-1")
	if err := svc.App.DRS.SetFailLaunch(drssim.Estate{}, true, ids[1]); err != nil {
		t.Fatal(err)
	}
	out, err := c.StartRecovery(ctx, recoveryInput(true, ids...))
	if err != nil {
		t.Fatal(err)
	}
	svc.App.DRS.RunUntilIdle()
	j := describeJob(t, c, aws.ToString(out.Job.JobID))
	status := map[string]types.LaunchStatus{}
	for _, p := range j.ParticipatingServers {
		status[aws.ToString(p.SourceServerID)] = p.LaunchStatus
	}
	if j.Status != types.JobStatusCompleted || status[ids[0]] != types.LaunchStatusLaunched ||
		status[ids[1]] != types.LaunchStatusFailed || status[ids[2]] != types.LaunchStatusFailed {
		t.Fatalf("job %s statuses %v: want COMPLETED, launched/failed (injected)/failed (initial sync)", j.Status, status)
	}
	events := map[string][]string{}
	for _, e := range jobEvents(t, c, aws.ToString(out.Job.JobID)) {
		if e.EventData != nil {
			id := aws.ToString(e.EventData.SourceServerID)
			events[id] = append(events[id], string(e.Event))
		}
	}
	if !slices.Contains(events[ids[1]], "LAUNCH_FAILED") || !slices.Contains(events[ids[2]], "SNAPSHOT_FAIL") {
		t.Fatalf("events %v", events)
	}
	inst, _ := c.DescribeRecoveryInstances(ctx, &drs.DescribeRecoveryInstancesInput{})
	if len(inst.Items) != 1 {
		t.Fatalf("%d recovery instances, want 1 (failed launches leave none)", len(inst.Items))
	}
	servers, _ := allServers(t, c, 0)
	if r := serverByHost(t, servers, "shop-app-2").LastLaunchResult; r != types.LastLaunchResultFailed {
		t.Errorf("failed server lastLaunchResult %s", r)
	}
}

func TestTerminateRecoveryInstances(t *testing.T) {
	svc := start(t, nil)
	c := drsClient(svc, "us-east-1")
	ids := serverIDs(t, c, "shop-web-1", "shop-web-2")
	if _, err := c.StartRecovery(ctx, recoveryInput(true, ids...)); err != nil {
		t.Fatal(err)
	}
	svc.App.DRS.RunUntilIdle()
	inst, _ := c.DescribeRecoveryInstances(ctx, &drs.DescribeRecoveryInstancesInput{})
	var instIDs []string
	for _, i := range inst.Items {
		instIDs = append(instIDs, aws.ToString(i.RecoveryInstanceID))
	}
	out, err := c.TerminateRecoveryInstances(ctx, &drs.TerminateRecoveryInstancesInput{RecoveryInstanceIDs: instIDs})
	if err != nil {
		t.Fatalf("TerminateRecoveryInstances: %v", err)
	}
	if out.Job.Type != types.JobTypeTerminate || out.Job.InitiatedBy != types.InitiatedByTerminateRecoveryInstances || len(out.Job.ParticipatingServers) != 2 {
		t.Fatalf("terminate job %+v", out.Job)
	}
	// A second terminate of the same instances conflicts while the first runs.
	_, err = c.TerminateRecoveryInstances(ctx, &drs.TerminateRecoveryInstancesInput{RecoveryInstanceIDs: instIDs[:1]})
	var ce *types.ConflictException
	if !errors.As(err, &ce) {
		t.Fatalf("want ConflictException, got %v", err)
	}
	advance(svc, 90*time.Second)
	inst, _ = c.DescribeRecoveryInstances(ctx, &drs.DescribeRecoveryInstancesInput{})
	for _, i := range inst.Items {
		if i.Ec2InstanceState != types.EC2InstanceStateTerminated {
			t.Fatalf("after 90 s instance %s is %s, want TERMINATED", aws.ToString(i.RecoveryInstanceID), i.Ec2InstanceState)
		}
	}
	svc.App.DRS.RunUntilIdle()
	inst, _ = c.DescribeRecoveryInstances(ctx, &drs.DescribeRecoveryInstancesInput{})
	if len(inst.Items) != 0 {
		t.Fatalf("%d instances left after the terminate job", len(inst.Items))
	}
	if j := describeJob(t, c, aws.ToString(out.Job.JobID)); j.Status != types.JobStatusCompleted ||
		j.ParticipatingServers[0].LaunchStatus != types.LaunchStatusTerminated {
		t.Fatalf("terminate job at the end %+v", j)
	}
	servers, _ := allServers(t, c, 0)
	if id := serverByHost(t, servers, "shop-web-1").RecoveryInstanceId; id != nil {
		t.Errorf("source server still points at instance %s", *id)
	}
	// Completed jobs can be deleted; unknown ones are not found.
	if _, err := c.DeleteJob(ctx, &drs.DeleteJobInput{JobID: out.Job.JobID}); err != nil {
		t.Fatalf("DeleteJob: %v", err)
	}
	_, err = c.DeleteJob(ctx, &drs.DeleteJobInput{JobID: out.Job.JobID})
	var nf *types.ResourceNotFoundException
	if !errors.As(err, &nf) {
		t.Fatalf("second DeleteJob: want ResourceNotFoundException, got %v", err)
	}
}

func TestConflictAndQuotas(t *testing.T) {
	svc := start(t, nil)
	c := drsClient(svc, "us-east-1")
	ids := serverIDs(t, c, "shop-db-1", "shop-app-1", "shop-app-2", "shop-web-1", "shop-web-2")
	first, err := c.StartRecovery(ctx, recoveryInput(true, ids[0]))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.StartRecovery(ctx, recoveryInput(true, ids[1], ids[0]))
	var ce *types.ConflictException
	if !errors.As(err, &ce) || aws.ToString(ce.ResourceId) != ids[0] || aws.ToString(ce.ResourceType) == "" {
		t.Fatalf("want ConflictException on %s, got %v", ids[0], err)
	}
	// An active job cannot be deleted.
	_, err = c.DeleteJob(ctx, &drs.DeleteJobInput{JobID: first.Job.JobID})
	if !errors.As(err, &ce) {
		t.Fatalf("DeleteJob of an active job: want ConflictException, got %v", err)
	}

	sim := svc.App.DRS
	if err := sim.SetQuota(drssim.Estate{}, drssim.QuotaServersPerJob, 2); err != nil {
		t.Fatal(err)
	}
	_, err = c.StartRecovery(ctx, recoveryInput(true, ids[1:4]...))
	wantQuota(t, err, drssim.QuotaServersPerJob)

	if err := sim.SetQuota(drssim.Estate{}, drssim.QuotaServersActiveJobs, 2); err != nil {
		t.Fatal(err)
	}
	_, err = c.StartRecovery(ctx, recoveryInput(true, ids[1:3]...))
	wantQuota(t, err, drssim.QuotaServersActiveJobs)

	if err := sim.SetQuota(drssim.Estate{}, drssim.QuotaConcurrentJobs, 1); err != nil {
		t.Fatal(err)
	}
	_, err = c.StartRecovery(ctx, recoveryInput(true, ids[1]))
	wantQuota(t, err, drssim.QuotaConcurrentJobs)

	// Once the first job completes there is room again.
	sim.RunUntilIdle()
	if _, err := c.StartRecovery(ctx, recoveryInput(true, ids[1], ids[2])); err != nil {
		t.Fatalf("after the first job completed: %v", err)
	}
}

func wantQuota(t *testing.T, err error, code string) {
	t.Helper()
	var qe *types.ServiceQuotaExceededException
	if !errors.As(err, &qe) {
		t.Fatalf("want ServiceQuotaExceededException %s, got %v", code, err)
	}
	if aws.ToString(qe.QuotaCode) != code || aws.ToString(qe.ServiceCode) != "drs" {
		t.Fatalf("quota error %s/%s, want drs/%s", aws.ToString(qe.ServiceCode), aws.ToString(qe.QuotaCode), code)
	}
}

func TestStartRecoveryErrors(t *testing.T) {
	svc := start(t, nil)
	c := drsClient(svc, "us-east-1")
	// StartRecovery's model lists neither ResourceNotFoundException nor
	// ValidationException: an unknown or malformed server is a typed
	// ConflictException naming it, never an error the SDK cannot type.
	wantConflict := func(err error, id string) {
		t.Helper()
		var ce *types.ConflictException
		if !errors.As(err, &ce) || aws.ToString(ce.ResourceId) != id {
			t.Fatalf("want ConflictException on %s, got %v", id, err)
		}
	}
	_, err := c.StartRecovery(ctx, recoveryInput(true, "s-00000000000000000"))
	wantConflict(err, "s-00000000000000000")
	_, err = c.StartRecovery(ctx, recoveryInput(true, "s-1"))
	wantConflict(err, "sourceServers[0].sourceServerID")
	id := serverIDs(t, c, "shop-db-1")[0]
	_, err = c.StartRecovery(ctx, recoveryInput(true, id, id))
	wantConflict(err, "sourceServers[1].sourceServerID")
	_, err = c.TerminateRecoveryInstances(ctx, &drs.TerminateRecoveryInstancesInput{RecoveryInstanceIDs: []string{"i-0123456789abcdef0"}})
	wantConflict(err, "i-0123456789abcdef0")
	_, err = c.DescribeJobLogItems(ctx, &drs.DescribeJobLogItemsInput{JobID: aws.String("drsjob-00000000000000000")})
	var ve *types.ValidationException
	if !errors.As(err, &ve) {
		// DescribeJobLogItems models no ResourceNotFoundException either.
		t.Fatalf("DescribeJobLogItems of an unknown job: want ValidationException, got %v", err)
	}
}

func TestRecoverySnapshots(t *testing.T) {
	svc := start(t, nil)
	c := drsClient(svc, "us-east-1")
	id := serverIDs(t, c, "shop-db-1")[0]
	asc, err := c.DescribeRecoverySnapshots(ctx, &drs.DescribeRecoverySnapshotsInput{SourceServerID: aws.String(id), Order: types.RecoverySnapshotsOrderAsc})
	if err != nil {
		t.Fatal(err)
	}
	// Default PIT policy: 10-minute snapshots for an hour, hourly for a day, daily for a week.
	if n := len(asc.Items); n < 30 || n > 40 {
		t.Fatalf("%d snapshots, want about 37", n)
	}
	first, last := asc.Items[0], asc.Items[len(asc.Items)-1]
	if aws.ToString(first.ExpectedTimestamp) >= aws.ToString(last.ExpectedTimestamp) || len(last.EbsSnapshots) != 2 {
		t.Fatalf("ASC order or EBS snapshots wrong: %+v … %+v", first, last)
	}
	desc, _ := c.DescribeRecoverySnapshots(ctx, &drs.DescribeRecoverySnapshotsInput{SourceServerID: aws.String(id), Order: types.RecoverySnapshotsOrderDesc, MaxResults: aws.Int32(5)})
	if len(desc.Items) != 5 || aws.ToString(desc.Items[0].SnapshotID) != aws.ToString(last.SnapshotID) || desc.NextToken == nil {
		t.Fatalf("DESC page %+v", desc)
	}
	_, err = c.DescribeRecoverySnapshots(ctx, &drs.DescribeRecoverySnapshotsInput{SourceServerID: aws.String(id), Order: "SIDEWAYS"})
	wantValidation(t, err, "order")

	// Launch from an older snapshot: the instance carries its time.
	in := &drs.StartRecoveryInput{IsDrill: aws.Bool(true), SourceServers: []types.StartRecoveryRequestSourceServer{
		{SourceServerID: aws.String(id), RecoverySnapshotID: first.SnapshotID}}}
	if _, err := c.StartRecovery(ctx, in); err != nil {
		t.Fatal(err)
	}
	svc.App.DRS.RunUntilIdle()
	inst, _ := c.DescribeRecoveryInstances(ctx, &drs.DescribeRecoveryInstancesInput{})
	if len(inst.Items) != 1 || aws.ToString(inst.Items[0].PointInTimeSnapshotDateTime) != aws.ToString(first.ExpectedTimestamp) {
		t.Fatalf("instance from snapshot %s: %+v", aws.ToString(first.ExpectedTimestamp), inst.Items)
	}
	in.SourceServers[0].RecoverySnapshotID = aws.String("pit-00000000000000000")
	_, err = c.StartRecovery(ctx, in)
	var ce *types.ConflictException
	if !errors.As(err, &ce) || aws.ToString(ce.ResourceId) != "pit-00000000000000000" {
		t.Fatalf("unknown snapshot: want ConflictException naming it, got %v", err)
	}
}

func TestDescribeJobsFiltersAndPages(t *testing.T) {
	svc := start(t, nil)
	c := drsClient(svc, "us-east-1")
	ids := serverIDs(t, c, "shop-web-1", "shop-web-2", "shop-web-3")
	var jobIDs []string
	for _, id := range ids {
		out, err := c.StartRecovery(ctx, recoveryInput(true, id))
		if err != nil {
			t.Fatal(err)
		}
		jobIDs = append(jobIDs, aws.ToString(out.Job.JobID))
		advance(svc, time.Hour)
	}
	p := drs.NewDescribeJobsPaginator(c, &drs.DescribeJobsInput{MaxResults: aws.Int32(2)})
	var got []string
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, j := range page.Items {
			got = append(got, aws.ToString(j.JobID))
		}
	}
	slices.Reverse(jobIDs) // newest first, as DRS lists them
	if !slices.Equal(got, jobIDs) {
		t.Fatalf("paged jobs %v, want %v (newest first)", got, jobIDs)
	}
	from := time.Date(2026, 1, 5, 9, 30, 0, 0, time.UTC).Format(time.RFC3339)
	out, err := c.DescribeJobs(ctx, &drs.DescribeJobsInput{Filters: &types.DescribeJobsRequestFilters{FromDate: aws.String(from)}})
	if err != nil || len(out.Items) != 2 {
		t.Fatalf("fromDate filter: %v, %d jobs, want 2", err, len(out.Items))
	}
}

func TestJobsPerServerQuota(t *testing.T) {
	svc := start(t, nil)
	c := drsClient(svc, "us-east-1")
	id := serverIDs(t, c, "shop-app-3")[0]
	if err := svc.App.DRS.SetQuota(drssim.Estate{}, drssim.QuotaJobsPerServer, 2); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ {
		if _, err := c.StartRecovery(ctx, recoveryInput(true, id)); err != nil {
			t.Fatalf("job %d with L-DD6D028C = 2: %v", i+1, err)
		}
	}
	_, err := c.StartRecovery(ctx, recoveryInput(true, id))
	var ce *types.ConflictException
	if !errors.As(err, &ce) {
		t.Fatalf("third job: want ConflictException, got %v", err)
	}
}

// DRS reports a launched server's launch action runs in the job's
// participating server (launchActionsStatus): active actions only, in
// order, and none when post-launch actions are disabled (more in
// launch_runs_test.go).
func TestLaunchActionRunsAreReportedOnTheJob(t *testing.T) {
	svc := start(t, nil)
	c := drsClient(svc, "us-east-1")
	ids := serverIDs(t, c, "shop-web-1", "shop-web-2")
	put := func(server, actionID string, order int32, active bool) {
		t.Helper()
		if _, err := c.PutLaunchAction(ctx, &drs.PutLaunchActionInput{ResourceId: aws.String(server), ActionId: aws.String(actionID),
			ActionCode: aws.String("AWS-RunShellScript"), Order: aws.Int32(order), Name: aws.String("step"), Active: aws.Bool(active),
			Optional: aws.Bool(false), ActionVersion: aws.String("$DEFAULT"), Category: types.LaunchActionCategoryValidation,
			Description: aws.String(""), Parameters: shellCommands}); err != nil {
			t.Fatal(err)
		}
	}
	for _, id := range ids {
		put(id, "3f2a3b4c-0000-4000-8000-000000000003", 30, true)
		put(id, "3f2a3b4c-0000-4000-8000-000000000002", 20, true)
		put(id, "3f2a3b4c-0000-4000-8000-000000000004", 40, false)
	}
	if _, err := c.UpdateLaunchConfiguration(ctx, &drs.UpdateLaunchConfigurationInput{SourceServerID: aws.String(ids[0]), PostLaunchEnabled: aws.Bool(true)}); err != nil {
		t.Fatal(err)
	}
	out, err := c.StartRecovery(ctx, recoveryInput(true, ids...))
	if err != nil {
		t.Fatal(err)
	}
	svc.App.DRS.RunUntilIdle()
	job := describeJob(t, c, aws.ToString(out.Job.JobID))
	for _, p := range job.ParticipatingServers {
		st := p.LaunchActionsStatus
		switch aws.ToString(p.SourceServerID) {
		case ids[0]:
			if st == nil || aws.ToString(st.SsmAgentDiscoveryDatetime) == "" || len(st.Runs) != 2 {
				t.Fatalf("enabled server: %+v", st)
			}
			for i, want := range []int32{20, 30} {
				r := st.Runs[i]
				if aws.ToInt32(r.Action.Order) != want || r.Status != types.LaunchActionRunStatusSucceeded || len(aws.ToString(r.RunId)) != 36 {
					t.Fatalf("run %d: %+v", i, r)
				}
			}
		case ids[1]:
			if st != nil {
				t.Fatalf("post-launch disabled, yet runs %+v", st)
			}
		}
	}
}

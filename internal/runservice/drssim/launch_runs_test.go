package drssim_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/drs"
	"github.com/aws/aws-sdk-go-v2/service/drs/types"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/awswire"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/drssim"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/runservicetest"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/ssmsim"
)

// action is a launch action for PutLaunchAction.
type action struct {
	id, code, name string
	order          int32
	active, opt    bool
	params         map[string]types.LaunchActionParameter
}

func putAction(t *testing.T, c *drs.Client, resource string, a action) {
	t.Helper()
	if _, err := c.PutLaunchAction(ctx, &drs.PutLaunchActionInput{ResourceId: aws.String(resource), ActionId: aws.String(a.id),
		ActionCode: aws.String(a.code), Order: aws.Int32(a.order), Name: aws.String(a.name), Active: aws.Bool(a.active),
		Optional: aws.Bool(a.opt), ActionVersion: aws.String("$DEFAULT"), Category: types.LaunchActionCategoryValidation,
		Description: aws.String(""), Parameters: a.params}); err != nil {
		t.Fatal(err)
	}
}

func enablePostLaunch(t *testing.T, c *drs.Client, ids ...string) {
	t.Helper()
	for _, id := range ids {
		if _, err := c.UpdateLaunchConfiguration(ctx, &drs.UpdateLaunchConfigurationInput{SourceServerID: aws.String(id), PostLaunchEnabled: aws.Bool(true)}); err != nil {
			t.Fatal(err)
		}
	}
}

var shellCommands = map[string]types.LaunchActionParameter{"commands": {Value: aws.String("drs.smoke-test"), Type: types.LaunchActionParameterTypeSsmStore}}

func participant(t *testing.T, job types.Job, id string) types.ParticipatingServer {
	t.Helper()
	for _, p := range job.ParticipatingServers {
		if aws.ToString(p.SourceServerID) == id {
			return p
		}
	}
	t.Fatalf("server %s is not in job %s", id, aws.ToString(job.JobID))
	return types.ParticipatingServer{}
}

// ssmCall invokes the run service's SSM in process.
func ssmCall(t *testing.T, svc *runservicetest.Service, op string, in, out any) {
	t.Helper()
	body, _ := json.Marshal(in)
	res, err := svc.App.SSM.Invoke(ctx, awswire.Identity{Region: "us-east-1"}, op, body)
	if err != nil {
		t.Fatalf("SSM %s: %v", op, err)
	}
	if err := json.Unmarshal(res, out); err != nil {
		t.Fatal(err)
	}
}

// Each active launch action runs through SSM after the instance launched,
// one after another in ascending order, as a command on the instance or an
// automation naming it; the launch is LAUNCHED only once the runs ended.
func TestLaunchActionsRunThroughSSMInOrder(t *testing.T) {
	svc := start(t, nil)
	c := drsClient(svc, "us-east-1")
	id := serverIDs(t, c, "shop-web-1")[0]
	putAction(t, c, id, action{id: "3f2a3b4c-0000-4000-8000-000000000030", code: "AWS-RunShellScript", name: "smoke", order: 30, active: true, params: shellCommands})
	putAction(t, c, id, action{id: "3f2a3b4c-0000-4000-8000-000000000020", code: "AWS-RestartEC2Instance", name: "restart", order: 20, active: true})
	putAction(t, c, id, action{id: "3f2a3b4c-0000-4000-8000-000000000040", code: "AWS-RunShellScript", name: "off", order: 40, active: false, params: shellCommands})
	enablePostLaunch(t, c, id)
	out, err := c.StartRecovery(ctx, recoveryInput(true, id))
	if err != nil {
		t.Fatal(err)
	}
	jobID := aws.ToString(out.Job.JobID)
	// While a run is in progress the launch is not finished.
	seen := false
	for i := 0; i < 200 && !seen; i++ {
		advance(svc, 15*time.Second)
		job := describeJob(t, c, jobID)
		p := participant(t, job, id)
		if st := p.LaunchActionsStatus; st != nil && len(st.Runs) > 0 && st.Runs[len(st.Runs)-1].Status == types.LaunchActionRunStatusInProgress {
			seen = true
			if p.LaunchStatus != types.LaunchStatusInProgress || aws.ToString(p.RecoveryInstanceID) == "" || job.Status != types.JobStatusStarted {
				t.Fatalf("while action runs: launch %s, instance %q, job %s", p.LaunchStatus, aws.ToString(p.RecoveryInstanceID), job.Status)
			}
		}
	}
	if !seen {
		t.Fatal("no run was ever IN_PROGRESS")
	}
	svc.App.DRS.RunUntilIdle()
	job := describeJob(t, c, jobID)
	p := participant(t, job, id)
	st := p.LaunchActionsStatus
	if p.LaunchStatus != types.LaunchStatusLaunched || job.Status != types.JobStatusCompleted || st == nil || aws.ToString(st.SsmAgentDiscoveryDatetime) == "" || len(st.Runs) != 2 {
		t.Fatalf("after the runs: launch %s, job %s, %+v", p.LaunchStatus, job.Status, st)
	}
	for i, want := range []int32{20, 30} {
		if r := st.Runs[i]; aws.ToInt32(r.Action.Order) != want || r.Status != types.LaunchActionRunStatusSucceeded || aws.ToString(r.FailureReason) != "" {
			t.Fatalf("run %d: %+v", i, r)
		}
	}
	// The command ran on the recovery instance with the action's
	// parameters (a Parameter Store reference) after the automation ended.
	instance := aws.ToString(p.RecoveryInstanceID)
	var cmds struct {
		CommandInvocations []struct {
			CommandId, InstanceId, DocumentName, Comment, Status string
			RequestedDateTime                                    float64
		}
	}
	// The runs' SSM IDs are not on DRS's wire: find them through the
	// simulator's commands on the instance.
	cmdID := commandOn(t, svc, instance)
	ssmCall(t, svc, "ListCommandInvocations", map[string]any{"CommandId": cmdID}, &cmds)
	if len(cmds.CommandInvocations) != 1 || cmds.CommandInvocations[0].Status != "Success" || cmds.CommandInvocations[0].DocumentName != "AWS-RunShellScript" ||
		!strings.HasPrefix(cmds.CommandInvocations[0].Comment, "DRS launch action run "+aws.ToString(st.Runs[1].RunId)) {
		t.Fatalf("invocations %+v", cmds)
	}
}

// commandOn is the ID of the one SSM command the simulator ran on instance.
func commandOn(t *testing.T, svc *runservicetest.Service, instance string) string {
	t.Helper()
	ids := svc.App.SSM.CommandsOn(awswire.DefaultAccount, "us-east-1", instance)
	if len(ids) != 1 {
		t.Fatalf("commands on %s: %v", instance, ids)
	}
	return ids[0]
}

// A must-succeed action that fails fails the launch (LAUNCH_FAILED with the
// action's failure), keeps the instance, and the later actions still run;
// an optional one that fails leaves the launch LAUNCHED.
func TestFailingLaunchActions(t *testing.T) {
	svc := start(t, nil)
	c := drsClient(svc, "us-east-1")
	ids := serverIDs(t, c, "shop-web-1", "shop-web-2")
	for _, id := range ids {
		putAction(t, c, id, action{id: "3f2a3b4c-0000-4000-8000-000000000010", code: "AWS-RunShellScript", name: "smoke test", order: 10, active: true, opt: id == ids[1], params: shellCommands})
		putAction(t, c, id, action{id: "3f2a3b4c-0000-4000-8000-000000000011", code: "AWS-RestartEC2Instance", name: "restart", order: 11, active: true})
	}
	enablePostLaunch(t, c, ids...)
	svc.App.SSM.SetRules([]ssmsim.Rule{{Document: "AWS-RunShellScript", Status: "Failed", Error: "curl: (7) Failed to connect to localhost port 80\nmore"}})
	out, err := c.StartRecovery(ctx, recoveryInput(true, ids...))
	if err != nil {
		t.Fatal(err)
	}
	svc.App.DRS.RunUntilIdle()
	jobID := aws.ToString(out.Job.JobID)
	job := describeJob(t, c, jobID)
	must, opt := participant(t, job, ids[0]), participant(t, job, ids[1])
	for _, p := range []types.ParticipatingServer{must, opt} {
		runs := p.LaunchActionsStatus.Runs
		if len(runs) != 2 || runs[0].Status != types.LaunchActionRunStatusFailed || runs[1].Status != types.LaunchActionRunStatusSucceeded {
			t.Fatalf("runs of %s: %+v", aws.ToString(p.SourceServerID), runs)
		}
		reason := aws.ToString(runs[0].FailureReason)
		if !strings.Contains(reason, "SSM command ") || !strings.Contains(reason, "Failed, exit code 1: curl: (7) Failed to connect to localhost port 80") || strings.Contains(reason, "more") {
			t.Fatalf("failure reason %q", reason)
		}
	}
	if must.LaunchStatus != types.LaunchStatusFailed || aws.ToString(must.RecoveryInstanceID) == "" {
		t.Fatalf("must-succeed failed: launch %s, instance %q", must.LaunchStatus, aws.ToString(must.RecoveryInstanceID))
	}
	if opt.LaunchStatus != types.LaunchStatusLaunched {
		t.Fatalf("optional failed: launch %s", opt.LaunchStatus)
	}
	var failed []types.JobLog
	for _, l := range jobEvents(t, c, jobID) {
		if l.Event == types.JobLogEventLaunchFailed {
			failed = append(failed, l)
		}
	}
	if len(failed) != 1 || aws.ToString(failed[0].EventData.SourceServerID) != ids[0] ||
		!strings.Contains(aws.ToString(failed[0].EventData.RawError), `post-launch action "smoke test" (order 10, AWS-RunShellScript) must succeed and failed: SSM command`) {
		t.Fatalf("LAUNCH_FAILED items %+v", failed)
	}
	srv, err := c.DescribeSourceServers(ctx, &drs.DescribeSourceServersInput{Filters: &types.DescribeSourceServersRequestFilters{SourceServerIDs: ids[:1]}})
	if err != nil || srv.Items[0].LastLaunchResult != types.LastLaunchResultFailed {
		t.Fatalf("source server: %v %+v", err, srv)
	}
}

// A run longer than its document's execution timeout times out and
// fails; so does an automation that SSM times out; a document SSM refuses
// fails the run at once.
func TestLaunchActionTimeoutsAndRefusals(t *testing.T) {
	svc := start(t, nil)
	c := drsClient(svc, "us-east-1")
	id := serverIDs(t, c, "shop-web-1")[0]
	timeout := map[string]types.LaunchActionParameter{
		"commands":         {Value: aws.String("drs.long-job"), Type: types.LaunchActionParameterTypeSsmStore},
		"executionTimeout": {Value: aws.String("600"), Type: types.LaunchActionParameterTypeDynamic}}
	putAction(t, c, id, action{id: "3f2a3b4c-0000-4000-8000-000000000001", code: "AWS-RunShellScript", name: "long", order: 2, active: true, opt: true, params: timeout})
	putAction(t, c, id, action{id: "3f2a3b4c-0000-4000-8000-000000000002", code: "Custom-Failover", name: "failover", order: 3, active: true, opt: true})
	putAction(t, c, id, action{id: "3f2a3b4c-0000-4000-8000-000000000003", code: "Missing-Runbook", name: "missing", order: 4, active: true, opt: true})
	enablePostLaunch(t, c, id)
	svc.App.SSM.SetRules([]ssmsim.Rule{
		{Document: "AWS-RunShellScript", DurationSeconds: 700},
		{Document: "Custom-Failover", SourceServerID: id, Status: "TimedOut", DurationSeconds: 120},
		{Document: "Missing-Runbook", ErrorCode: "AutomationDefinitionNotFoundException"},
	})
	out, err := c.StartRecovery(ctx, recoveryInput(true, id))
	if err != nil {
		t.Fatal(err)
	}
	svc.App.DRS.RunUntilIdle()
	p := participant(t, describeJob(t, c, aws.ToString(out.Job.JobID)), id)
	runs := p.LaunchActionsStatus.Runs
	want := []string{"TimedOut (ExecutionTimedOut)", "SSM automation execution", "SSM refused the run: AutomationDefinitionNotFoundException"}
	if len(runs) != 3 || p.LaunchStatus != types.LaunchStatusLaunched {
		t.Fatalf("launch %s, runs %+v", p.LaunchStatus, runs)
	}
	for i, w := range want {
		if runs[i].Status != types.LaunchActionRunStatusFailed || !strings.Contains(aws.ToString(runs[i].FailureReason), w) {
			t.Fatalf("run %d: want FAILED with %q, got %s %q", i, w, runs[i].Status, aws.ToString(runs[i].FailureReason))
		}
	}
	if !strings.Contains(aws.ToString(runs[1].FailureReason), ": TimedOut") {
		t.Fatalf("automation: %q", aws.ToString(runs[1].FailureReason))
	}
	// The command was stopped at its 600 s timeout, not at the 700 s the
	// rule would have run it.
	var inv struct{ ExecutionStartDateTime, ExecutionEndDateTime, StatusDetails string }
	ssmCall(t, svc, "GetCommandInvocation", map[string]any{"CommandId": commandOn(t, svc, aws.ToString(p.RecoveryInstanceID)), "InstanceId": aws.ToString(p.RecoveryInstanceID)}, &inv)
	s, _ := time.Parse(time.RFC3339, inv.ExecutionStartDateTime)
	e, _ := time.Parse(time.RFC3339, inv.ExecutionEndDateTime)
	if inv.StatusDetails != "ExecutionTimedOut" || e.Sub(s) != 600*time.Second {
		t.Fatalf("invocation %+v (%s)", inv, e.Sub(s))
	}
}

// Servers added after the launch configuration template was set get its
// launch settings and a copy of its launch actions, which run at their
// launch; servers added before keep theirs, and later changes to the
// template's actions do not reach servers that already have the copy.
func TestTemplateLaunchActionsAreCopiedToNewServers(t *testing.T) {
	svc := start(t, nil)
	c := drsClient(svc, "us-east-1")
	old := serverIDs(t, c, "shop-web-1")[0]
	tpl, err := c.CreateLaunchConfigurationTemplate(ctx, &drs.CreateLaunchConfigurationTemplateInput{PostLaunchEnabled: aws.Bool(true), CopyTags: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	lct := aws.ToString(tpl.LaunchConfigurationTemplate.LaunchConfigurationTemplateID)
	putAction(t, c, lct, action{id: "3f2a3b4c-0000-4000-8000-0000000000a1", code: "AWS-RunShellScript", name: "register dns", order: 100, active: true, params: shellCommands})
	ids, err := svc.App.DRS.AddServers(drssim.Estate{}, drssim.GenerateSpec{Count: 1, HostnamePrefix: "late"})
	if err != nil {
		t.Fatal(err)
	}
	fresh := ids[0]
	putAction(t, c, lct, action{id: "3f2a3b4c-0000-4000-8000-0000000000a2", code: "AWS-RunShellScript", name: "after", order: 200, active: true, params: shellCommands})

	list, err := c.ListLaunchActions(ctx, &drs.ListLaunchActionsInput{ResourceId: aws.String(fresh)})
	if err != nil || len(list.Items) != 1 || aws.ToString(list.Items[0].ActionId) != "3f2a3b4c-0000-4000-8000-0000000000a1" ||
		aws.ToString(list.Items[0].Parameters["commands"].Value) != "drs.smoke-test" {
		t.Fatalf("new server's actions: %v %+v", err, list)
	}
	lc, err := c.GetLaunchConfiguration(ctx, &drs.GetLaunchConfigurationInput{SourceServerID: aws.String(fresh)})
	if err != nil || !aws.ToBool(lc.PostLaunchEnabled) || !aws.ToBool(lc.CopyTags) {
		t.Fatalf("new server's launch configuration: %v %+v", err, lc)
	}
	if list, err := c.ListLaunchActions(ctx, &drs.ListLaunchActionsInput{ResourceId: aws.String(old)}); err != nil || len(list.Items) != 0 {
		t.Fatalf("a server added before the template got actions: %v %+v", err, list)
	}

	svc.App.SSM.SetRules([]ssmsim.Rule{{Document: "AWS-RunShellScript", SourceServerID: fresh, Status: "Failed"}})
	out, err := c.StartRecovery(ctx, recoveryInput(true, fresh))
	if err != nil {
		t.Fatal(err)
	}
	svc.App.DRS.RunUntilIdle()
	p := participant(t, describeJob(t, c, aws.ToString(out.Job.JobID)), fresh)
	if runs := p.LaunchActionsStatus.Runs; len(runs) != 1 || aws.ToString(runs[0].Action.Name) != "register dns" || runs[0].Status != types.LaunchActionRunStatusFailed || p.LaunchStatus != types.LaunchStatusFailed {
		t.Fatalf("launch %s, runs %+v", p.LaunchStatus, runs)
	}
}

// A run in progress when the run service stops ends as decided after the
// restart: the job goes on from where it stood and no action runs twice.
func TestLaunchActionRunSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	inv := writeInventory(t, &drssim.Inventory{Estates: []drssim.EstateSpec{{Region: "us-east-1", Servers: []drssim.ServerSpec{{Hostname: "web-1"}}}}})
	svc, stop := open(t, dir, inv, runservicetest.Epoch)
	c := drsClient(svc, "us-east-1")
	id := serverIDs(t, c, "web-1")[0]
	putAction(t, c, id, action{id: "3f2a3b4c-0000-4000-8000-0000000000b1", code: "AWS-RunShellScript", name: "slow", order: 2, active: true, params: shellCommands})
	putAction(t, c, id, action{id: "3f2a3b4c-0000-4000-8000-0000000000b2", code: "AWS-RunShellScript", name: "next", order: 3, active: true, params: shellCommands})
	enablePostLaunch(t, c, id)
	svc.App.SSM.SetRules([]ssmsim.Rule{{Document: "AWS-RunShellScript", Status: "Failed", DurationSeconds: 1800}})
	out, err := c.StartRecovery(ctx, recoveryInput(true, id))
	if err != nil {
		t.Fatal(err)
	}
	jobID := aws.ToString(out.Job.JobID)
	for i := 0; i < 100; i++ {
		advance(svc, time.Minute)
		if st := participant(t, describeJob(t, c, jobID), id).LaunchActionsStatus; st != nil && len(st.Runs) == 1 {
			break
		}
	}
	p := participant(t, describeJob(t, c, jobID), id)
	if runs := p.LaunchActionsStatus.Runs; len(runs) != 1 || runs[0].Status != types.LaunchActionRunStatusInProgress {
		t.Fatalf("before the restart: %+v", p.LaunchActionsStatus)
	}
	now := svc.App.Clock.Now()
	stop()

	svc, stop = open(t, dir, inv, now)
	defer stop()
	c = drsClient(svc, "us-east-1")
	svc.App.DRS.RunUntilIdle()
	p = participant(t, describeJob(t, c, jobID), id)
	runs := p.LaunchActionsStatus.Runs
	// The first run ends as decided before the restart; the outcome rules
	// are not kept, so the second one succeeds.
	if len(runs) != 2 || runs[0].Status != types.LaunchActionRunStatusFailed || runs[1].Status != types.LaunchActionRunStatusSucceeded || p.LaunchStatus != types.LaunchStatusFailed {
		t.Fatalf("after the restart: launch %s, runs %+v", p.LaunchStatus, runs)
	}
	if ids := svc.App.SSM.CommandsOn(awswire.DefaultAccount, "us-east-1", aws.ToString(p.RecoveryInstanceID)); len(ids) != 2 {
		t.Fatalf("commands on the instance after the restart: %v, want one per action", ids)
	}
}

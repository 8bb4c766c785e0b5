package sfn_test

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awssfn "github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/awswire"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/drssim"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/runservicetest"
)

// launchDef starts a drill of $.servers tagged with the execution, as
// compiled plans do.
const launchDef = `{"StartAt":"Launch","States":{"Launch":{"Type":"Task",
	"Resource":"arn:aws:states:::aws-sdk:drs:startRecovery",
	"Parameters":{"SourceServers.$":"$.servers","IsDrill":true,"Tags":{"drsorch:plan":"shop","drsorch:execution.$":"$$.Execution.Id","drsorch:wave":"web"}},
	"ResultSelector":{"jobId.$":"$.Job.JobID"},"End":true}}}`

var drsID = awswire.Identity{Account: awswire.DefaultAccount, Region: region}

// twoServers returns the IDs of two demo servers and the execution input
// that launches them.
func twoServers(t *testing.T, sim *drssim.Simulator) ([]string, string) {
	t.Helper()
	raw, err := sim.Invoke(context.Background(), drsID, "DescribeSourceServers", []byte(`{"filters":{}}`))
	if err != nil {
		t.Fatal(err)
	}
	var servers struct {
		Items []struct {
			SourceServerID string `json:"sourceServerID"`
		}
	}
	if err := json.Unmarshal(raw, &servers); err != nil || len(servers.Items) < 2 {
		t.Fatalf("demo servers: %s %v", raw, err)
	}
	ids := []string{servers.Items[0].SourceServerID, servers.Items[1].SourceServerID}
	input, _ := json.Marshal(map[string]any{"servers": []map[string]string{{"SourceServerID": ids[0]}, {"SourceServerID": ids[1]}}})
	return ids, string(input)
}

func createAndStart(t *testing.T, n *node, name string) (string, string) {
	t.Helper()
	_, input := twoServers(t, n.sim)
	c := ctx(t)
	sm, err := n.sfn.CreateStateMachine(c, &awssfn.CreateStateMachineInput{Name: aws.String("recover"), RoleArn: aws.String(roleARN),
		Definition: aws.String(launchDef)})
	if err != nil {
		t.Fatal(err)
	}
	start, err := n.sfn.StartExecution(c, &awssfn.StartExecutionInput{StateMachineArn: sm.StateMachineArn, Name: aws.String(name), Input: aws.String(input)})
	if err != nil {
		t.Fatal(err)
	}
	return aws.ToString(sm.StateMachineArn), aws.ToString(start.ExecutionArn)
}

// wantOneAdoptedJob checks that DRS holds exactly one job and that the
// execution succeeded naming it.
func wantOneAdoptedJob(t *testing.T, n *node, execARN string) {
	t.Helper()
	d, err := n.sfn.DescribeExecution(ctx(t), &awssfn.DescribeExecutionInput{ExecutionArn: aws.String(execARN)})
	if err != nil {
		t.Fatal(err)
	}
	jobs := describeJobs(t, n.sim)
	if len(jobs) != 1 {
		t.Fatalf("%d DRS jobs, want exactly 1: %v", len(jobs), jobs)
	}
	if d.Status != types.ExecutionStatusSucceeded {
		t.Fatalf("execution %s: %s %s", d.Status, aws.ToString(d.Error), aws.ToString(d.Cause))
	}
	var out struct {
		JobID string `json:"jobId"`
	}
	if err := json.Unmarshal([]byte(aws.ToString(d.Output)), &out); err != nil || out.JobID != jobs[0]["jobID"] {
		t.Fatalf("output %s does not name job %v", aws.ToString(d.Output), jobs[0]["jobID"])
	}
}

// The engine dies after DRS accepted StartRecovery and before the answer is
// recorded, while the orchestrator's clock is 10 minutes ahead of DRS's or
// behind it. The next engine finds the job by its tags, whatever time DRS
// stamped on it, and adopts it: exactly one launch job.
func TestCrashInStartRecoveryWindowWithSkewedClocksLaunchesOnce(t *testing.T) {
	for _, tc := range []struct {
		name     string
		drsAhead time.Duration
	}{{"orchestrator 10 minutes ahead", -10 * time.Minute}, {"orchestrator 10 minutes behind", 10 * time.Minute}} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			var once sync.Once
			crashed := false
			hook := func(_, resource string) bool {
				crash := false
				if strings.HasSuffix(resource, ":startRecovery") {
					once.Do(func() { crash, crashed = true, true })
				}
				return crash
			}
			n1 := startNode(t, dir, runservicetest.Epoch, hook)
			if err := n1.sim.SetClockOffset(tc.drsAhead); err != nil {
				t.Fatal(err)
			}
			_, execARN := createAndStart(t, n1, "drill-skew")
			n1.settle(t)
			if !crashed || n1.sim.Stats()["StartRecovery"] != 1 {
				t.Fatalf("crash hook ran: %v; StartRecovery sent %d times", crashed, n1.sim.Stats()["StartRecovery"])
			}
			n1.kill()

			n2 := startNode(t, dir, runservicetest.Epoch.Add(time.Minute), nil)
			if err := n2.sim.SetClockOffset(tc.drsAhead); err != nil {
				t.Fatal(err)
			}
			n2.settle(t)
			if got := n2.sim.Stats()["StartRecovery"]; got != 0 {
				t.Fatalf("StartRecovery sent again after the restart (%d times)", got)
			}
			wantOneAdoptedJob(t, n2, execARN)
		})
	}
}

// A StartRecovery whose answer is lost after DRS acted (connection reset)
// is reconciled, not failed and not resent: one job, adopted. The engine
// also measures DRS's clock from the job it created.
func TestLostStartRecoveryAnswerIsReconciled(t *testing.T) {
	n := startNode(t, t.TempDir(), runservicetest.Epoch, nil)
	if err := n.sim.SetClockOffset(10 * time.Minute); err != nil {
		t.Fatal(err)
	}
	if err := n.sim.SetFaults(drssim.Estate{}, drssim.Faults{LoseAnswer: map[string]int{"StartRecovery": 1}}); err != nil {
		t.Fatal(err)
	}
	_, execARN := createAndStart(t, n, "drill-lost")
	n.settle(t)
	if got := n.sim.Stats()["StartRecovery"]; got != 1 {
		t.Fatalf("StartRecovery sent %d times, want 1", got)
	}
	wantOneAdoptedJob(t, n, execARN)
	if _, known := n.svc.Engine().DRSClockSkew(); known {
		t.Fatal("skew measured from a lost answer")
	}

	// The next job's answer arrives: DRS's clock is measured 10 minutes ahead.
	execARN2 := createAndStartAgain(t, n, "drill-after")
	n.settle(t)
	if d, _ := n.sfn.DescribeExecution(ctx(t), &awssfn.DescribeExecutionInput{ExecutionArn: aws.String(execARN2)}); d.Status != types.ExecutionStatusFailed {
		t.Fatalf("second launch of busy servers: %s", d.Status)
	}
	n.sim.RunUntilIdle()
	execARN3 := createAndStartAgain(t, n, "drill-third")
	n.settle(t)
	if d, _ := n.sfn.DescribeExecution(ctx(t), &awssfn.DescribeExecutionInput{ExecutionArn: aws.String(execARN3)}); d.Status != types.ExecutionStatusSucceeded {
		t.Fatalf("third launch: %s %s", d.Status, aws.ToString(d.Cause))
	}
	if skew, known := n.svc.Engine().DRSClockSkew(); !known || skew != 10*time.Minute {
		t.Fatalf("measured skew %s (known %v), want DRS 10m ahead", skew, known)
	}
}

func createAndStartAgain(t *testing.T, n *node, name string) string {
	t.Helper()
	_, input := twoServers(t, n.sim)
	list, err := n.sfn.ListStateMachines(ctx(t), &awssfn.ListStateMachinesInput{})
	if err != nil || len(list.StateMachines) == 0 {
		t.Fatalf("state machines: %v", err)
	}
	start, err := n.sfn.StartExecution(ctx(t), &awssfn.StartExecutionInput{StateMachineArn: list.StateMachines[0].StateMachineArn,
		Name: aws.String(name), Input: aws.String(input)})
	if err != nil {
		t.Fatal(err)
	}
	return aws.ToString(start.ExecutionArn)
}

// StartRecovery answers ConflictException because the servers are already
// in a job: when that job carries this execution's own tags (it was created
// by this very request, whose answer never came back), it is adopted; when
// it is another execution's, the conflict fails the task.
func TestConflictWithOwnJobIsAdopted(t *testing.T) {
	n := startNode(t, t.TempDir(), runservicetest.Epoch, nil)
	ids, input := twoServers(t, n.sim)
	c := ctx(t)
	sm, err := n.sfn.CreateStateMachine(c, &awssfn.CreateStateMachineInput{Name: aws.String("recover"), RoleArn: aws.String(roleARN),
		Definition: aws.String(launchDef)})
	if err != nil {
		t.Fatal(err)
	}
	smARN := aws.ToString(sm.StateMachineArn)
	execARN := strings.Replace(smARN, ":stateMachine:", ":execution:", 1) + ":drill-own"
	own, _ := json.Marshal(map[string]any{"isDrill": true,
		"sourceServers": []map[string]string{{"sourceServerID": ids[1]}, {"sourceServerID": ids[0]}},
		"tags":          map[string]string{"drsorch:plan": "shop", "drsorch:execution": execARN, "drsorch:wave": "web"}})
	if _, err := n.sim.Invoke(context.Background(), drsID, "StartRecovery", own); err != nil {
		t.Fatal(err)
	}
	start, err := n.sfn.StartExecution(c, &awssfn.StartExecutionInput{StateMachineArn: sm.StateMachineArn, Name: aws.String("drill-own"), Input: aws.String(input)})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(start.ExecutionArn) != execARN {
		t.Fatalf("execution ARN %s, test expected %s", aws.ToString(start.ExecutionArn), execARN)
	}
	n.settle(t)
	if got := n.sim.Stats()["StartRecovery"]; got != 2 {
		t.Fatalf("StartRecovery calls: %d, want the test's and the execution's", got)
	}
	wantOneAdoptedJob(t, n, execARN)

	// Another execution's job is a real conflict.
	other, err := n.sfn.StartExecution(c, &awssfn.StartExecutionInput{StateMachineArn: sm.StateMachineArn, Name: aws.String("drill-other"), Input: aws.String(input)})
	if err != nil {
		t.Fatal(err)
	}
	n.settle(t)
	d, err := n.sfn.DescribeExecution(c, &awssfn.DescribeExecutionInput{ExecutionArn: other.ExecutionArn})
	if err != nil {
		t.Fatal(err)
	}
	if d.Status != types.ExecutionStatusFailed || aws.ToString(d.Error) != "Drs.ConflictException" {
		t.Fatalf("execution against another's job: %s %s", d.Status, aws.ToString(d.Error))
	}
	if jobs := describeJobs(t, n.sim); len(jobs) != 1 {
		t.Fatalf("%d jobs, want 1", len(jobs))
	}
}

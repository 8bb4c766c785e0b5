package sfn_test

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awssfn "github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/drsorch/terraform-provider-drsorch/internal/plans"
	"github.com/drsorch/terraform-provider-drsorch/internal/recoveryplan"
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

// tierServers maps the demo shop's tiers to their source servers.
func tierServers(t *testing.T, sim *drssim.Simulator) map[string][]string {
	t.Helper()
	raw, err := sim.Invoke(context.Background(), drsID, "DescribeSourceServers", []byte(`{"filters":{}}`))
	if err != nil {
		t.Fatal(err)
	}
	var page struct {
		Items []struct {
			SourceServerID string            `json:"sourceServerID"`
			Tags           map[string]string `json:"tags"`
		}
	}
	if err := json.Unmarshal(raw, &page); err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for _, s := range page.Items {
		if s.Tags["app"] == "shop" {
			out[s.Tags["tier"]] = append(out[s.Tags["tier"]], s.SourceServerID)
		}
	}
	return out
}

// A compiled plan of three waves; the run service dies inside every wave's
// StartRecovery window (after DRS acted, before the answer was recorded)
// and restarts, with the orchestrator's clock 10 minutes ahead of DRS's or
// behind it. Every wave adopts its job: exactly one launch job per wave.
func TestCompiledPlanCrashingInEveryStartRecoveryWindowLaunchesEachWaveOnce(t *testing.T) {
	for _, drsAhead := range []time.Duration{-10 * time.Minute, 10 * time.Minute} {
		t.Run("drs ahead "+drsAhead.String(), func(t *testing.T) {
			dir := t.TempDir()
			crashed := make(chan struct{}, 10)
			// crashOn dies at the k-th StartRecovery task this process
			// answers: a restarted process first adopts the job of the
			// wave that crashed, then sends the next wave's request.
			crashOn := func(k int) func(string, string) bool {
				var calls atomic.Int32
				return func(_, resource string) bool {
					if !strings.HasSuffix(resource, ":startRecovery") || int(calls.Add(1)) != k {
						return false
					}
					crashed <- struct{}{}
					return true
				}
			}
			n := startNode(t, dir, runservicetest.Epoch, crashOn(1))
			if err := n.sim.SetClockOffset(drsAhead); err != nil {
				t.Fatal(err)
			}
			tiers := tierServers(t, n.sim)
			c, err := plans.CompileWithRunner(ctx(t), n.sfn, recoveryplan.Plan{Name: "shop", Waves: []recoveryplan.Wave{
				{Name: "db", ProtectionGroup: "shop-db", ServerIDs: tiers["db"]},
				{Name: "app", ProtectionGroup: "shop-app", ServerIDs: tiers["app"]},
				{Name: "web", ProtectionGroup: "shop-web", ServerIDs: tiers["web"]},
			}}, region, "123456789012", roleARN)
			if err != nil {
				t.Fatal(err)
			}
			sm, err := n.sfn.CreateStateMachine(ctx(t), &awssfn.CreateStateMachineInput{Name: aws.String("drsorch-plan-shop"),
				RoleArn: aws.String(roleARN), Definition: aws.String(c.Definition)})
			if err != nil {
				t.Fatal(err)
			}
			start, err := n.sfn.StartExecution(ctx(t), &awssfn.StartExecutionInput{StateMachineArn: sm.StateMachineArn, Input: aws.String(`{"type":"DRILL"}`)})
			if err != nil {
				t.Fatal(err)
			}
			restarts, sent := 0, int64(0)
			for step := 0; ; step++ {
				if step > 2000 {
					t.Fatal("the drill did not end")
				}
				n.settle(t)
				select {
				case <-crashed:
					// The process dies here; the next one starts on the same data.
					at := n.clk.Now()
					sent += n.sim.Stats()["StartRecovery"]
					n.kill()
					restarts++
					if restarts < 3 {
						n = startNode(t, dir, at, crashOn(2))
					} else {
						n = startNode(t, dir, at, nil)
					}
					if err := n.sim.SetClockOffset(drsAhead); err != nil {
						t.Fatal(err)
					}
					continue
				default:
				}
				d, err := n.sfn.DescribeExecution(ctx(t), &awssfn.DescribeExecutionInput{ExecutionArn: start.ExecutionArn})
				if err != nil {
					t.Fatal(err)
				}
				if d.Status != types.ExecutionStatusRunning {
					if d.Status != types.ExecutionStatusSucceeded {
						t.Fatalf("drill %s: %s %s", d.Status, aws.ToString(d.Error), aws.ToString(d.Cause))
					}
					break
				}
				next, ok := n.clk.NextDeadline()
				if !ok {
					t.Fatal("nothing scheduled while the drill runs")
				}
				n.clk.AdvanceTo(next)
			}
			sent += n.sim.Stats()["StartRecovery"]
			if restarts != 3 || sent != 3 {
				t.Fatalf("%d crashes and %d StartRecovery requests, want one of each per wave", restarts, sent)
			}
			perWave := map[string]int{}
			for _, job := range describeJobs(t, n.sim) {
				tags, _ := job["tags"].(map[string]any)
				if job["type"] == "LAUNCH" {
					perWave[tags["drsorch:wave"].(string)]++
				}
			}
			if perWave["db"] != 1 || perWave["app"] != 1 || perWave["web"] != 1 || len(perWave) != 3 {
				t.Fatalf("launch jobs per wave: %v, want exactly one each", perWave)
			}
		})
	}
}

// A TerminateRecoveryInstances whose answer is lost is reconciled by its
// recovery instances: one TERMINATE job, adopted, never a second request.
func TestLostTerminateAnswerIsReconciled(t *testing.T) {
	n := startNode(t, t.TempDir(), runservicetest.Epoch, nil)
	if err := n.sim.SetClockOffset(-10 * time.Minute); err != nil {
		t.Fatal(err)
	}
	ids, _ := twoServers(t, n.sim)
	launch, _ := json.Marshal(map[string]any{"isDrill": true, "sourceServers": []map[string]string{{"sourceServerID": ids[0]}}})
	if _, err := n.sim.Invoke(context.Background(), drsID, "StartRecovery", launch); err != nil {
		t.Fatal(err)
	}
	n.sim.RunUntilIdle()
	raw, err := n.sim.Invoke(context.Background(), drsID, "DescribeRecoveryInstances", []byte(`{"filters":{}}`))
	if err != nil {
		t.Fatal(err)
	}
	var instances struct {
		Items []struct {
			RecoveryInstanceID string `json:"recoveryInstanceID"`
		}
	}
	if err := json.Unmarshal(raw, &instances); err != nil || len(instances.Items) != 1 {
		t.Fatalf("recovery instances: %s %v", raw, err)
	}
	if err := n.sim.SetFaults(drssim.Estate{}, drssim.Faults{LoseAnswer: map[string]int{"TerminateRecoveryInstances": 1}}); err != nil {
		t.Fatal(err)
	}
	c := ctx(t)
	sm, err := n.sfn.CreateStateMachine(c, &awssfn.CreateStateMachineInput{Name: aws.String("cleanup"), RoleArn: aws.String(roleARN),
		Definition: aws.String(`{"StartAt":"Terminate","States":{"Terminate":{"Type":"Task",
			"Resource":"arn:aws:states:::aws-sdk:drs:terminateRecoveryInstances",
			"Parameters":{"RecoveryInstanceIDs.$":"$.ids"},"ResultSelector":{"jobId.$":"$.Job.JobID","type.$":"$.Job.Type"},"End":true}}}`)})
	if err != nil {
		t.Fatal(err)
	}
	input, _ := json.Marshal(map[string]any{"ids": []string{instances.Items[0].RecoveryInstanceID}})
	start, err := n.sfn.StartExecution(c, &awssfn.StartExecutionInput{StateMachineArn: sm.StateMachineArn, Input: aws.String(string(input))})
	if err != nil {
		t.Fatal(err)
	}
	n.settle(t)
	d, err := n.sfn.DescribeExecution(c, &awssfn.DescribeExecutionInput{ExecutionArn: start.ExecutionArn})
	if err != nil {
		t.Fatal(err)
	}
	if d.Status != types.ExecutionStatusSucceeded {
		t.Fatalf("terminate: %s %s %s", d.Status, aws.ToString(d.Error), aws.ToString(d.Cause))
	}
	if got := n.sim.Stats()["TerminateRecoveryInstances"]; got != 1 {
		t.Fatalf("TerminateRecoveryInstances sent %d times, want 1", got)
	}
	var terminate []map[string]any
	for _, job := range describeJobs(t, n.sim) {
		if job["type"] == "TERMINATE" {
			terminate = append(terminate, job)
		}
	}
	var out struct{ JobID, Type string }
	if err := json.Unmarshal([]byte(aws.ToString(d.Output)), &out); err != nil || len(terminate) != 1 || out.JobID != terminate[0]["jobID"] {
		t.Fatalf("output %s, TERMINATE jobs %v", aws.ToString(d.Output), terminate)
	}
}

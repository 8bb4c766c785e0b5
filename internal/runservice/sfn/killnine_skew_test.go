package sfn_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/drs"
	drstypes "github.com/aws/aws-sdk-go-v2/service/drs/types"
	awssfn "github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/drsorch/terraform-provider-drsorch/internal/plans"
	"github.com/drsorch/terraform-provider-drsorch/internal/recoveryplan"
	"github.com/drsorch/terraform-provider-drsorch/internal/statemachine"
)

// helperInventoryEnv names the inventory file the serve helper loads.
const helperInventoryEnv = "DRSORCH_SFN_SERVE_INVENTORY"

func (p *serveProcess) drs() *drs.Client {
	return drs.NewFromConfig(aws.Config{Region: region, RetryMaxAttempts: 3, BaseEndpoint: aws.String(p.url),
		Credentials: credentials.NewStaticCredentialsProvider("AKIAKILLNINE00000000", "x", "")})
}

// kill -9 at random moments while drills of compiled plans launch their
// waves, with the orchestrator's clock 10 minutes ahead of DRS's: every
// drill ends SUCCEEDED with exactly one launch job per wave.
func TestKillNineDuringDrillsWithSkewedClocks(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	const planCount = 8
	dir := t.TempDir()
	inv := filepath.Join(t.TempDir(), "inventory.json")
	// DRS answers after 20 ms, which widens the window between sending
	// StartRecovery and recording its answer.
	if err := os.WriteFile(inv, []byte(fmt.Sprintf(`{"drsClockOffset":"-10m","estates":[{"region":"us-east-1",
		"generate":{"count":%d,"hostnamePrefix":"k9"},"faults":{"throttlePercent":0,"latencyMs":20}}]}`, planCount*3)), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv(helperInventoryEnv, inv)
	p := startServeProcess(t, dir)
	cx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	servers, err := p.drs().DescribeSourceServers(cx, &drs.DescribeSourceServersInput{})
	if err != nil || len(servers.Items) < planCount*3 {
		t.Fatalf("servers: %v", err)
	}
	id := func(i int) string { return aws.ToString(servers.Items[i].SourceServerID) }
	var arns []string
	for i := range planCount {
		c, err := plans.CompileWithRunner(cx, p.client(), recoveryplan.Plan{Name: fmt.Sprintf("k9-%d", i), Waves: []recoveryplan.Wave{
			{Name: "first", ProtectionGroup: "g", ServerIDs: []string{id(3 * i), id(3*i + 1)}},
			{Name: "second", ProtectionGroup: "g", ServerIDs: []string{id(3*i + 2)}},
		}}, region, "123456789012", roleARN)
		if err != nil {
			t.Fatal(err)
		}
		sm, err := p.client().CreateStateMachine(cx, &awssfn.CreateStateMachineInput{Name: aws.String(fmt.Sprintf("drsorch-plan-k9-%d", i)),
			RoleArn: aws.String(roleARN), Definition: aws.String(c.Definition)})
		if err != nil {
			t.Fatal(err)
		}
		out, err := p.client().StartExecution(cx, &awssfn.StartExecutionInput{StateMachineArn: sm.StateMachineArn, Input: aws.String(`{"type":"DRILL"}`)})
		if err != nil {
			t.Fatal(err)
		}
		arns = append(arns, aws.ToString(out.ExecutionArn))
	}
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 9))
	for kill := range 8 {
		// Move simulated time on without waiting for the engine until a
		// StartRecovery reaches DRS, then kill the process a random moment
		// later: before DRS acted, after it acted and before the engine
		// recorded the answer, or after.
		sent := p.startRecoveries(t)
		for range 50 {
			p.control(t, "/_sim/advance", `{"seconds":20}`)
			if p.startRecoveries(t) > sent {
				break
			}
		}
		time.Sleep(time.Duration(rng.IntN(40)) * time.Millisecond) // a random kill moment, not simulated progress
		if err := p.cmd.Process.Kill(); err != nil {
			t.Fatal(err)
		}
		_ = p.cmd.Wait()
		t.Logf("kill %d", kill+1)
		p = startServeProcess(t, dir)
	}
	for range 400 {
		p.control(t, "/_sim/sfn/settle", `{}`)
		running := 0
		for _, arn := range arns {
			d, err := p.client().DescribeExecution(cx, &awssfn.DescribeExecutionInput{ExecutionArn: aws.String(arn)})
			if err != nil {
				t.Fatal(err)
			}
			if d.Status == types.ExecutionStatusRunning {
				running++
			}
		}
		if running == 0 {
			break
		}
		p.control(t, "/_sim/advance", `{"seconds":20}`)
	}
	for _, arn := range arns {
		d, err := p.client().DescribeExecution(cx, &awssfn.DescribeExecutionInput{ExecutionArn: aws.String(arn)})
		if err != nil {
			t.Fatal(err)
		}
		if d.Status != types.ExecutionStatusSucceeded {
			t.Fatalf("%s ended %s: %s %s", arn, d.Status, aws.ToString(d.Error), aws.ToString(d.Cause))
		}
	}
	perWave := map[string]int{}
	pages := drs.NewDescribeJobsPaginator(p.drs(), &drs.DescribeJobsInput{})
	for pages.HasMorePages() {
		page, err := pages.NextPage(cx)
		if err != nil {
			t.Fatal(err)
		}
		for _, j := range page.Items {
			if j.Type == drstypes.JobTypeLaunch {
				perWave[j.Tags[statemachine.TagExecution]+" "+j.Tags[statemachine.TagWave]]++
			}
		}
	}
	if len(perWave) != 2*planCount {
		b, _ := json.Marshal(perWave)
		t.Fatalf("launch jobs of %d waves, want %d: %s", len(perWave), 2*planCount, b)
	}
	for wave, n := range perWave {
		if n != 1 {
			t.Fatalf("%s: %d launch jobs, want 1", wave, n)
		}
	}
}

// startRecoveries is how many StartRecovery calls this process's DRS
// simulator has received.
func (p *serveProcess) startRecoveries(t *testing.T) int64 {
	t.Helper()
	resp, err := http.Get(p.url + "/_sim/stats")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var stats struct{ Calls map[string]int64 }
	if err := json.NewDecoder(resp.Body).Decode(&stats); err != nil {
		t.Fatal(err)
	}
	return stats.Calls["StartRecovery"]
}

package executions_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/drs"
	drstypes "github.com/aws/aws-sdk-go-v2/service/drs/types"
	"github.com/aws/aws-sdk-go-v2/service/servicequotas"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	sfntypes "github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/drsorch/terraform-provider-drsorch/internal/awsclient"
	"github.com/drsorch/terraform-provider-drsorch/internal/drsapi"
	"github.com/drsorch/terraform-provider-drsorch/internal/executions"
	"github.com/drsorch/terraform-provider-drsorch/internal/plans"
	"github.com/drsorch/terraform-provider-drsorch/internal/recoveryplan"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/drssim"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/runservicetest"
	"github.com/drsorch/terraform-provider-drsorch/internal/statemachine"
)

// generatedEstate starts a run service whose us-east-1 estate holds n
// generated source servers, and returns clients and the servers' IDs. The
// DRS quotas are the defaults: a DRS job stays active after its servers
// launched until it completes, so with 20 waves at a time a wave that
// starts when the one before it recovered may find the 20 concurrent jobs
// (L-D88FAC3A) taken, and its runner's start guard waits for one to end.
func generatedEstate(t *testing.T, n int) (*runservicetest.Service, executions.Clients, []string) {
	return guardEstate(t, n, nil)
}

// guardEstate starts a run service with n generated servers in us-east-1
// and the DRS quotas given (nil: the defaults).
func guardEstate(t *testing.T, n int, quotas map[string]int) (*runservicetest.Service, executions.Clients, []string) {
	t.Helper()
	inv, err := json.Marshal(drssim.Inventory{Estates: []drssim.EstateSpec{{Account: "123456789012", Region: "us-east-1",
		Quotas: quotas, Generate: &drssim.GenerateSpec{Count: n, HostnamePrefix: "scale"}}}})
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "inventory.json")
	if err := os.WriteFile(file, inv, 0o600); err != nil {
		t.Fatal(err)
	}
	svc := runservicetest.Start(t, runservice.Config{Inventory: file})
	cfg := svc.AWSConfig("us-east-1")
	cfg.HTTPClient = awsclient.NewHTTPClient()
	c := executions.Clients{SFN: sfn.NewFromConfig(cfg), DRS: drs.NewFromConfig(cfg), Quotas: servicequotas.NewFromConfig(cfg)}
	servers, err := drsapi.ListSourceServers(context.Background(), c.DRS, nil)
	if err != nil || len(servers) != n {
		t.Fatalf("estate: %d servers, %v", len(servers), err)
	}
	var ids []string
	for _, s := range servers {
		ids = append(ids, aws.ToString(s.SourceServerID))
	}
	sort.Strings(ids)
	return svc, c, ids
}

func deployScalePlan(t *testing.T, c executions.Clients, p recoveryplan.Plan) string {
	t.Helper()
	compiled, err := plans.CompileWithRunner(context.Background(), c.SFN, p, "us-east-1", "123456789012", "arn:aws:iam::123456789012:role/drsorch")
	if err != nil {
		t.Fatal(err)
	}
	out, err := c.SFN.CreateStateMachine(context.Background(), &sfn.CreateStateMachineInput{Name: aws.String(plans.StateMachineName(p.Name)),
		Definition: aws.String(compiled.Definition), RoleArn: aws.String("arn:aws:iam::123456789012:role/drsorch")})
	if err != nil {
		t.Fatal(err)
	}
	return aws.ToString(out.StateMachineArn)
}

// executionFigures are the history events and the largest state (input or
// output of a state, in bytes) of one execution.
func executionFigures(t *testing.T, c executions.Clients, arn string) (events, largest int) {
	t.Helper()
	h, err := executions.History(context.Background(), c.SFN, arn)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range h {
		if d := e.StateEnteredEventDetails; d != nil {
			largest = max(largest, len(aws.ToString(d.Input)))
		}
		if d := e.StateExitedEventDetails; d != nil {
			largest = max(largest, len(aws.ToString(d.Output)))
		}
	}
	return len(h), largest
}

// guardWaits counts a runner's waits for quota and its StartRecovery
// calls DRS refused for quota.
func guardWaits(t *testing.T, c executions.Clients, runner string) (waits, refused int) {
	t.Helper()
	h, err := executions.History(context.Background(), c.SFN, runner)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range h {
		if d := e.StateEnteredEventDetails; d != nil && aws.ToString(d.Name) == statemachine.StepQuotaWait {
			waits++
		}
		if d := e.TaskFailedEventDetails; d != nil && aws.ToString(d.Error) == "Drs.ServiceQuotaExceededException" {
			refused++
		}
	}
	return waits, refused
}

func runnerExecutions(t *testing.T, c executions.Clients) []string {
	t.Helper()
	list, err := plans.Executions(context.Background(), c.SFN, statemachine.RunnerARN("us-east-1", "123456789012"), "")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range list {
		out = append(out, aws.ToString(e.ExecutionArn))
	}
	return out
}

// A drill of 120 waves (6 levels × 20, two servers each) completes with the
// plan's own history under 2,000 events, and no execution — the plan's or
// a wave runner's — near 25,000 events or 256 KiB of state.
func TestDrillOf120WavesStaysWithinLimits(t *testing.T) {
	if testing.Short() {
		t.Skip("drives 120 waves")
	}
	const levels, width, perWave = 6, 20, 2
	svc, c, ids := generatedEstate(t, levels*width*perWave)
	p := recoveryplan.Plan{Name: "wide"}
	for l := range levels {
		for i := range width {
			w := recoveryplan.Wave{Name: fmt.Sprintf("l%d-w%02d", l+1, i+1), ProtectionGroup: fmt.Sprintf("g%d-%02d", l+1, i+1), DependsOnSet: true}
			if l > 0 {
				w.DependsOn = []string{fmt.Sprintf("l%d-w%02d", l, i+1)}
			}
			k := (l*width + i) * perWave
			w.ServerIDs = ids[k : k+perWave]
			p.Waves = append(p.Waves, w)
		}
	}
	planARN := deployScalePlan(t, c, p)
	ctx := context.Background()
	arn, err := executions.Start(ctx, c, planARN, executions.TypeDrill, "tester", "")
	if err != nil {
		t.Fatal(err)
	}
	svc.Drive(t, 50000, func() bool {
		d, err := c.SFN.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: aws.String(arn)})
		if err != nil {
			t.Fatal(err)
		}
		return d.Status != sfntypes.ExecutionStatusRunning
	})
	e, err := executions.Describe(ctx, c, arn)
	if err != nil {
		t.Fatal(err)
	}
	if e.Status != sfntypes.ExecutionStatusSucceeded || len(executions.LaunchedInstances(e)) != levels*width*perWave {
		t.Fatalf("drill of 120 waves: %s %s %s, %d instances", e.Status, e.Error, e.Cause, len(executions.LaunchedInstances(e)))
	}
	parentEvents, parentState := executionFigures(t, c, arn)
	runners := runnerExecutions(t, c)
	if len(runners) != levels*width {
		t.Fatalf("%d runner executions, want %d", len(runners), levels*width)
	}
	worstEvents, worstState := 0, parentState
	waited, refused := 0, 0
	for _, r := range runners {
		n, s := executionFigures(t, c, r)
		worstEvents, worstState = max(worstEvents, n), max(worstState, s)
		w, f := guardWaits(t, c, r)
		refused += f
		if w > 0 {
			waited++
		}
	}
	// With the default 20 concurrent jobs, chained waves overlap their
	// predecessors' jobs: the start guard waits instead of failing.
	t.Logf("start guard: %d of %d waves waited for the concurrent-jobs quota; %d StartRecovery calls refused for quota and retried after a wait", waited, len(runners), refused)
	t.Logf("120 waves × %d servers: plan history %d events (want < 2000), largest runner history %d events (limit %d), largest state %d bytes (limit %d)",
		perWave, parentEvents, worstEvents, statemachine.MaxHistoryEvents, worstState, statemachine.MaxStateBytes)
	if parentEvents >= 2000 || worstEvents >= statemachine.MaxHistoryEvents || worstState >= statemachine.MaxStateBytes {
		t.Fatal("over a limit")
	}
	for _, w := range e.Waves {
		if w.Status != executions.WaveRecovered || w.JobID == "" || w.RunnerExecutionARN == "" {
			t.Fatalf("wave %s: %s, job %q, runner %q", w.Name, w.Status, w.JobID, w.RunnerExecutionARN)
		}
	}
}

// With 5 % of DescribeJobs and DescribeRecoveryInstances calls failing in
// ways the DRS model does not list (5xx service errors: Drs.DrsException;
// reset connections: Drs.SdkClientException), 20 of 20 concurrent drills
// complete and no source server is launched twice.
func TestDrillsSurviveUnmodelledReadErrors(t *testing.T) {
	if testing.Short() {
		t.Skip("drives 20 drills")
	}
	const drills, perWave = 20, 2
	svc, c, ids := generatedEstate(t, drills*2*perWave)
	ctx := context.Background()
	var planARNs []string
	for d := range drills {
		k := d * 2 * perWave
		planARNs = append(planARNs, deployScalePlan(t, c, recoveryplan.Plan{Name: fmt.Sprintf("flaky-%02d", d), Waves: []recoveryplan.Wave{
			{Name: "first", ProtectionGroup: "a", ServerIDs: ids[k : k+perWave]},
			{Name: "second", ProtectionGroup: "b", ServerIDs: ids[k+perWave : k+2*perWave]},
		}}))
	}
	var faults []drssim.OperationFault
	for i, op := range []string{"DescribeJobs", "DescribeRecoveryInstances"} {
		faults = append(faults,
			drssim.OperationFault{Operation: op, Kind: drssim.FaultService, Status: 503, Probability: 0.025, Seed: int64(7 + i)},
			drssim.OperationFault{Operation: op, Kind: drssim.FaultClient, Probability: 0.025, Seed: int64(11 + i)})
	}
	if err := svc.App.DRS.SetFaults(estate, drssim.Faults{Errors: faults}); err != nil {
		t.Fatal(err)
	}
	var arns []string
	for _, planARN := range planARNs {
		// Start reads no DRS job: the faults do not touch it.
		arn, err := executions.Start(ctx, c, planARN, executions.TypeDrill, "tester", "")
		if err != nil {
			t.Fatal(err)
		}
		arns = append(arns, arn)
	}
	statuses := make([]sfntypes.ExecutionStatus, len(arns))
	svc.Drive(t, 50000, func() bool {
		done := true
		for i, arn := range arns {
			d, err := c.SFN.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: aws.String(arn)})
			if err != nil {
				t.Fatal(err)
			}
			statuses[i] = d.Status
			done = done && d.Status != sfntypes.ExecutionStatusRunning
		}
		return done
	})
	if err := svc.App.DRS.SetFaults(estate, drssim.Faults{}); err != nil {
		t.Fatal(err)
	}
	succeeded := 0
	for i, s := range statuses {
		if s == sfntypes.ExecutionStatusSucceeded {
			succeeded++
			continue
		}
		d, _ := c.SFN.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: aws.String(arns[i])})
		t.Errorf("drill %d: %s %s %s", i, s, aws.ToString(d.Error), aws.ToString(d.Cause))
	}
	// Every server in exactly one LAUNCH job, tagged with its plan's execution.
	launches := map[string]int{}
	failedReads := 0
	pages := drs.NewDescribeJobsPaginator(c.DRS, &drs.DescribeJobsInput{})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, j := range page.Items {
			if j.Type != drstypes.JobTypeLaunch {
				continue
			}
			if !strings.Contains(j.Tags[statemachine.TagExecution], ":execution:drsorch-plan-flaky-") {
				t.Errorf("job %s is tagged %v", aws.ToString(j.JobID), j.Tags)
			}
			for _, s := range j.ParticipatingServers {
				launches[aws.ToString(s.SourceServerID)]++
			}
		}
	}
	for _, r := range runnerExecutions(t, c) {
		h, err := executions.History(ctx, c.SFN, r)
		if err != nil {
			t.Fatal(err)
		}
		for _, ev := range h {
			if ev.Type == sfntypes.HistoryEventTypeTaskFailed {
				failedReads++
			}
		}
	}
	twice := 0
	for _, id := range ids {
		if launches[id] != 1 {
			twice++
			t.Errorf("server %s launched %d times", id, launches[id])
		}
	}
	t.Logf("%d of %d drills succeeded with 5%% of DRS reads failing unmodelled (%d failed reads retried); %d of %d servers launched exactly once",
		succeeded, drills, failedReads, len(ids)-twice, len(ids))
	if failedReads == 0 {
		t.Fatal("no read failed: the faults were not injected")
	}
}

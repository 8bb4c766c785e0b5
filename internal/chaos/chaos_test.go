// Package chaos_test kills the run service at random moments while many
// drills run, loses answers of every non-idempotent call on the way, and
// then checks that nothing was lost and nothing happened twice.
//
// The short form runs in `make test`; `make chaos` runs the long form
// (DRSORCH_CHAOS=long) and prints the figures for the closing note.
package chaos_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
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
	"github.com/drsorch/terraform-provider-drsorch/internal/statemachine"
)

const (
	region    = "us-east-1"
	roleARN   = "arn:aws:iam::123456789012:role/drsorch-chaos"
	accessKey = "AKIADRSORCHLOCAL0000"
	secretKey = "drsorch-local-secret"
)

// settings are the knobs of one chaos run.
type settings struct {
	drills      int     // concurrent drill loops, one plan each
	kills       int     // kill -9s by the supervisor (the StartRecovery window adds its own)
	windowKill  float64 // probability that the service kills itself right after sending a StartRecovery
	loseAnswer  float64 // probability of losing an answer of a non-idempotent call (the first of each is always lost)
	timeScale   float64 // simulated seconds per wall second
	gap         [2]time.Duration
	drsSkew     time.Duration // DRS's clock minus the orchestrator's
	deadline    time.Duration
	serversEach int // servers per wave
}

func chaosSettings() settings {
	s := settings{drills: 20, kills: 12, windowKill: 0.15, loseAnswer: 0.2, timeScale: 300,
		gap: [2]time.Duration{300 * time.Millisecond, 1200 * time.Millisecond}, deadline: 4 * time.Minute, serversEach: 2}
	if os.Getenv("DRSORCH_CHAOS") == "long" {
		s.kills, s.deadline = 60, 15*time.Minute
	}
	if n, err := strconv.Atoi(os.Getenv("DRSORCH_CHAOS_KILLS")); err == nil {
		s.kills = n
	}
	return s
}

// TestChaos runs the chaos drill twice: with the orchestrator's clock ten
// minutes ahead of DRS's, and ten minutes behind.
func TestChaos(t *testing.T) {
	if testing.Short() {
		t.Skip("starts and kills processes")
	}
	for _, skew := range []time.Duration{-10 * time.Minute, 10 * time.Minute} {
		t.Run("drs-clock"+fmtSkew(skew), func(t *testing.T) {
			s := chaosSettings()
			s.drsSkew = skew
			runChaos(t, s)
		})
	}
}

func fmtSkew(d time.Duration) string {
	if d >= 0 {
		return "+" + d.String()
	}
	return d.String()
}

// report is what one run measured.
type report struct {
	kills, windowKills           int64
	executions, succeeded        int
	lostExecutions, duplicates   int
	launchJobs, duplicateLaunch  int
	terminateJobs, duplicateTerm int
	nonMonotonic                 int
	lostAnswers                  map[string]int64
}

func runChaos(t *testing.T, s settings) {
	dir := t.TempDir()
	inv := writeInventory(t, dir, s.drills*3*s.serversEach, s.drsSkew)
	sup := newSupervisor(t, filepath.Join(dir, "data"), inv, s)
	sup.start(t)
	defer sup.stop()
	px := newLossyProxy(t, sup.addr, s.loseAnswer)

	ctx, cancel := context.WithTimeout(context.Background(), s.deadline)
	defer cancel()
	admin := clientsFor(sup.url(), 10) // straight to the service, for set-up and checks
	planARNs := deployPlans(ctx, t, clientsFor(px.url, 25), s)

	// Drill loops through the lossy proxy, while the supervisor kills.
	var started sync.Map // execution name → plan ARN
	var wg sync.WaitGroup
	var stopRounds atomic.Bool
	errs := make(chan error, s.drills)
	for i, planARN := range planARNs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := clientsFor(px.url, 25)
			for round := 1; ; round++ {
				name := fmt.Sprintf("chaos-%02d-r%d", i, round)
				started.Store(name, planARN)
				if err := drill(ctx, c, planARN, name); err != nil {
					errs <- fmt.Errorf("%s: %w", name, err)
					return
				}
				if stopRounds.Load() {
					return
				}
			}
		}()
	}
	sup.killLoop(ctx, s)
	stopRounds.Store(true)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if t.Failed() {
		return
	}

	r := check(ctx, t, admin, planARNs, &started)
	r.kills, r.windowKills = sup.kills.Load(), sup.windowKillCount()
	r.lostAnswers = px.lost()
	t.Logf("chaos (DRS clock %s): %d kill -9s (%d inside the StartRecovery window), %d drills (%d succeeded) over %d plans; "+
		"lost executions %d, duplicate executions %d; launch jobs %d, duplicate launch jobs %d; terminate jobs %d, duplicate terminate jobs %d; "+
		"non-monotonic history timestamps %d; answers lost: %v",
		fmtSkew(s.drsSkew), r.kills, r.windowKills, r.executions, r.succeeded, len(planARNs),
		r.lostExecutions, r.duplicates, r.launchJobs, r.duplicateLaunch, r.terminateJobs, r.duplicateTerm, r.nonMonotonic, r.lostAnswers)
	if r.kills < int64(s.kills) {
		t.Errorf("only %d kills, want %d", r.kills, s.kills)
	}
	for _, op := range lossyOperations {
		if r.lostAnswers[op] == 0 {
			t.Errorf("no answer of %s was lost: the run did not exercise it", op)
		}
	}
}

// drill runs one drill to the end through c, riding over lost answers and
// the service's restarts: start (named, so a retry is the same start),
// approve the paused last wave, wait, terminate the drill's instances.
func drill(ctx context.Context, c executions.Clients, planARN, name string) error {
	var arn string
	if err := retry(ctx, func() (err error) {
		arn, err = executions.Start(ctx, c, planARN, executions.TypeDrill, "chaos", name)
		return err
	}); err != nil {
		return fmt.Errorf("start: %w", err)
	}
	var e *executions.Execution
	if err := retry(ctx, func() (err error) {
		e, err = executions.Wait(ctx, c, arn, executions.UntilPaused, 200*time.Millisecond, nil)
		return err
	}); err != nil {
		return fmt.Errorf("wait for the pause: %w", err)
	}
	if wave := e.PausedBefore(); wave != "" {
		if err := retry(ctx, func() error {
			cur, err := executions.Describe(ctx, c, arn)
			if err != nil {
				return err
			}
			if cur.PausedBefore() != wave {
				return nil // approved by an earlier attempt whose answer was lost
			}
			return executions.Resume(ctx, c, cur, wave, "chaos", time.Now())
		}); err != nil {
			return fmt.Errorf("resume %s: %w", wave, err)
		}
	}
	if err := retry(ctx, func() (err error) {
		e, err = executions.Wait(ctx, c, arn, executions.UntilCompleted, 200*time.Millisecond, nil)
		return err
	}); err != nil {
		return fmt.Errorf("wait for the end: %w", err)
	}
	if e.Status != sfntypes.ExecutionStatusSucceeded {
		return fmt.Errorf("ended %s: %s %s", e.Status, e.Error, e.Cause)
	}
	return retry(ctx, func() error {
		cur, err := executions.Describe(ctx, c, arn)
		if err != nil {
			return err
		}
		_, err = executions.Terminate(ctx, c, cur, false, 200*time.Millisecond)
		return err
	})
}

// retry repeats fn until it succeeds or ctx ends: the service may be down
// for a moment, which the SDK's own retries do not always cover.
func retry(ctx context.Context, fn func() error) error {
	for {
		err := fn()
		if err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%w (last error: %v)", ctx.Err(), err)
		case <-time.After(150 * time.Millisecond):
		}
	}
}

func clientsFor(url string, attempts int) executions.Clients {
	cfg := aws.Config{
		Region:           region,
		Credentials:      credentials.NewStaticCredentialsProvider(accessKey, secretKey, ""),
		BaseEndpoint:     aws.String(url),
		RetryMaxAttempts: attempts,
		HTTPClient:       awsclient.NewHTTPClient(),
	}
	return executions.Clients{SFN: sfn.NewFromConfig(cfg), DRS: drs.NewFromConfig(cfg), Quotas: servicequotas.NewFromConfig(cfg)}
}

// writeInventory describes the estate: enough servers, DRS's clock skew,
// and DRS losing the answers of its first StartRecovery and
// TerminateRecoveryInstances calls after acting on them.
func writeInventory(t *testing.T, dir string, servers int, skew time.Duration) string {
	inv := map[string]any{"drsClockOffset": skew.String(), "estates": []any{map[string]any{
		"account": "123456789012", "region": region,
		// Twenty drills and their terminate jobs need more than DRS's
		// default of 20 concurrent jobs (an adjustable quota).
		"quotas":   map[string]int{"L-D88FAC3A": 60},
		"generate": map[string]any{"count": servers, "hostnamePrefix": "chaos"},
		"faults":   map[string]any{"loseAnswer": map[string]int{"StartRecovery": 3, "TerminateRecoveryInstances": 3}},
	}}}
	raw, _ := json.Marshal(inv)
	path := filepath.Join(dir, "inventory.json")
	if err := os.WriteFile(path, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// deployPlans makes one three-wave plan per drill loop, over servers of
// its own, with a pause before the last wave.
func deployPlans(ctx context.Context, t *testing.T, c executions.Clients, s settings) []string {
	servers, err := drsapi.ListSourceServers(ctx, c.DRS, nil)
	if err != nil {
		t.Fatal(err)
	}
	ids := make([]string, len(servers))
	for i, srv := range servers {
		ids[i] = aws.ToString(srv.SourceServerID)
	}
	sort.Strings(ids)
	var arns []string
	for i := range s.drills {
		var waves []recoveryplan.Wave
		for w, name := range []string{"db", "app", "web"} {
			first := (i*3 + w) * s.serversEach
			waves = append(waves, recoveryplan.Wave{Name: name, ProtectionGroup: fmt.Sprintf("chaos-%02d-%s", i, name),
				ServerIDs: ids[first : first+s.serversEach], PauseBefore: name == "web"})
			if w > 0 {
				waves[w].DependsOn = []string{waves[w-1].Name}
			}
		}
		name := fmt.Sprintf("chaos-%02d", i)
		compiled, err := plans.CompileWithRunner(ctx, c.SFN, recoveryplan.Plan{Name: name, Waves: waves}, region, "123456789012", roleARN)
		if err != nil {
			t.Fatal(err)
		}
		out, err := c.SFN.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String(plans.StateMachineName(name)),
			Definition: aws.String(compiled.Definition), RoleArn: aws.String(roleARN)})
		if err != nil {
			t.Fatal(err)
		}
		arns = append(arns, aws.ToString(out.StateMachineArn))
	}
	return arns
}

// check counts what the run left behind, straight from the service.
func check(ctx context.Context, t *testing.T, c executions.Clients, planARNs []string, started *sync.Map) report {
	var r report
	perPlan := map[string]int{}
	started.Range(func(k, v any) bool {
		name, plan := k.(string), v.(string)
		perPlan[plan]++
		arn := executionARN(plan, name)
		out, err := c.SFN.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: aws.String(arn)})
		if err != nil {
			t.Errorf("execution %s: %v", name, err)
			r.lostExecutions++
			return true
		}
		r.executions++
		if out.Status == sfntypes.ExecutionStatusSucceeded {
			r.succeeded++
		}
		r.nonMonotonic += nonMonotonic(ctx, t, c, arn)
		return true
	})
	for _, plan := range planARNs {
		var n int
		p := sfn.NewListExecutionsPaginator(c.SFN, &sfn.ListExecutionsInput{StateMachineArn: aws.String(plan)})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				t.Fatal(err)
			}
			n += len(page.Executions)
		}
		if n > perPlan[plan] {
			r.duplicates += n - perPlan[plan]
		}
	}
	launches := map[string]int{}   // execution|wave → launch jobs
	terminates := map[string]int{} // recovery instance → terminate jobs
	var next *string
	for {
		page, err := c.DRS.DescribeJobs(ctx, &drs.DescribeJobsInput{NextToken: next})
		if err != nil {
			t.Fatal(err)
		}
		for _, j := range page.Items {
			switch j.Type {
			case drstypes.JobTypeLaunch:
				r.launchJobs++
				launches[j.Tags[statemachine.TagExecution]+"|"+j.Tags[statemachine.TagWave]]++
			case drstypes.JobTypeTerminate:
				r.terminateJobs++
				for _, p := range j.ParticipatingServers {
					terminates[aws.ToString(p.RecoveryInstanceID)]++
				}
			}
		}
		if aws.ToString(page.NextToken) == "" {
			break
		}
		next = page.NextToken
	}
	for key, n := range launches {
		if n > 1 {
			t.Errorf("%s: %d launch jobs", key, n)
			r.duplicateLaunch += n - 1
		}
	}
	for inst, n := range terminates {
		if n > 1 {
			t.Errorf("recovery instance %s: %d terminate jobs", inst, n)
			r.duplicateTerm += n - 1
		}
	}
	if want := r.executions * 3; r.launchJobs != want {
		t.Errorf("%d launch jobs for %d drills of 3 waves, want %d", r.launchJobs, r.executions, want)
	}
	if r.lostExecutions > 0 || r.duplicates > 0 || r.nonMonotonic > 0 || r.succeeded != r.executions {
		t.Errorf("lost %d, duplicated %d, non-monotonic %d, succeeded %d of %d", r.lostExecutions, r.duplicates, r.nonMonotonic, r.succeeded, r.executions)
	}
	return r
}

func executionARN(planARN, name string) string {
	// arn:…:stateMachine:NAME → arn:…:execution:NAME:EXEC
	const marker = ":stateMachine:"
	for i := 0; i+len(marker) <= len(planARN); i++ {
		if planARN[i:i+len(marker)] == marker {
			return planARN[:i] + ":execution:" + planARN[i+len(marker):] + ":" + name
		}
	}
	return ""
}

// nonMonotonic counts history events stamped earlier than the one before.
func nonMonotonic(ctx context.Context, t *testing.T, c executions.Clients, arn string) int {
	events, err := executions.History(ctx, c.SFN, arn)
	if err != nil {
		t.Errorf("history of %s: %v", arn, err)
		return 0
	}
	n := 0
	for i := 1; i < len(events); i++ {
		if events[i].Timestamp.Before(*events[i-1].Timestamp) {
			n++
			if n == 1 {
				t.Errorf("%s: event %d at %s follows event %d at %s", arn, events[i].Id, events[i].Timestamp.Format(time.RFC3339Nano),
					events[i-1].Id, events[i-1].Timestamp.Format(time.RFC3339Nano))
			}
		}
	}
	return n
}

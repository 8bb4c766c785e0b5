package executions_test

import (
	"context"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/drs"
	drstypes "github.com/aws/aws-sdk-go-v2/service/drs/types"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	sfntypes "github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/drsorch/terraform-provider-drsorch/internal/executions"
	"github.com/drsorch/terraform-provider-drsorch/internal/recoveryplan"
)

func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkWaveOverhead runs the shop drill (db → app → web, no pause)
// and reports, per wave: the orchestration overhead in simulated time
// from the previous wave's last server LAUNCHED to this wave's
// StartRecovery (worst case over waves), the state transitions (Step
// Functions bills per transition) and the process CPU spent (engine,
// simulator and test clients together).
func BenchmarkWaveOverhead(b *testing.B) {
	ctx := context.Background()
	var worst time.Duration
	var transitions, waves int
	var cpu time.Duration
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		f := deploy(b, "bench")
		plan := recoveryplan.Plan{Name: "flat", Waves: []recoveryplan.Wave{
			{Name: "db", ProtectionGroup: "shop-db", ServerIDs: f.servers["db"]},
			{Name: "app", ProtectionGroup: "shop-app", ServerIDs: f.servers["app"]},
			{Name: "web", ProtectionGroup: "shop-web", ServerIDs: f.servers["web"]},
		}}
		planARN := deployPlan(b, f, "flat", plan)
		b.StartTimer()
		cpuStart := cpuTime()
		arn, err := executions.Start(ctx, f.clients, planARN, executions.TypeDrill, "bench", "")
		if err != nil {
			b.Fatal(err)
		}
		var e *executions.Execution
		f.svc.Drive(b, 1000, func() bool {
			out, err := f.clients.SFN.DescribeExecution(ctx, describeInput(arn))
			if err != nil {
				b.Fatal(err)
			}
			return out.Status != sfntypes.ExecutionStatusRunning
		})
		cpu += cpuTime() - cpuStart
		b.StopTimer()
		if e, err = executions.Describe(ctx, f.clients, arn); err != nil || e.Status != sfntypes.ExecutionStatusSucceeded {
			b.Fatalf("drill: %v %v", err, e)
		}
		events, err := executions.History(ctx, f.clients.SFN, arn)
		if err != nil {
			b.Fatal(err)
		}
		for _, ev := range events {
			if ev.StateEnteredEventDetails != nil {
				transitions++
			}
		}
		waves += len(e.Waves)
		for k := 1; k < len(e.Waves); k++ {
			launched := lastLaunched(b, f.clients.DRS, e.Waves[k-1])
			if d := e.Waves[k].StartedAt.Sub(launched); d > worst {
				worst = d
			}
		}
		b.StartTimer()
	}
	b.ReportMetric(worst.Seconds(), "worst-overhead-sim-s")
	b.ReportMetric(float64(transitions)/float64(waves), "transitions/wave")
	b.ReportMetric(float64(cpu.Milliseconds())/float64(waves), "cpu-ms/wave")
}

// lastLaunched is when the wave's last server finished launching: its
// recovery instance's creation in the simulator.
func lastLaunched(b *testing.B, api *drs.Client, w executions.Wave) time.Time {
	var ids []string
	for _, s := range w.Servers {
		ids = append(ids, s.SourceServerID)
	}
	out, err := api.DescribeRecoveryInstances(context.Background(), &drs.DescribeRecoveryInstancesInput{
		Filters: &drstypes.DescribeRecoveryInstancesRequestFilters{SourceServerIDs: ids}})
	if err != nil {
		b.Fatal(err)
	}
	var last time.Time
	for _, ri := range out.Items {
		if aws.ToString(ri.JobID) != w.JobID || ri.RecoveryInstanceProperties == nil {
			continue
		}
		t, err := time.Parse(time.RFC3339Nano, aws.ToString(ri.RecoveryInstanceProperties.LastUpdatedDateTime))
		if err != nil {
			b.Fatal(err)
		}
		if t.After(last) {
			last = t
		}
	}
	return last
}

func describeInput(arn string) *sfn.DescribeExecutionInput {
	return &sfn.DescribeExecutionInput{ExecutionArn: aws.String(arn)}
}

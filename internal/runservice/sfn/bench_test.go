package sfn_test

import (
	"fmt"
	"os"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awssfn "github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/runservicetest"
)

// benchHarness is a run service with durability on (a file data dir).
func benchHarness(b *testing.B, dir string) (*runservicetest.Service, *awssfn.Client) {
	b.Helper()
	svc := runservicetest.Start(b, runservice.Config{DataDir: dir})
	return svc, awssfn.NewFromConfig(svc.AWSConfig(region))
}

func benchCreate(b *testing.B, c *awssfn.Client, name, def string) string {
	b.Helper()
	out, err := c.CreateStateMachine(b.Context(), &awssfn.CreateStateMachineInput{Name: aws.String(name), RoleArn: aws.String(roleARN), Definition: aws.String(def)})
	if err != nil {
		b.Fatal(err)
	}
	return *out.StateMachineArn
}

// State transitions per second on a Pass/Choice loop, committed to a file
// database. One op = one execution of 1,000 loop rounds (2,002 transitions).
func BenchmarkTransitionsPassChoiceLoop(b *testing.B) {
	svc, c := benchHarness(b, b.TempDir())
	sm := benchCreate(b, c, "loop", `{"StartAt":"Check","States":{
		"Check":{"Type":"Choice","Choices":[{"Variable":"$.i","NumericLessThanPath":"$.max","Next":"Increment"}],"Default":"Done"},
		"Increment":{"Type":"Pass","Parameters":{"i.$":"States.MathAdd($.i, 1)","max.$":"$.max"},"Next":"Check"},
		"Done":{"Type":"Succeed"}}}`)
	const rounds = 1000
	const transitions = 2*rounds + 2
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		out, err := c.StartExecution(b.Context(), &awssfn.StartExecutionInput{StateMachineArn: aws.String(sm), Input: aws.String(fmt.Sprintf(`{"i":0,"max":%d}`, rounds))})
		if err != nil {
			b.Fatal(err)
		}
		if err := svc.App.SFN.Engine().Settle(b.Context()); err != nil {
			b.Fatal(err)
		}
		d, err := c.DescribeExecution(b.Context(), &awssfn.DescribeExecutionInput{ExecutionArn: out.ExecutionArn})
		if err != nil || d.Status != types.ExecutionStatusSucceeded {
			b.Fatalf("execution %v: %v", d.Status, err)
		}
	}
	b.ReportMetric(float64(transitions*b.N)/time.Since(start).Seconds(), "transitions/s")
}

// StartExecution → first state entered: StartExecution answers once the
// start and the first steps are committed, so its latency bounds it.
func BenchmarkStartExecutionToFirstState(b *testing.B) {
	svc, c := benchHarness(b, b.TempDir())
	sm := benchCreate(b, c, "wait", `{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":3600,"End":true}}}`)
	lat := make([]time.Duration, 0, b.N)
	var last string
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		out, err := c.StartExecution(b.Context(), &awssfn.StartExecutionInput{StateMachineArn: aws.String(sm)})
		lat = append(lat, time.Since(t0))
		if err != nil {
			b.Fatal(err)
		}
		last = *out.ExecutionArn
	}
	b.StopTimer()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "median-ms")
	// The claim, checked without settling: once StartExecution answered,
	// the first state is already entered in the history.
	evs, err := c.GetExecutionHistory(b.Context(), &awssfn.GetExecutionHistoryInput{ExecutionArn: aws.String(last)})
	if err != nil || len(evs.Events) < 2 || evs.Events[1].Type != types.HistoryEventTypeWaitStateEntered {
		b.Fatalf("history right after StartExecution: %v", err)
	}
	_ = svc
}

// 10,000 executions paused on task tokens: resident memory, then the time a
// restart takes until the service answers.
func BenchmarkPausedExecutionsAndRestart(b *testing.B) {
	const n = 10000
	for i := 0; i < b.N; i++ {
		dir := b.TempDir()
		svc, c := benchHarness(b, dir)
		sm := benchCreate(b, c, "gate", pauseGateDef)
		var wg sync.WaitGroup
		work := make(chan int)
		var failed sync.Once
		for w := 0; w < 16; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for k := range work {
					_, err := c.StartExecution(b.Context(), &awssfn.StartExecutionInput{StateMachineArn: aws.String(sm), Name: aws.String("e" + strconv.Itoa(k))})
					if err != nil {
						failed.Do(func() { b.Error(err) })
					}
				}
			}()
		}
		for k := 0; k < n; k++ {
			work <- k
		}
		close(work)
		wg.Wait()
		if err := svc.App.SFN.Engine().Settle(b.Context()); err != nil {
			b.Fatal(err)
		}
		running, err := c.ListExecutions(b.Context(), &awssfn.ListExecutionsInput{StateMachineArn: aws.String(sm), StatusFilter: types.ExecutionStatusRunning, MaxResults: 1000})
		if err != nil || len(running.Executions) != 1000 {
			b.Fatalf("running executions: %v", err)
		}
		if n, err := svc.App.SFN.Engine().Resident(b.Context()); err != nil || n != 0 {
			b.Fatalf("%d paused executions held in memory (%v)", n, err)
		}
		debug.FreeOSMemory()
		b.ReportMetric(rssMiB(), "rss-MiB-paused")
		if err := svc.App.Close(); err != nil {
			b.Fatal(err)
		}
		debug.FreeOSMemory()

		t0 := time.Now()
		svc2, c2 := benchHarness(b, dir)
		if _, err := c2.DescribeStateMachine(b.Context(), &awssfn.DescribeStateMachineInput{StateMachineArn: aws.String(sm)}); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(time.Since(t0).Seconds(), "restart-to-serving-s")
		debug.FreeOSMemory()
		b.ReportMetric(rssMiB(), "rss-MiB-after-restart")
		_ = svc2.App.Close()
	}
}

// rssMiB reads this process's resident set size.
func rssMiB() float64 {
	raw, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return -1
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			return kb / 1024
		}
	}
	return -1
}

package sfn_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awssfn "github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/drsorch/terraform-provider-drsorch/internal/asl"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice"
)

// hostileDefinition loops Pass states that run the costliest intrinsic
// functions over the whole execution input (the largest, 256 KiB, made of
// tiny items): ArrayUnique and ArrayContains over every item, ArrayUnique
// over every item wrapped in an array, a JsonMerge of the input turned into
// text and split again, and a count that ends the loop. Each state spends
// most of the work budget a state has (asl.MaxWorkUnits); the state itself
// stays small, so the time goes to evaluating intrinsics.
const hostileDefinition = `{"StartAt":"Churn","States":{
	"Churn":{"Type":"Pass","Parameters":{
		"n.$":"States.MathAdd($.n, 1)","max.$":"$.max",
		"u.$":"States.ArrayLength(States.ArrayUnique($$.Execution.Input.a))",
		"c.$":"States.ArrayContains($$.Execution.Input.a, 'not-there')",
		"m.$":"States.ArrayLength(States.ArrayUnique(States.ArrayPartition($$.Execution.Input.a, 1)))"},"Next":"Merge"},
	"Merge":{"Type":"Pass","Parameters":{"n.$":"$.n","max.$":"$.max",
		"j.$":"States.ArrayLength(States.StringSplit(States.JsonToString(States.JsonMerge($$.Execution.Input, $, false)), ','))"},"Next":"Again"},
	"Again":{"Type":"Choice","Choices":[{"Variable":"$.n","NumericLessThanPath":"$.max","Next":"Churn"}],"Default":"Done"},
	"Done":{"Type":"Succeed"}}}`

// hostileInput is the largest input StartExecution takes (256 KiB) made of tiny
// distinct array items, the worst case for per-item work.
func hostileInput(t testing.TB, rounds int) string {
	t.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, `{"n":0,"max":%d,"u":0,"c":false,"m":0,"a":[`, rounds)
	for i := 0; ; i++ {
		item := fmt.Sprintf(`"%x"`, i)
		if b.Len()+len(item)+3 > asl.MaxPayloadBytes-100 { // room for the counters to grow
			break
		}
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(item)
	}
	b.WriteString("]}")
	if !json.Valid([]byte(b.String())) {
		t.Fatal("bad hostile input")
	}
	return b.String()
}

// latencies measures n rounds of call and returns them sorted.
func latencies(t testing.TB, n int, call func() error) []time.Duration {
	t.Helper()
	out := make([]time.Duration, 0, n)
	for range n {
		t0 := time.Now()
		if err := call(); err != nil {
			t.Fatal(err)
		}
		out = append(out, time.Since(t0))
	}
	slices.Sort(out)
	return out
}

// hostileRun starts a hostile execution and a victim state machine, and
// returns a function measuring DescribeExecution and StartExecution of others
// while the hostile execution runs.
func hostileRun(t testing.TB, c *awssfn.Client, create func(name, def string) string) (measure func(n int) (describe, start []time.Duration), hostileARN string) {
	ctx := context.Background()
	hostile := create("hostile", hostileDefinition)
	victim := create("victim", `{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":3600,"End":true}}}`)
	v, err := c.StartExecution(ctx, &awssfn.StartExecutionInput{StateMachineArn: aws.String(victim)})
	if err != nil {
		t.Fatal(err)
	}
	h, err := c.StartExecution(ctx, &awssfn.StartExecutionInput{StateMachineArn: aws.String(hostile), Input: aws.String(hostileInput(t, 1000000))})
	if err != nil {
		t.Fatal(err)
	}
	measure = func(n int) (describe, start []time.Duration) {
		describe = latencies(t, n, func() error {
			_, err := c.DescribeExecution(ctx, &awssfn.DescribeExecutionInput{ExecutionArn: v.ExecutionArn})
			return err
		})
		start = latencies(t, n, func() error {
			_, err := c.StartExecution(ctx, &awssfn.StartExecutionInput{StateMachineArn: aws.String(victim)})
			return err
		})
		return describe, start
	}
	return measure, *h.ExecutionArn
}

// lastEventID is the newest history event's ID of an execution.
func lastEventID(t testing.TB, c *awssfn.Client, arn string) int64 {
	t.Helper()
	out, err := c.GetExecutionHistory(context.Background(), &awssfn.GetExecutionHistoryInput{
		ExecutionArn: aws.String(arn), ReverseOrder: true, MaxResults: 1, IncludeExecutionData: aws.Bool(false)})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Events) == 0 {
		return 0
	}
	return out.Events[0].Id
}

// One execution running the worst intrinsic input allowed must not hold the
// others: their DescribeExecution and StartExecution answer in under 100 ms
// at the median and never stall for seconds (the quadratic ArrayUnique held
// every caller for ~23 s). The machine running the tests may be loaded by
// other work, so a measurement is taken up to five times and one clean
// round is enough; a stalling engine fails every round.
func TestHostileDefinitionDoesNotHoldOthers(t *testing.T) {
	h := newHarness(t, runservice.Config{})
	measure, hostile := hostileRun(t, h.sfn, h.createStateMachine)
	var problems []string
	for round := 1; round <= 5; round++ {
		before := lastEventID(t, h.sfn, hostile)
		describe, start := measure(40)
		after := lastEventID(t, h.sfn, hostile)
		d := h.describe(hostile)
		if d.Status != types.ExecutionStatusRunning {
			t.Fatalf("the hostile execution is %s (%s: %s), want it still running through the measurement", d.Status, aws.ToString(d.Error), aws.ToString(d.Cause))
		}
		if after <= before {
			t.Fatalf("the hostile execution made no progress during the measurement (last event %d → %d)", before, after)
		}
		t.Logf("round %d: hostile execution events %d → %d; DescribeExecution p50 %v max %v; StartExecution p50 %v max %v",
			round, before, after, describe[len(describe)/2], describe[len(describe)-1], start[len(start)/2], start[len(start)-1])
		problems = nil
		for _, m := range []struct {
			name string
			l    []time.Duration
		}{{"DescribeExecution", describe}, {"StartExecution", start}} {
			if p50 := m.l[len(m.l)/2]; p50 >= 100*time.Millisecond {
				problems = append(problems, fmt.Sprintf("%s p50 = %v, want < 100ms", m.name, p50))
			}
			if maxL := m.l[len(m.l)-1]; maxL >= 2*time.Second {
				problems = append(problems, fmt.Sprintf("%s max = %v, want < 2s", m.name, maxL))
			}
		}
		if len(problems) == 0 {
			break
		}
	}
	for _, p := range problems {
		t.Error(p)
	}
	if _, err := h.sfn.StopExecution(context.Background(), &awssfn.StopExecutionInput{ExecutionArn: aws.String(hostile)}); err != nil {
		t.Fatal(err)
	}
}

// BenchmarkLatencyBesideHostileExecution reports other executions' API
// latency while a hostile execution runs.
func BenchmarkLatencyBesideHostileExecution(b *testing.B) {
	_, c := benchHarness(b, b.TempDir())
	measure, hostile := hostileRun(b, c, func(name, def string) string { return benchCreate(b, c, name, def) })
	b.ResetTimer()
	var describe, start []time.Duration
	for b.Loop() {
		d, s := measure(10)
		describe, start = append(describe, d...), append(start, s...)
	}
	b.StopTimer()
	slices.Sort(describe)
	slices.Sort(start)
	b.ReportMetric(float64(describe[len(describe)/2].Microseconds())/1000, "describe-p50-ms")
	b.ReportMetric(float64(describe[len(describe)-1].Microseconds())/1000, "describe-max-ms")
	b.ReportMetric(float64(start[len(start)/2].Microseconds())/1000, "start-p50-ms")
	b.ReportMetric(float64(start[len(start)-1].Microseconds())/1000, "start-max-ms")
	_, _ = c.StopExecution(context.Background(), &awssfn.StopExecutionInput{ExecutionArn: aws.String(hostile)})
}

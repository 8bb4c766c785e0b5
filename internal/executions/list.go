package executions

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	sfntypes "github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/drsorch/terraform-provider-drsorch/internal/plans"
)

// The one listing of executions behind the executions data source,
// `drsorch history` and the dashboards.

// Filter selects executions; zero fields select everything.
type Filter struct {
	Statuses      []sfntypes.ExecutionStatus
	StartedAfter  time.Time // inclusive
	StartedBefore time.Time // exclusive
	// Limit keeps the newest executions only (0: all). It applies before
	// the inputs are read, so a short history of a long trail is cheap.
	Limit int
}

func (f Filter) match(it sfntypes.ExecutionListItem) bool {
	started := aws.ToTime(it.StartDate)
	return (len(f.Statuses) == 0 || slices.Contains(f.Statuses, it.Status)) &&
		(f.StartedAfter.IsZero() || !started.Before(f.StartedAfter)) &&
		(f.StartedBefore.IsZero() || started.Before(f.StartedBefore))
}

// Summary is an execution as a list shows it.
type Summary struct {
	ARN, Name, Plan      string
	Status               sfntypes.ExecutionStatus
	StartedAt, StoppedAt time.Time
	// From the execution's input and description (ReadInputs): empty
	// until read, and when the input names none.
	Type, InvokedBy, VersionARN string
}

// Machines maps the name of every drsorch plan in the region to its
// state machine ARN.
func Machines(ctx context.Context, api *sfn.Client) (map[string]string, error) {
	sms, err := Plans(ctx, api)
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(sms))
	for _, sm := range sms {
		name, _ := plans.PlanName(aws.ToString(sm.Name))
		out[name] = aws.ToString(sm.StateMachineArn)
	}
	return out, nil
}

// ListItems lists the executions of the plans in machines (plan name →
// state machine ARN) that f selects, newest first (the ARN breaks ties, so
// the order is stable between reads), from ListExecutions alone: Type,
// InvokedBy and VersionARN stay empty.
func ListItems(ctx context.Context, api *sfn.Client, machines map[string]string, f Filter) ([]Summary, error) {
	// One status is filtered by Step Functions; several are filtered here.
	var statusFilter sfntypes.ExecutionStatus
	if len(f.Statuses) == 1 {
		statusFilter = f.Statuses[0]
	}
	var out []Summary
	for plan, machineARN := range machines {
		items, err := plans.Executions(ctx, api, machineARN, statusFilter)
		if err != nil {
			return nil, fmt.Errorf("list the executions of recovery plan %s: %w", plan, err)
		}
		for _, it := range items {
			if !f.match(it) {
				continue
			}
			out = append(out, Summary{
				ARN: aws.ToString(it.ExecutionArn), Name: aws.ToString(it.Name), Plan: plan, Status: it.Status,
				StartedAt: aws.ToTime(it.StartDate).UTC(), StoppedAt: aws.ToTime(it.StopDate).UTC(),
			})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].StartedAt.Equal(out[j].StartedAt) {
			return out[i].StartedAt.After(out[j].StartedAt)
		}
		return out[i].ARN > out[j].ARN
	})
	if f.Limit > 0 && len(out) > f.Limit {
		out = out[:f.Limit]
	}
	return out, nil
}

// List is ListItems with each execution's input read (ReadInputs).
func List(ctx context.Context, api *sfn.Client, machines map[string]string, f Filter) ([]Summary, error) {
	out, err := ListItems(ctx, api, machines, f)
	if err != nil {
		return nil, err
	}
	return out, ReadInputs(ctx, api, out)
}

// describeConcurrency bounds the DescribeExecution calls in flight: enough
// to hide latency, few enough to stay clear of Step Functions' throttling.
const describeConcurrency = 4

// ReadInputs fills Type, InvokedBy and VersionARN from each execution's
// description: ListExecutions returns no inputs, so this is one
// DescribeExecution per summary, a few at a time. An input that is not
// JSON leaves Type and InvokedBy empty.
func ReadInputs(ctx context.Context, api *sfn.Client, list []Summary) error {
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		firstErr error
		slots    = make(chan struct{}, describeConcurrency)
	)
	for i := range list {
		wg.Add(1)
		slots <- struct{}{}
		go func(s *Summary) {
			defer func() { <-slots; wg.Done() }()
			out, err := api.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: aws.String(s.ARN)})
			if err != nil {
				mu.Lock()
				if firstErr == nil {
					firstErr = fmt.Errorf("describe execution %s: %w", s.ARN, err)
				}
				mu.Unlock()
				return
			}
			var in Input
			_ = json.Unmarshal([]byte(aws.ToString(out.Input)), &in)
			s.Type, s.InvokedBy, s.VersionARN = in.Type, in.InvokedBy, aws.ToString(out.StateMachineVersionArn)
		}(&list[i])
	}
	wg.Wait()
	return firstErr
}

package executions

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	logstypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	sfntypes "github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/drsorch/terraform-provider-drsorch/internal/plans"
	"github.com/drsorch/terraform-provider-drsorch/internal/statemachine"
)

// The audit trail that outlasts Step Functions: every plan's state machine
// logs each history event, with execution data, to its plan's log group
// (plans.LoggingConfiguration). Step Functions forgets an execution 90
// days after it ends, and at once when its state machine is deleted; the
// log group is kept (for its retention) when the plan is destroyed or
// renamed. The readers here rebuild an execution from those log events.
//
// A log event is one JSON document per history event
// (https://docs.aws.amazon.com/step-functions/latest/dg/cw-logs.html):
// {"id", "type", "details", "previous_event_id", "event_timestamp" (epoch
// milliseconds), "execution_arn", "redrive_count"}; details is the history
// event's <type>EventDetails object.

// ErrNotLogged says the log group holds no event of the execution: logging
// was off when it ran, the group was deleted, or its retention passed.
var ErrNotLogged = errors.New("no events of the execution in its plan's log group")

// loggedEvent is one log event of a Step Functions execution.
type loggedEvent struct {
	ID              string          `json:"id"`
	Type            string          `json:"type"`
	Details         json.RawMessage `json:"details"`
	PreviousEventID string          `json:"previous_event_id"`
	EventTimestamp  string          `json:"event_timestamp"`
	ExecutionARN    string          `json:"execution_arn"`
}

// historyEvent converts a log event into the history event it records. The
// details object has the shape of the history event's details, so it is
// decoded into the field GetExecutionHistory would have filled.
func (le loggedEvent) historyEvent() (sfntypes.HistoryEvent, bool) {
	id, err := strconv.ParseInt(le.ID, 10, 64)
	if err != nil || le.Type == "" {
		return sfntypes.HistoryEvent{}, false
	}
	prev, _ := strconv.ParseInt(le.PreviousEventID, 10, 64)
	ms, _ := strconv.ParseInt(le.EventTimestamp, 10, 64)
	ev := sfntypes.HistoryEvent{Id: id, PreviousEventId: prev, Type: sfntypes.HistoryEventType(le.Type), Timestamp: aws.Time(time.UnixMilli(ms).UTC())}
	if len(le.Details) > 0 && string(le.Details) != "null" {
		field := detailsField(le.Type)
		// encoding/json matches keys to the SDK's exported field names
		// case-insensitively; fields a type lacks are ignored.
		doc := []byte(`{"` + field + `":` + string(le.Details) + `}`)
		_ = json.Unmarshal(doc, &ev)
	}
	return ev, true
}

// detailsField is the HistoryEvent field holding a type's details.
func detailsField(typ string) string {
	switch {
	case strings.HasSuffix(typ, "StateEntered"):
		return "StateEnteredEventDetails"
	case strings.HasSuffix(typ, "StateExited"):
		return "StateExitedEventDetails"
	}
	return typ + "EventDetails"
}

// filterPattern selects the events of one execution.
func filterPattern(executionARN string) string {
	return `{ $.execution_arn = "` + executionARN + `" }`
}

// LoggedHistory reads an execution's history events back from its plan's
// log group, oldest first.
func LoggedHistory(ctx context.Context, api *cloudwatchlogs.Client, executionARN string) ([]sfntypes.HistoryEvent, error) {
	plan, ok := plans.PlanOfExecution(executionARN)
	if !ok {
		return nil, fmt.Errorf("%s is not the ARN of an execution of a drsorch recovery plan", executionARN)
	}
	var (
		events []sfntypes.HistoryEvent
		seen   = map[int64]bool{}
	)
	err := filterLogged(ctx, api, plans.LogGroupName(plan), filterPattern(executionARN), func(le loggedEvent) {
		if le.ExecutionARN != executionARN {
			return
		}
		if ev, ok := le.historyEvent(); ok && !seen[ev.Id] { // a redriven execution logs its events once each
			seen[ev.Id] = true
			events = append(events, ev)
		}
	})
	if err != nil {
		return nil, err
	}
	if len(events) == 0 {
		return nil, fmt.Errorf("%s: %w %s", executionARN, ErrNotLogged, plans.LogGroupName(plan))
	}
	sort.SliceStable(events, func(i, j int) bool { return events[i].Id < events[j].Id })
	return events, nil
}

// filterLogged runs FilterLogEvents over a whole group; a missing group is
// an empty trail.
func filterLogged(ctx context.Context, api *cloudwatchlogs.Client, group, pattern string, fn func(loggedEvent)) error {
	if api == nil {
		return errors.New("no CloudWatch Logs client to read the audit trail")
	}
	pages := cloudwatchlogs.NewFilterLogEventsPaginator(api, &cloudwatchlogs.FilterLogEventsInput{
		LogGroupName: aws.String(group), FilterPattern: aws.String(pattern)})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		var missing *logstypes.ResourceNotFoundException
		if errors.As(err, &missing) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read log group %s (logs:FilterLogEvents): %w", group, err)
		}
		for _, e := range page.Events {
			var le loggedEvent
			if json.Unmarshal([]byte(aws.ToString(e.Message)), &le) == nil {
				fn(le)
			}
		}
	}
	return nil
}

// DescribeLogged rebuilds an execution from its plan's log group: type and
// invoker from its input, each wave's status and approval from the states
// it entered, and the outcome. Waves are those the run reached, in the
// order it reached them (the plan's definition may be gone); server
// launch details from DRS are not included.
func DescribeLogged(ctx context.Context, api *cloudwatchlogs.Client, executionARN string) (*Execution, error) {
	events, err := LoggedHistory(ctx, api, executionARN)
	if err != nil {
		return nil, err
	}
	return fromLoggedHistory(executionARN, events), nil
}

func fromLoggedHistory(arn string, events []sfntypes.HistoryEvent) *Execution {
	plan, _ := plans.PlanOfExecution(arn)
	e := &Execution{ARN: arn, Plan: plan, Status: sfntypes.ExecutionStatusRunning}
	if i := strings.LastIndex(arn, ":"); i >= 0 {
		e.Name = arn[i+1:]
		e.PlanARN = strings.Replace(arn[:i], ":execution:", ":stateMachine:", 1)
	}
	for _, ev := range events {
		at := aws.ToTime(ev.Timestamp)
		switch ev.Type {
		case sfntypes.HistoryEventTypeExecutionStarted:
			e.StartedAt = at
			if d := ev.ExecutionStartedEventDetails; d != nil {
				var in Input
				_ = json.Unmarshal([]byte(aws.ToString(d.Input)), &in)
				e.Type, e.InvokedBy = in.Type, in.InvokedBy
				e.VersionARN = aws.ToString(d.StateMachineVersionArn)
			}
		case sfntypes.HistoryEventTypeExecutionSucceeded:
			e.Status, e.StoppedAt = sfntypes.ExecutionStatusSucceeded, at
		case sfntypes.HistoryEventTypeExecutionFailed:
			e.Status, e.StoppedAt = sfntypes.ExecutionStatusFailed, at
			if d := ev.ExecutionFailedEventDetails; d != nil {
				e.Error, e.Cause = aws.ToString(d.Error), aws.ToString(d.Cause)
			}
		case sfntypes.HistoryEventTypeExecutionAborted:
			e.Status, e.StoppedAt = sfntypes.ExecutionStatusAborted, at
			if d := ev.ExecutionAbortedEventDetails; d != nil {
				e.Error, e.Cause = aws.ToString(d.Error), aws.ToString(d.Cause)
			}
		case sfntypes.HistoryEventTypeExecutionTimedOut:
			e.Status, e.StoppedAt = sfntypes.ExecutionStatusTimedOut, at
			if d := ev.ExecutionTimedOutEventDetails; d != nil {
				e.Error, e.Cause = aws.ToString(d.Error), aws.ToString(d.Cause)
			}
		case sfntypes.HistoryEventTypeExecutionRedriven:
			e.Status, e.StoppedAt, e.Error, e.Cause = sfntypes.ExecutionStatusRunning, time.Time{}, "", ""
		}
	}
	e.Waves = loggedWaves(events)
	applyHistory(e, events)
	return e
}

// loggedWaves lists the waves named by the states the run entered
// ("<wave>: <step>"), with the servers their recovery was started for.
func loggedWaves(events []sfntypes.HistoryEvent) []Wave {
	var (
		waves   []Wave
		index   = map[string]int{}
		stateOf = map[int64]string{}
	)
	for _, ev := range events {
		name := stateOf[ev.PreviousEventId]
		if d := ev.StateEnteredEventDetails; d != nil {
			name = aws.ToString(d.Name)
		}
		stateOf[ev.Id] = name
		wave, step, ok := strings.Cut(name, ": ")
		if !ok {
			continue
		}
		i, known := index[wave]
		if !known {
			i = len(waves)
			index[wave] = i
			waves = append(waves, Wave{Name: wave, Level: i, Status: WavePending})
		}
		w := &waves[i]
		switch {
		case step == "pause":
			w.PauseBefore = true
		case ev.Type == sfntypes.HistoryEventTypeTaskScheduled && step == statemachine.StepRun && len(w.Servers) == 0:
			// The wave runner's input names the wave's servers.
			var p struct{ Input statemachine.RunnerInput }
			_ = json.Unmarshal([]byte(aws.ToString(ev.TaskScheduledEventDetails.Parameters)), &p)
			for _, id := range p.Input.Servers {
				w.Servers = append(w.Servers, Server{SourceServerID: id})
			}
		case ev.Type == sfntypes.HistoryEventTypeTaskScheduled && step == statemachine.StepStartRecovery && len(w.Servers) == 0:
			// Definitions before the wave runner start recovery inline.
			var p struct {
				SourceServers []struct{ SourceServerID string }
			}
			_ = json.Unmarshal([]byte(aws.ToString(ev.TaskScheduledEventDetails.Parameters)), &p)
			for _, s := range p.SourceServers {
				w.Servers = append(w.Servers, Server{SourceServerID: s.SourceServerID})
			}
		}
	}
	return waves
}

// LoggedExecution is an execution found in a plan's log group.
type LoggedExecution struct {
	ARN       string
	StartedAt time.Time
}

// LoggedExecutions lists the executions a plan's log group holds, newest
// first: those Step Functions may have forgotten.
func LoggedExecutions(ctx context.Context, api *cloudwatchlogs.Client, plan string) ([]LoggedExecution, error) {
	var out []LoggedExecution
	seen := map[string]bool{}
	err := filterLogged(ctx, api, plans.LogGroupName(plan), `{ $.type = "ExecutionStarted" }`, func(le loggedEvent) {
		if le.Type != string(sfntypes.HistoryEventTypeExecutionStarted) || seen[le.ExecutionARN] {
			return
		}
		seen[le.ExecutionARN] = true
		ms, _ := strconv.ParseInt(le.EventTimestamp, 10, 64)
		out = append(out, LoggedExecution{ARN: le.ExecutionARN, StartedAt: time.UnixMilli(ms).UTC()})
	})
	sort.SliceStable(out, func(i, j int) bool { return out[i].StartedAt.After(out[j].StartedAt) })
	return out, err
}

// LoggedPlans names the plans that have a log group, deployed or not.
func LoggedPlans(ctx context.Context, api *cloudwatchlogs.Client) ([]string, error) {
	if api == nil {
		return nil, nil
	}
	var out []string
	pages := cloudwatchlogs.NewDescribeLogGroupsPaginator(api, &cloudwatchlogs.DescribeLogGroupsInput{
		LogGroupNamePrefix: aws.String(plans.LogGroupName(""))})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("list the plans' log groups (logs:DescribeLogGroups): %w", err)
		}
		for _, g := range page.LogGroups {
			if name, ok := strings.CutPrefix(aws.ToString(g.LogGroupName), plans.LogGroupName("")); ok && name != "" {
				out = append(out, name)
			}
		}
	}
	return out, nil
}

// FindLogged finds executions by name in every plan's log group.
func FindLogged(ctx context.Context, api *cloudwatchlogs.Client, name string) ([]string, error) {
	names, err := LoggedPlans(ctx, api)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, plan := range names {
		list, err := LoggedExecutions(ctx, api, plan)
		if err != nil {
			return nil, err
		}
		for _, x := range list {
			if strings.HasSuffix(x.ARN, ":"+name) {
				out = append(out, x.ARN)
			}
		}
	}
	return out, nil
}

// LoggedApprovals are the released pause gates of a rebuilt execution,
// oldest first.
func (e *Execution) LoggedApprovals() []Approval {
	var out []Approval
	for _, w := range e.Waves {
		if w.Approval != nil && w.Approval.ApprovedBy != "" {
			a := *w.Approval
			if a.Wave == "" {
				a.Wave = w.Name
			}
			out = append(out, a)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].ApprovedAt.Before(out[j].ApprovedAt) })
	return out
}

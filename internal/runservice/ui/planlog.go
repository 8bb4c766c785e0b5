package ui

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
)

// Bounds of the plan page's log panel: the last day, the newest events.
const (
	planLogWindow  = 24 * time.Hour
	planLogShown   = 30
	planLogScanned = 1000
	logMessageMax  = 400
)

// logPanel is the newest part of a plan's execution log in CloudWatch Logs.
type logPanel struct {
	Group  string // log group name; empty when the plan does not log
	Level  string
	Events []logEvent
	Error  string
}

type logEvent struct {
	At        time.Time
	Stream    string
	Execution string // the execution's name, for Step Functions' JSON events
	Message   string
}

// stepFunctionsLog is the part of a Step Functions log event the panel
// shows (https://docs.aws.amazon.com/step-functions/latest/dg/cw-logs.html).
type stepFunctionsLog struct {
	Type         string `json:"type"`
	ExecutionARN string `json:"execution_arn"`
	Details      struct {
		Name     string `json:"name"`
		Resource string `json:"resource"`
		Error    string `json:"error"`
	} `json:"details"`
}

// summarize shortens a Step Functions log event to "TaskScheduled ·
// startRecovery"; other messages are shown as written.
func summarize(msg string) (execution, text string) {
	var e stepFunctionsLog
	if json.Unmarshal([]byte(msg), &e) != nil || e.Type == "" {
		return "", msg
	}
	if i := strings.LastIndex(e.ExecutionARN, ":"); i >= 0 {
		execution = e.ExecutionARN[i+1:]
	}
	text = e.Type
	for _, part := range []string{e.Details.Name, e.Details.Resource, e.Details.Error} {
		if part != "" {
			text += " · " + part
		}
	}
	return execution, text
}

// readPlanLog reads the plan's log group (FilterLogEvents over the last
// day) and keeps the newest events.
func readPlanLog(ctx context.Context, api *cloudwatchlogs.Client, p *deployedPlan, now time.Time) logPanel {
	panel := logPanel{Level: p.LogLevel}
	if p.LogGroupARN == "" {
		return panel
	}
	panel.Group = logGroupName(p.LogGroupARN)
	in := &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String(panel.Group),
		StartTime: aws.Int64(now.Add(-planLogWindow).UnixMilli()), EndTime: aws.Int64(now.Add(time.Minute).UnixMilli())}
	pages := cloudwatchlogs.NewFilterLogEventsPaginator(api, in)
	var all []logEvent
	for pages.HasMorePages() && len(all) < planLogScanned {
		page, err := pages.NextPage(ctx)
		if err != nil {
			panel.Error = "Could not read log group " + panel.Group + " (FilterLogEvents): " + err.Error()
			break
		}
		for _, e := range page.Events {
			ev := logEvent{At: time.UnixMilli(aws.ToInt64(e.Timestamp)), Stream: aws.ToString(e.LogStreamName)}
			ev.Execution, ev.Message = summarize(aws.ToString(e.Message))
			if len(ev.Message) > logMessageMax {
				ev.Message = ev.Message[:logMessageMax] + "…"
			}
			all = append(all, ev)
		}
	}
	if len(all) > planLogShown {
		all = all[len(all)-planLogShown:]
	}
	// Newest first.
	for i, j := 0, len(all)-1; i < j; i, j = i+1, j-1 {
		all[i], all[j] = all[j], all[i]
	}
	panel.Events = all
	return panel
}

// logGroupName reads the name from arn:aws:logs:REGION:ACCOUNT:log-group:NAME:*.
func logGroupName(arn string) string {
	_, name, ok := strings.Cut(arn, ":log-group:")
	if !ok {
		return arn
	}
	return strings.TrimSuffix(name, ":*")
}

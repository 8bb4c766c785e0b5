package sfn

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"strings"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/awswire"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/logs"
)

// loggingConfiguration is the model's LoggingConfiguration.
type loggingConfiguration struct {
	Level                string               `json:"level,omitempty"`
	IncludeExecutionData bool                 `json:"includeExecutionData"`
	Destinations         []loggingDestination `json:"destinations,omitempty"`
}

type loggingDestination struct {
	CloudWatchLogsLogGroup *struct {
		LogGroupARN string `json:"logGroupArn,omitempty"`
	} `json:"cloudWatchLogsLogGroup,omitempty"`
}

// checkLogging validates a loggingConfiguration as Step Functions does:
// a level other than OFF needs exactly one CloudWatch Logs log group, whose
// ARN ends with ":*" and which exists
// (https://docs.aws.amazon.com/step-functions/latest/dg/cw-logs.html;
// an unknown log group is refused here, the stricter choice).
func (s *Service) checkLogging(ctx context.Context, id awswire.Identity, lc *loggingConfiguration) error {
	if lc == nil {
		return nil
	}
	switch lc.Level {
	case "", "OFF", "ALL", "ERROR", "FATAL":
	default:
		return validationErr("1 validation error detected: Value '%s' at 'loggingConfiguration.level' failed to satisfy constraint: Member must satisfy enum value set: [ALL, ERROR, FATAL, OFF]", lc.Level)
	}
	if len(lc.Destinations) > 1 {
		return apiErr("InvalidLoggingConfiguration", "Invalid Logging Configuration: Only one destination is allowed.")
	}
	if lc.Level == "" || lc.Level == "OFF" {
		return nil
	}
	if len(lc.Destinations) == 0 || lc.Destinations[0].CloudWatchLogsLogGroup == nil {
		return apiErr("InvalidLoggingConfiguration", "Invalid Logging Configuration: Must specify exactly one Log Destination when the logging level is %s.", lc.Level)
	}
	arn := lc.Destinations[0].CloudWatchLogsLogGroup.LogGroupARN
	group, ok := logGroupName(arn)
	if !ok {
		return apiErr("InvalidLoggingConfiguration", "Invalid Logging Configuration: '%s' is not a log group ARN ending with ':*' (arn:aws:logs:<region>:<account>:log-group:<name>:*)", arn)
	}
	if s.e.opts.Logs == nil {
		return apiErr("InvalidLoggingConfiguration", "Invalid Logging Configuration: the run service has no CloudWatch Logs")
	}
	lid := logIdentity(arn, id)
	if _, err := s.e.opts.Logs.Retention(ctx, lid, group); err != nil {
		return apiErr("InvalidLoggingConfiguration", "Invalid Logging Configuration: The CloudWatch Logs log group '%s' does not exist.", arn)
	}
	return nil
}

// logGroupName reads a log group ARN ending with ":*".
func logGroupName(arn string) (string, bool) {
	parts := strings.Split(arn, ":")
	if len(parts) != 8 || parts[0] != "arn" || parts[2] != "logs" || parts[5] != "log-group" || parts[7] != "*" || parts[6] == "" {
		return "", false
	}
	return parts[6], true
}

// logIdentity is the account and region of a log group ARN.
func logIdentity(arn string, fallback awswire.Identity) awswire.Identity {
	parts := strings.Split(arn, ":")
	if len(parts) >= 5 && parts[3] != "" && parts[4] != "" {
		return awswire.Identity{Region: parts[3], Account: parts[4]}
	}
	return fallback
}

// fatalEvents and the error-like suffixes pick the events of the FATAL
// and ERROR levels (https://docs.aws.amazon.com/step-functions/latest/dg/cw-logs.html#cloudwatch-log-level).
var fatalEvents = map[string]bool{"ExecutionFailed": true, "ExecutionAborted": true, "ExecutionTimedOut": true}

func logged(level, typ string) bool {
	switch level {
	case "ALL":
		return true
	case "FATAL":
		return fatalEvents[typ]
	case "ERROR":
		return fatalEvents[typ] || typ == "FailStateEntered" || strings.HasSuffix(typ, "Failed") ||
			strings.HasSuffix(typ, "TimedOut") || strings.HasSuffix(typ, "Aborted")
	}
	return false
}

// logBatch is what one committed batch writes to one execution's log stream.
type logBatch struct {
	id            awswire.Identity
	group, stream string
	events        []logs.Event
}

// executionLogs turns an execution's new history events into the log
// events its state machine's loggingConfiguration asks for. Step Functions
// writes one JSON document per event with the history event's id, type,
// details, previous event id, timestamp and the execution ARN.
func (x *execution) executionLogs() *logBatch {
	if x.logging == "" || len(x.events) == 0 {
		return nil
	}
	var lc loggingConfiguration
	if json.Unmarshal([]byte(x.logging), &lc) != nil || lc.Level == "" || lc.Level == "OFF" || len(lc.Destinations) == 0 || lc.Destinations[0].CloudWatchLogsLogGroup == nil {
		return nil
	}
	arn := lc.Destinations[0].CloudWatchLogsLogGroup.LogGroupARN
	group, ok := logGroupName(arn)
	if !ok {
		return nil
	}
	sum := sha256.Sum256([]byte(x.arn))
	out := &logBatch{id: logIdentity(arn, x.identity()), group: group,
		stream: "states/" + x.smName() + "/" + fromNanos(x.startNS).Format("2006-01-02-15-04") + "/" + hex.EncodeToString(sum[:4])}
	for _, ev := range x.events {
		var body map[string]any
		if json.Unmarshal(ev.body, &body) != nil {
			continue
		}
		typ, _ := body["type"].(string)
		if !logged(lc.Level, typ) {
			continue
		}
		var details any = map[string]any{}
		for k, v := range body {
			if strings.HasSuffix(k, "EventDetails") {
				details = v
			}
		}
		if d, ok := details.(map[string]any); ok && !lc.IncludeExecutionData {
			for _, k := range []string{"input", "output", "parameters"} {
				delete(d, k)
			}
		}
		secs, _ := body["timestamp"].(float64) // epoch seconds, millisecond precision
		ms := int64(secs*1000 + 0.5)
		prev, _ := body["previousEventId"].(float64)
		msg, _ := json.Marshal(map[string]any{
			"id": strconv.FormatInt(ev.id, 10), "type": typ, "details": details,
			"previous_event_id": strconv.FormatInt(int64(prev), 10), "event_timestamp": strconv.FormatInt(ms, 10),
			"execution_arn": x.arn, "redrive_count": strconv.Itoa(x.redrives),
		})
		out.events = append(out.events, logs.Event{TimestampMS: ms, Message: string(msg)})
	}
	if len(out.events) == 0 {
		return nil
	}
	return out
}

// writeLogs delivers log batches in order, off the engine loop.
func (e *Engine) writeLogs() {
	defer close(e.logsDone)
	for lb := range e.logCh {
		if err := e.opts.Logs.Append(context.Background(), lb.id, lb.group, lb.stream, lb.events); err != nil {
			e.log.Warn("step functions: execution log not delivered", "group", lb.group, "error", err)
		}
		e.logsPending.Add(-1)
	}
}

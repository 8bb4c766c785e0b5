package sfn_test

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cwl "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice"
)

const logGroupARN = "arn:aws:logs:us-east-1:123456789012:log-group:/drsorch/plans:*"

func logging(level types.LogLevel, data bool, arn string) *types.LoggingConfiguration {
	lc := &types.LoggingConfiguration{Level: level, IncludeExecutionData: data}
	if arn != "" {
		lc.Destinations = []types.LogDestination{{CloudWatchLogsLogGroup: &types.CloudWatchLogsLogGroup{LogGroupArn: aws.String(arn)}}}
	}
	return lc
}

func TestExecutionLogsGoToCloudWatchLogs(t *testing.T) {
	h := newHarness(t, runservice.Config{})
	c := ctx(t)
	logsClient := cwl.NewFromConfig(h.svc.AWSConfig(region))
	create := func(name, def string, lc *types.LoggingConfiguration) (string, error) {
		out, err := h.sfn.CreateStateMachine(c, &sfn.CreateStateMachineInput{Name: aws.String(name), Definition: aws.String(def),
			RoleArn: aws.String(roleARN), LoggingConfiguration: lc})
		if err != nil {
			return "", err
		}
		return *out.StateMachineArn, nil
	}
	// The log group must exist, be named by an ARN ending with :*, and be the only destination.
	_, err := create("logged", passDef, logging(types.LogLevelAll, false, logGroupARN))
	wantAPIError(t, err, "InvalidLoggingConfiguration")
	if _, err := logsClient.CreateLogGroup(c, &cwl.CreateLogGroupInput{LogGroupName: aws.String("/drsorch/plans")}); err != nil {
		t.Fatal(err)
	}
	_, err = create("logged", passDef, logging(types.LogLevelAll, false, strings.TrimSuffix(logGroupARN, ":*")))
	wantAPIError(t, err, "InvalidLoggingConfiguration")
	_, err = create("logged", passDef, logging(types.LogLevelAll, false, ""))
	wantAPIError(t, err, "InvalidLoggingConfiguration")

	all, err := create("logged", `{"StartAt":"P","States":{"P":{"Type":"Pass","Result":{"secret":"s3cr3t"},"End":true}}}`, logging(types.LogLevelAll, false, logGroupARN))
	if err != nil {
		t.Fatal(err)
	}
	d, _ := h.sfn.DescribeStateMachine(c, &sfn.DescribeStateMachineInput{StateMachineArn: aws.String(all)})
	if d.LoggingConfiguration == nil || d.LoggingConfiguration.Level != types.LogLevelAll ||
		aws.ToString(d.LoggingConfiguration.Destinations[0].CloudWatchLogsLogGroup.LogGroupArn) != logGroupARN {
		t.Fatalf("stored logging = %+v", d.LoggingConfiguration)
	}
	exec := h.start(all, "logged-1", `{"plan":"shop"}`)
	evs := h.history(exec)
	out, err := logsClient.FilterLogEvents(c, &cwl.FilterLogEventsInput{LogGroupName: aws.String("/drsorch/plans")})
	if err != nil || len(out.Events) != len(evs) {
		t.Fatalf("logged %d events for %d history events (%v)", len(out.Events), len(evs), err)
	}
	var msg map[string]any
	_ = json.Unmarshal([]byte(*out.Events[0].Message), &msg)
	wantTS := strconv.FormatInt(evs[0].Timestamp.UnixMilli(), 10)
	if msg["type"] != "ExecutionStarted" || msg["execution_arn"] != exec || msg["id"] != "1" || msg["event_timestamp"] != wantTS ||
		strconv.FormatInt(aws.ToInt64(out.Events[0].Timestamp), 10) != wantTS {
		t.Fatalf("first log event = %s", *out.Events[0].Message)
	}
	for _, e := range out.Events {
		if strings.Contains(*e.Message, "s3cr3t") || strings.Contains(*e.Message, "shop") {
			t.Fatalf("includeExecutionData=false logged data: %s", *e.Message)
		}
	}
	if !strings.HasPrefix(aws.ToString(out.Events[0].LogStreamName), "states/logged/") {
		t.Fatalf("stream = %s", aws.ToString(out.Events[0].LogStreamName))
	}

	// ERROR: only the failures; with execution data.
	if _, err := logsClient.CreateLogGroup(c, &cwl.CreateLogGroupInput{LogGroupName: aws.String("/drsorch/errors")}); err != nil {
		t.Fatal(err)
	}
	errARN := "arn:aws:logs:us-east-1:123456789012:log-group:/drsorch/errors:*"
	failing, err := create("failing", `{"StartAt":"P","States":{"P":{"Type":"Pass","Next":"F"},"F":{"Type":"Fail","Error":"Plan.Broken","Cause":"x"}}}`,
		logging(types.LogLevelError, true, errARN))
	if err != nil {
		t.Fatal(err)
	}
	h.start(failing, "fails", `{}`)
	out, err = logsClient.FilterLogEvents(c, &cwl.FilterLogEventsInput{LogGroupName: aws.String("/drsorch/errors")})
	if err != nil {
		t.Fatal(err)
	}
	var logged []string
	for _, e := range out.Events {
		var m map[string]any
		_ = json.Unmarshal([]byte(*e.Message), &m)
		logged = append(logged, m["type"].(string))
	}
	if strings.Join(logged, ",") != "FailStateEntered,ExecutionFailed" {
		t.Fatalf("ERROR level logged %v", logged)
	}
	// Turning logging off by update.
	if _, err := h.sfn.UpdateStateMachine(c, &sfn.UpdateStateMachineInput{StateMachineArn: aws.String(failing),
		LoggingConfiguration: logging(types.LogLevelOff, false, "")}); err != nil {
		t.Fatal(err)
	}
	h.advance(time.Minute)
	h.start(failing, "fails-quietly", `{}`)
	out, _ = logsClient.FilterLogEvents(c, &cwl.FilterLogEventsInput{LogGroupName: aws.String("/drsorch/errors")})
	if len(out.Events) != 2 {
		t.Fatalf("%d events after logging was turned off", len(out.Events))
	}
}

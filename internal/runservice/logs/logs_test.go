package logs_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cwl "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"github.com/aws/smithy-go"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/runservicetest"
)

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != code {
		t.Fatalf("error = %v, want %s", err, code)
	}
}

func TestLogGroupsStreamsAndEvents(t *testing.T) {
	svc := runservicetest.Start(t, runservice.Config{})
	c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	client := cwl.NewFromConfig(svc.AWSConfig("eu-west-1"))

	if _, err := client.CreateLogGroup(c, &cwl.CreateLogGroupInput{LogGroupName: aws.String("/drsorch/plans")}); err != nil {
		t.Fatal(err)
	}
	_, err := client.CreateLogGroup(c, &cwl.CreateLogGroupInput{LogGroupName: aws.String("/drsorch/plans")})
	wantCode(t, err, "ResourceAlreadyExistsException")
	_, err = client.CreateLogGroup(c, &cwl.CreateLogGroupInput{LogGroupName: aws.String("bad name")})
	wantCode(t, err, "InvalidParameterException")
	if _, err := client.PutRetentionPolicy(c, &cwl.PutRetentionPolicyInput{LogGroupName: aws.String("/drsorch/plans"), RetentionInDays: aws.Int32(7)}); err != nil {
		t.Fatal(err)
	}
	_, err = client.PutRetentionPolicy(c, &cwl.PutRetentionPolicyInput{LogGroupName: aws.String("/drsorch/plans"), RetentionInDays: aws.Int32(8)})
	wantCode(t, err, "InvalidParameterException")
	groups, err := client.DescribeLogGroups(c, &cwl.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String("/drsorch")})
	if err != nil || len(groups.LogGroups) != 1 || aws.ToInt32(groups.LogGroups[0].RetentionInDays) != 7 ||
		aws.ToString(groups.LogGroups[0].Arn) != "arn:aws:logs:eu-west-1:123456789012:log-group:/drsorch/plans:*" {
		t.Fatalf("groups = %+v, %v", groups, err)
	}

	if _, err := client.CreateLogStream(c, &cwl.CreateLogStreamInput{LogGroupName: aws.String("/drsorch/plans"), LogStreamName: aws.String("s1")}); err != nil {
		t.Fatal(err)
	}
	now := runservicetest.Epoch.UnixMilli()
	var evs []types.InputLogEvent
	for i := 0; i < 5; i++ {
		evs = append(evs, types.InputLogEvent{Timestamp: aws.Int64(now + int64(i)), Message: aws.String(`{"type":"` + []string{"A", "B", "A", "C", "A"}[i] + `"}`)})
	}
	if _, err := client.PutLogEvents(c, &cwl.PutLogEventsInput{LogGroupName: aws.String("/drsorch/plans"), LogStreamName: aws.String("s1"), LogEvents: evs}); err != nil {
		t.Fatal(err)
	}
	streams, err := client.DescribeLogStreams(c, &cwl.DescribeLogStreamsInput{LogGroupName: aws.String("/drsorch/plans")})
	if err != nil || len(streams.LogStreams) != 1 || aws.ToInt64(streams.LogStreams[0].LastEventTimestamp) != now+4 {
		t.Fatalf("streams = %+v, %v", streams, err)
	}
	// Newest first: a second stream without events comes last.
	if _, err := client.CreateLogStream(c, &cwl.CreateLogStreamInput{LogGroupName: aws.String("/drsorch/plans"), LogStreamName: aws.String("s2")}); err != nil {
		t.Fatal(err)
	}
	streams, err = client.DescribeLogStreams(c, &cwl.DescribeLogStreamsInput{LogGroupName: aws.String("/drsorch/plans"), OrderBy: types.OrderByLastEventTime, Descending: aws.Bool(true)})
	if err != nil || len(streams.LogStreams) != 2 || aws.ToString(streams.LogStreams[0].LogStreamName) != "s1" || aws.ToString(streams.LogStreams[1].LogStreamName) != "s2" {
		t.Fatalf("streams by last event time, descending = %+v, %v", streams, err)
	}
	// GetLogEvents pages forward until the token comes back unchanged.
	var got []string
	in := &cwl.GetLogEventsInput{LogGroupName: aws.String("/drsorch/plans"), LogStreamName: aws.String("s1"), StartFromHead: aws.Bool(true), Limit: aws.Int32(2)}
	for pages := 0; ; pages++ {
		out, err := client.GetLogEvents(c, in)
		if err != nil || pages > 5 {
			t.Fatalf("GetLogEvents page %d: %v", pages, err)
		}
		for _, e := range out.Events {
			got = append(got, aws.ToString(e.Message))
		}
		if in.NextToken != nil && aws.ToString(out.NextForwardToken) == aws.ToString(in.NextToken) {
			break
		}
		in.NextToken = out.NextForwardToken
	}
	if len(got) != 5 {
		t.Fatalf("read %d events: %v", len(got), got)
	}
	f, err := client.FilterLogEvents(c, &cwl.FilterLogEventsInput{LogGroupName: aws.String("/drsorch/plans"), FilterPattern: aws.String(`{ $.type = "A" }`)})
	if err != nil || len(f.Events) != 3 {
		t.Fatalf("filtered = %+v, %v", f, err)
	}
	f, err = client.FilterLogEvents(c, &cwl.FilterLogEventsInput{LogGroupName: aws.String("/drsorch/plans"), FilterPattern: aws.String(`"C"`)})
	if err != nil || len(f.Events) != 1 || aws.ToString(f.Events[0].LogStreamName) != "s1" {
		t.Fatalf("filtered by term = %+v, %v", f, err)
	}
	// Retention on the simulated clock.
	svc.App.Clock.Advance(8 * 24 * time.Hour)
	f, err = client.FilterLogEvents(c, &cwl.FilterLogEventsInput{LogGroupName: aws.String("/drsorch/plans")})
	if err != nil || len(f.Events) != 0 {
		t.Fatalf("after retention = %+v, %v", f, err)
	}
	if _, err := client.DeleteLogGroup(c, &cwl.DeleteLogGroupInput{LogGroupName: aws.String("/drsorch/plans")}); err != nil {
		t.Fatal(err)
	}
	_, err = client.GetLogEvents(c, &cwl.GetLogEventsInput{LogGroupName: aws.String("/drsorch/plans"), LogStreamName: aws.String("s1")})
	wantCode(t, err, "ResourceNotFoundException")
}

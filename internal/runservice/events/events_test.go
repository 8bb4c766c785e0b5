package events_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge/types"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/events"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/runservicetest"
)

func TestPutEventsThroughTheSDK(t *testing.T) {
	svc := runservicetest.Start(t, runservice.Config{})
	client := eventbridge.NewFromConfig(svc.AWSConfig("eu-west-1"))
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	out, err := client.PutEvents(ctx, &eventbridge.PutEventsInput{Entries: []types.PutEventsRequestEntry{
		{Source: aws.String("drsorch"), DetailType: aws.String("drsorch.pause"), Detail: aws.String(`{"wave":"db","token":"t-1"}`)},
		{Source: aws.String("drsorch"), DetailType: aws.String("drsorch.pause"), Detail: aws.String(`not json`)},
		{DetailType: aws.String("x"), Detail: aws.String(`{}`)},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if out.FailedEntryCount != 2 || aws.ToString(out.Entries[0].EventId) == "" ||
		aws.ToString(out.Entries[1].ErrorCode) != "MalformedDetail" || aws.ToString(out.Entries[2].ErrorCode) != "InvalidArgument" {
		t.Fatalf("PutEvents = %+v", out)
	}
	stored, err := svc.App.Events.List(ctx, events.Filter{Region: "eu-west-1"})
	if err != nil || len(stored) != 1 {
		t.Fatalf("stored = %+v, %v", stored, err)
	}
	ev := stored[0]
	if ev.ID != *out.Entries[0].EventId || ev.Account != "123456789012" || ev.EventBus != "default" || !ev.Time.Equal(runservicetest.Epoch) {
		t.Fatalf("stored event = %+v", ev)
	}
	var detail map[string]string
	if err := json.Unmarshal(ev.Detail, &detail); err != nil || detail["token"] != "t-1" {
		t.Fatalf("detail = %s", ev.Detail)
	}

	resp, err := http.Get(svc.URL + "/_sim/events?source=drsorch")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var listed struct{ Events []events.Event }
	if err := json.Unmarshal(body, &listed); err != nil || len(listed.Events) != 1 || listed.Events[0].DetailType != "drsorch.pause" {
		t.Fatalf("GET /_sim/events = %s", body)
	}

	_, err = client.PutEvents(ctx, &eventbridge.PutEventsInput{Entries: []types.PutEventsRequestEntry{}})
	if err == nil {
		t.Fatal("PutEvents without entries succeeded")
	}
}

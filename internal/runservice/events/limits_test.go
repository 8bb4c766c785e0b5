package events_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	"github.com/aws/smithy-go"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/events"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/runservicetest"
)

// PutEvents takes at most 10 entries of at most 256 KiB in total; a larger
// request fails whole with ValidationException and stores nothing.
func TestPutEventsLimits(t *testing.T) {
	svc := runservicetest.Start(t, runservice.Config{})
	client := eventbridge.NewFromConfig(svc.AWSConfig("eu-west-1"))
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	entry := func(detailBytes int) types.PutEventsRequestEntry {
		pad := strings.Repeat("x", max(detailBytes-len(`{"p":""}`), 0))
		return types.PutEventsRequestEntry{Source: aws.String("s"), DetailType: aws.String("d"), Detail: aws.String(`{"p":"` + pad + `"}`)}
	}
	wantValidation := func(what string, err error) {
		t.Helper()
		var ae smithy.APIError
		if !errors.As(err, &ae) || ae.ErrorCode() != "ValidationException" {
			t.Fatalf("%s: err = %v, want ValidationException", what, err)
		}
	}
	// One 300 KB Detail.
	_, err := client.PutEvents(ctx, &eventbridge.PutEventsInput{Entries: []types.PutEventsRequestEntry{entry(300_000)}})
	wantValidation("a 300 KB Detail", err)
	// Ten entries of 30 KB: 300 KB together.
	ten := make([]types.PutEventsRequestEntry, 10)
	for i := range ten {
		ten[i] = entry(30_000)
	}
	_, err = client.PutEvents(ctx, &eventbridge.PutEventsInput{Entries: ten})
	wantValidation("ten 30 KB entries", err)
	// Eleven entries.
	eleven := make([]types.PutEventsRequestEntry, 11)
	for i := range eleven {
		eleven[i] = entry(10)
	}
	_, err = client.PutEvents(ctx, &eventbridge.PutEventsInput{Entries: eleven})
	wantValidation("eleven entries", err)
	if stored, err := svc.App.Events.List(ctx, events.Filter{}); err != nil || len(stored) != 0 {
		t.Fatalf("refused requests stored %d events (%v)", len(stored), err)
	}
	// Exactly at the limit is accepted: 256 KiB minus Source and DetailType.
	out, err := client.PutEvents(ctx, &eventbridge.PutEventsInput{Entries: []types.PutEventsRequestEntry{entry(events.MaxEntriesBytes - 2)}})
	if err != nil || out.FailedEntryCount != 0 {
		t.Fatalf("an entry of exactly 256 KiB: %+v, %v", out, err)
	}
	if n := events.EntriesSize([]events.Entry{{Source: "s", DetailType: "d", Detail: "{}", Resources: []string{"arn:x"}, Time: aws.Float64(1)}}); n != 14+1+1+2+5 {
		t.Fatalf("EntriesSize = %d", n)
	}
}

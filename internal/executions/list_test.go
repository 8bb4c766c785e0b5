package executions

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	sfntypes "github.com/aws/aws-sdk-go-v2/service/sfn/types"
)

func TestFilterMatch(t *testing.T) {
	at := func(s string) time.Time { v, _ := time.Parse(time.RFC3339, s); return v }
	ex := sfntypes.ExecutionListItem{Status: sfntypes.ExecutionStatusFailed, StartDate: aws.Time(at("2026-01-05T09:00:00Z"))}
	for _, tc := range []struct {
		f    Filter
		want bool
	}{
		{Filter{}, true},
		{Filter{Statuses: []sfntypes.ExecutionStatus{"RUNNING"}}, false},
		{Filter{Statuses: []sfntypes.ExecutionStatus{"RUNNING", "FAILED"}}, true},
		{Filter{StartedAfter: at("2026-01-05T09:00:00Z")}, true}, // inclusive
		{Filter{StartedAfter: at("2026-01-05T09:00:01Z")}, false},
		{Filter{StartedBefore: at("2026-01-05T09:00:00Z")}, false}, // exclusive
		{Filter{StartedBefore: at("2026-01-05T09:00:01Z")}, true},
	} {
		if got := tc.f.match(ex); got != tc.want {
			t.Errorf("%+v.match = %v, want %v", tc.f, got, tc.want)
		}
	}
}

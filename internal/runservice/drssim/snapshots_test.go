package drssim_test

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/drs"
	"github.com/aws/aws-sdk-go-v2/service/drs/types"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/runservicetest"
)

// DescribeRecoverySnapshots' date filters bound the snapshots' expected
// times (both ends included), pages follow the order asked for, and a
// launch from a chosen snapshot logs USING_PREVIOUS_SNAPSHOT instead of
// taking one.
func TestRecoverySnapshotFiltersPagesAndLaunch(t *testing.T) {
	svc := start(t, nil)
	c := drsClient(svc, "us-east-1")
	id := serverIDs(t, c, "shop-db-1")[0]
	now := runservicetest.Epoch
	from, to := now.Add(-5*time.Hour), now.Add(-2*time.Hour)
	var got []types.RecoverySnapshot
	in := &drs.DescribeRecoverySnapshotsInput{SourceServerID: aws.String(id), Order: types.RecoverySnapshotsOrderDesc, MaxResults: aws.Int32(2),
		Filters: &types.DescribeRecoverySnapshotsRequestFilters{FromDateTime: aws.String(from.Format(time.RFC3339)), ToDateTime: aws.String(to.Format(time.RFC3339))}}
	for pages := drs.NewDescribeRecoverySnapshotsPaginator(c, in); pages.HasMorePages(); {
		page, err := pages.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Items) > 2 {
			t.Fatalf("page of %d items, maxResults 2", len(page.Items))
		}
		got = append(got, page.Items...)
	}
	// Hourly snapshots from 04:00 to 07:00, newest first.
	if len(got) != 4 {
		t.Fatalf("%d snapshots between %s and %s, want the 4 hourly ones: %+v", len(got), from, to, got)
	}
	for i, s := range got {
		want := to.Add(-time.Duration(i) * time.Hour).Format("2006-01-02T15:04:05.000Z")
		if aws.ToString(s.ExpectedTimestamp) != want || aws.ToString(s.Timestamp) <= want || aws.ToString(s.SourceServerID) != id {
			t.Fatalf("snapshot %d: %+v, want expected %s and taken after it", i, s, want)
		}
	}
	_, err := c.DescribeRecoverySnapshots(ctx, &drs.DescribeRecoverySnapshotsInput{SourceServerID: aws.String(id),
		Filters: &types.DescribeRecoverySnapshotsRequestFilters{ToDateTime: aws.String("yesterday")}})
	wantValidation(t, err, "filters.toDateTime")

	out, err := c.StartRecovery(ctx, &drs.StartRecoveryInput{IsDrill: aws.Bool(true), SourceServers: []types.StartRecoveryRequestSourceServer{
		{SourceServerID: aws.String(id), RecoverySnapshotID: got[0].SnapshotID}}})
	if err != nil {
		t.Fatal(err)
	}
	svc.App.DRS.RunUntilIdle()
	logs, err := c.DescribeJobLogItems(ctx, &drs.DescribeJobLogItemsInput{JobID: out.Job.JobID})
	if err != nil {
		t.Fatal(err)
	}
	var events []types.JobLogEvent
	for _, l := range logs.Items {
		events = append(events, l.Event)
	}
	used, took := false, false
	for _, e := range events {
		used = used || e == types.JobLogEventUsingPreviousSnapshot
		took = took || e == types.JobLogEventSnapshotStart
	}
	if !used || took {
		t.Fatalf("launch from %s logged %v: want USING_PREVIOUS_SNAPSHOT and no SNAPSHOT_START", aws.ToString(got[0].SnapshotID), events)
	}
}

package executions

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/drs"
	drstypes "github.com/aws/aws-sdk-go-v2/service/drs/types"

	"github.com/drsorch/terraform-provider-drsorch/internal/statemachine"
)

// Point-in-time recovery (ransomware: recover from before the
// encryption). A run may name a recovery snapshot per source server, or a
// point in time T for all of them: each server then launches from its
// latest snapshot taken at or before T. The snapshots are chosen here,
// before the run starts, and written into the execution input
// (Input.RecoverySnapshots; statemachine.WaveControl on the wire): the
// input records what every server recovered from, the plan passes each
// wave's list to StartRecovery, and a server without a snapshot before T
// refuses the start before anything launches.

// SnapshotRequest is what a run recovers from.
type SnapshotRequest struct {
	// PointInTime, when not zero: every server launches from its latest
	// recovery snapshot taken at or before it.
	PointInTime time.Time
	// Servers maps source server IDs to the recovery snapshot each
	// launches from; it wins over PointInTime for those servers.
	Servers map[string]string
}

// Empty reports whether the request asks for nothing (latest data).
func (r SnapshotRequest) Empty() bool { return r.PointInTime.IsZero() && len(r.Servers) == 0 }

// ChosenSnapshot is the snapshot one server of a wave launches from.
type ChosenSnapshot struct {
	Wave, SourceServerID, SnapshotID string
	// Taken is when DRS took the snapshot (its timestamp, else its
	// expected timestamp).
	Taken time.Time
}

// snapshotPattern is RecoverySnapshotID's pattern in the DRS model
// (botocore drs 2020-02-26: pit- and 17 letters or digits).
var snapshotPattern = regexp.MustCompile(`^pit-[0-9a-zA-Z]{17}$`)

// ValidateSnapshotID checks a recovery snapshot ID's form.
func ValidateSnapshotID(id string) error {
	if !snapshotPattern.MatchString(id) {
		return fmt.Errorf("%q is not a recovery snapshot ID: DRS names them pit- and 17 letters or digits (`aws drs describe-recovery-snapshots --source-server-id <ID>` lists a server's)", id)
	}
	return nil
}

// ParsePointInTime reads a point in time in RFC 3339 (2026-11-30T22:00:00Z)
// and refuses one after now: DRS has no snapshot of the future.
func ParsePointInTime(s string, now time.Time) (time.Time, error) {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not an RFC 3339 time: write it like 2026-11-30T22:00:00Z (UTC) or 2026-11-30T23:00:00+01:00", s)
	}
	if t.After(now) {
		return time.Time{}, fmt.Errorf("%s is in the future (now is %s): a point-in-time recovery launches from snapshots taken at or before it; to recover from the latest data, leave it out",
			t.UTC().Format(time.RFC3339), now.UTC().Format(time.RFC3339))
	}
	return t.UTC(), nil
}

// snapshotConcurrency bounds the DescribeRecoverySnapshots calls in flight.
const snapshotConcurrency = 8

// ChooseSnapshots resolves req for the run whose input is in, over the
// servers it will launch (skipped and adopted waves launch none; a wave's
// OnlyServers replace its servers), and writes the choice into in:
// RecoverySnapshots per wave and PointInTime. Every server is checked
// before it returns: a server without a snapshot at or before the point
// in time, a named snapshot that the server does not have, or a server
// the plan does not hold is an error that names it, and nothing starts.
func ChooseSnapshots(ctx context.Context, api *drs.Client, view *statemachine.PlanView, req SnapshotRequest, in *Input) ([]ChosenSnapshot, error) {
	if req.Empty() {
		return nil, nil
	}
	if !view.RecoverySnapshots {
		return nil, fmt.Errorf("plan %s was deployed by an earlier drsorch, whose state machine ignores recovery snapshots: apply the plan with this drsorch (terraform apply) before a point-in-time recovery", view.Name)
	}
	inPlan := map[string]string{}
	for _, w := range view.DeclaredWaves() {
		for _, id := range w.SourceServerIDs {
			inPlan[id] = w.Name
		}
	}
	for _, id := range sortedKeys(req.Servers) {
		if _, ok := inPlan[id]; !ok {
			return nil, fmt.Errorf("recovery snapshot for source server %s: plan %s has no such server (its waves hold %d servers)", id, view.Name, len(inPlan))
		}
		if err := ValidateSnapshotID(req.Servers[id]); err != nil {
			return nil, fmt.Errorf("recovery snapshot for source server %s: %w", id, err)
		}
	}
	var launches []ChosenSnapshot // one per server launched, in plan order
	for _, w := range view.DeclaredWaves() {
		if launchesNothing(*in, w.Name) {
			continue
		}
		servers := w.SourceServerIDs
		if only := in.OnlyServers[w.Name]; len(only) > 0 {
			servers = only
		}
		for _, id := range servers {
			if req.Servers[id] != "" || !req.PointInTime.IsZero() {
				launches = append(launches, ChosenSnapshot{Wave: w.Name, SourceServerID: id})
			}
		}
	}
	problems := make([]string, len(launches))
	var wg sync.WaitGroup
	sem := make(chan struct{}, snapshotConcurrency)
	for i := range launches {
		wg.Add(1)
		go func(c *ChosenSnapshot, problem *string) {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			var err error
			if id := req.Servers[c.SourceServerID]; id != "" {
				err = namedSnapshot(ctx, api, c, id)
			} else {
				err = latestBefore(ctx, api, c, req.PointInTime)
			}
			if err != nil {
				*problem = fmt.Sprintf("source server %s (wave %s): %v", c.SourceServerID, c.Wave, err)
			}
		}(&launches[i], &problems[i])
	}
	wg.Wait()
	var failed []string
	for _, p := range problems {
		if p != "" {
			failed = append(failed, p)
		}
	}
	if len(failed) > 0 {
		what := "the recovery snapshots asked for"
		if !req.PointInTime.IsZero() {
			what = "a recovery snapshot at or before " + req.PointInTime.UTC().Format(time.RFC3339)
		}
		return nil, fmt.Errorf("plan %s cannot recover from %s; nothing was started:\n  %s", view.Name, what, strings.Join(failed, "\n  "))
	}
	chosen := map[string]string{}
	for _, c := range launches {
		chosen[c.SourceServerID] = c.SnapshotID
	}
	// The input is written only once everything checks out.
	out := *in
	out.RecoverySnapshots = map[string][]statemachine.RecoverySnapshot{}
	for _, w := range view.DeclaredWaves() {
		if launchesNothing(out, w.Name) {
			continue
		}
		servers := w.SourceServerIDs
		if only := out.OnlyServers[w.Name]; len(only) > 0 {
			servers = only
		}
		if list := snapshotList(servers, chosen); list != nil {
			out.RecoverySnapshots[w.Name] = list
		}
	}
	if !req.PointInTime.IsZero() {
		out.PointInTime = req.PointInTime.UTC().Format(time.RFC3339)
	}
	input, err := out.Encode(view.WaveControls)
	if err != nil {
		return nil, err
	}
	if err := statemachine.CheckStartInput(view.Plan(), input, out.RecoverySnapshots); err != nil {
		return nil, err
	}
	*in = out
	return launches, nil
}

// launchesNothing reports whether wave starts no recovery in the run of
// in: it is skipped, or follows a DRS job already running.
func launchesNothing(in Input, wave string) bool {
	_, skipped := in.SkipWaves[wave]
	_, adopted := in.AdoptJobs[wave]
	return skipped || adopted
}

// snapshotList is a wave's StartRecovery source servers with their chosen
// snapshots, or nil when none of them has one.
func snapshotList(servers []string, chosen map[string]string) []statemachine.RecoverySnapshot {
	some := false
	list := make([]statemachine.RecoverySnapshot, len(servers))
	for i, id := range servers {
		list[i] = statemachine.RecoverySnapshot{SourceServerID: id, RecoverySnapshotID: chosen[id]}
		some = some || chosen[id] != ""
	}
	if !some {
		return nil
	}
	return list
}

// snapshotTaken is when a snapshot was taken: DRS's actual timestamp,
// else the expected one. The actual one decides "at or before T": a
// snapshot expected before T but taken after it may hold data written
// after T (the encryption), so it does not qualify.
func snapshotTaken(s drstypes.RecoverySnapshot) time.Time {
	if t := parseTime(aws.ToString(s.Timestamp)); !t.IsZero() {
		return t
	}
	return parseTime(aws.ToString(s.ExpectedTimestamp))
}

// wireTime is DRS's ISO8601DatetimeString (UTC, Z).
func wireTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05Z") }

// latestBefore chooses the server's latest snapshot taken at or before
// t. The toDateTime filter narrows the listing; each item's own time is
// checked again, since the DRS API reference does not say which of a
// snapshot's timestamps the filter compares
// (https://docs.aws.amazon.com/drs/latest/APIReference/API_DescribeRecoverySnapshots.html).
func latestBefore(ctx context.Context, api *drs.Client, c *ChosenSnapshot, t time.Time) error {
	pages := drs.NewDescribeRecoverySnapshotsPaginator(api, &drs.DescribeRecoverySnapshotsInput{
		SourceServerID: aws.String(c.SourceServerID), Order: drstypes.RecoverySnapshotsOrderDesc,
		Filters: &drstypes.DescribeRecoverySnapshotsRequestFilters{ToDateTime: aws.String(wireTime(t))}, MaxResults: aws.Int32(20)})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("DescribeRecoverySnapshots: %w", err)
		}
		for _, s := range page.Items {
			if taken := snapshotTaken(s); !taken.IsZero() && !taken.After(t) {
				c.SnapshotID, c.Taken = aws.ToString(s.SnapshotID), taken
				return nil
			}
		}
	}
	oldest, err := api.DescribeRecoverySnapshots(ctx, &drs.DescribeRecoverySnapshotsInput{
		SourceServerID: aws.String(c.SourceServerID), Order: drstypes.RecoverySnapshotsOrderAsc, MaxResults: aws.Int32(1)})
	if err != nil {
		return fmt.Errorf("DescribeRecoverySnapshots: %w", err)
	}
	if len(oldest.Items) == 0 {
		return fmt.Errorf("has no recovery snapshots at all (is it replicating? DRS keeps snapshots per its point-in-time policy)")
	}
	s := oldest.Items[0]
	return fmt.Errorf("has no recovery snapshot taken at or before %s; its oldest is %s, taken %s (DRS keeps snapshots per the server's point-in-time policy): choose a later point in time, or name a snapshot for this server",
		wireTime(t), aws.ToString(s.SnapshotID), wireTime(snapshotTaken(s)))
}

// namedSnapshot checks that the server has the snapshot id.
func namedSnapshot(ctx context.Context, api *drs.Client, c *ChosenSnapshot, id string) error {
	pages := drs.NewDescribeRecoverySnapshotsPaginator(api, &drs.DescribeRecoverySnapshotsInput{
		SourceServerID: aws.String(c.SourceServerID), Order: drstypes.RecoverySnapshotsOrderDesc})
	var newest, oldest string
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("DescribeRecoverySnapshots: %w", err)
		}
		for _, s := range page.Items {
			if aws.ToString(s.SnapshotID) == id {
				c.SnapshotID, c.Taken = id, snapshotTaken(s)
				return nil
			}
			if newest == "" {
				newest = wireTime(snapshotTaken(s))
			}
			oldest = wireTime(snapshotTaken(s))
		}
	}
	if newest == "" {
		return fmt.Errorf("has no recovery snapshot %s: it has no recovery snapshots at all", id)
	}
	return fmt.Errorf("has no recovery snapshot %s (it has snapshots taken from %s to %s; an expired snapshot is gone): name one it has", id, oldest, newest)
}

// DescribeSnapshots is a one-line account per server of the snapshots a
// run recovers from, in plan order.
func DescribeSnapshots(chosen []ChosenSnapshot) []string {
	lines := make([]string, len(chosen))
	for i, c := range chosen {
		lines[i] = fmt.Sprintf("%s (wave %s) from %s, taken %s", c.SourceServerID, c.Wave, c.SnapshotID, wireTime(c.Taken))
	}
	return lines
}

// snapshotsOf maps each server of in's recoverySnapshots to its snapshot.
func snapshotsOf(in Input) map[string]string {
	out := map[string]string{}
	for _, w := range sortedKeys(in.RecoverySnapshots) {
		for _, s := range in.RecoverySnapshots[w] {
			if s.RecoverySnapshotID != "" {
				out[s.SourceServerID] = s.RecoverySnapshotID
			}
		}
	}
	return out
}

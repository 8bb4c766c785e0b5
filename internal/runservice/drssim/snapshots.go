package drssim

import (
	"sort"
	"time"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/awswire"
)

// maxSnapshots bounds what one server's PIT policy can produce.
const maxSnapshots = 2000

func pitUnit(units string) time.Duration {
	switch units {
	case "MINUTE":
		return time.Minute
	case "HOUR":
		return time.Hour
	default:
		return 24 * time.Hour
	}
}

// snapshotTimes are the point-in-time snapshots a server holds at now,
// oldest first: for each enabled PIT rule, one per interval within its
// retention, never before the first replicated byte.
func snapshotTimes(r *serverRecord, now time.Time) []time.Time {
	if !r.hasReplicatedData() {
		return nil
	}
	first, err := time.Parse(wireTime, r.Server.LifeCycle.FirstByteDateTime)
	if err != nil {
		return nil
	}
	set := map[time.Time]bool{}
	for _, rule := range r.Replication.PitPolicy {
		if !rule.Enabled || rule.Interval < 1 {
			continue
		}
		step := time.Duration(rule.Interval) * pitUnit(rule.Units)
		oldest := now.Add(-time.Duration(rule.RetentionDuration) * pitUnit(rule.Units))
		for t := now.Truncate(step); !t.Before(oldest) && !t.Before(first) && len(set) < maxSnapshots; t = t.Add(-step) {
			set[t] = true
		}
	}
	times := make([]time.Time, 0, len(set))
	for t := range set {
		times = append(times, t)
	}
	sort.Slice(times, func(i, j int) bool { return times[i].Before(times[j]) })
	return times
}

func snapshotID(serverID string, t time.Time) string {
	return hashID("pit-", 17, serverID, formatTime(t))
}

// snapshotTime finds the time of the snapshot id among the server's
// current snapshots.
func snapshotTime(r *serverRecord, id string, now time.Time) (time.Time, bool) {
	for _, t := range snapshotTimes(r, now) {
		if snapshotID(r.Server.SourceServerID, t) == id {
			return t, true
		}
	}
	return time.Time{}, false
}

func opDescribeRecoverySnapshots(c *opContext, body []byte) (any, *awswire.APIError) {
	var req struct {
		listRequest
		SourceServerID string `json:"sourceServerID"`
		Order          string `json:"order"`
		Filters        *struct {
			FromDateTime string `json:"fromDateTime"`
			ToDateTime   string `json:"toDateTime"`
		} `json:"filters"`
	}
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	r, err := c.server(req.SourceServerID)
	if err != nil {
		return nil, err
	}
	if err := checkEnum("order", req.Order, enumSnapshotOrder); err != nil {
		return nil, err
	}
	var from, to time.Time
	if f := req.Filters; f != nil {
		if f.FromDateTime != "" {
			if from, err = parseWireTime("filters.fromDateTime", f.FromDateTime); err != nil {
				return nil, err
			}
		}
		if f.ToDateTime != "" {
			if to, err = parseWireTime("filters.toDateTime", f.ToDateTime); err != nil {
				return nil, err
			}
		}
	}
	// The filters bound each snapshot's expectedTimestamp, both ends
	// included: the API reference says only "the start/end date in a date
	// range query"
	// (https://docs.aws.amazon.com/drs/latest/APIReference/API_DescribeRecoverySnapshotsRequestFilters.html),
	// and the expected time is the earlier of a snapshot's two, so a
	// caller that wants "taken at or before T" must check timestamp itself
	// (internal/executions does).
	var hits []time.Time
	for _, t := range snapshotTimes(r, c.now) {
		if (from.IsZero() || !t.Before(from)) && (to.IsZero() || !t.After(to)) {
			hits = append(hits, t)
		}
	}
	if req.Order == "DESC" {
		for i, j := 0, len(hits)-1; i < j; i, j = i+1, j-1 {
			hits[i], hits[j] = hits[j], hits[i]
		}
	}
	start, end, next, err := page("DescribeRecoverySnapshots", len(hits), func(i int) int64 {
		if req.Order == "DESC" {
			return -hits[i].UnixNano()
		}
		return hits[i].UnixNano()
	}, req.MaxResults, req.NextToken)
	if err != nil {
		return nil, err
	}
	id := r.Server.SourceServerID
	items := make([]recoverySnapshot, 0, end-start)
	for _, t := range hits[start:end] {
		var ebs []string
		for _, d := range r.Server.SourceProperties.Disks {
			ebs = append(ebs, hashID("snap-", 17, id, formatTime(t), d.DeviceName))
		}
		items = append(items, recoverySnapshot{
			SnapshotID:        snapshotID(id, t),
			SourceServerID:    id,
			ExpectedTimestamp: formatTime(t),
			Timestamp:         formatTime(t.Add(time.Duration(20+spread(40, id, formatTime(t))) * time.Second)),
			EbsSnapshots:      ebs,
		})
	}
	return listResponse{Items: items, NextToken: next}, nil
}

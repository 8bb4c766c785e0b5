package logs

import (
	"context"
	"encoding/json"
	"regexp"
	"strconv"
	"strings"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/awswire"
)

// GetLogEvents reads one stream. Tokens are "f/<seq>" (forward) and
// "b/<seq>" (backward), as CloudWatch Logs prints them; at the end of the
// stream the token passed in comes back, which is how clients stop.
func (s *Service) getLogEvents(ctx context.Context, id awswire.Identity, body []byte) (any, error) {
	var req struct {
		LogGroupName       string `json:"logGroupName"`
		LogGroupIdentifier string `json:"logGroupIdentifier"`
		LogStreamName      string `json:"logStreamName"`
		StartTime          *int64 `json:"startTime"`
		EndTime            *int64 `json:"endTime"`
		NextToken          string `json:"nextToken"`
		Limit              int    `json:"limit"`
		StartFromHead      bool   `json:"startFromHead"`
	}
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	group, err := groupFrom(req.LogGroupName, req.LogGroupIdentifier)
	if err != nil {
		return nil, err
	}
	if err := checkStreamName(req.LogStreamName); err != nil {
		return nil, err
	}
	limit, err := limitOf(req.Limit, 10000, 10000)
	if err != nil {
		return nil, err
	}
	days, err := s.groupRetention(ctx, id, group)
	if err != nil {
		return nil, err
	}
	var exists int
	_ = s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM logs_streams WHERE account = ? AND region = ? AND grp = ? AND name = ?`,
		id.Account, id.Region, group, req.LogStreamName).Scan(&exists)
	if exists == 0 {
		return nil, notFound("The specified log stream does not exist.")
	}
	forward := req.StartFromHead
	var pos int64 = -1
	if req.NextToken != "" {
		dir, n, ok := strings.Cut(req.NextToken, "/")
		seq, perr := strconv.ParseInt(n, 10, 64)
		if !ok || perr != nil || (dir != "f" && dir != "b") {
			return nil, invalid("The specified nextToken is invalid.")
		}
		forward, pos = dir == "f", seq
	}
	start, end := int64(0), int64(1<<62)
	if req.StartTime != nil {
		start = *req.StartTime
	}
	if req.EndTime != nil {
		end = *req.EndTime
	}
	start = max(start, s.cutoffMS(days))
	q := `SELECT seq, ts_ms, ingest_ms, message FROM logs_events WHERE account = ? AND region = ? AND grp = ? AND stream = ?
		AND ts_ms >= ? AND ts_ms < ?`
	args := []any{id.Account, id.Region, group, req.LogStreamName, start, end}
	if forward {
		if pos >= 0 {
			q += ` AND seq > ?`
			args = append(args, pos)
		}
		q += ` ORDER BY seq LIMIT ?`
	} else {
		if pos >= 0 {
			q += ` AND seq < ?`
			args = append(args, pos)
		}
		q += ` ORDER BY seq DESC LIMIT ?`
	}
	args = append(args, limit)
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	type row struct {
		seq, ts, ingest int64
		msg             string
	}
	var got []row
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.seq, &r.ts, &r.ingest, &r.msg); err != nil {
			return nil, err
		}
		got = append(got, r)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if !forward { // chronological order either way
		for i, j := 0, len(got)-1; i < j; i, j = i+1, j-1 {
			got[i], got[j] = got[j], got[i]
		}
	}
	events := make([]map[string]any, len(got))
	for i, r := range got {
		events[i] = map[string]any{"timestamp": r.ts, "message": r.msg, "ingestionTime": r.ingest}
	}
	fwd, back := req.NextToken, req.NextToken
	if len(got) > 0 {
		fwd = "f/" + strconv.FormatInt(got[len(got)-1].seq, 10)
		back = "b/" + strconv.FormatInt(got[0].seq, 10)
	} else if req.NextToken == "" {
		fwd, back = "f/0", "b/0"
	}
	return map[string]any{"events": events, "nextForwardToken": fwd, "nextBackwardToken": back}, nil
}

// FilterLogEvents searches a group. Filter patterns: terms (every term,
// or "quoted phrase", must appear in the message) or one JSON comparison
// { $.a.b = "value" } / { $.a != value }.
func (s *Service) filterLogEvents(ctx context.Context, id awswire.Identity, body []byte) (any, error) {
	var req struct {
		LogGroupName        string   `json:"logGroupName"`
		LogGroupIdentifier  string   `json:"logGroupIdentifier"`
		LogStreamNames      []string `json:"logStreamNames"`
		LogStreamNamePrefix string   `json:"logStreamNamePrefix"`
		StartTime           *int64   `json:"startTime"`
		EndTime             *int64   `json:"endTime"`
		FilterPattern       string   `json:"filterPattern"`
		NextToken           string   `json:"nextToken"`
		Limit               int      `json:"limit"`
	}
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	group, err := groupFrom(req.LogGroupName, req.LogGroupIdentifier)
	if err != nil {
		return nil, err
	}
	if len(req.LogStreamNames) > 0 && req.LogStreamNamePrefix != "" {
		return nil, invalid("logStreamNames and logStreamNamePrefix are mutually exclusive parameters.")
	}
	match, err := compilePattern(req.FilterPattern)
	if err != nil {
		return nil, err
	}
	limit, err := limitOf(req.Limit, 10000, 10000)
	if err != nil {
		return nil, err
	}
	days, err := s.groupRetention(ctx, id, group)
	if err != nil {
		return nil, err
	}
	var after int64
	if req.NextToken != "" {
		key, err := decodeToken(req.NextToken)
		if err != nil {
			return nil, err
		}
		if after, err = strconv.ParseInt(key, 10, 64); err != nil {
			return nil, invalid("The specified nextToken is invalid.")
		}
	}
	start, end := int64(0), int64(1<<62)
	if req.StartTime != nil {
		start = *req.StartTime
	}
	if req.EndTime != nil {
		end = *req.EndTime
	}
	start = max(start, s.cutoffMS(days))
	rows, err := s.db.QueryContext(ctx, `SELECT seq, stream, ts_ms, ingest_ms, message FROM logs_events
		WHERE account = ? AND region = ? AND grp = ? AND seq > ? AND ts_ms >= ? AND ts_ms < ? AND substr(stream, 1, ?) = ? ORDER BY ts_ms, seq`,
		id.Account, id.Region, group, after, start, end, len(req.LogStreamNamePrefix), req.LogStreamNamePrefix)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	wanted := map[string]bool{}
	for _, n := range req.LogStreamNames {
		wanted[n] = true
	}
	events := []map[string]any{}
	searched := map[string]bool{}
	out := map[string]any{}
	for rows.Next() {
		var seq, ts, ingest int64
		var stream, msg string
		if err := rows.Scan(&seq, &stream, &ts, &ingest, &msg); err != nil {
			return nil, err
		}
		if len(wanted) > 0 && !wanted[stream] {
			continue
		}
		searched[stream] = true
		if !match(msg) {
			continue
		}
		if len(events) == limit {
			out["nextToken"] = encodeToken(events[limit-1]["eventId"].(string))
			break
		}
		events = append(events, map[string]any{"logStreamName": stream, "timestamp": ts, "message": msg,
			"ingestionTime": ingest, "eventId": strconv.FormatInt(seq, 10)})
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	list := []map[string]any{}
	for name := range searched {
		list = append(list, map[string]any{"logStreamName": name, "searchedCompletely": out["nextToken"] == nil})
	}
	out["events"], out["searchedLogStreams"] = events, list
	return out, nil
}

var jsonPattern = regexp.MustCompile(`^\{\s*\$((?:\.[A-Za-z0-9_]+)+)\s*(=|!=)\s*("(?:[^"\\]|\\.)*"|[^\s}]+)\s*\}$`)

// compilePattern turns a filter pattern into a matcher.
func compilePattern(p string) (func(string) bool, error) {
	p = strings.TrimSpace(p)
	if p == "" {
		return func(string) bool { return true }, nil
	}
	if strings.HasPrefix(p, "{") {
		m := jsonPattern.FindStringSubmatch(p)
		if m == nil {
			return nil, invalid("Invalid filter pattern: the run service understands terms and one JSON comparison such as { $.type = \"ExecutionFailed\" }")
		}
		path := strings.Split(strings.TrimPrefix(m[1], "."), ".")
		want := strings.Trim(m[3], `"`)
		neg := m[2] == "!="
		return func(msg string) bool {
			var v any
			if json.Unmarshal([]byte(msg), &v) != nil {
				return false
			}
			for _, k := range path {
				obj, ok := v.(map[string]any)
				if !ok {
					return false
				}
				v = obj[k]
			}
			var got string
			switch x := v.(type) {
			case string:
				got = x
			case nil:
				return neg
			default:
				b, _ := json.Marshal(x)
				got = string(b)
			}
			return (got == want) != neg
		}, nil
	}
	var terms []string
	for rest := p; rest != ""; rest = strings.TrimSpace(rest) {
		if strings.HasPrefix(rest, `"`) {
			end := strings.Index(rest[1:], `"`)
			if end < 0 {
				return nil, invalid("Invalid filter pattern: unterminated quote")
			}
			terms = append(terms, rest[1:end+1])
			rest = rest[end+2:]
			continue
		}
		term, r, _ := strings.Cut(rest, " ")
		terms, rest = append(terms, term), r
	}
	return func(msg string) bool {
		for _, t := range terms {
			if !strings.Contains(msg, t) {
				return false
			}
		}
		return true
	}, nil
}

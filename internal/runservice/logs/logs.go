// Package logs is the run service's Amazon CloudWatch Logs: the log groups,
// streams and events Step Functions writes execution logs to
// (loggingConfiguration), with enough of the awsJson1.1 API for the AWS CLI
// and the SDKs to manage groups and read the events back.
package logs

import (
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/awswire"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/simclock"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/store"
)

// TargetPrefix is CloudWatch Logs' X-Amz-Target prefix.
const TargetPrefix = "Logs_20140328"

const schema = `
CREATE TABLE IF NOT EXISTS logs_groups (
	account TEXT NOT NULL,
	region TEXT NOT NULL,
	name TEXT NOT NULL,
	created_ms INTEGER NOT NULL,
	retention_days INTEGER,
	PRIMARY KEY (account, region, name)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS logs_streams (
	account TEXT NOT NULL,
	region TEXT NOT NULL,
	grp TEXT NOT NULL,
	name TEXT NOT NULL,
	created_ms INTEGER NOT NULL,
	PRIMARY KEY (account, region, grp, name)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS logs_events (
	seq INTEGER PRIMARY KEY AUTOINCREMENT,
	account TEXT NOT NULL,
	region TEXT NOT NULL,
	grp TEXT NOT NULL,
	stream TEXT NOT NULL,
	ts_ms INTEGER NOT NULL,
	ingest_ms INTEGER NOT NULL,
	message TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS logs_events_by_stream ON logs_events (account, region, grp, stream, seq);
`

// Service is CloudWatch Logs over the run service's store.
type Service struct {
	db    *sql.DB
	clock *simclock.Clock
	ops   map[string]func(context.Context, awswire.Identity, []byte) (any, error)
}

// New creates the tables and the API.
func New(st *store.Store, clock *simclock.Clock) (*Service, error) {
	if _, err := st.DB().Exec(schema); err != nil {
		return nil, fmt.Errorf("create logs tables: %w", err)
	}
	s := &Service{db: st.DB(), clock: clock}
	s.ops = map[string]func(context.Context, awswire.Identity, []byte) (any, error){
		"CreateLogGroup":     s.createLogGroup,
		"DescribeLogGroups":  s.describeLogGroups,
		"DeleteLogGroup":     s.deleteLogGroup,
		"PutRetentionPolicy": s.putRetentionPolicy,
		"CreateLogStream":    s.createLogStream,
		"DescribeLogStreams": s.describeLogStreams,
		"PutLogEvents":       s.putLogEvents,
		"GetLogEvents":       s.getLogEvents,
		"FilterLogEvents":    s.filterLogEvents,
	}
	return s, nil
}

func apiErr(code, format string, args ...any) *awswire.APIError {
	return awswire.NewError(http.StatusBadRequest, code, fmt.Sprintf(format, args...))
}

func invalid(format string, args ...any) *awswire.APIError {
	return apiErr("InvalidParameterException", format, args...)
}

func notFound(format string, args ...any) *awswire.APIError {
	return apiErr("ResourceNotFoundException", format, args...)
}

func (s *Service) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	out, err := s.serve(r)
	if err != nil {
		var ae *awswire.APIError
		if !errors.As(err, &ae) {
			ae = awswire.NewError(http.StatusInternalServerError, "ServiceUnavailableException", err.Error())
		}
		awswire.WriteJSONProtocolError(w, awswire.ContentTypeJSON11, ae)
		return
	}
	awswire.WriteJSON(w, awswire.ContentTypeJSON11, http.StatusOK, out)
}

func (s *Service) serve(r *http.Request) (out any, err error) {
	defer func() {
		if p := recover(); p != nil {
			out, err = nil, awswire.NewError(http.StatusInternalServerError, "ServiceUnavailableException", "internal error while serving the request")
		}
	}()
	name, _ := strings.CutPrefix(r.Header.Get("X-Amz-Target"), TargetPrefix+".")
	h := s.ops[name]
	if h == nil {
		return nil, awswire.NewError(http.StatusBadRequest, "UnknownOperationException", "the run service's CloudWatch Logs does not serve "+r.Header.Get("X-Amz-Target"))
	}
	// PutLogEvents takes at most 1,048,576 bytes; nothing else comes near.
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20+1))
	if err != nil || len(body) > 1<<20 {
		return nil, invalid("the request body is unreadable or larger than 1,048,576 bytes")
	}
	if strings.TrimSpace(string(body)) == "" {
		body = []byte("{}")
	}
	id, _ := awswire.IdentityFrom(r.Context())
	if id.Region == "" {
		id.Region = "us-east-1"
	}
	if id.Account == "" {
		id.Account = awswire.DefaultAccount
	}
	return h(r.Context(), id, body)
}

func decode(body []byte, v any) error {
	if err := json.Unmarshal(body, v); err != nil {
		return awswire.NewError(http.StatusBadRequest, "SerializationException", "request body is not valid for this operation: "+err.Error())
	}
	return nil
}

var groupNamePattern = regexp.MustCompile(`^[.\-_/#A-Za-z0-9]{1,512}$`)

func checkGroupName(name string) error {
	if !groupNamePattern.MatchString(name) {
		return invalid("1 validation error detected: Value '%s' at 'logGroupName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+ (1 to 512 characters)", name)
	}
	return nil
}

func checkStreamName(name string) error {
	if name == "" || len(name) > 512 || strings.ContainsAny(name, ":*") {
		return invalid("1 validation error detected: Value '%s' at 'logStreamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [^:*]* (1 to 512 characters)", name)
	}
	return nil
}

// groupFrom reads logGroupName or logGroupIdentifier (a name or an ARN).
func groupFrom(name, identifier string) (string, error) {
	switch {
	case name != "" && identifier != "":
		return "", invalid("LogGroup name and LogGroup ARN are mutually exclusive parameters.")
	case identifier != "":
		if strings.HasPrefix(identifier, "arn:") {
			_, after, ok := strings.Cut(identifier, ":log-group:")
			if !ok {
				return "", invalid("'%s' is not a log group ARN", identifier)
			}
			identifier = strings.TrimSuffix(after, ":*")
		}
		name = identifier
	case name == "":
		return "", invalid("Either the logGroupName or the logGroupIdentifier must be given")
	}
	return name, checkGroupName(name)
}

func groupARN(id awswire.Identity, name string) string {
	partition := "aws"
	switch {
	case strings.HasPrefix(id.Region, "us-gov-"):
		partition = "aws-us-gov"
	case strings.HasPrefix(id.Region, "cn-"):
		partition = "aws-cn"
	}
	return "arn:" + partition + ":logs:" + id.Region + ":" + id.Account + ":log-group:" + name
}

func (s *Service) nowMS() int64 { return s.clock.Now().UnixMilli() }

// Retention returns a log group's retention in days (0: never expire), or
// ResourceNotFoundException when the group does not exist.
func (s *Service) Retention(ctx context.Context, id awswire.Identity, name string) (int64, error) {
	return s.groupRetention(ctx, id, name)
}

// groupRetention returns the group's retention (0: never expire), or
// ResourceNotFoundException.
func (s *Service) groupRetention(ctx context.Context, id awswire.Identity, name string) (int64, error) {
	var days sql.NullInt64
	err := s.db.QueryRowContext(ctx, `SELECT retention_days FROM logs_groups WHERE account = ? AND region = ? AND name = ?`,
		id.Account, id.Region, name).Scan(&days)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, notFound("The specified log group does not exist.")
	}
	return days.Int64, err
}

// cutoffMS is the oldest event timestamp a group keeps.
func (s *Service) cutoffMS(days int64) int64 {
	if days <= 0 {
		return 0
	}
	return s.clock.Now().Add(-time.Duration(days) * 24 * time.Hour).UnixMilli()
}

func (s *Service) createLogGroup(ctx context.Context, id awswire.Identity, body []byte) (any, error) {
	var req struct {
		LogGroupName  string            `json:"logGroupName"`
		KmsKeyID      string            `json:"kmsKeyId"`
		Tags          map[string]string `json:"tags"`
		LogGroupClass string            `json:"logGroupClass"`
	}
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	if err := checkGroupName(req.LogGroupName); err != nil {
		return nil, err
	}
	if req.LogGroupClass != "" && req.LogGroupClass != "STANDARD" {
		return nil, invalid("the run service keeps STANDARD log groups only")
	}
	res, err := s.db.ExecContext(ctx, `INSERT OR IGNORE INTO logs_groups (account, region, name, created_ms) VALUES (?, ?, ?, ?)`,
		id.Account, id.Region, req.LogGroupName, s.nowMS())
	if err != nil {
		return nil, err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil, apiErr("ResourceAlreadyExistsException", "The specified log group already exists")
	}
	return struct{}{}, nil
}

// validRetention are the values PutRetentionPolicy accepts (the model's Days).
var validRetention = map[int64]bool{1: true, 3: true, 5: true, 7: true, 14: true, 30: true, 60: true, 90: true, 120: true, 150: true,
	180: true, 365: true, 400: true, 545: true, 731: true, 1096: true, 1827: true, 2192: true, 2557: true, 2922: true, 3288: true, 3653: true}

func (s *Service) putRetentionPolicy(ctx context.Context, id awswire.Identity, body []byte) (any, error) {
	var req struct {
		LogGroupName    string `json:"logGroupName"`
		RetentionInDays int64  `json:"retentionInDays"`
	}
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	if err := checkGroupName(req.LogGroupName); err != nil {
		return nil, err
	}
	if !validRetention[req.RetentionInDays] {
		return nil, invalid("1 validation error detected: Value '%d' at 'retentionInDays' failed to satisfy constraint: Member must satisfy enum value set: [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653]", req.RetentionInDays)
	}
	res, err := s.db.ExecContext(ctx, `UPDATE logs_groups SET retention_days = ? WHERE account = ? AND region = ? AND name = ?`,
		req.RetentionInDays, id.Account, id.Region, req.LogGroupName)
	if err != nil {
		return nil, err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil, notFound("The specified log group does not exist.")
	}
	return struct{}{}, nil
}

func (s *Service) deleteLogGroup(ctx context.Context, id awswire.Identity, body []byte) (any, error) {
	var req struct {
		LogGroupName string `json:"logGroupName"`
	}
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	if err := checkGroupName(req.LogGroupName); err != nil {
		return nil, err
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer func() { _ = tx.Rollback() }()
	res, err := tx.Exec(`DELETE FROM logs_groups WHERE account = ? AND region = ? AND name = ?`, id.Account, id.Region, req.LogGroupName)
	if err != nil {
		return nil, err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil, notFound("The specified log group does not exist.")
	}
	for _, table := range []string{"logs_streams", "logs_events"} {
		if _, err := tx.Exec(`DELETE FROM `+table+` WHERE account = ? AND region = ? AND grp = ?`, id.Account, id.Region, req.LogGroupName); err != nil {
			return nil, err
		}
	}
	return struct{}{}, tx.Commit()
}

// Page tokens: opaque base64 of a key.
func encodeToken(key string) string { return base64.RawURLEncoding.EncodeToString([]byte("k:" + key)) }

func decodeToken(tok string) (string, error) {
	raw, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil || !strings.HasPrefix(string(raw), "k:") {
		return "", invalid("The specified nextToken is invalid.")
	}
	return string(raw[2:]), nil
}

func limitOf(limit, def, max int) (int, error) {
	switch {
	case limit == 0:
		return def, nil
	case limit < 1 || limit > max:
		return 0, invalid("1 validation error detected: Value '%d' at 'limit' failed to satisfy constraint: Member must have value between 1 and %d", limit, max)
	}
	return limit, nil
}

func (s *Service) describeLogGroups(ctx context.Context, id awswire.Identity, body []byte) (any, error) {
	var req struct {
		LogGroupNamePrefix  string `json:"logGroupNamePrefix"`
		LogGroupNamePattern string `json:"logGroupNamePattern"`
		NextToken           string `json:"nextToken"`
		Limit               int    `json:"limit"`
	}
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	if req.LogGroupNamePrefix != "" && req.LogGroupNamePattern != "" {
		return nil, invalid("LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters.")
	}
	limit, err := limitOf(req.Limit, 50, 50)
	if err != nil {
		return nil, err
	}
	after := ""
	if req.NextToken != "" {
		if after, err = decodeToken(req.NextToken); err != nil {
			return nil, err
		}
	}
	rows, err := s.db.QueryContext(ctx, `SELECT g.name, g.created_ms, g.retention_days,
		(SELECT COALESCE(SUM(LENGTH(message)), 0) FROM logs_events e WHERE e.account = g.account AND e.region = g.region AND e.grp = g.name)
		FROM logs_groups g WHERE g.account = ? AND g.region = ? AND g.name > ? AND substr(g.name, 1, ?) = ? ORDER BY g.name`,
		id.Account, id.Region, after, len(req.LogGroupNamePrefix), req.LogGroupNamePrefix)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	groups := []map[string]any{}
	out := map[string]any{}
	for rows.Next() {
		var name string
		var created, stored int64
		var days sql.NullInt64
		if err := rows.Scan(&name, &created, &days, &stored); err != nil {
			return nil, err
		}
		if req.LogGroupNamePattern != "" && !strings.Contains(strings.ToLower(name), strings.ToLower(req.LogGroupNamePattern)) {
			continue
		}
		if len(groups) == limit {
			out["nextToken"] = encodeToken(groups[limit-1]["logGroupName"].(string))
			break
		}
		arn := groupARN(id, name)
		g := map[string]any{"logGroupName": name, "creationTime": created, "metricFilterCount": 0, "arn": arn + ":*",
			"logGroupArn": arn, "storedBytes": stored, "logGroupClass": "STANDARD"}
		if days.Valid {
			g["retentionInDays"] = days.Int64
		}
		groups = append(groups, g)
	}
	out["logGroups"] = groups
	return out, rows.Err()
}

func (s *Service) createLogStream(ctx context.Context, id awswire.Identity, body []byte) (any, error) {
	var req struct {
		LogGroupName  string `json:"logGroupName"`
		LogStreamName string `json:"logStreamName"`
	}
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	if err := checkGroupName(req.LogGroupName); err != nil {
		return nil, err
	}
	if err := checkStreamName(req.LogStreamName); err != nil {
		return nil, err
	}
	if _, err := s.groupRetention(ctx, id, req.LogGroupName); err != nil {
		return nil, err
	}
	res, err := s.db.ExecContext(ctx, `INSERT OR IGNORE INTO logs_streams (account, region, grp, name, created_ms) VALUES (?, ?, ?, ?, ?)`,
		id.Account, id.Region, req.LogGroupName, req.LogStreamName, s.nowMS())
	if err != nil {
		return nil, err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil, apiErr("ResourceAlreadyExistsException", "The specified log stream already exists")
	}
	return struct{}{}, nil
}

// Event is one log event to append.
type Event struct {
	TimestampMS int64
	Message     string
}

// Append writes events to a stream of an existing group, creating the
// stream on first use (as Step Functions' log delivery does). A missing
// group is ResourceNotFoundException: the events are dropped.
func (s *Service) Append(ctx context.Context, id awswire.Identity, group, stream string, events []Event) error {
	if _, err := s.groupRetention(ctx, id, group); err != nil {
		return err
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback() }()
	now := s.nowMS()
	if _, err := tx.Exec(`INSERT OR IGNORE INTO logs_streams (account, region, grp, name, created_ms) VALUES (?, ?, ?, ?, ?)`,
		id.Account, id.Region, group, stream, now); err != nil {
		return err
	}
	for _, ev := range events {
		if _, err := tx.Exec(`INSERT INTO logs_events (account, region, grp, stream, ts_ms, ingest_ms, message) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			id.Account, id.Region, group, stream, ev.TimestampMS, now, ev.Message); err != nil {
			return err
		}
	}
	return tx.Commit()
}

func (s *Service) putLogEvents(ctx context.Context, id awswire.Identity, body []byte) (any, error) {
	var req struct {
		LogGroupName  string `json:"logGroupName"`
		LogStreamName string `json:"logStreamName"`
		LogEvents     []struct {
			Timestamp int64  `json:"timestamp"`
			Message   string `json:"message"`
		} `json:"logEvents"`
	}
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	if err := checkGroupName(req.LogGroupName); err != nil {
		return nil, err
	}
	if err := checkStreamName(req.LogStreamName); err != nil {
		return nil, err
	}
	if len(req.LogEvents) < 1 || len(req.LogEvents) > 10000 {
		return nil, invalid("1 validation error detected: Value at 'logEvents' failed to satisfy constraint: Member must have length between 1 and 10000")
	}
	var exists int
	_ = s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM logs_streams WHERE account = ? AND region = ? AND grp = ? AND name = ?`,
		id.Account, id.Region, req.LogGroupName, req.LogStreamName).Scan(&exists)
	if exists == 0 {
		return nil, notFound("The specified log stream does not exist.")
	}
	evs := make([]Event, len(req.LogEvents))
	for i, e := range req.LogEvents {
		if i > 0 && e.Timestamp < req.LogEvents[i-1].Timestamp {
			return nil, invalid("Log events in a single PutLogEvents request must be in chronological order.")
		}
		evs[i] = Event{TimestampMS: e.Timestamp, Message: e.Message}
	}
	if err := s.Append(ctx, id, req.LogGroupName, req.LogStreamName, evs); err != nil {
		return nil, err
	}
	return map[string]any{}, nil
}

func (s *Service) describeLogStreams(ctx context.Context, id awswire.Identity, body []byte) (any, error) {
	var req struct {
		LogGroupName        string `json:"logGroupName"`
		LogGroupIdentifier  string `json:"logGroupIdentifier"`
		LogStreamNamePrefix string `json:"logStreamNamePrefix"`
		OrderBy             string `json:"orderBy"`
		Descending          bool   `json:"descending"`
		NextToken           string `json:"nextToken"`
		Limit               int    `json:"limit"`
	}
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	group, err := groupFrom(req.LogGroupName, req.LogGroupIdentifier)
	if err != nil {
		return nil, err
	}
	switch req.OrderBy {
	case "", "LogStreamName":
	case "LastEventTime":
		if req.LogStreamNamePrefix != "" {
			return nil, invalid("Cannot order by LastEventTime with a logStreamNamePrefix.")
		}
	default:
		return nil, invalid("1 validation error detected: Value '%s' at 'orderBy' failed to satisfy constraint: Member must satisfy enum value set: [LogStreamName, LastEventTime]", req.OrderBy)
	}
	limit, err := limitOf(req.Limit, 50, 50)
	if err != nil {
		return nil, err
	}
	offset := 0
	if req.NextToken != "" {
		key, err := decodeToken(req.NextToken)
		if err != nil {
			return nil, err
		}
		if offset, err = strconv.Atoi(key); err != nil {
			return nil, invalid("The specified nextToken is invalid.")
		}
	}
	days, err := s.groupRetention(ctx, id, group)
	if err != nil {
		return nil, err
	}
	keys := []string{"s.name"}
	if req.OrderBy == "LastEventTime" {
		keys = []string{"COALESCE(last_ts, 0)", "s.name"}
	}
	if req.Descending {
		for i := range keys {
			keys[i] += " DESC"
		}
	}
	order := strings.Join(keys, ", ")
	rows, err := s.db.QueryContext(ctx, `SELECT s.name, s.created_ms, first_ts, last_ts, last_ingest, stored FROM logs_streams s
		LEFT JOIN (SELECT stream, MIN(ts_ms) AS first_ts, MAX(ts_ms) AS last_ts, MAX(ingest_ms) AS last_ingest, SUM(LENGTH(message)) AS stored
			FROM logs_events WHERE account = ? AND region = ? AND grp = ? AND ts_ms >= ? GROUP BY stream) e ON e.stream = s.name
		WHERE s.account = ? AND s.region = ? AND s.grp = ? AND substr(s.name, 1, ?) = ?
		ORDER BY `+order+` LIMIT ? OFFSET ?`,
		id.Account, id.Region, group, s.cutoffMS(days), id.Account, id.Region, group, len(req.LogStreamNamePrefix), req.LogStreamNamePrefix, limit+1, offset)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	streams := []map[string]any{}
	out := map[string]any{}
	for rows.Next() {
		var name string
		var created int64
		var first, last, ingest, stored sql.NullInt64
		if err := rows.Scan(&name, &created, &first, &last, &ingest, &stored); err != nil {
			return nil, err
		}
		if len(streams) == limit {
			out["nextToken"] = encodeToken(strconv.Itoa(offset + limit))
			break
		}
		st := map[string]any{"logStreamName": name, "creationTime": created, "arn": groupARN(id, group) + ":log-stream:" + name, "storedBytes": stored.Int64}
		if first.Valid {
			st["firstEventTimestamp"], st["lastEventTimestamp"], st["lastIngestionTime"] = first.Int64, last.Int64, ingest.Int64
		}
		streams = append(streams, st)
	}
	out["logStreams"] = streams
	return out, rows.Err()
}

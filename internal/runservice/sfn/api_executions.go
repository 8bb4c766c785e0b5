package sfn

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strconv"
	"time"

	"github.com/drsorch/terraform-provider-drsorch/internal/asl"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/awswire"
)

func (s *Service) startExecution(ctx context.Context, _ awswire.Identity, body []byte) (any, error) {
	var req struct {
		StateMachineArn string  `json:"stateMachineArn"`
		Name            *string `json:"name"`
		Input           *string `json:"input"`
		TraceHeader     string  `json:"traceHeader"`
	}
	if err := decodeRequest(body, &req); err != nil {
		return nil, err
	}
	if _, err := checkQualifiedARN(req.StateMachineArn, "stateMachineArn"); err != nil {
		return nil, err
	}
	name := newUUID()
	switch {
	case req.Name == nil:
	case *req.Name == "":
		// The model's Name shape: 1 to 80 characters.
		return nil, validationErr("1 validation error detected: Value '' at 'name' failed to satisfy constraint: Member must have length greater than or equal to 1")
	case !validName(*req.Name):
		return nil, apiErr("InvalidName", "Invalid Name: '%s' (1 to 80 characters; no whitespace, brackets, wildcards or punctuation such as \" # %% \\ ^ | ~ ` $ & , ; : /)", *req.Name)
	default:
		name = *req.Name
	}
	input := "{}"
	if req.Input != nil {
		input = *req.Input
	}
	if len(input) > maxPayload {
		return nil, apiErr("InvalidExecutionInput", "Invalid Execution Input: the input is %d bytes, more than the %d bytes allowed", len(input), maxPayload)
	}
	decoded, err := asl.DecodeJSON([]byte(input))
	if err != nil {
		return nil, apiErr("InvalidExecutionInput", "Invalid Execution Input: the input must be JSON: %v", err)
	}
	arn, startNS, err := s.e.Start(ctx, req.StateMachineArn, name, input, decoded)
	if err != nil {
		return nil, err
	}
	return map[string]any{"executionArn": arn, "startDate": epochSeconds(fromNanos(startNS))}, nil
}

// Start starts (or, for the same name and input while it runs, returns) an
// execution of smARN (a state machine, version or alias ARN); it returns
// once ExecutionStarted and the first steps are committed.
func (e *Engine) Start(ctx context.Context, smARN, name, input string, decoded any) (string, int64, error) {
	return e.start(ctx, smARN, name, input, decoded, parentLink{})
}

// start is Start for an execution that may be the child of a .sync task.
func (e *Engine) start(ctx context.Context, smARN, name, input string, decoded any, parent parentLink) (string, int64, error) {
	arn := executionARN(unqualified(smARN), name)
	var startNS int64
	err := e.do(ctx, func(b *batch) error {
		target, err := resolveStart(b, smARN)
		if err != nil {
			return err
		}
		var status, existingInput string
		var existingID int64
		var stopNS sql.NullInt64
		err = b.tx.QueryRow(`SELECT id, status, input, start_ns, stop_ns FROM sfn_executions WHERE arn = ?`, arn).Scan(&existingID, &status, &existingInput, &startNS, &stopNS)
		if err == nil && stopNS.Valid && stopNS.Int64 < retentionCutoff(b.now) {
			// Past retention the name is free again.
			if err = deleteExpired(b.tx, retentionCutoff(b.now), existingID); err == nil {
				err = sql.ErrNoRows
			}
		}
		switch {
		case errors.Is(err, sql.ErrNoRows):
		case err != nil:
			return err
		case status == statusRunning && existingInput == input:
			return nil // the same request again: the same execution
		default:
			return apiErr("ExecutionAlreadyExists", "Execution Already Exists: '%s' (an execution of this name already ran or runs with another input; start it under a new name)", arn)
		}
		startNS = nanos(b.now)
		defText, roleARN, smUpdatedNS := target.definition, target.roleARN, target.updatedNS
		def, err := e.definition(defText)
		if err != nil {
			return err
		}
		res, err := b.tx.Exec(`INSERT INTO sfn_executions (arn, sm_arn, name, status, input, start_ns, definition, role_arn, sm_updated_ns, runtime, version_arn, alias_arn,
			parent_id, parent_thread, parent_seq, parent_mode, logging)
			VALUES (?, ?, ?, 'RUNNING', ?, ?, ?, ?, ?, '{}', ?, ?, ?, ?, ?, ?, ?)`, arn, target.smARN, name, input, startNS, defText, roleARN, smUpdatedNS, target.versionARN, target.aliasARN,
			parent.ExecID, parent.Thread, parent.Seq, parent.Mode, target.logging)
		if err != nil {
			return err
		}
		id, err := res.LastInsertId()
		if err != nil {
			return err
		}
		root := &thread{ID: 1, State: def.StartAt, Phase: phaseEnter}
		root.setInput(decoded, []byte(input))
		x := &execution{id: id, arn: arn, smARN: target.smARN, name: name, parent: parent, logging: target.logging, roleARN: roleARN, status: statusRunning,
			inputRaw: input, input: decoded, startNS: startNS, def: def,
			rt: &runtime{NextThread: 1, Threads: map[int]*thread{1: root}}}
		e.cache[id] = x
		x.emit(b, nil, "ExecutionStarted", "executionStartedEventDetails",
			executionStartedDetails{Input: input, InputDetails: notTruncated, RoleArn: roleARN})
		root.LastEvent = 0 // AWS: the first state's event follows none
		if def.TimeoutSeconds > 0 {
			deadline := b.now.Add(time.Duration(def.TimeoutSeconds) * time.Second)
			x.rt.TimeoutNS = nanos(deadline)
			e.armTimer(b, id, 0, 0, deadline, timerExecutionTimeout)
		}
		// First in the queue: its first steps run in this batch, before any
		// long-running execution uses the batch's time slice.
		e.enqueueFirst(x)
		return nil
	})
	return arn, startNS, err
}

// executionRow is one sfn_executions row, as the read APIs show it.
type executionRow struct {
	id                                                int64
	arn, smARN, name, status, input, definition, role string
	output, errName, cause                            sql.NullString
	startNS, smUpdatedNS                              int64
	stopNS                                            sql.NullInt64
	versionARN, aliasARN                              string
	redriveCount, redriveNS, lastEventID              int64
	redriveState                                      string
}

func (s *Service) queryExecution(ctx context.Context, arn string) (*executionRow, error) {
	if _, err := checkARN(arn, "execution", "executionArn"); err != nil {
		return nil, err
	}
	r := &executionRow{arn: arn}
	err := s.e.db.QueryRowContext(ctx, `SELECT id, sm_arn, name, status, input, definition, role_arn, output, error, cause, start_ns, sm_updated_ns, stop_ns,
		version_arn, alias_arn, redrive_count, redrive_ns,
		COALESCE(json_extract(runtime, '$.redriveState'), ''), COALESCE(json_extract(runtime, '$.lastEventId'), 0)
		FROM sfn_executions WHERE arn = ? AND (stop_ns IS NULL OR stop_ns >= ?)`, arn, retentionCutoff(s.e.clock.Now())).Scan(&r.id, &r.smARN, &r.name, &r.status, &r.input, &r.definition, &r.role,
		&r.output, &r.errName, &r.cause, &r.startNS, &r.smUpdatedNS, &r.stopNS, &r.versionARN, &r.aliasARN, &r.redriveCount, &r.redriveNS,
		&r.redriveState, &r.lastEventID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apiErr("ExecutionDoesNotExist", "Execution Does Not Exist: '%s'", arn)
	}
	return r, err
}

func (s *Service) describeExecution(ctx context.Context, _ awswire.Identity, body []byte) (any, error) {
	var req struct {
		ExecutionArn string `json:"executionArn"`
	}
	if err := decodeRequest(body, &req); err != nil {
		return nil, err
	}
	r, err := s.queryExecution(ctx, req.ExecutionArn)
	if err != nil {
		return nil, err
	}
	out := map[string]any{
		"executionArn": r.arn, "stateMachineArn": r.smARN, "name": r.name, "status": r.status,
		"startDate": epochSeconds(fromNanos(r.startNS)), "input": r.input,
		"inputDetails": map[string]bool{"included": true}, "redriveCount": r.redriveCount,
	}
	if r.redriveNS > 0 {
		out["redriveDate"] = epochSeconds(fromNanos(r.redriveNS))
	}
	if r.stopNS.Valid {
		out["stopDate"] = epochSeconds(fromNanos(r.stopNS.Int64))
	}
	if r.versionARN != "" {
		out["stateMachineVersionArn"] = r.versionARN
	}
	if r.aliasARN != "" {
		out["stateMachineAliasArn"] = r.aliasARN
	}
	if r.output.Valid {
		out["output"] = r.output.String
		out["outputDetails"] = map[string]bool{"included": true}
	}
	if r.errName.Valid {
		out["error"] = r.errName.String
	}
	if r.cause.Valid {
		out["cause"] = r.cause.String
	}
	status, reason := redriveStatus(r.status, r.startNS, r.lastEventID, r.redriveState != "", s.e.clock.Now())
	out["redriveStatus"] = status
	if reason != "" {
		out["redriveStatusReason"] = reason
	}
	return out, nil
}

func (s *Service) describeStateMachineForExecution(ctx context.Context, _ awswire.Identity, body []byte) (any, error) {
	var req struct {
		ExecutionArn string `json:"executionArn"`
	}
	if err := decodeRequest(body, &req); err != nil {
		return nil, err
	}
	r, err := s.queryExecution(ctx, req.ExecutionArn)
	if err != nil {
		return nil, err
	}
	p, _ := parseARN(r.smARN)
	smARN := r.smARN
	if r.versionARN != "" {
		smARN = r.versionARN // the version the execution ran
	}
	return map[string]any{
		"stateMachineArn": smARN, "name": p.Name, "definition": r.definition, "roleArn": r.role,
		"updateDate": epochSeconds(fromNanos(r.smUpdatedNS)),
	}, nil
}

func (s *Service) listExecutions(ctx context.Context, _ awswire.Identity, body []byte) (any, error) {
	var req struct {
		StateMachineArn string `json:"stateMachineArn"`
		StatusFilter    string `json:"statusFilter"`
		MaxResults      int32  `json:"maxResults"`
		NextToken       string `json:"nextToken"`
		MapRunArn       string `json:"mapRunArn"`
	}
	if err := decodeRequest(body, &req); err != nil {
		return nil, err
	}
	if req.MapRunArn != "" {
		return nil, validationErr("the run service has no Map Runs (Distributed Map is not supported): list by stateMachineArn")
	}
	qp, err := checkQualifiedARN(req.StateMachineArn, "stateMachineArn")
	if err != nil {
		return nil, err
	}
	// A version or alias ARN lists the executions started through it.
	qualifier, qualifiedCol := "", "version_arn"
	if qp.Qualifier != "" {
		qualifier = req.StateMachineArn
		if !isVersionQualifier(qp.Qualifier) {
			qualifiedCol = "alias_arn"
		}
		req.StateMachineArn = unqualified(req.StateMachineArn)
	}
	switch req.StatusFilter {
	case "", statusRunning, statusSucceded, statusFailed, statusTimedOut, statusAborted, "PENDING_REDRIVE":
	default:
		return nil, validationErr("1 validation error detected: Value '%s' at 'statusFilter' failed to satisfy constraint: Member must satisfy enum value set: [RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED, PENDING_REDRIVE]", req.StatusFilter)
	}
	size, err := pageSize(req.MaxResults)
	if err != nil {
		return nil, err
	}
	now := s.e.clock.Now()
	scope := "ListExecutions\x00" + req.StateMachineArn + "\x00" + req.StatusFilter + "\x00" + qualifier
	before := int64(1 << 62)
	if req.NextToken != "" {
		if before, err = decodePageID(scope, req.NextToken, now); err != nil {
			return nil, err
		}
	}
	if _, err := queryStateMachine(s.e.db, ctx, req.StateMachineArn); err != nil {
		// Executions of a deleted state machine stay listable while they exist.
		var n int
		_ = s.e.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM sfn_executions WHERE sm_arn = ?`, req.StateMachineArn).Scan(&n)
		if n == 0 {
			return nil, err
		}
	}
	cutoff := retentionCutoff(now)
	q := `SELECT id, arn, name, status, start_ns, stop_ns, version_arn, alias_arn, redrive_count, redrive_ns FROM sfn_executions WHERE sm_arn = ? AND id < ? AND (stop_ns IS NULL OR stop_ns >= ?)
		AND (? = '' OR ` + qualifiedCol + ` = ?)`
	args := []any{req.StateMachineArn, before, cutoff, qualifier, qualifier}
	if req.StatusFilter != "" {
		q += ` AND status = ?`
		args = append(args, req.StatusFilter)
	}
	q += ` ORDER BY id DESC LIMIT ?`
	args = append(args, size+1)
	rows, err := s.e.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	items := []map[string]any{}
	var lastID int64
	for rows.Next() {
		var id, start int64
		var arn, name, status, versionARN, aliasARN string
		var stop sql.NullInt64
		var redriveCount, redriveNS int64
		if err := rows.Scan(&id, &arn, &name, &status, &start, &stop, &versionARN, &aliasARN, &redriveCount, &redriveNS); err != nil {
			return nil, err
		}
		if len(items) == size {
			break
		}
		item := map[string]any{"executionArn": arn, "stateMachineArn": req.StateMachineArn, "name": name,
			"status": status, "startDate": epochSeconds(fromNanos(start))}
		if stop.Valid {
			item["stopDate"] = epochSeconds(fromNanos(stop.Int64))
		}
		if versionARN != "" {
			item["stateMachineVersionArn"] = versionARN
		}
		if aliasARN != "" {
			item["stateMachineAliasArn"] = aliasARN
		}
		if redriveCount > 0 {
			item["redriveCount"] = redriveCount
			item["redriveDate"] = epochSeconds(fromNanos(redriveNS))
		}
		items = append(items, item)
		lastID = id
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close() // one connection: free it for the next query
	out := map[string]any{"executions": items}
	if len(items) == size && lastID > 0 {
		var more int
		_ = s.e.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM sfn_executions WHERE sm_arn = ? AND id < ? AND (? = '' OR status = ?)
			AND (stop_ns IS NULL OR stop_ns >= ?) AND (? = '' OR `+qualifiedCol+` = ?) LIMIT 1)`,
			req.StateMachineArn, lastID, req.StatusFilter, req.StatusFilter, cutoff, qualifier, qualifier).Scan(&more)
		if more > 0 {
			out["nextToken"] = encodePageID(scope, lastID, now)
		}
	}
	return out, nil
}

func (s *Service) stopExecution(ctx context.Context, _ awswire.Identity, body []byte) (any, error) {
	var req struct {
		ExecutionArn string `json:"executionArn"`
		Error        string `json:"error"`
		Cause        string `json:"cause"`
	}
	if err := decodeRequest(body, &req); err != nil {
		return nil, err
	}
	if len(req.Error) > 256 || len(req.Cause) > 32768 {
		return nil, validationErr("error is at most 256 characters and cause at most 32768")
	}
	r, err := s.queryExecution(ctx, req.ExecutionArn)
	if err != nil {
		return nil, err
	}
	var stopNS int64
	err = s.e.do(ctx, func(b *batch) error {
		x, err := b.load(r.id)
		if err != nil {
			return err
		}
		if x == nil {
			return apiErr("ExecutionDoesNotExist", "Execution Does Not Exist: '%s'", r.arn)
		}
		if x.status == statusRunning {
			e := b.e
			e.finish(b, x, statusAborted, "ExecutionAborted", asl.Error{Name: req.Error, Cause: req.Cause})
		}
		stopNS = x.stopNS.Int64
		return nil
	})
	if err != nil {
		return nil, err
	}
	return map[string]any{"stopDate": epochSeconds(fromNanos(stopNS))}, nil
}

func (s *Service) getExecutionHistory(ctx context.Context, _ awswire.Identity, body []byte) (any, error) {
	var req struct {
		ExecutionArn         string `json:"executionArn"`
		MaxResults           int32  `json:"maxResults"`
		ReverseOrder         bool   `json:"reverseOrder"`
		NextToken            string `json:"nextToken"`
		IncludeExecutionData *bool  `json:"includeExecutionData"`
	}
	if err := decodeRequest(body, &req); err != nil {
		return nil, err
	}
	r, err := s.queryExecution(ctx, req.ExecutionArn)
	if err != nil {
		return nil, err
	}
	size, err := pageSize(req.MaxResults)
	if err != nil {
		return nil, err
	}
	now := s.e.clock.Now()
	scope := "GetExecutionHistory\x00" + r.arn + "\x00" + strconv.FormatBool(req.ReverseOrder)
	var after int64
	if req.NextToken != "" {
		if after, err = decodePageID(scope, req.NextToken, now); err != nil {
			return nil, err
		}
	}
	q := `SELECT event_id, body FROM sfn_history WHERE exec_id = ? AND event_id > ? ORDER BY event_id LIMIT ?`
	if req.ReverseOrder {
		if req.NextToken == "" {
			after = 1 << 62
		}
		q = `SELECT event_id, body FROM sfn_history WHERE exec_id = ? AND event_id < ? ORDER BY event_id DESC LIMIT ?`
	}
	rows, err := s.e.db.QueryContext(ctx, q, r.id, after, size+1)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	include := req.IncludeExecutionData == nil || *req.IncludeExecutionData
	evs := []json.RawMessage{}
	var last int64
	more := false
	for rows.Next() {
		var id int64
		var body string
		if err := rows.Scan(&id, &body); err != nil {
			return nil, err
		}
		if len(evs) == size {
			more = true
			break
		}
		raw := json.RawMessage(body)
		if !include {
			raw = withoutExecutionData(raw)
		}
		evs = append(evs, raw)
		last = id
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := map[string]any{"events": evs}
	if more {
		out["nextToken"] = encodePageID(scope, last, now)
	}
	return out, nil
}

// withoutExecutionData drops inputs and outputs from an event
// (includeExecutionData=false).
func withoutExecutionData(raw json.RawMessage) json.RawMessage {
	var ev map[string]any
	if err := json.Unmarshal(raw, &ev); err != nil {
		return raw
	}
	for k, v := range ev {
		if d, ok := v.(map[string]any); ok && k != "type" {
			delete(d, "input")
			delete(d, "output")
			delete(d, "inputDetails")
			delete(d, "outputDetails")
		}
	}
	b, err := json.Marshal(ev)
	if err != nil {
		return raw
	}
	return b
}

package sfn

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/drsorch/terraform-provider-drsorch/internal/asl"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/awswire"
)

type tag struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

const maxTags = 50

// normalizeTags merges duplicate keys (the last wins) and sorts by key.
func normalizeTags(tags []tag) []tag {
	m := map[string]string{}
	for _, t := range tags {
		m[t.Key] = t.Value
	}
	out := make([]tag, 0, len(m))
	for k, v := range m {
		out = append(out, tag{Key: k, Value: v})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

// parseDefinition validates a definition; the error is InvalidDefinition
// naming every problem.
func (e *Engine) parseDefinition(def string) (*asl.StateMachine, error) {
	if n := utf8.RuneCountInString(def); n > maxDefinitionChars {
		// The model's Definition shape: max 1,048,576 characters
		// (https://docs.aws.amazon.com/step-functions/latest/apireference/API_CreateStateMachine.html).
		return nil, apiErr("InvalidDefinition", "Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: the definition is %d characters, more than the maximum of %d'", n, maxDefinitionChars)
	}
	sm, err := asl.Parse([]byte(def))
	if err == nil {
		return sm, nil
	}
	var de *asl.DefinitionError
	if errors.As(err, &de) {
		parts := make([]string, 0, len(de.Diagnostics))
		for _, d := range de.Diagnostics {
			msg := d.Code + ": " + d.Message
			if d.Location != "" {
				msg += " at " + d.Location
			}
			parts = append(parts, msg)
		}
		return nil, apiErr("InvalidDefinition", "Invalid State Machine Definition: '%s'", strings.Join(parts, ", "))
	}
	return nil, apiErr("InvalidDefinition", "Invalid State Machine Definition: '%v'", err)
}

func checkRoleARN(role string) error {
	if role == "" {
		return missing("roleArn")
	}
	if !strings.HasPrefix(role, "arn:") || len(strings.Split(role, ":")) < 6 {
		return apiErr("InvalidArn", "Invalid Arn: '%s' is not an IAM role ARN (arn:aws:iam::<account>:role/<name>)", role)
	}
	return nil
}

func (s *Service) createStateMachine(ctx context.Context, id awswire.Identity, body []byte) (any, error) {
	var req struct {
		Name                 string                `json:"name"`
		Definition           string                `json:"definition"`
		RoleArn              string                `json:"roleArn"`
		Type                 string                `json:"type"`
		Tags                 []tag                 `json:"tags"`
		Publish              bool                  `json:"publish"`
		VersionDescription   *string               `json:"versionDescription"`
		LoggingConfiguration *loggingConfiguration `json:"loggingConfiguration"`
	}
	if err := decodeRequest(body, &req); err != nil {
		return nil, err
	}
	if err := checkVersionDescription(req.Publish, req.VersionDescription); err != nil {
		return nil, err
	}
	switch {
	case req.Name == "":
		return nil, missing("name")
	case req.Definition == "":
		return nil, missing("definition")
	case !validName(req.Name):
		return nil, apiErr("InvalidName", "Invalid Name: '%s' (1 to 80 characters; no whitespace, brackets, wildcards, punctuation such as \" # %% \\ ^ | ~ ` $ & , ; : / or control characters)", req.Name)
	case req.Type != "" && req.Type != "STANDARD" && req.Type != "EXPRESS":
		return nil, validationErr("1 validation error detected: Value '%s' at 'type' failed to satisfy constraint: Member must satisfy enum value set: [STANDARD, EXPRESS]", req.Type)
	case req.Type == "EXPRESS":
		return nil, apiErr("StateMachineTypeNotSupported", "the run service runs STANDARD state machines only: create %q with type STANDARD (or omit type)", req.Name)
	case len(req.Tags) > maxTags:
		return nil, apiErr("TooManyTags", "a state machine has at most %d tags, got %d", maxTags, len(req.Tags)).With("resourceName", req.Name)
	}
	if err := checkTagList("tags", req.Tags); err != nil {
		return nil, err
	}
	if err := checkRoleARN(req.RoleArn); err != nil {
		return nil, err
	}
	if _, err := s.e.parseDefinition(req.Definition); err != nil {
		return nil, err
	}
	if err := s.checkLogging(ctx, id, req.LoggingConfiguration); err != nil {
		return nil, err
	}
	tags := normalizeTags(req.Tags)
	tagsJSON, _ := json.Marshal(tags)
	logging := ""
	if req.LoggingConfiguration != nil {
		b, _ := json.Marshal(req.LoggingConfiguration)
		logging = string(b)
	}
	arn := stateMachineARN(id, req.Name)
	var createdNS int64
	versionARN := ""
	publish := func(b *batch) error {
		if !req.Publish {
			return nil
		}
		var err error
		versionARN, _, err = publishVersion(b, arn, derefString(req.VersionDescription))
		return err
	}
	err := s.e.do(ctx, func(b *batch) error {
		if err := b.e.checkRolePropagation(b.tx, req.RoleArn, b.now); err != nil {
			return err
		}
		var def, role, status, existingTags string
		err := b.tx.QueryRow(`SELECT definition, role_arn, status, created_ns, tags FROM sfn_state_machines WHERE arn = ?`, arn).
			Scan(&def, &role, &status, &createdNS, &existingTags)
		switch {
		case errors.Is(err, sql.ErrNoRows):
		case err != nil:
			return err
		case status == "DELETING":
			return apiErr("StateMachineDeleting", "State machine '%s' is being deleted: wait until its executions end, then create it again", arn)
		case def == req.Definition && role == req.RoleArn && existingTags == string(tagsJSON):
			return publish(b) // idempotent: the same request again
		default:
			return apiErr("StateMachineAlreadyExists", "State Machine Already Exists: '%s' (with a different definition, role or tags; use UpdateStateMachine to change it)", arn)
		}
		createdNS = nanos(b.now)
		_, err = b.tx.Exec(`INSERT INTO sfn_state_machines (arn, account, region, name, definition, role_arn, type, status,
			created_ns, updated_ns, revision_id, logging, tags) VALUES (?, ?, ?, ?, ?, ?, 'STANDARD', 'ACTIVE', ?, ?, ?, ?, ?)`,
			arn, id.Account, id.Region, req.Name, req.Definition, req.RoleArn, createdNS, createdNS, newUUID(), logging, string(tagsJSON))
		if err != nil {
			return err
		}
		return publish(b)
	})
	if err != nil {
		return nil, err
	}
	out := map[string]any{"stateMachineArn": arn, "creationDate": epochSeconds(fromNanos(createdNS))}
	if versionARN != "" {
		out["stateMachineVersionArn"] = versionARN
	}
	return out, nil
}

// stateMachineRow is one sfn_state_machines row.
type stateMachineRow struct {
	arn, name, definition, roleARN, typ, status, revisionID, logging, tags string
	createdNS, updatedNS                                                   int64
	// The read-after-write window of the last UpdateStateMachine.
	prevDefinition, prevRoleARN string
	prevUpdatedNS, prevUntilNS  int64
}

func queryStateMachine(q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, ctx context.Context, arn string) (*stateMachineRow, error) {
	r := &stateMachineRow{arn: arn}
	err := q.QueryRowContext(ctx, `SELECT name, definition, role_arn, type, status, revision_id, logging, tags, created_ns, updated_ns,
		prev_definition, prev_role_arn, prev_updated_ns, prev_until_ns
		FROM sfn_state_machines WHERE arn = ?`, arn).
		Scan(&r.name, &r.definition, &r.roleARN, &r.typ, &r.status, &r.revisionID, &r.logging, &r.tags, &r.createdNS, &r.updatedNS,
			&r.prevDefinition, &r.prevRoleARN, &r.prevUpdatedNS, &r.prevUntilNS)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apiErr("StateMachineDoesNotExist", "State Machine Does Not Exist: '%s'", arn)
	}
	return r, err
}

func (s *Service) describeStateMachine(ctx context.Context, _ awswire.Identity, body []byte) (any, error) {
	var req struct {
		StateMachineArn string `json:"stateMachineArn"`
	}
	if err := decodeRequest(body, &req); err != nil {
		return nil, err
	}
	p, err := checkQualifiedARN(req.StateMachineArn, "stateMachineArn")
	if err != nil {
		return nil, err
	}
	switch {
	case isVersionQualifier(p.Qualifier):
		return s.describeVersion(ctx, req.StateMachineArn)
	case p.Qualifier != "":
		return nil, apiErr("InvalidArn", "Invalid Arn: '%s' is an alias ARN: describe it with DescribeStateMachineAlias", req.StateMachineArn)
	}
	r, err := queryStateMachine(s.e.db, ctx, req.StateMachineArn)
	if err != nil {
		return nil, err
	}
	out := map[string]any{
		"stateMachineArn": r.arn, "name": r.name, "status": r.status, "definition": r.definition,
		"roleArn": r.roleARN, "type": r.typ, "creationDate": epochSeconds(fromNanos(r.createdNS)),
		"revisionId": r.revisionID,
	}
	if r.logging != "" {
		out["loggingConfiguration"] = json.RawMessage(r.logging)
	} else {
		out["loggingConfiguration"] = loggingConfiguration{Level: "OFF"}
	}
	return out, nil
}

func (s *Service) updateStateMachine(ctx context.Context, id awswire.Identity, body []byte) (any, error) {
	var req struct {
		StateMachineArn      string                `json:"stateMachineArn"`
		Definition           *string               `json:"definition"`
		RoleArn              *string               `json:"roleArn"`
		Publish              bool                  `json:"publish"`
		VersionDescription   *string               `json:"versionDescription"`
		LoggingConfiguration *loggingConfiguration `json:"loggingConfiguration"`
	}
	if err := decodeRequest(body, &req); err != nil {
		return nil, err
	}
	if _, err := checkARN(req.StateMachineArn, "stateMachine", "stateMachineArn"); err != nil {
		return nil, err
	}
	if err := checkVersionDescription(req.Publish, req.VersionDescription); err != nil {
		return nil, err
	}
	if req.Definition == nil && req.RoleArn == nil && req.LoggingConfiguration == nil {
		return nil, apiErr("MissingRequiredParameter", "Either the definition, the roleArn or the loggingConfiguration must be specified")
	}
	if req.Definition != nil {
		if _, err := s.e.parseDefinition(*req.Definition); err != nil {
			return nil, err
		}
	}
	if req.RoleArn != nil {
		if err := checkRoleARN(*req.RoleArn); err != nil {
			return nil, err
		}
	}
	if err := s.checkLogging(ctx, id, req.LoggingConfiguration); err != nil {
		return nil, err
	}
	revision := newUUID()
	var updatedNS int64
	versionARN := ""
	err := s.e.do(ctx, func(b *batch) error {
		r, err := queryStateMachine(b.tx, ctx, req.StateMachineArn)
		if err != nil {
			return err
		}
		if r.status == "DELETING" {
			return apiErr("StateMachineDeleting", "State machine '%s' is being deleted", r.arn)
		}
		if req.RoleArn != nil {
			if err := b.e.checkRolePropagation(b.tx, *req.RoleArn, b.now); err != nil {
				return err
			}
		}
		def, role, logging := r.definition, r.roleARN, r.logging
		if req.Definition != nil {
			def = *req.Definition
		}
		if req.RoleArn != nil {
			role = *req.RoleArn
		}
		if req.LoggingConfiguration != nil {
			lb, _ := json.Marshal(req.LoggingConfiguration)
			logging = string(lb)
		}
		updatedNS = nanos(b.now)
		// Read-after-write: new executions on the unqualified ARN keep
		// getting the definition and role they got before this update
		// until the window ends (see DefaultUpdateConsistencyWindow).
		prevDef, prevRole, prevUpdated, prevUntil := r.prevDefinition, r.prevRoleARN, r.prevUpdatedNS, r.prevUntilNS
		if window := b.e.UpdateConsistencyWindow(); window > 0 && (def != r.definition || role != r.roleARN) {
			if prevUntil <= updatedNS { // not already inside a window: what starts got until now
				prevDef, prevRole, prevUpdated = r.definition, r.roleARN, r.updatedNS
			}
			prevUntil = updatedNS + int64(window)
		}
		_, err = b.tx.Exec(`UPDATE sfn_state_machines SET definition = ?, role_arn = ?, logging = ?, updated_ns = ?, revision_id = ?,
			prev_definition = ?, prev_role_arn = ?, prev_updated_ns = ?, prev_until_ns = ? WHERE arn = ?`,
			def, role, logging, updatedNS, revision, prevDef, prevRole, prevUpdated, prevUntil, r.arn)
		if err != nil || !req.Publish {
			return err
		}
		versionARN, _, err = publishVersion(b, r.arn, derefString(req.VersionDescription))
		return err
	})
	if err != nil {
		return nil, err
	}
	out := map[string]any{"updateDate": epochSeconds(fromNanos(updatedNS)), "revisionId": revision}
	if versionARN != "" {
		out["stateMachineVersionArn"] = versionARN
	}
	return out, nil
}

func (s *Service) deleteStateMachine(ctx context.Context, _ awswire.Identity, body []byte) (any, error) {
	var req struct {
		StateMachineArn string `json:"stateMachineArn"`
	}
	if err := decodeRequest(body, &req); err != nil {
		return nil, err
	}
	if _, err := checkARN(req.StateMachineArn, "stateMachine", "stateMachineArn"); err != nil {
		return nil, err
	}
	err := s.e.do(ctx, func(b *batch) error {
		// Running executions go on; the state machine disappears when the last one ends.
		if _, err := b.tx.Exec(`UPDATE sfn_state_machines SET status = 'DELETING' WHERE arn = ?`, req.StateMachineArn); err != nil {
			return err
		}
		return finishDeletingStateMachine(b.tx, req.StateMachineArn)
	})
	if err != nil {
		return nil, err
	}
	return struct{}{}, nil
}

func (s *Service) listStateMachines(ctx context.Context, id awswire.Identity, body []byte) (any, error) {
	var req struct {
		MaxResults int32  `json:"maxResults"`
		NextToken  string `json:"nextToken"`
	}
	if err := decodeRequest(body, &req); err != nil {
		return nil, err
	}
	size, err := pageSize(req.MaxResults)
	if err != nil {
		return nil, err
	}
	now := s.e.clock.Now()
	scope := "ListStateMachines\x00" + id.Account + "\x00" + id.Region
	var after string
	if req.NextToken != "" {
		if after, err = decodePageToken(scope, req.NextToken, now); err != nil {
			return nil, err
		}
	}
	rows, err := s.e.db.QueryContext(ctx, `SELECT arn, name, type, created_ns FROM sfn_state_machines
		WHERE account = ? AND region = ? AND name > ? ORDER BY name LIMIT ?`, id.Account, id.Region, after, size+1)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	items := []map[string]any{}
	var names []string
	for rows.Next() {
		var arn, name, typ string
		var created int64
		if err := rows.Scan(&arn, &name, &typ, &created); err != nil {
			return nil, err
		}
		items = append(items, map[string]any{"stateMachineArn": arn, "name": name, "type": typ, "creationDate": epochSeconds(fromNanos(created))})
		names = append(names, name)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return keysetPage("stateMachines", items, names, size, func(k string) string { return encodePageToken(scope, k, now) }), nil
}

func (s *Service) validateDefinition(_ context.Context, _ awswire.Identity, body []byte) (any, error) {
	var req struct {
		Definition string `json:"definition"`
		Type       string `json:"type"`
		Severity   string `json:"severity"`
		MaxResults int32  `json:"maxResults"`
	}
	if err := decodeRequest(body, &req); err != nil {
		return nil, err
	}
	if req.Definition == "" {
		return nil, missing("definition")
	}
	if req.MaxResults < 0 || req.MaxResults > 100 {
		return nil, validationErr("1 validation error detected: Value '%d' at 'maxResults' failed to satisfy constraint: Member must have value between 0 and 100", req.MaxResults)
	}
	diags := []map[string]any{}
	_, err := asl.Parse([]byte(req.Definition))
	var de *asl.DefinitionError
	switch {
	case errors.As(err, &de):
		for _, d := range de.Diagnostics {
			item := map[string]any{"severity": d.Severity, "code": d.Code, "message": d.Message}
			if d.Location != "" {
				item["location"] = d.Location
			}
			diags = append(diags, item)
		}
	case err != nil:
		diags = append(diags, map[string]any{"severity": "ERROR", "code": asl.CodeSchemaValidation, "message": err.Error()})
	}
	if req.Type == "EXPRESS" {
		diags = append(diags, map[string]any{"severity": "ERROR", "code": asl.CodeUnsupportedFeature,
			"message": "the run service runs STANDARD state machines only"})
	}
	result := "OK"
	for _, d := range diags {
		if d["severity"] == "ERROR" {
			result = "FAIL"
		}
	}
	truncated := false
	limit := int(req.MaxResults)
	if limit == 0 {
		limit = 100
	}
	if len(diags) > limit {
		diags, truncated = diags[:limit], true
	}
	return map[string]any{"result": result, "diagnostics": diags, "truncated": truncated}, nil
}

func derefString(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

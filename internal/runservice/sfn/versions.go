package sfn

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"regexp"
	"strconv"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/awswire"
)

// Quotas on versions and aliases: "Maximum number of published state
// machine versions: 1000" and "Maximum number of aliases: 100" per state
// machine (https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html,
// quotas related to versions and aliases).
const (
	maxVersions = 1000
	maxAliases  = 100
)

// publishVersion publishes the state machine's current revision as a new
// version, or returns the latest version when it already holds this
// revision ("If no changes have been made since the last version
// publication, a new version isn't created",
// https://docs.aws.amazon.com/step-functions/latest/apireference/API_PublishStateMachineVersion.html).
func publishVersion(b *batch, smARN, description string) (string, int64, error) {
	sm, err := queryStateMachine(b.tx, context.Background(), smARN)
	if err != nil {
		return "", 0, err
	}
	var latestARN, latestRevision string
	var latestCreated int64
	err = b.tx.QueryRow(`SELECT arn, revision_id, created_ns FROM sfn_versions WHERE sm_arn = ? ORDER BY version DESC LIMIT 1`, smARN).
		Scan(&latestARN, &latestRevision, &latestCreated)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return "", 0, err
	case latestRevision == sm.revisionID:
		return latestARN, latestCreated, nil
	}
	var n int
	if err := b.tx.QueryRow(`SELECT COUNT(*) FROM sfn_versions WHERE sm_arn = ?`, smARN).Scan(&n); err != nil {
		return "", 0, err
	}
	if n >= maxVersions {
		return "", 0, apiErr("ServiceQuotaExceededException", "State machine '%s' already has %d published versions, the maximum: delete old versions first", smARN, maxVersions)
	}
	var last int64
	if err := b.tx.QueryRow(`SELECT last_version FROM sfn_state_machines WHERE arn = ?`, smARN).Scan(&last); err != nil {
		return "", 0, err
	}
	version := last + 1
	arn := smARN + ":" + strconv.FormatInt(version, 10)
	created := nanos(b.now)
	if _, err := b.tx.Exec(`INSERT INTO sfn_versions (arn, sm_arn, version, definition, role_arn, description, revision_id, logging, created_ns)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, arn, smARN, version, sm.definition, sm.roleARN, description, sm.revisionID, sm.logging, created); err != nil {
		return "", 0, err
	}
	if _, err := b.tx.Exec(`UPDATE sfn_state_machines SET last_version = ? WHERE arn = ?`, version, smARN); err != nil {
		return "", 0, err
	}
	return arn, created, nil
}

func checkVersionDescription(publish bool, description *string) error {
	if description == nil {
		return nil
	}
	if !publish {
		return validationErr("versionDescription can only be set when publish is true")
	}
	if len(*description) > 256 {
		return validationErr("1 validation error detected: Value at 'versionDescription' failed to satisfy constraint: Member must have length less than or equal to 256")
	}
	return nil
}

func (s *Service) publishStateMachineVersion(ctx context.Context, _ awswire.Identity, body []byte) (any, error) {
	var req struct {
		StateMachineArn string  `json:"stateMachineArn"`
		RevisionID      *string `json:"revisionId"`
		Description     string  `json:"description"`
	}
	if err := decodeRequest(body, &req); err != nil {
		return nil, err
	}
	if _, err := checkARN(req.StateMachineArn, "stateMachine", "stateMachineArn"); err != nil {
		return nil, err
	}
	if len(req.Description) > 256 {
		return nil, validationErr("1 validation error detected: Value at 'description' failed to satisfy constraint: Member must have length less than or equal to 256")
	}
	var arn string
	var created int64
	err := s.e.do(ctx, func(b *batch) error {
		sm, err := queryStateMachine(b.tx, ctx, req.StateMachineArn)
		if err != nil {
			return err
		}
		if sm.status == "DELETING" {
			return apiErr("StateMachineDeleting", "State machine '%s' is being deleted", sm.arn)
		}
		if req.RevisionID != nil && *req.RevisionID != sm.revisionID {
			return apiErr("ConflictException", "revisionId '%s' is not the state machine's current revision '%s': it was updated since", *req.RevisionID, sm.revisionID)
		}
		arn, created, err = publishVersion(b, sm.arn, req.Description)
		return err
	})
	if err != nil {
		return nil, err
	}
	return map[string]any{"stateMachineVersionArn": arn, "creationDate": epochSeconds(fromNanos(created))}, nil
}

func (s *Service) listStateMachineVersions(ctx context.Context, _ awswire.Identity, body []byte) (any, error) {
	var req struct {
		StateMachineArn string `json:"stateMachineArn"`
		NextToken       string `json:"nextToken"`
		MaxResults      int32  `json:"maxResults"`
	}
	if err := decodeRequest(body, &req); err != nil {
		return nil, err
	}
	if _, err := checkARN(req.StateMachineArn, "stateMachine", "stateMachineArn"); err != nil {
		return nil, err
	}
	size, err := pageSize(req.MaxResults)
	if err != nil {
		return nil, err
	}
	now := s.e.clock.Now()
	scope := "ListStateMachineVersions\x00" + req.StateMachineArn
	before := int64(1 << 62)
	if req.NextToken != "" {
		if before, err = decodePageID(scope, req.NextToken, now); err != nil {
			return nil, err
		}
	}
	rows, err := s.e.db.QueryContext(ctx, `SELECT arn, version, created_ns FROM sfn_versions WHERE sm_arn = ? AND version < ?
		ORDER BY version DESC LIMIT ?`, req.StateMachineArn, before, size+1)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	items := []map[string]any{}
	var versions []int64
	for rows.Next() {
		var arn string
		var version, created int64
		if err := rows.Scan(&arn, &version, &created); err != nil {
			return nil, err
		}
		items = append(items, map[string]any{"stateMachineVersionArn": arn, "creationDate": epochSeconds(fromNanos(created))})
		versions = append(versions, version)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return keysetPage("stateMachineVersions", items, versions, size, func(k int64) string { return encodePageID(scope, k, now) }), nil
}

func (s *Service) deleteStateMachineVersion(ctx context.Context, _ awswire.Identity, body []byte) (any, error) {
	var req struct {
		StateMachineVersionArn string `json:"stateMachineVersionArn"`
	}
	if err := decodeRequest(body, &req); err != nil {
		return nil, err
	}
	p, err := checkQualifiedARN(req.StateMachineVersionArn, "stateMachineVersionArn")
	if err != nil {
		return nil, err
	}
	if !isVersionQualifier(p.Qualifier) {
		return nil, apiErr("InvalidArn", "Invalid Arn: '%s' is not a state machine version ARN (…:stateMachine:<name>:<version>)", req.StateMachineVersionArn)
	}
	err = s.e.do(ctx, func(b *batch) error {
		rows, err := b.tx.Query(`SELECT arn, routing FROM sfn_aliases WHERE sm_arn = ?`, unqualified(req.StateMachineVersionArn))
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var alias, routing string
			if err := rows.Scan(&alias, &routing); err != nil {
				return err
			}
			var rc []routingEntry
			_ = json.Unmarshal([]byte(routing), &rc)
			for _, r := range rc {
				if r.StateMachineVersionArn == req.StateMachineVersionArn {
					return apiErr("ConflictException", "Version '%s' is referenced by alias '%s': update or delete the alias first", req.StateMachineVersionArn, alias)
				}
			}
		}
		if err := rows.Err(); err != nil {
			return err
		}
		rows.Close()
		// Deleting a version that does not exist succeeds, as AWS does.
		_, err = b.tx.Exec(`DELETE FROM sfn_versions WHERE arn = ?`, req.StateMachineVersionArn)
		return err
	})
	if err != nil {
		return nil, err
	}
	return struct{}{}, nil
}

// versionRow is one published version.
type versionRow struct {
	arn, smARN, definition, roleARN, description, revisionID, logging string
	createdNS                                                         int64
}

func queryVersion(q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, ctx context.Context, arn string) (*versionRow, error) {
	v := &versionRow{arn: arn}
	err := q.QueryRowContext(ctx, `SELECT sm_arn, definition, role_arn, description, revision_id, logging, created_ns FROM sfn_versions WHERE arn = ?`, arn).
		Scan(&v.smARN, &v.definition, &v.roleARN, &v.description, &v.revisionID, &v.logging, &v.createdNS)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apiErr("StateMachineDoesNotExist", "State Machine Does Not Exist: '%s'", arn)
	}
	return v, err
}

// describeVersion answers DescribeStateMachine for a version ARN.
func (s *Service) describeVersion(ctx context.Context, arn string) (any, error) {
	v, err := queryVersion(s.e.db, ctx, arn)
	if err != nil {
		return nil, err
	}
	p, _ := parseARN(v.smARN)
	out := map[string]any{
		"stateMachineArn": v.arn, "name": p.Name, "status": "ACTIVE", "definition": v.definition,
		"roleArn": v.roleARN, "type": "STANDARD", "creationDate": epochSeconds(fromNanos(v.createdNS)),
		"revisionId": v.revisionID,
	}
	if v.description != "" {
		out["description"] = v.description
	}
	if v.logging != "" {
		out["loggingConfiguration"] = json.RawMessage(v.logging)
	} else {
		out["loggingConfiguration"] = loggingConfiguration{Level: "OFF"}
	}
	return out, nil
}

// Aliases.

type routingEntry struct {
	StateMachineVersionArn string `json:"stateMachineVersionArn"`
	Weight                 int    `json:"weight"`
}

// aliasNamePattern is the model's CharacterRestrictedName: letters, digits,
// _ - . with at least one non-digit, 1 to 80 characters.
var aliasNamePattern = regexp.MustCompile(`^[a-zA-Z0-9_.-]{1,80}$`)

func validAliasName(name string) bool {
	return aliasNamePattern.MatchString(name) && !isVersionQualifier(name)
}

// checkRouting validates a routing configuration and returns the state
// machine its versions belong to. "You can route traffic to at most two
// versions" whose weights add up to 100
// (https://docs.aws.amazon.com/step-functions/latest/apireference/API_CreateStateMachineAlias.html).
func checkRouting(b *batch, rc []routingEntry) (string, error) {
	if len(rc) < 1 || len(rc) > 2 {
		return "", validationErr("1 validation error detected: Value at 'routingConfiguration' failed to satisfy constraint: Member must have length between 1 and 2")
	}
	sum := 0
	smARN := ""
	for i, r := range rc {
		p, err := checkQualifiedARN(r.StateMachineVersionArn, "routingConfiguration.member.stateMachineVersionArn")
		if err != nil {
			return "", err
		}
		if !isVersionQualifier(p.Qualifier) {
			return "", validationErr("routingConfiguration: '%s' is not a state machine version ARN", r.StateMachineVersionArn)
		}
		if r.Weight < 0 || r.Weight > 100 {
			return "", validationErr("1 validation error detected: Value '%d' at 'routingConfiguration.%d.member.weight' failed to satisfy constraint: Member must have value between 0 and 100", r.Weight, i+1)
		}
		sum += r.Weight
		u := unqualified(r.StateMachineVersionArn)
		if smARN != "" && u != smARN {
			return "", validationErr("routingConfiguration: every version must belong to the same state machine")
		}
		if i == 1 && rc[0].StateMachineVersionArn == r.StateMachineVersionArn {
			return "", validationErr("routingConfiguration: the two versions must differ")
		}
		smARN = u
		if _, err := queryVersion(b.tx, context.Background(), r.StateMachineVersionArn); err != nil {
			return "", apiErr("ResourceNotFound", "Resource not found: version '%s' does not exist", r.StateMachineVersionArn).With("resourceName", r.StateMachineVersionArn)
		}
	}
	if sum != 100 {
		return "", validationErr("routingConfiguration: the weights must add up to 100, got %d", sum)
	}
	sm, err := queryStateMachine(b.tx, context.Background(), smARN)
	if err != nil {
		return "", apiErr("ResourceNotFound", "Resource not found: '%s'", smARN).With("resourceName", smARN)
	}
	if sm.status == "DELETING" {
		return "", apiErr("StateMachineDeleting", "State machine '%s' is being deleted", smARN)
	}
	return smARN, nil
}

func (s *Service) createStateMachineAlias(ctx context.Context, _ awswire.Identity, body []byte) (any, error) {
	var req struct {
		Description          string         `json:"description"`
		Name                 string         `json:"name"`
		RoutingConfiguration []routingEntry `json:"routingConfiguration"`
	}
	if err := decodeRequest(body, &req); err != nil {
		return nil, err
	}
	switch {
	case req.Name == "":
		return nil, missing("name")
	case req.RoutingConfiguration == nil:
		return nil, missing("routingConfiguration")
	case !validAliasName(req.Name):
		return nil, apiErr("InvalidName", "Invalid Name: '%s' (1 to 80 characters among A-Z a-z 0-9 _ - ., not only digits)", req.Name)
	case len(req.Description) > 256:
		return nil, validationErr("1 validation error detected: Value at 'description' failed to satisfy constraint: Member must have length less than or equal to 256")
	}
	routing, _ := json.Marshal(req.RoutingConfiguration)
	var arn string
	var created int64
	err := s.e.do(ctx, func(b *batch) error {
		smARN, err := checkRouting(b, req.RoutingConfiguration)
		if err != nil {
			return err
		}
		arn = smARN + ":" + req.Name
		var existingRouting, existingDesc string
		err = b.tx.QueryRow(`SELECT routing, description, created_ns FROM sfn_aliases WHERE arn = ?`, arn).Scan(&existingRouting, &existingDesc, &created)
		switch {
		case errors.Is(err, sql.ErrNoRows):
		case err != nil:
			return err
		case existingRouting == string(routing) && existingDesc == req.Description:
			return nil // the same request again
		default:
			return apiErr("ConflictException", "Alias '%s' already exists with another configuration: use UpdateStateMachineAlias", arn)
		}
		var n int
		if err := b.tx.QueryRow(`SELECT COUNT(*) FROM sfn_aliases WHERE sm_arn = ?`, smARN).Scan(&n); err != nil {
			return err
		}
		if n >= maxAliases {
			return apiErr("ServiceQuotaExceededException", "State machine '%s' already has %d aliases, the maximum", smARN, maxAliases)
		}
		created = nanos(b.now)
		_, err = b.tx.Exec(`INSERT INTO sfn_aliases (arn, sm_arn, name, description, routing, created_ns, updated_ns) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			arn, smARN, req.Name, req.Description, string(routing), created, created)
		return err
	})
	if err != nil {
		return nil, err
	}
	return map[string]any{"stateMachineAliasArn": arn, "creationDate": epochSeconds(fromNanos(created))}, nil
}

type aliasRow struct {
	arn, smARN, name, description string
	routing                       []routingEntry
	createdNS, updatedNS          int64
}

func queryAlias(q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, ctx context.Context, arn string) (*aliasRow, error) {
	a := &aliasRow{arn: arn}
	var routing string
	err := q.QueryRowContext(ctx, `SELECT sm_arn, name, description, routing, created_ns, updated_ns FROM sfn_aliases WHERE arn = ?`, arn).
		Scan(&a.smARN, &a.name, &a.description, &routing, &a.createdNS, &a.updatedNS)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apiErr("ResourceNotFound", "Resource not found: alias '%s' does not exist", arn).With("resourceName", arn)
	}
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(routing), &a.routing); err != nil {
		return nil, err
	}
	return a, nil
}

func checkAliasARN(arn string) error {
	p, err := checkQualifiedARN(arn, "stateMachineAliasArn")
	if err != nil {
		return err
	}
	if p.Qualifier == "" || isVersionQualifier(p.Qualifier) {
		return apiErr("InvalidArn", "Invalid Arn: '%s' is not a state machine alias ARN (…:stateMachine:<name>:<alias>)", arn)
	}
	return nil
}

func (s *Service) describeStateMachineAlias(ctx context.Context, _ awswire.Identity, body []byte) (any, error) {
	var req struct {
		StateMachineAliasArn string `json:"stateMachineAliasArn"`
	}
	if err := decodeRequest(body, &req); err != nil {
		return nil, err
	}
	if err := checkAliasARN(req.StateMachineAliasArn); err != nil {
		return nil, err
	}
	a, err := queryAlias(s.e.db, ctx, req.StateMachineAliasArn)
	if err != nil {
		return nil, err
	}
	out := map[string]any{"stateMachineAliasArn": a.arn, "name": a.name, "routingConfiguration": a.routing,
		"creationDate": epochSeconds(fromNanos(a.createdNS)), "updateDate": epochSeconds(fromNanos(a.updatedNS))}
	if a.description != "" {
		out["description"] = a.description
	}
	return out, nil
}

func (s *Service) updateStateMachineAlias(ctx context.Context, _ awswire.Identity, body []byte) (any, error) {
	var req struct {
		StateMachineAliasArn string         `json:"stateMachineAliasArn"`
		Description          *string        `json:"description"`
		RoutingConfiguration []routingEntry `json:"routingConfiguration"`
	}
	if err := decodeRequest(body, &req); err != nil {
		return nil, err
	}
	if err := checkAliasARN(req.StateMachineAliasArn); err != nil {
		return nil, err
	}
	if req.Description == nil && req.RoutingConfiguration == nil {
		return nil, validationErr("Either the description or the routingConfiguration must be specified")
	}
	if req.Description != nil && len(*req.Description) > 256 {
		return nil, validationErr("1 validation error detected: Value at 'description' failed to satisfy constraint: Member must have length less than or equal to 256")
	}
	var updated int64
	err := s.e.do(ctx, func(b *batch) error {
		a, err := queryAlias(b.tx, ctx, req.StateMachineAliasArn)
		if err != nil {
			return err
		}
		desc, routing := a.description, a.routing
		if req.Description != nil {
			desc = *req.Description
		}
		if req.RoutingConfiguration != nil {
			smARN, err := checkRouting(b, req.RoutingConfiguration)
			if err != nil {
				return err
			}
			if smARN != a.smARN {
				return validationErr("routingConfiguration: the versions must belong to the alias's state machine '%s'", a.smARN)
			}
			routing = req.RoutingConfiguration
		}
		rb, _ := json.Marshal(routing)
		updated = nanos(b.now)
		_, err = b.tx.Exec(`UPDATE sfn_aliases SET description = ?, routing = ?, updated_ns = ? WHERE arn = ?`, desc, string(rb), updated, a.arn)
		return err
	})
	if err != nil {
		return nil, err
	}
	return map[string]any{"updateDate": epochSeconds(fromNanos(updated))}, nil
}

func (s *Service) deleteStateMachineAlias(ctx context.Context, _ awswire.Identity, body []byte) (any, error) {
	var req struct {
		StateMachineAliasArn string `json:"stateMachineAliasArn"`
	}
	if err := decodeRequest(body, &req); err != nil {
		return nil, err
	}
	if err := checkAliasARN(req.StateMachineAliasArn); err != nil {
		return nil, err
	}
	err := s.e.do(ctx, func(b *batch) error {
		res, err := b.tx.Exec(`DELETE FROM sfn_aliases WHERE arn = ?`, req.StateMachineAliasArn)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apiErr("ResourceNotFound", "Resource not found: alias '%s' does not exist", req.StateMachineAliasArn).With("resourceName", req.StateMachineAliasArn)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return struct{}{}, nil
}

func (s *Service) listStateMachineAliases(ctx context.Context, _ awswire.Identity, body []byte) (any, error) {
	var req struct {
		StateMachineArn string `json:"stateMachineArn"`
		NextToken       string `json:"nextToken"`
		MaxResults      int32  `json:"maxResults"`
	}
	if err := decodeRequest(body, &req); err != nil {
		return nil, err
	}
	if _, err := checkARN(req.StateMachineArn, "stateMachine", "stateMachineArn"); err != nil {
		return nil, err
	}
	size, err := pageSize(req.MaxResults)
	if err != nil {
		return nil, err
	}
	if _, err := queryStateMachine(s.e.db, ctx, req.StateMachineArn); err != nil {
		return nil, err
	}
	now := s.e.clock.Now()
	scope := "ListStateMachineAliases\x00" + req.StateMachineArn
	var after string
	if req.NextToken != "" {
		if after, err = decodePageToken(scope, req.NextToken, now); err != nil {
			return nil, err
		}
	}
	rows, err := s.e.db.QueryContext(ctx, `SELECT arn, name, created_ns FROM sfn_aliases WHERE sm_arn = ? AND name > ? ORDER BY name LIMIT ?`,
		req.StateMachineArn, after, size+1)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	items := []map[string]any{}
	var names []string
	for rows.Next() {
		var arn, name string
		var created int64
		if err := rows.Scan(&arn, &name, &created); err != nil {
			return nil, err
		}
		items = append(items, map[string]any{"stateMachineAliasArn": arn, "creationDate": epochSeconds(fromNanos(created))})
		names = append(names, name)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return keysetPage("stateMachineAliases", items, names, size, func(k string) string { return encodePageToken(scope, k, now) }), nil
}

// startTarget is what an execution runs: the state machine, and the
// version and alias it was started through.
type startTarget struct {
	smARN, versionARN, aliasARN string
	definition, roleARN         string
	updatedNS                   int64
	logging                     string
}

// resolveStart finds the definition and role a StartExecution on arn (a
// state machine, version or alias ARN) runs.
func resolveStart(b *batch, arn string) (*startTarget, error) {
	ctx := context.Background()
	p, ok := parseQualifiedARN(arn)
	if !ok {
		return nil, apiErr("InvalidArn", "Invalid Arn: '%s'", arn)
	}
	smARN := unqualified(arn)
	sm, err := queryStateMachine(b.tx, ctx, smARN)
	if err != nil {
		return nil, err
	}
	if sm.status == "DELETING" {
		return nil, apiErr("StateMachineDeleting", "State machine '%s' is being deleted", smARN)
	}
	t := &startTarget{smARN: smARN, logging: sm.logging}
	versionARN := ""
	switch {
	case p.Qualifier == "":
		t.definition, t.roleARN, t.updatedNS = sm.definition, sm.roleARN, sm.updatedNS
		if nanos(b.now) < sm.prevUntilNS && sm.prevDefinition != "" {
			// Inside UpdateStateMachine's read-after-write window.
			t.definition, t.roleARN, t.updatedNS = sm.prevDefinition, sm.prevRoleARN, sm.prevUpdatedNS
		}
		return t, nil
	case isVersionQualifier(p.Qualifier):
		versionARN = arn
	default:
		a, err := queryAlias(b.tx, ctx, arn)
		if err != nil {
			return nil, apiErr("StateMachineDoesNotExist", "State Machine Does Not Exist: '%s'", arn)
		}
		t.aliasARN = arn
		versionARN = a.routing[0].StateMachineVersionArn
		if len(a.routing) == 2 && rand.IntN(100) >= a.routing[0].Weight {
			versionARN = a.routing[1].StateMachineVersionArn
		}
	}
	v, err := queryVersion(b.tx, ctx, versionARN)
	if err != nil {
		return nil, err
	}
	t.versionARN, t.definition, t.roleARN, t.updatedNS, t.logging = versionARN, v.definition, v.roleARN, v.createdNS, v.logging
	return t, nil
}

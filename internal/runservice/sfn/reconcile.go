package sfn

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/drsorch/terraform-provider-drsorch/internal/asl"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/awswire"
)

// StartRecovery and TerminateRecoveryInstances must never be sent twice.
// When the engine cannot know whether DRS carried one out — it stopped
// between sending it and recording the answer, or the answer was lost
// (connection reset, 5xx, timeout) — it asks DRS for the job the request
// would have created and adopts it; it sends the request again only after a
// restart that found no such job, and never after a lost answer.
//
// The job is found by what identifies it, not by a time window: a
// StartRecovery tagged with its execution (compiled plans tag every job
// with plan, execution and wave) matches only a LAUNCH job carrying exactly
// those tags, the same source servers and the same isDrill, whenever DRS's
// clock says it was created; the orchestrator's clock and DRS's may differ
// by any amount. A TERMINATE job is matched by its exact set of recovery
// instances. Only a request that names nothing unique (an untagged
// StartRecovery of another state machine) falls back to a creation-time
// window, widened by the clock skew measured against DRS.

// reconcileReason says why the engine reconciles (for logs and causes).
type reconcileReason string

const (
	afterRestart    reconcileReason = "the task may have been sent before the run service stopped"
	afterLostAnswer reconcileReason = "the answer to the request was lost"
	afterConflict   reconcileReason = "DRS answered ConflictException"
)

// reconcileAttempts bounds the DescribeJobs reads of one reconciliation.
const reconcileAttempts = 6

// untaggedMargin widens the creation-time window of an untagged request
// beyond the measured clock skew.
const untaggedMargin = time.Minute

// unknownOutcome tells whether a failed non-idempotent request may still
// have been carried out: the error says nothing about what DRS did. The
// modelled client errors (validation, conflict, quota, throttling,
// uninitialized account) are refusals; an InternalServerException, an
// error outside the model (Drs.DrsException: a 5xx without a modelled
// shape), a client-side error (connection reset, no answer) or a timeout
// are not. See "Error handling in Step Functions" (SDK service integration
// errors): https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html
func unknownOutcome(name string) bool {
	switch name {
	case "Drs.InternalServerException", "Drs.DrsException", "Drs.SdkClientException", asl.ErrTimeout:
		return true
	}
	return false
}

// sendOnce sends a non-idempotent DRS request at most once and adopts the
// job it created whenever the outcome is in doubt.
func (e *Engine) sendOnce(ctx context.Context, id awswire.Identity, action, operation string, params any, tr taskRun, reconcile bool) ([]byte, *asl.Error) {
	if reconcile {
		out, found, rerr := e.reconcileDRS(ctx, id, action, params, tr, afterRestart)
		if rerr != nil {
			return nil, rerr
		}
		if found {
			return out, nil
		}
	}
	sentAt := e.clock.Now()
	out, terr := e.callDRS(ctx, id, operation, params)
	if terr == nil {
		e.noteDRSClock(sentAt, out)
		return out, nil
	}
	var reason reconcileReason
	switch {
	case unknownOutcome(terr.Name):
		reason = afterLostAnswer
	case terr.Name == "Drs.ConflictException" && action == "startRecovery":
		// The conflicting active job may be this very request's, sent
		// before a lost answer or a crash: adopt it rather than fail while
		// it keeps running untracked.
		reason = afterConflict
	default:
		return nil, terr
	}
	adopted, found, rerr := e.reconcileDRS(ctx, id, action, params, tr, reason)
	if found {
		return adopted, nil
	}
	if rerr != nil {
		return nil, &asl.Error{Name: terr.Name, Cause: terr.Cause + "; " + rerr.Cause}
	}
	// DRS holds no job of this request: it did not act. The error stands
	// (the state machine's Retry and Catch decide); never resend here.
	return nil, terr
}

// reconcileDRS looks for the job a possibly-carried-out StartRecovery or
// TerminateRecoveryInstances created. found reports whether one was
// adopted; out is then the operation's answer ({"Job": ...}).
func (e *Engine) reconcileDRS(ctx context.Context, id awswire.Identity, action string, params any, tr taskRun, reason reconcileReason) (out []byte, found bool, _ *asl.Error) {
	req, _ := convertKeys(params, lowerFirst, "").(map[string]any)
	filters := map[string]any{}
	unique := action == "terminateRecoveryInstances" || namesExecution(req["tags"], executionFrom(ctx))
	if !unique {
		skew, _ := e.DRSClockSkew()
		window := time.Second + untaggedMargin + skew.Abs()
		filters["fromDate"] = fromNanos(tr.ScheduledNS).Add(-window).Format(time.RFC3339)
		e.log.Warn("reconciling an untagged StartRecovery by creation time: tag the job with its execution to match it exactly",
			"window", window.String())
	}
	var best map[string]any
	var next string
	for {
		body := map[string]any{"filters": filters}
		if next != "" {
			body["nextToken"] = next
		}
		raw, _ := json.Marshal(body)
		resp, err := e.describeJobsForReconcile(ctx, id, raw)
		if err != nil {
			// Without an answer nobody can tell whether the job exists:
			// fail the task rather than risk launching twice.
			return nil, false, &asl.Error{Name: "Drs.ReconciliationFailed",
				Cause: string(reason) + ", and DescribeJobs failed: " + err.Error()}
		}
		var page struct {
			Items     []map[string]any `json:"items"`
			NextToken string           `json:"nextToken"`
		}
		if err := json.Unmarshal(resp, &page); err != nil {
			return nil, false, &asl.Error{Name: "Drs.ReconciliationFailed", Cause: "DescribeJobs answer: " + err.Error()}
		}
		for _, job := range page.Items {
			if jobMatches(action, req, job) && (best == nil || newer(job, best)) {
				best = job
			}
		}
		if page.NextToken == "" || page.NextToken == next {
			break
		}
		next = page.NextToken
	}
	if best == nil {
		e.log.Info("no DRS job of the request exists", "action", action, "why", string(reason))
		return nil, false, nil
	}
	v, err := asl.DecodeJSON(mustJSON(map[string]any{"job": best}))
	if err != nil {
		return nil, false, &asl.Error{Name: asl.ErrRuntime, Cause: err.Error()}
	}
	enc, _ := asl.EncodeJSON(convertKeys(v, upperFirst, ""))
	e.log.Warn("adopted the DRS job of a request instead of sending it again", "action", action, "job", best["jobID"], "why", string(reason))
	return enc, true, nil
}

// describeJobsForReconcile reads one page, retrying refusals a few times:
// a throttled read here would otherwise fail a wave whose job runs.
func (e *Engine) describeJobsForReconcile(ctx context.Context, id awswire.Identity, body []byte) ([]byte, error) {
	var err error
	for attempt := range reconcileAttempts {
		if attempt > 0 {
			t := time.NewTimer(time.Duration(50<<attempt) * time.Millisecond)
			select {
			case <-ctx.Done():
				t.Stop()
				return nil, ctx.Err()
			case <-t.C:
			}
		}
		var resp []byte
		if resp, err = e.opts.DRS.Invoke(ctx, id, "DescribeJobs", body); err == nil {
			return resp, nil
		}
	}
	return nil, fmt.Errorf("%d attempts: %w", reconcileAttempts, err)
}

// newer orders jobs by creation time (then ID), newest first.
func newer(a, b map[string]any) bool {
	ca, _ := a["creationDateTime"].(string)
	cb, _ := b["creationDateTime"].(string)
	ta, ea := time.Parse(time.RFC3339Nano, ca)
	tb, eb := time.Parse(time.RFC3339Nano, cb)
	if ea == nil && eb == nil && !ta.Equal(tb) {
		return ta.After(tb)
	}
	ia, _ := a["jobID"].(string)
	ib, _ := b["jobID"].(string)
	return ia > ib
}

type executionKey struct{}

// withExecution tells the task's DRS call which execution sends it.
func withExecution(ctx context.Context, execARN string) context.Context {
	return context.WithValue(ctx, executionKey{}, execARN)
}

func executionFrom(ctx context.Context) string {
	s, _ := ctx.Value(executionKey{}).(string)
	return s
}

// namesExecution tells whether a tag value is the execution's ARN or name:
// such a job belongs to this execution alone.
func namesExecution(tags any, execARN string) bool {
	m, _ := tags.(map[string]any)
	if execARN == "" || len(m) == 0 {
		return false
	}
	name := execARN[strings.LastIndex(execARN, ":")+1:]
	for _, v := range m {
		if s, ok := v.(string); ok && (s == execARN || s == name) {
			return true
		}
	}
	return false
}

func mustJSON(v any) []byte {
	b, _ := json.Marshal(v)
	return b
}

// jobMatches tells whether job is the one the request would have created.
func jobMatches(action string, req, job map[string]any) bool {
	servers, _ := job["participatingServers"].([]any)
	switch action {
	case "startRecovery":
		if job["type"] != "LAUNCH" {
			return false
		}
		drill, _ := req["isDrill"].(bool)
		want := "START_RECOVERY"
		if drill {
			want = "START_DRILL"
		}
		if job["initiatedBy"] != want {
			return false
		}
		if !sameTags(req["tags"], job["tags"]) {
			return false
		}
		var reqIDs []string
		list, _ := req["sourceServers"].([]any)
		for _, s := range list {
			if m, ok := s.(map[string]any); ok {
				if id, ok := m["sourceServerID"].(string); ok {
					reqIDs = append(reqIDs, id)
				}
			}
		}
		return sameSet(reqIDs, memberIDs(servers, "sourceServerID"))
	case "terminateRecoveryInstances":
		if job["type"] != "TERMINATE" {
			return false
		}
		var reqIDs []string
		list, _ := req["recoveryInstanceIDs"].([]any)
		for _, s := range list {
			if id, ok := s.(string); ok {
				reqIDs = append(reqIDs, id)
			}
		}
		return sameSet(reqIDs, memberIDs(servers, "recoveryInstanceID"))
	}
	return false
}

func memberIDs(servers []any, key string) []string {
	var ids []string
	for _, s := range servers {
		if m, ok := s.(map[string]any); ok {
			if id, ok := m[key].(string); ok && id != "" {
				ids = append(ids, id)
			}
		}
	}
	return ids
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) || len(a) == 0 {
		return false
	}
	a, b = append([]string(nil), a...), append([]string(nil), b...)
	sort.Strings(a)
	sort.Strings(b)
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func sameTags(req, job any) bool {
	r, _ := req.(map[string]any)
	j, _ := job.(map[string]any)
	if len(r) != len(j) {
		return false
	}
	for k, v := range r {
		if j[k] != v {
			return false
		}
	}
	return true
}

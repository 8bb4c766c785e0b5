package sfn

import (
	"context"
	"encoding/json"
	"sort"
	"time"

	"github.com/drsorch/terraform-provider-drsorch/internal/asl"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/awswire"
)

// reconcileDRS looks for the job a possibly-sent StartRecovery or
// TerminateRecoveryInstances already created (the engine stopped between
// sending it and recording the answer). found reports whether one was
// adopted; out is then the operation's answer ({"Job": ...}).
func (e *Engine) reconcileDRS(ctx context.Context, id awswire.Identity, action string, params any, tr taskRun) (out []byte, found bool, _ *asl.Error) {
	req, _ := convertKeys(params, lowerFirst, "").(map[string]any)
	from := fromNanos(tr.ScheduledNS).Add(-time.Second).Format(time.RFC3339)
	var next string
	for {
		body := map[string]any{"filters": map[string]any{"fromDate": from}}
		if next != "" {
			body["nextToken"] = next
		}
		raw, _ := json.Marshal(body)
		resp, err := e.opts.DRS.Invoke(ctx, id, "DescribeJobs", raw)
		if err != nil {
			// Without an answer nobody can tell whether the job exists:
			// fail the task rather than risk launching twice.
			return nil, false, &asl.Error{Name: "Drs.ReconciliationFailed",
				Cause: "the task may have been sent before the run service stopped, and DescribeJobs failed: " + err.Error()}
		}
		var page struct {
			Items     []map[string]any `json:"items"`
			NextToken string           `json:"nextToken"`
		}
		if err := json.Unmarshal(resp, &page); err != nil {
			return nil, false, &asl.Error{Name: "Drs.ReconciliationFailed", Cause: "DescribeJobs answer: " + err.Error()}
		}
		for _, job := range page.Items {
			if jobMatches(action, req, job) {
				v, err := asl.DecodeJSON(mustJSON(map[string]any{"job": job}))
				if err != nil {
					return nil, false, &asl.Error{Name: asl.ErrRuntime, Cause: err.Error()}
				}
				enc, _ := asl.EncodeJSON(convertKeys(v, upperFirst, ""))
				e.log.Info("adopted a DRS job sent before the restart instead of sending again", "action", action, "job", job["jobID"])
				return enc, true, nil
			}
		}
		if page.NextToken == "" || page.NextToken == next {
			return nil, false, nil
		}
		next = page.NextToken
	}
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

package awsforward

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/awswire"
)

// Allowed are the operations forwarded to AWS, per signing name: those
// drsorch's provider, CLI, dashboard and compiled plans call (reads,
// StartRecovery for drills and recoveries, TerminateRecoveryInstances,
// launch and replication settings, tags, quota reads). Anything else —
// DisconnectSourceServer, DeleteSourceServer, RequestServiceQuotaIncrease …
// — is refused and never reaches AWS, since it would be signed with the
// operator's own credentials.
var Allowed = map[string][]string{
	"drs": {
		"DescribeJobLogItems", "DescribeJobs", "DescribeRecoveryInstances", "DescribeRecoverySnapshots",
		"DescribeSourceServers", "GetLaunchConfiguration", "GetReplicationConfiguration",
		"ListTagsForResource", "StartRecovery", "TagResource", "TerminateRecoveryInstances",
		"UntagResource", "UpdateLaunchConfiguration", "UpdateReplicationConfiguration",
	},
	"servicequotas": {"GetAWSDefaultServiceQuota", "GetServiceQuota", "ListServiceQuotas"},
}

// Operation names the operation of a request and, for the restJson1 tag
// operations, the resource in its path: X-Amz-Target's operation
// (awsJson), else the restJson1 binding (POST /<Operation>; GET, POST and
// DELETE /tags/{resourceArn}).
func Operation(r *http.Request) (op, resource string) {
	if target := r.Header.Get("X-Amz-Target"); target != "" {
		_, op, _ = strings.Cut(target, ".")
		return op, ""
	}
	if arn, ok := strings.CutPrefix(r.URL.Path, "/tags/"); ok {
		if unescaped, err := url.PathUnescape(arn); err == nil {
			arn = unescaped
		}
		switch r.Method {
		case http.MethodGet:
			return "ListTagsForResource", arn
		case http.MethodPost:
			return "TagResource", arn
		case http.MethodDelete:
			return "UntagResource", arn
		}
		return r.Method + " /tags", arn
	}
	return strings.TrimPrefix(r.URL.Path, "/"), ""
}

// permit refuses an operation outside Allowed, and logs the refusal.
func (f *Forwarder) permit(id awswire.Identity, op, resource string, body []byte) *awswire.APIError {
	if slices.Contains(Allowed[f.Service], op) {
		return nil
	}
	if f.Logger != nil {
		f.Logger.Warn("AWS call refused: operation not on the forwarding allowlist", "service", f.Service, "operation", op,
			"caller_access_key", id.AccessKeyID, "caller_account", id.Account, "region", id.Region, "resources", resources(resource, body))
	}
	return awswire.NewError(http.StatusForbidden, "AccessDeniedException", fmt.Sprintf(
		"drsorch serve --drs aws does not forward %s to AWS: only the operations drsorch uses are forwarded (%s)",
		op, strings.Join(Allowed[f.Service], ", ")))
}

func (f *Forwarder) logForwarded(id awswire.Identity, op, resource string, body []byte, status int) {
	if f.Logger == nil {
		return
	}
	caller := id.AccessKeyID
	if caller == "" {
		caller = "state machine task"
	}
	f.Logger.Info("AWS call forwarded", "service", f.Service, "operation", op, "region", id.Region,
		"caller_access_key", caller, "caller_account", id.Account, "resources", resources(resource, body), "status", status)
}

func (f *Forwarder) writeError(w http.ResponseWriter, e *awswire.APIError) {
	if f.Service == "servicequotas" {
		awswire.WriteJSONProtocolError(w, awswire.ContentTypeJSON11, e)
		return
	}
	awswire.WriteRESTJSONError(w, e)
}

// resources lists the resource IDs a request names: string values (or
// lists of strings) of members whose names end in ID, IDs, Arn or Code, at
// any depth, plus the resource of the path.
func resources(resource string, body []byte) []string {
	var out []string
	if resource != "" {
		out = append(out, resource)
	}
	var v any
	if json.Unmarshal(body, &v) == nil {
		collectIDs(v, "", 0, &out)
	}
	sort.Strings(out)
	out = slices.Compact(out)
	if len(out) > 50 {
		out = append(out[:50], fmt.Sprintf("… %d more", len(out)-50))
	}
	return out
}

func collectIDs(v any, key string, depth int, out *[]string) {
	if depth > 4 {
		return
	}
	named := false
	for _, suffix := range []string{"ID", "IDs", "Id", "Ids", "Arn", "Code"} {
		named = named || strings.HasSuffix(key, suffix)
	}
	switch x := v.(type) {
	case string:
		if named {
			*out = append(*out, x)
		}
	case []any:
		for _, e := range x {
			collectIDs(e, key, depth+1, out)
		}
	case map[string]any:
		for k, e := range x {
			collectIDs(e, k, depth+1, out)
		}
	}
}

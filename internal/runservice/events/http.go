package events

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/awswire"
)

// TargetPrefix is EventBridge's X-Amz-Target prefix.
const TargetPrefix = "AWSEvents"

const maxRequestBytes = 1 << 20

// ServeHTTP serves AWSEvents.PutEvents (awsJson1.1).
func (b *Bus) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	fail := func(e *awswire.APIError) { awswire.WriteJSONProtocolError(w, awswire.ContentTypeJSON11, e) }
	op := strings.TrimPrefix(r.Header.Get("X-Amz-Target"), TargetPrefix+".")
	if op != "PutEvents" {
		fail(awswire.NewError(http.StatusBadRequest, "UnknownOperationException",
			"the run service's EventBridge serves only PutEvents, not "+op))
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxRequestBytes+1))
	if err != nil || len(body) > maxRequestBytes {
		fail(awswire.NewError(http.StatusBadRequest, "ValidationException", "request body is unreadable or larger than 1 MiB"))
		return
	}
	var req struct {
		Entries []Entry `json:"Entries"`
	}
	if err := json.Unmarshal(body, &req); err != nil {
		fail(awswire.NewError(http.StatusBadRequest, "SerializationException", "request body is not a valid PutEvents request: "+err.Error()))
		return
	}
	if len(req.Entries) < 1 || len(req.Entries) > MaxEntries {
		fail(awswire.NewError(http.StatusBadRequest, "ValidationException",
			"1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length between 1 and 10, got "+strconv.Itoa(len(req.Entries))))
		return
	}
	id, _ := awswire.IdentityFrom(r.Context())
	results, err := b.Put(r.Context(), id, req.Entries)
	if errors.Is(err, ErrEntriesTooLarge) {
		fail(awswire.NewError(http.StatusBadRequest, "ValidationException", totalSizeExceeded))
		return
	}
	if err != nil {
		fail(awswire.NewError(http.StatusInternalServerError, "InternalException", err.Error()))
		return
	}
	failed := 0
	for _, res := range results {
		if res.ErrorCode != "" {
			failed++
		}
	}
	awswire.WriteJSON(w, awswire.ContentTypeJSON11, http.StatusOK, map[string]any{"FailedEntryCount": failed, "Entries": results})
}

// ListHandler serves GET /_sim/events: stored events as JSON, filtered by
// the query parameters account, region, source and detailType.
func (b *Bus) ListHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		limit, _ := strconv.Atoi(q.Get("limit"))
		evs, err := b.List(r.Context(), Filter{Account: q.Get("account"), Region: q.Get("region"),
			Source: q.Get("source"), DetailType: q.Get("detailType"), Limit: limit})
		if err != nil {
			awswire.WriteJSON(w, "application/json", http.StatusInternalServerError, map[string]string{"message": err.Error()})
			return
		}
		if evs == nil {
			evs = []Event{}
		}
		awswire.WriteJSON(w, "application/json", http.StatusOK, map[string]any{"events": evs})
	})
}

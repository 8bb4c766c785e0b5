// Package runservice is `drsorch serve`: one HTTP listener that speaks the
// AWS wire protocols the provider and the CLI use (DRS restJson1, Step
// Functions awsJson1.0, EventBridge and Service Quotas awsJson1.1, STS
// awsQuery), told apart the way AWS does: X-Amz-Target first, then the
// request shape.
package runservice

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/awswire"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/wirefault"
)

// Router dispatches requests to the services registered on it.
type Router struct {
	metrics *metrics
	mux     *http.ServeMux
	targets map[string]targetRoute // X-Amz-Target prefix (before the '.')
	query   http.Handler           // awsQuery form posts (STS)
	rest    http.Handler           // restJson1 (DRS)
	faults  wirefault.Injector     // wire faults for any API (router_wire.go)
}

type targetRoute struct {
	handler     http.Handler
	contentType string
}

// NewRouter returns an empty router.
func NewRouter() *Router {
	r := &Router{mux: http.NewServeMux(), targets: map[string]targetRoute{}, metrics: newMetrics()}
	r.mux.Handle("GET /metrics", r.metrics.handler())
	return r
}

// HandleTarget routes awsJson requests whose X-Amz-Target starts with
// prefix + "." to h.
func (r *Router) HandleTarget(prefix, contentType string, h http.Handler) {
	r.targets[prefix] = targetRoute{handler: r.metrics.observe(prefix, h), contentType: contentType}
}

// HandleQuery routes awsQuery form posts to h.
func (r *Router) HandleQuery(h http.Handler) { r.query = r.metrics.observe("sts", h) }

// HandleREST routes every other signed request (restJson1) to h.
func (r *Router) HandleREST(h http.Handler) { r.rest = r.metrics.observe("drs", h) }

// Handle registers a plain (unsigned) endpoint such as /healthz or /ui/.
func (r *Router) Handle(pattern string, h http.Handler) { r.mux.Handle(pattern, h) }

func (r *Router) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	w.Header().Set(awswire.RequestIDHeader, awswire.NewRequestID())
	if target := req.Header.Get("X-Amz-Target"); target != "" {
		prefix, _, _ := strings.Cut(target, ".")
		route, ok := r.targets[prefix]
		if !ok {
			awswire.WriteJSONProtocolError(w, awswire.ContentTypeJSON10, awswire.NewError(http.StatusBadRequest,
				"UnknownOperationException", "the run service does not serve "+target))
			return
		}
		r.signed(w, req, route.handler, func(e *awswire.APIError) {
			awswire.WriteJSONProtocolError(w, route.contentType, e)
		})
		return
	}
	if req.Header.Get("Authorization") == "" && req.URL.Query().Get("X-Amz-Credential") == "" {
		r.mux.ServeHTTP(w, req)
		return
	}
	if r.query != nil && req.Method == http.MethodPost && req.URL.Path == "/" &&
		strings.HasPrefix(req.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		r.signed(w, req, r.query, nil)
		return
	}
	if r.rest == nil {
		http.NotFound(w, req)
		return
	}
	r.signed(w, req, r.rest, func(e *awswire.APIError) { awswire.WriteRESTJSONError(w, e) })
}

func (r *Router) signed(w http.ResponseWriter, req *http.Request, h http.Handler, fail func(*awswire.APIError)) {
	id, ok := awswire.ParseIdentity(req)
	if !ok {
		e := awswire.NewError(http.StatusForbidden, "AccessDeniedException",
			"request is not signed with AWS Signature Version 4: configure credentials (any static keys work against the run service)")
		if fail != nil {
			fail(e)
		} else {
			http.Error(w, e.Message, e.Status)
		}
		return
	}
	// Read the whole request before answering. An answer sent while the
	// client is still writing its body makes Go's HTTP client close the
	// connection under the response ("use of closed network connection").
	body, err := io.ReadAll(http.MaxBytesReader(w, req.Body, maxRequestBytes))
	if err != nil {
		e := awswire.NewError(http.StatusRequestEntityTooLarge, "ValidationException",
			fmt.Sprintf("request body unreadable or larger than %d bytes: %v", maxRequestBytes, err))
		if fail != nil {
			fail(e)
		} else {
			http.Error(w, e.Message, e.Status)
		}
		return
	}
	if r.injectFault(w, req, body, fail) {
		return
	}
	req.Body = io.NopCloser(bytes.NewReader(body))
	h.ServeHTTP(w, req.WithContext(awswire.WithIdentity(req.Context(), id)))
}

// maxRequestBytes bounds a request body: Step Functions' largest payload is
// 256 KiB, and a definition 1 MiB.
const maxRequestBytes = 4 << 20

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
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"strings"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/awswire"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/wirefault"
)

// Router dispatches requests to the services registered on it. Requests
// from the network (ServeHTTP) pass three guards first: the Host header must
// be on the allowlist (DNS rebinding), API calls must carry a SigV4
// Authorization header (verified when credentials are configured), and the
// operator pages (/_sim/, /ui/, /metrics) only take same-origin JSON
// control requests and, with credentials, authenticated ones. Requests
// the run service makes to itself (InProcess, used by the dashboard) skip
// the guards.
type Router struct {
	metrics *metrics
	mux     *http.ServeMux
	targets map[string]targetRoute   // X-Amz-Target prefix (before the '.')
	query   http.Handler             // awsQuery form posts (STS)
	queryOp func(action string) bool // whether query serves an action; nil: any
	rest    http.Handler             // restJson1 (DRS)
	ec2     http.Handler             // EC2 query form posts (router_ec2.go)
	keyring *awswire.Keyring
	hosts   *HostAllowlist
	logger  *slog.Logger
	faults  wirefault.Injector // wire faults for any API (router_wire.go)
	// disabled are the opt-in regions accounts have not enabled: every API
	// refuses their calls there as AWS does.
	disabled awswire.DisabledRegions
}

type targetRoute struct {
	handler     http.Handler
	contentType string
}

// signingNames are the SigV4 service names of the awsJson targets: a
// signature scoped to another service is refused, as AWS does.
var signingNames = map[string]string{
	"AWSStepFunctions":       "states",
	"AWSEvents":              "events",
	"AmazonSSM":              "ssm",
	"AWSPriceListService":    "pricing",
	"ServiceQuotasV20190624": "servicequotas",
}

// NewRouter returns an empty router that accepts any well-formed SigV4
// header (no configured credentials) from loopback host names.
func NewRouter() *Router {
	r := &Router{mux: http.NewServeMux(), targets: map[string]targetRoute{}, metrics: newMetrics(),
		keyring: awswire.NewKeyring(nil), logger: slog.New(slog.DiscardHandler)}
	r.hosts, _ = NewHostAllowlist("", nil)
	r.mux.Handle("GET /metrics", r.metrics.handler())
	return r
}

// Secure sets the credentials signatures are verified against and the Host
// allowlist.
func (r *Router) Secure(keyring *awswire.Keyring, hosts *HostAllowlist, logger *slog.Logger) {
	r.keyring, r.hosts = keyring, hosts
	if logger != nil {
		r.logger = logger
	}
}

// HandleTarget routes awsJson requests whose X-Amz-Target starts with
// prefix + "." to h.
func (r *Router) HandleTarget(prefix, contentType string, h http.Handler) {
	r.targets[prefix] = targetRoute{handler: r.metrics.observe(prefix, h), contentType: contentType}
}

// HandleQuery routes awsQuery form posts to h. When h tells which actions
// it serves (a Serves(action string) bool method), an action it does not
// serve is answered InvalidAction before the signature is checked: AWS
// serves some STS actions unsigned (AssumeRoleWithWebIdentity,
// AssumeRoleWithSAML), so an unsigned call of one must not be told it
// needs a signature by a run service that does not serve it.
func (r *Router) HandleQuery(h http.Handler) {
	r.query = r.metrics.observe("sts", h)
	r.queryOp = nil
	if s, ok := h.(interface{ Serves(action string) bool }); ok {
		r.queryOp = s.Serves
	}
}

// HandleREST routes every other signed request (restJson1) to h.
func (r *Router) HandleREST(h http.Handler) { r.rest = r.metrics.observe("drs", h) }

// Handle registers a plain (unsigned) endpoint such as /healthz or /ui/.
func (r *Router) Handle(pattern string, h http.Handler) { r.mux.Handle(pattern, h) }

// InProcess is the router for requests the run service sends itself (the
// dashboard's AWS clients): no Host, signature or page guard, since no
// network client can reach it.
func (r *Router) InProcess() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) { r.route(w, req, true) })
}

func (r *Router) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	w.Header().Set(awswire.RequestIDHeader, awswire.NewRequestID())
	if !r.hosts.Allows(req.Host) {
		msg := fmt.Sprintf("Host %q is not allowed: the run service answers only loopback names, its listen address and the names given with --allowed-host (this guards against DNS rebinding)", req.Host)
		r.refuse(w, req, msg)
		return
	}
	r.route(w, req, false)
}

// apiRoute is how one API request is served and how its errors look.
type apiRoute struct {
	handler     http.Handler
	proto       awswire.Protocol
	contentType string
	service     string // SigV4 signing name; empty: any
}

func (a apiRoute) fail(w http.ResponseWriter, e *awswire.APIError) {
	awswire.WriteError(w, a.proto, a.contentType, e)
}

// classify tells an API request from a page: X-Amz-Target (awsJson), else
// a page registered on the mux, else an awsQuery form post to /, else
// restJson1.
func (r *Router) classify(req *http.Request) (apiRoute, bool) {
	if target := req.Header.Get("X-Amz-Target"); target != "" {
		prefix, _, _ := strings.Cut(target, ".")
		route, ok := r.targets[prefix]
		if !ok {
			return apiRoute{proto: awswire.ProtocolJSON, contentType: awswire.ContentTypeJSON10}, true
		}
		return apiRoute{handler: route.handler, proto: awswire.ProtocolJSON, contentType: route.contentType, service: signingNames[prefix]}, true
	}
	if _, pattern := r.mux.Handler(req); pattern != "" {
		return apiRoute{}, false
	}
	if route, ok := r.classifyEC2(req); ok {
		return route, true
	}
	if r.query != nil && req.Method == http.MethodPost && req.URL.Path == "/" &&
		strings.HasPrefix(req.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		return apiRoute{handler: r.query, proto: awswire.ProtocolQuery, service: "sts"}, true
	}
	return apiRoute{handler: r.rest, proto: awswire.ProtocolREST, service: "drs"}, true
}

func (r *Router) route(w http.ResponseWriter, req *http.Request, trusted bool) {
	api, ok := r.classify(req)
	if !ok {
		if trusted || r.pageAllowed(w, req) {
			r.mux.ServeHTTP(w, req)
		}
		return
	}
	if api.handler == nil && req.Header.Get("X-Amz-Target") != "" {
		api.fail(w, awswire.NewError(http.StatusBadRequest, "UnknownOperationException", "the run service does not serve "+req.Header.Get("X-Amz-Target")))
		return
	}
	r.signed(w, req, api, trusted)
}

// refuse answers a request from a Host that is not allowed: in the API's
// own error shape, as JSON for /_sim/, as plain text for pages.
func (r *Router) refuse(w http.ResponseWriter, req *http.Request, msg string) {
	r.logger.Warn("request refused", "host", req.Host, "path", req.URL.Path, "remote", req.RemoteAddr, "reason", msg)
	api, ok := r.classify(req)
	switch {
	case ok && (api.proto == awswire.ProtocolQuery || api.proto == awswire.ProtocolEC2):
		api.fail(w, awswire.NewError(http.StatusForbidden, "AccessDenied", msg))
	case ok:
		api.fail(w, awswire.NewError(http.StatusForbidden, "AccessDeniedException", msg))
	case strings.HasPrefix(req.URL.Path, "/_sim/"):
		controlRefusal(w, http.StatusForbidden, msg)
	default:
		http.Error(w, msg, http.StatusForbidden)
	}
}

func (r *Router) signed(w http.ResponseWriter, req *http.Request, api apiRoute, trusted bool) {
	// Read the whole request before answering. An answer sent while the
	// client is still writing its body makes Go's HTTP client close the
	// connection under the response ("use of closed network connection").
	body, err := io.ReadAll(http.MaxBytesReader(w, req.Body, maxRequestBytes))
	if err != nil {
		api.fail(w, awswire.NewError(http.StatusRequestEntityTooLarge, "ValidationException",
			fmt.Sprintf("request body unreadable or larger than %d bytes: %v", maxRequestBytes, err)))
		return
	}
	if api.proto == awswire.ProtocolQuery && r.queryOp != nil {
		form, _ := url.ParseQuery(string(body))
		if action := form.Get("Action"); !r.queryOp(action) {
			api.fail(w, awswire.NewError(http.StatusBadRequest, "InvalidAction", fmt.Sprintf("the run service's STS does not serve action %q", action)))
			return
		}
	}
	var id awswire.Identity
	if trusted {
		var ok bool
		if id, ok = awswire.ParseIdentity(req); !ok {
			api.fail(w, (&awswire.AuthError{Failure: awswire.AuthMissing, Message: "Missing Authentication Token"}).APIError(api.proto))
			return
		}
	} else {
		var aerr *awswire.AuthError
		if id, aerr = r.keyring.Authenticate(req, body, api.service); aerr != nil {
			if aerr.Failure == awswire.AuthMissing {
				aerr.Message = "Missing Authentication Token: sign requests with AWS Signature Version 4" + r.credentialHint()
			}
			if r.keyring.Verifying() || aerr.Failure != awswire.AuthMissing {
				r.logger.Warn("request refused", "reason", aerr.Message, "path", req.URL.Path, "target", req.Header.Get("X-Amz-Target"), "remote", req.RemoteAddr)
			}
			api.fail(w, aerr.APIError(api.proto))
			return
		}
	}
	if aerr := r.disabled.Refuse(id); aerr != nil {
		r.logger.Warn("request refused", "reason", "opt-in region "+id.Region+" is not enabled for account "+id.Account+" (inventory disabledRegions)",
			"path", req.URL.Path, "target", req.Header.Get("X-Amz-Target"), "remote", req.RemoteAddr)
		api.fail(w, aerr.APIError(api.proto))
		return
	}
	if api.handler == nil {
		api.fail(w, awswire.NewError(http.StatusNotFound, "UnknownOperationException", "the run service serves no operation at "+req.Method+" "+req.URL.Path))
		return
	}
	if r.injectFault(w, req, body, func(e *awswire.APIError) { api.fail(w, e) }) {
		return
	}
	req.Body = io.NopCloser(bytes.NewReader(body))
	api.handler.ServeHTTP(w, req.WithContext(awswire.WithIdentity(req.Context(), id)))
}

// DisabledRegions are the opt-in regions accounts have not enabled; every
// API request of such an account and region is refused.
func (r *Router) DisabledRegions() *awswire.DisabledRegions { return &r.disabled }

func (r *Router) credentialHint() string {
	if r.keyring.Verifying() {
		return " with a key of the run service's --credentials-file"
	}
	return " (any static credentials work against this run service)"
}

// pageAllowed guards the pages (everything on the mux) and writes the
// refusal. /healthz is open. With configured credentials the others need
// HTTP Basic authentication (access key ID and secret access key of a
// configured key) or a SigV4 Authorization header made with one. /_sim/
// control requests must be JSON and come from the same origin or from a
// client that sends no Origin (curl, scripts): a web page cannot post
// there, neither with a cross-site form (text/plain) nor with fetch.
func (r *Router) pageAllowed(w http.ResponseWriter, req *http.Request) bool {
	sim := strings.HasPrefix(req.URL.Path, "/_sim/")
	deny := func(status int, msg string) bool {
		r.logger.Warn("request refused", "path", req.URL.Path, "remote", req.RemoteAddr, "reason", msg)
		if sim {
			controlRefusal(w, status, msg)
		} else {
			http.Error(w, msg, status)
		}
		return false
	}
	if awswire.HasQueryAuth(req) {
		return deny(http.StatusForbidden, awswire.QueryAuthError.Message)
	}
	if req.URL.Path == "/healthz" {
		return true
	}
	if sim {
		if site := req.Header.Get("Sec-Fetch-Site"); site != "" && site != "same-origin" && site != "none" {
			return deny(http.StatusForbidden, "/_sim/ accepts requests only from the run service's own pages or from clients that are not browsers (Sec-Fetch-Site: "+site+")")
		}
		if origin, ok := req.Header["Origin"]; ok && !sameOrigin(origin[0], req.Host) {
			return deny(http.StatusForbidden, fmt.Sprintf("/_sim/ accepts requests only from the same origin or without an Origin header (Origin %q)", origin[0]))
		}
		if req.Method != http.MethodGet && req.Method != http.MethodHead {
			if mt, _, err := mime.ParseMediaType(req.Header.Get("Content-Type")); err != nil || mt != "application/json" {
				return deny(http.StatusUnsupportedMediaType, "/_sim/ control requests must be sent with Content-Type: application/json")
			}
		}
	}
	if !r.keyring.Verifying() {
		return true
	}
	if akid, secret, ok := req.BasicAuth(); ok && r.keyring.CheckStatic(akid, secret) {
		return true
	}
	if req.Header.Get("Authorization") != "" && !strings.HasPrefix(req.Header.Get("Authorization"), "Basic ") {
		body, err := io.ReadAll(http.MaxBytesReader(w, req.Body, maxRequestBytes))
		if err != nil {
			return deny(http.StatusRequestEntityTooLarge, "request body unreadable: "+err.Error())
		}
		req.Body = io.NopCloser(bytes.NewReader(body))
		if _, aerr := r.keyring.Authenticate(req, body, ""); aerr != nil {
			return deny(http.StatusForbidden, aerr.Message)
		}
		return true
	}
	w.Header().Set("WWW-Authenticate", `Basic realm="drsorch run service", charset="UTF-8"`)
	return deny(http.StatusUnauthorized, "authentication required: HTTP Basic with the access key ID and secret access key of a key in the run service's --credentials-file, or a SigV4-signed request")
}

// sameOrigin reports whether an Origin header names this service: scheme
// http(s) and the (allowlisted) Host of the request.
func sameOrigin(origin, host string) bool {
	u, err := url.Parse(origin)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && strings.EqualFold(u.Host, host) && u.Path == ""
}

func controlRefusal(w http.ResponseWriter, status int, msg string) {
	awswire.WriteJSON(w, "application/json", status, map[string]string{"error": msg})
}

// maxRequestBytes bounds a request body: Step Functions' largest payload is
// 256 KiB, and a definition 1 MiB.
const maxRequestBytes = 4 << 20

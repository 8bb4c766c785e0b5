package awsclient

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"syscall"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
)

// UnreachableError says an endpoint that never answered this process
// refused the connection or does not resolve. Nothing listens there, so
// retrying for minutes only delays the fix: the retryer gives up at once.
// An endpoint that answered before (a run service restarting, a network
// blip) is retried with backoff as usual.
type UnreachableError struct {
	Endpoint string // scheme://host[:port]
	Reason   string // "connection refused", "host not found"
	Err      error
}

func (e *UnreachableError) Error() string {
	return fmt.Sprintf("cannot reach %s (%s); %s", e.Endpoint, e.Reason, unreachableHint(e.Endpoint, e.Reason))
}

func (e *UnreachableError) Unwrap() error { return e.Err }

// unreachableHint says what to do: for AWS's own endpoints check region and
// network; anything else is taken to be a run service.
func unreachableHint(endpoint, reason string) string {
	host := strings.TrimPrefix(strings.TrimPrefix(endpoint, "https://"), "http://")
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	for _, aws := range []string{".amazonaws.com", ".amazonaws.com.cn", ".api.aws"} {
		if strings.HasSuffix(host, aws) {
			return "check the region (the service may not exist there) and this machine's network and proxy settings"
		}
	}
	if reason == reasonNotFound {
		return "the host name does not resolve: check `run_service_endpoint` (CLI: --endpoint; DRSORCH_RUN_SERVICE_ENDPOINT) or `endpoints`; " +
			"for a local run service start `drsorch serve` and point them at http://127.0.0.1:8787"
	}
	listen := strings.TrimPrefix(strings.TrimPrefix(endpoint, "https://"), "http://")
	return fmt.Sprintf("nothing answers there. Start the run service with `drsorch serve --listen %s`, "+
		"or point `run_service_endpoint` (CLI: --endpoint; DRSORCH_RUN_SERVICE_ENDPOINT) or `endpoints` at where it runs", listen)
}

const (
	reasonNotFound = "host not found"
	reasonRefused  = "connection refused"
)

// answeredHosts remembers the endpoints that answered at least once.
type answeredHosts struct{ m sync.Map }

func (a *answeredHosts) mark(host string)      { a.m.Store(host, true) }
func (a *answeredHosts) seen(host string) bool { _, ok := a.m.Load(host); return ok }

// failFastClient turns a dial failure to a never-answered endpoint into an
// UnreachableError and records every endpoint that answers.
type failFastClient struct {
	aws.HTTPClient
	answered *answeredHosts
}

func (c failFastClient) Do(req *http.Request) (*http.Response, error) {
	resp, err := c.HTTPClient.Do(req)
	if err == nil {
		c.answered.mark(req.URL.Host)
		return resp, nil
	}
	if reason := dialFailure(err); reason != "" && !c.answered.seen(req.URL.Host) {
		return resp, &UnreachableError{Endpoint: req.URL.Scheme + "://" + req.URL.Host, Reason: reason, Err: err}
	}
	return resp, err
}

// dialFailure names a failure to open a connection that says no server is
// there: refused, or a name that does not resolve. Timeouts and temporary
// resolver failures are not among them; they stay retried.
func dialFailure(err error) string {
	var dns *net.DNSError
	if errors.As(err, &dns) && dns.IsNotFound {
		return reasonNotFound
	}
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" && errors.Is(err, syscall.ECONNREFUSED) {
		return reasonRefused
	}
	return ""
}

// notRetryingUnreachable stops the retryer at an UnreachableError; it
// goes first, before the SDK's rule that retries every connection error.
var notRetryingUnreachable = retry.IsErrorRetryableFunc(func(err error) aws.Ternary {
	var u *UnreachableError
	if errors.As(err, &u) {
		return aws.FalseTernary
	}
	return aws.UnknownTernary
})

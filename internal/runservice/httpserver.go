package runservice

import (
	"net/http"
	"time"
)

// ServerLimits bound what one client can hold of the run service: how long it
// may take to send a request and how large the request may be.
type ServerLimits struct {
	ReadHeaderTimeout time.Duration // request line and headers
	ReadTimeout       time.Duration // the whole request, body included
	IdleTimeout       time.Duration // a keep-alive connection between requests
	MaxBodyBytes      int64         // larger request bodies are refused
}

// DefaultServerLimits are the limits of `drsorch serve`. The largest request
// the AWS APIs take is a Step Functions definition of up to 1 MiB (quota
// "Maximum request size": 1 MiB per request, see
// https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html);
// its JSON string escaping can double it, so bodies up to 4 MiB are read and
// larger ones refused. No response is long-lived (the dashboard polls), so
// writes need no deadline of their own beyond the client's.
var DefaultServerLimits = ServerLimits{
	ReadHeaderTimeout: 10 * time.Second,
	ReadTimeout:       60 * time.Second,
	IdleTimeout:       120 * time.Second,
	MaxBodyBytes:      4 << 20,
}

// NewHTTPServer is the http.Server of the run service: handler behind the
// body-size limit, with read and idle timeouts, so stalled or endless uploads
// cannot hold connections open.
func NewHTTPServer(handler http.Handler, limits ServerLimits) *http.Server {
	return &http.Server{
		Handler:           http.MaxBytesHandler(handler, limits.MaxBodyBytes),
		ReadHeaderTimeout: limits.ReadHeaderTimeout,
		ReadTimeout:       limits.ReadTimeout,
		IdleTimeout:       limits.IdleTimeout,
	}
}

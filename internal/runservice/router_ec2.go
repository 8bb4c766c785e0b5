package runservice

import (
	"net/http"
	"strings"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/awswire"
)

// EC2 and STS both post forms to "/"; AWS tells them apart by host name.
// The run service serves both on one address, so it tells them apart by
// the service the SigV4 credential scope names (".../<region>/ec2/
// aws4_request"), which every EC2 request carries.

// HandleEC2 routes EC2 query requests (signed for "ec2") to h.
func (r *Router) HandleEC2(h http.Handler) { r.ec2 = r.metrics.observe("ec2", h) }

func (r *Router) classifyEC2(req *http.Request) (apiRoute, bool) {
	if !isEC2Request(req) {
		return apiRoute{}, false
	}
	if r.ec2 == nil {
		// Not mounted (--drs aws): refused, never passed to STS or AWS.
		return apiRoute{proto: awswire.ProtocolEC2, service: "ec2"}, true
	}
	return apiRoute{handler: r.ec2, proto: awswire.ProtocolEC2, service: "ec2"}, true
}

// isEC2Request reports a form post whose signature is scoped to ec2.
func isEC2Request(req *http.Request) bool {
	if req.Method != http.MethodPost || req.URL.Path != "/" ||
		!strings.HasPrefix(req.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		return false
	}
	_, scope, ok := strings.Cut(req.Header.Get("Authorization"), "Credential=")
	if !ok {
		return false
	}
	scope, _, _ = strings.Cut(scope, ",")
	parts := strings.Split(strings.TrimSpace(scope), "/")
	return len(parts) == 5 && parts[3] == "ec2"
}

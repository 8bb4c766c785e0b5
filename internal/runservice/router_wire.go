package runservice

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/awswire"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/wirefault"
)

// What the router does for every API request, whatever the service:
// give it a request ID, and inject the wire faults set on the router.

// targetServices names the service of each X-Amz-Target prefix, for
// fault rules.
var targetServices = map[string]string{
	"AWSStepFunctions":       "states",
	"AWSEvents":              "events",
	"AmazonSSM":              "ssm",
	"AWSPriceListService":    "pricing",
	"ServiceQuotasV20190624": "servicequotas",
	"Logs_20140328":          "logs",
}

// Faults is the router's wire-fault injector: HTTP 5xx answers and
// connection resets for any API.
func (r *Router) Faults() *wirefault.Injector { return &r.faults }

// classify names the service and operation of a signed API request.
func serviceOperation(req *http.Request, body []byte) (service, operation string) {
	if target := req.Header.Get("X-Amz-Target"); target != "" {
		prefix, op, _ := strings.Cut(target, ".")
		if s, ok := targetServices[prefix]; ok {
			return s, op
		}
		return strings.ToLower(prefix), op
	}
	if req.Method == http.MethodPost && req.URL.Path == "/" &&
		strings.HasPrefix(req.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		form, _ := url.ParseQuery(string(body))
		if isEC2Request(req) {
			return "ec2", form.Get("Action")
		}
		return "sts", form.Get("Action")
	}
	if strings.HasPrefix(req.URL.Path, "/tags/") {
		switch req.Method {
		case http.MethodGet:
			return "drs", "ListTagsForResource"
		case http.MethodPost:
			return "drs", "TagResource"
		case http.MethodDelete:
			return "drs", "UntagResource"
		}
	}
	return "drs", strings.TrimPrefix(req.URL.Path, "/")
}

// injectFault answers req with a wire fault when a rule fires, and
// reports whether it did. fail writes an error in the protocol's shape.
func (r *Router) injectFault(w http.ResponseWriter, req *http.Request, body []byte, fail func(*awswire.APIError)) bool {
	service, op := serviceOperation(req, body)
	f, ok := r.faults.Decide(service, op)
	if !ok {
		return false
	}
	if f.Kind == wirefault.KindReset {
		awswire.ResetConnection(w)
		return true
	}
	msg := fmt.Sprintf("simulated %d %s on %s %s (wire fault injected through /_sim/wire-faults)", f.Status, f.Code, service, op)
	fail(awswire.NewError(f.Status, f.Code, msg))
	return true
}

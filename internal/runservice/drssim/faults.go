package drssim

import (
	"fmt"
	"net/http"
	"slices"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/awswire"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/wirefault"
)

// Kinds of OperationFault.
const (
	// FaultService answers with an HTTP 5xx service error whose code no
	// DRS operation's model lists (InternalFailure, ServiceUnavailable …):
	// SDKs raise a generic service error, Step Functions SDK integrations
	// Drs.DrsException.
	FaultService = "service"
	// FaultClient makes the call fail on the client's side: no answer
	// arrives (over HTTP the connection is reset; a Step Functions task
	// fails with Drs.SdkClientException).
	FaultClient = "client"
)

// OperationFault makes calls of DRS operations fail the ways AWS fails
// and the DRS model does not list. It applies to every caller of the
// estate: SDK clients over HTTP and the state machines' DRS tasks.
type OperationFault struct {
	// Operation is a DRS operation (StartRecovery …); empty: every one.
	Operation string `json:"operation,omitempty"`
	// Kind is "service" or "client".
	Kind string `json:"kind"`
	// Status of a service fault: 500 to 599 (500 when zero).
	Status int `json:"status,omitempty"`
	// After lets that many matching calls through first.
	After int `json:"after,omitempty"`
	// Count stops the fault after that many failed calls (0: no limit).
	Count int `json:"count,omitempty"`
	// Probability fails each matching call with this probability, drawn
	// deterministically from Seed and the call's position; 0: every call.
	Probability float64 `json:"probability,omitempty"`
	Seed        int64   `json:"seed,omitempty"`
	// Seen and Failed count matching and failed calls (kept with the
	// estate, so a restart continues the same sequence).
	Seen   int `json:"seen,omitempty"`
	Failed int `json:"failed,omitempty"`
}

func (f OperationFault) validate() error {
	if f.Operation != "" {
		if _, ok := modelledErrors[f.Operation]; !ok {
			return fmt.Errorf("operation %q is not a DRS operation", f.Operation)
		}
	}
	switch f.Kind {
	case FaultService:
		if f.Status != 0 && (f.Status < 500 || f.Status > 599) {
			return fmt.Errorf("status %d: a service fault answers 500 to 599", f.Status)
		}
	case FaultClient:
		if f.Status != 0 {
			return fmt.Errorf("a client fault has no status")
		}
	default:
		return fmt.Errorf("kind %q must be %q or %q", f.Kind, FaultService, FaultClient)
	}
	if f.After < 0 || f.Count < 0 || f.Seen < 0 || f.Failed < 0 {
		return fmt.Errorf("after, count, seen and failed must be 0 or more")
	}
	if !(f.Probability >= 0 && f.Probability <= 1) {
		return fmt.Errorf("probability %v must be between 0 and 1", f.Probability)
	}
	return nil
}

// errClientFault marks an injected client-side failure: Invoke returns a
// plain error and the HTTP handler resets the connection.
var errClientFault = awswire.NewError(0, "", "simulated client-side failure: the connection was reset before DRS answered")

// operationFault counts a call of op against the estate's operation faults
// and returns the failure to inject, if one fires. The caller holds e.mu.
func (e *estate) operationFault(op string) *awswire.APIError {
	var out *awswire.APIError
	for i := range e.faults.Errors {
		f := &e.faults.Errors[i]
		if f.Operation != "" && f.Operation != op {
			continue
		}
		f.Seen++
		e.dirtyMeta = true
		if out != nil || f.Seen <= f.After || (f.Count > 0 && f.Failed >= f.Count) {
			continue
		}
		if f.Probability > 0 && wirefault.Draw(f.Seed, i, f.Seen) >= f.Probability {
			continue
		}
		f.Failed++
		if f.Kind == FaultClient {
			out = errClientFault
			continue
		}
		status := f.Status
		if status == 0 {
			status = http.StatusInternalServerError
		}
		code := wirefault.CodeFor(status)
		out = awswire.NewError(status, code, fmt.Sprintf("simulated unmodelled %d %s on %s (operation fault injected through /_sim/faults)", status, code, op))
	}
	return out
}

// clone copies the faults, so a summary can leave the estate's lock.
func (f Faults) clone() Faults {
	f.Errors = slices.Clone(f.Errors)
	return f
}

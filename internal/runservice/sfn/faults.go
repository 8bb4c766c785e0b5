package sfn

import (
	"database/sql"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/drsorch/terraform-provider-drsorch/internal/asl"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/awswire"
)

// Faults are failures AWS Step Functions has that its service model does
// not list, injected on purpose (POST /_sim/sfn/faults, or Options.Faults).
type Faults struct {
	// API faults on Step Functions API calls, checked in order.
	API []APIFault `json:"api,omitempty"`
	// RolePropagationSeconds makes CreateStateMachine and UpdateStateMachine
	// refuse a role ARN that the run service first saw less than this many
	// simulated seconds ago, as AWS does while a new IAM role propagates.
	RolePropagationSeconds float64 `json:"rolePropagationSeconds,omitempty"`
	// Tasks are errors that SDK-integration Task states fail with instead
	// of calling the service (Drs.DrsException, Drs.SdkClientException …).
	Tasks []TaskFault `json:"tasks,omitempty"`
}

// APIFault kinds.
const (
	FaultThrottle = "throttle" // HTTP 400 ThrottlingException "Rate exceeded"
	Fault5xx      = "5xx"      // HTTP 500 InternalFailure, or 503 ServiceUnavailable with status 503
	FaultReset    = "reset"    // the connection is reset without an answer
)

// APIFault fails matching API calls: the next Count of them, or Percent of
// them spread evenly and deterministically (50: every second call).
type APIFault struct {
	Operation string `json:"operation,omitempty"` // e.g. "StartExecution"; empty: every operation
	Kind      string `json:"kind"`
	Status    int    `json:"status,omitempty"` // 5xx: 500 (default) or 503
	Count     int    `json:"count,omitempty"`
	Percent   int    `json:"percent,omitempty"`

	seen int // matching calls so far (Percent)
}

// TaskFault fails the Task states whose resource starts with Resource
// (empty: every Task) with Error and Cause; Count of them, or all when 0.
type TaskFault struct {
	Resource string `json:"resource,omitempty"`
	Error    string `json:"error"`
	Cause    string `json:"cause,omitempty"`
	Count    int    `json:"count,omitempty"`

	unlimited bool
}

func (f *Faults) validate() error {
	for i, a := range f.API {
		switch {
		case a.Kind != FaultThrottle && a.Kind != Fault5xx && a.Kind != FaultReset:
			return fmt.Errorf("api[%d].kind: %q is not one of %s, %s, %s", i, a.Kind, FaultThrottle, Fault5xx, FaultReset)
		case a.Count < 0 || a.Percent < 0 || a.Percent > 100:
			return fmt.Errorf("api[%d]: count must be 0 or more and percent between 0 and 100", i)
		case a.Count == 0 && a.Percent == 0:
			return fmt.Errorf("api[%d]: give a count or a percent", i)
		case a.Kind == Fault5xx && a.Status != 0 && a.Status != 500 && a.Status != 503:
			return fmt.Errorf("api[%d].status: %d (500 or 503)", i, a.Status)
		}
	}
	for i, t := range f.Tasks {
		if t.Error == "" || t.Count < 0 {
			return fmt.Errorf("tasks[%d]: an error name is required and count must be 0 or more", i)
		}
	}
	if f.RolePropagationSeconds < 0 {
		return errors.New("rolePropagationSeconds must be 0 or more")
	}
	return nil
}

// faultState holds the injected faults; API handlers and task goroutines
// read it concurrently.
type faultState struct {
	mu sync.Mutex
	f  Faults
}

// SetFaults replaces the injected faults.
func (e *Engine) SetFaults(f Faults) error {
	if err := f.validate(); err != nil {
		return err
	}
	f.API = append([]APIFault(nil), f.API...)
	f.Tasks = append([]TaskFault(nil), f.Tasks...)
	for i := range f.Tasks {
		f.Tasks[i].unlimited = f.Tasks[i].Count == 0
	}
	e.faults.mu.Lock()
	e.faults.f = f
	e.faults.mu.Unlock()
	return nil
}

// Faults returns the faults still armed.
func (e *Engine) Faults() Faults {
	e.faults.mu.Lock()
	defer e.faults.mu.Unlock()
	f := e.faults.f
	f.API = append([]APIFault(nil), f.API...)
	f.Tasks = append([]TaskFault(nil), f.Tasks...)
	return f
}

// apiFault returns the fault the next call of operation meets, if any.
func (e *Engine) apiFault(operation string) (APIFault, bool) {
	e.faults.mu.Lock()
	defer e.faults.mu.Unlock()
	for i := range e.faults.f.API {
		a := &e.faults.f.API[i]
		if a.Operation != "" && a.Operation != operation {
			continue
		}
		if a.Count > 0 {
			a.Count--
			hit := *a
			if a.Count == 0 && a.Percent == 0 {
				e.faults.f.API = append(e.faults.f.API[:i], e.faults.f.API[i+1:]...)
			}
			return hit, true
		}
		if a.Percent > 0 {
			a.seen++
			if a.seen*a.Percent/100 > (a.seen-1)*a.Percent/100 {
				return *a, true
			}
		}
	}
	return APIFault{}, false
}

// taskFault returns the injected error for a Task of resource, if any.
func (e *Engine) taskFault(resource string) *asl.Error {
	e.faults.mu.Lock()
	defer e.faults.mu.Unlock()
	for i := range e.faults.f.Tasks {
		t := &e.faults.f.Tasks[i]
		if !strings.HasPrefix(resource, t.Resource) {
			continue
		}
		out := &asl.Error{Name: t.Error, Cause: t.Cause}
		if out.Cause == "" {
			out.Cause = defaultTaskFaultCause(t.Error)
		}
		if !t.unlimited {
			if t.Count--; t.Count == 0 {
				e.faults.f.Tasks = append(e.faults.f.Tasks[:i], e.faults.f.Tasks[i+1:]...)
			}
		}
		return out
	}
	return nil
}

// defaultTaskFaultCause words an injected SDK-integration error as Step
// Functions reports them: <Service>.SdkClientException when the SDK could
// not reach the service or read its answer, <Service>.<Service>Exception for
// an error outside the service's model.
func defaultTaskFaultCause(name string) string {
	service, exception, _ := strings.Cut(name, ".")
	switch {
	case exception == "SdkClientException":
		return "Unable to execute HTTP request: Connection reset (SDK Attempt Count: 1)"
	case exception == service+"Exception":
		return fmt.Sprintf("Service returned error code InternalError (Service: %s, Status Code: 503, Request ID: %s)", service, newUUID())
	}
	return "injected by the run service"
}

// serveFault answers a request with an injected API fault; false when none applies.
func (s *Service) serveFault(w http.ResponseWriter, r *http.Request) bool {
	name, ok := strings.CutPrefix(r.Header.Get("X-Amz-Target"), TargetPrefix+".")
	if !ok || s.ops[name] == nil {
		return false
	}
	f, hit := s.e.apiFault(name)
	if !hit {
		return false
	}
	switch f.Kind {
	case FaultThrottle:
		awswire.WriteJSONProtocolError(w, awswire.ContentTypeJSON10, awswire.NewError(http.StatusBadRequest, "ThrottlingException", "Rate exceeded"))
	case Fault5xx:
		if f.Status == http.StatusServiceUnavailable {
			awswire.WriteJSONProtocolError(w, awswire.ContentTypeJSON10, awswire.NewError(http.StatusServiceUnavailable, "ServiceUnavailable", "Service Unavailable"))
		} else {
			awswire.WriteJSONProtocolError(w, awswire.ContentTypeJSON10, awswire.NewError(http.StatusInternalServerError, "InternalFailure", "The request processing has failed because of an unknown error, exception or failure."))
		}
	case FaultReset:
		resetConnection(w)
	}
	return true
}

// resetConnection drops the client's connection with a TCP reset.
func resetConnection(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler) // the server closes the connection unanswered
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}

// checkRolePropagation records when a role was first seen and refuses it
// while it "propagates" (Faults.RolePropagationSeconds), with the error AWS
// gives then: "Neither the global service principal states.amazonaws.com,
// nor the regional one is authorized to assume the provided role."
// (reported by users, e.g. github.com/lumigo-io/lumigo-CLI/issues/83;
// tools retry it, as REFERENCE.md notes for the Terraform AWS provider).
func (e *Engine) checkRolePropagation(tx *sql.Tx, role string, now time.Time) error {
	if _, err := tx.Exec(`INSERT OR IGNORE INTO sfn_roles (role_arn, first_seen_ns) VALUES (?, ?)`, role, nanos(now)); err != nil {
		return err
	}
	e.faults.mu.Lock()
	wait := time.Duration(e.faults.f.RolePropagationSeconds * float64(time.Second))
	e.faults.mu.Unlock()
	if wait <= 0 {
		return nil
	}
	var first int64
	if err := tx.QueryRow(`SELECT first_seen_ns FROM sfn_roles WHERE role_arn = ?`, role).Scan(&first); err != nil {
		return err
	}
	if now.Sub(fromNanos(first)) < wait {
		return apiErr("AccessDeniedException", "Neither the global service principal states.amazonaws.com, nor the regional one is authorized to assume the provided role.")
	}
	return nil
}

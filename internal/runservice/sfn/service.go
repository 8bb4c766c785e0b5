// Package sfn is the run service's AWS Step Functions: the awsJson1.0 API
// as the service model defines it, and a durable engine that runs STANDARD
// state machines (parsed by internal/asl) on SQLite and the simulated
// clock. Task resources are aws-sdk:drs:* (through a DRSInvoker) and
// events:putEvents, including the .waitForTaskToken pattern.
//
// # Durability
//
// One goroutine (the loop) owns every execution. It takes a batch of work
// (API calls, task answers, timer wake-ups), advances the executions it
// touches, and commits their new runtime (threads, pending tasks) and
// history events in one SQLite transaction. Only then do effects happen:
// task requests are sent, timers armed, API calls answered. A process
// killed at any point therefore restarts from a committed state, and every
// running execution resumes where it stood (NewEngine re-arms timers,
// re-queues runnable threads and re-sends unanswered task requests).
//
// Waiting costs nothing: an execution on a Wait state, a retry backoff or
// a task token is a row plus, for waits, a simulated-clock timer; it is
// loaded again when something happens to it.
//
// Non-idempotent DRS actions (StartRecovery, TerminateRecoveryInstances)
// whose answer was never recorded are not sent again blindly after a
// restart: the engine first looks for the job they created (DescribeJobs
// from the scheduling time, matching tags and servers or recovery
// instances) and adopts it.
package sfn

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/awswire"
)

// TargetPrefix is Step Functions' X-Amz-Target prefix.
const TargetPrefix = "AWSStepFunctions"

// maxRequestBytes bounds a whole request: "Maximum request size: 1 MB per
// request. This is the total data size per Step Functions API request,
// including the request header and all other associated request data."
// (https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html,
// general quotas). The stricter reading is taken: 1 MB = 1,048,576 bytes,
// headers counted.
const maxRequestBytes = 1 << 20

// maxDefinitionChars is the model's Definition max length (1,048,576
// characters), refused with InvalidDefinition.
const maxDefinitionChars = 1 << 20

// headerBytes is the size of a request's header block as sent on the wire.
func headerBytes(r *http.Request) int {
	n := len(r.Method) + len(r.URL.RequestURI()) + len(r.Proto) + 4 + len(r.Host) + len("Host: \r\n")
	for k, vs := range r.Header {
		for _, v := range vs {
			n += len(k) + len(v) + 4
		}
	}
	return n + 2
}

// Service is the Step Functions API over an Engine.
type Service struct {
	e   *Engine
	ops map[string]handler
}

type handler func(ctx context.Context, id awswire.Identity, body []byte) (any, error)

// New starts the engine (resuming recorded executions) and its API.
func New(opts Options) (*Service, error) {
	e, err := NewEngine(opts)
	if err != nil {
		return nil, err
	}
	s := &Service{e: e}
	s.ops = map[string]handler{
		"CreateStateMachine":               s.createStateMachine,
		"UpdateStateMachine":               s.updateStateMachine,
		"DescribeStateMachine":             s.describeStateMachine,
		"DeleteStateMachine":               s.deleteStateMachine,
		"ListStateMachines":                s.listStateMachines,
		"ValidateStateMachineDefinition":   s.validateDefinition,
		"StartExecution":                   s.startExecution,
		"DescribeExecution":                s.describeExecution,
		"ListExecutions":                   s.listExecutions,
		"StopExecution":                    s.stopExecution,
		"GetExecutionHistory":              s.getExecutionHistory,
		"DescribeStateMachineForExecution": s.describeStateMachineForExecution,
		"SendTaskSuccess":                  s.sendTaskSuccess,
		"SendTaskFailure":                  s.sendTaskFailure,
		"SendTaskHeartbeat":                s.sendTaskHeartbeat,
		"TagResource":                      s.tagResource,
		"UntagResource":                    s.untagResource,
		"ListTagsForResource":              s.listTagsForResource,
		"PublishStateMachineVersion":       s.publishStateMachineVersion,
		"ListStateMachineVersions":         s.listStateMachineVersions,
		"DeleteStateMachineVersion":        s.deleteStateMachineVersion,
		"CreateStateMachineAlias":          s.createStateMachineAlias,
		"DescribeStateMachineAlias":        s.describeStateMachineAlias,
		"UpdateStateMachineAlias":          s.updateStateMachineAlias,
		"DeleteStateMachineAlias":          s.deleteStateMachineAlias,
		"ListStateMachineAliases":          s.listStateMachineAliases,
		"RedriveExecution":                 s.redriveExecution,
		"TestState":                        s.testState,
	}
	return s, nil
}

// Engine is the service's engine.
func (s *Service) Engine() *Engine { return s.e }

// Close stops the engine.
func (s *Service) Close() error { return s.e.Close() }

func (s *Service) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if s.serveFault(w, r) {
		return
	}
	out, err := s.serve(r)
	if err != nil {
		awswire.WriteJSONProtocolError(w, awswire.ContentTypeJSON10, toAPIError(err))
		return
	}
	awswire.WriteJSON(w, awswire.ContentTypeJSON10, http.StatusOK, out)
}

func (s *Service) serve(r *http.Request) (out any, err error) {
	defer func() {
		// A bug must answer 500, never take the service down.
		if p := recover(); p != nil {
			out, err = nil, awswire.NewError(http.StatusInternalServerError, "InternalFailure", "internal error while serving the request")
		}
	}()
	target := r.Header.Get("X-Amz-Target")
	name, ok := strings.CutPrefix(target, TargetPrefix+".")
	h := s.ops[name]
	if !ok || h == nil {
		return nil, awswire.NewError(http.StatusBadRequest, "UnknownOperationException",
			"the run service's Step Functions does not serve "+target)
	}
	if r.Method != http.MethodPost {
		return nil, validationErr("Step Functions operations are POST requests")
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxRequestBytes+1))
	if err != nil {
		return nil, validationErr("request body is unreadable: %v", err)
	}
	if size := len(body) + headerBytes(r); size > maxRequestBytes {
		return nil, validationErr("1 validation error detected: the request is %d bytes (headers and body), more than the maximum request size of 1 MB (%d bytes) per Step Functions API request", size, maxRequestBytes)
	}
	if len(strings.TrimSpace(string(body))) == 0 {
		body = []byte("{}")
	}
	id, _ := awswire.IdentityFrom(r.Context())
	if id.Region == "" {
		id.Region = "us-east-1"
	}
	if id.Account == "" {
		id.Account = awswire.DefaultAccount
	}
	return h(r.Context(), id, body)
}

func toAPIError(err error) *awswire.APIError {
	var apiErr *awswire.APIError
	if errors.As(err, &apiErr) {
		return apiErr
	}
	if errors.Is(err, errEngineClosed) {
		return awswire.NewError(http.StatusServiceUnavailable, "ServiceUnavailable", err.Error())
	}
	return internalErr(err)
}

// decodeRequest reads a request body into v.
func decodeRequest(body []byte, v any) error {
	if err := json.Unmarshal(body, v); err != nil {
		return apiErr("SerializationException", "request body is not valid for this operation: %v", err)
	}
	return nil
}

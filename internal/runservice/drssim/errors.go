package drssim

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/awswire"
)

// Validation reasons: the model's ValidationExceptionReason values.
const (
	reasonCannotParse      = "cannotParse"
	reasonFieldValidation  = "fieldValidationFailed"
	reasonUnknownOperation = "unknownOperation"
	reasonOther            = "other"
)

// fieldError names one request member that failed validation.
type fieldError struct {
	Name    string `json:"name"`
	Message string `json:"message"`
}

func validationError(reason, message string, fields ...fieldError) *awswire.APIError {
	e := awswire.NewError(http.StatusBadRequest, "ValidationException", message).With("reason", reason)
	if len(fields) > 0 {
		e.With("fieldList", fields)
	}
	return e
}

// invalidField is the common case: one member is wrong.
func invalidField(name, format string, args ...any) *awswire.APIError {
	msg := fmt.Sprintf(format, args...)
	return validationError(reasonFieldValidation, name+": "+msg, fieldError{Name: name, Message: msg})
}

func notFound(resourceType, id string) *awswire.APIError {
	return awswire.NewError(http.StatusNotFound, "ResourceNotFoundException",
		fmt.Sprintf("%s %s does not exist in this account and region", resourceType, id)).
		With("resourceId", id).With("resourceType", resourceType)
}

func conflict(resourceType, id, message string) *awswire.APIError {
	return awswire.NewError(http.StatusConflict, "ConflictException", message).
		With("resourceId", id).With("resourceType", resourceType)
}

func quotaExceeded(q quotaDef, limit int, resourceType, resourceID, detail string) *awswire.APIError {
	return awswire.NewError(http.StatusPaymentRequired, "ServiceQuotaExceededException",
		fmt.Sprintf("%s: quota %s (%s) is %d; %s", q.Name, q.Code, q.Name, limit, detail)).
		With("serviceCode", "drs").With("quotaCode", q.Code).
		With("resourceId", resourceID).With("resourceType", resourceType)
}

func uninitialized() *awswire.APIError {
	return awswire.NewError(http.StatusBadRequest, "UninitializedAccountException",
		"Elastic Disaster Recovery is not initialized in this account and region: call InitializeService first")
}

func throttled(retryAfter int) *awswire.APIError {
	e := awswire.NewError(http.StatusTooManyRequests, "ThrottlingException",
		"Rate exceeded (simulated throttling): retry after the delay in Retry-After").
		With("serviceCode", "drs").With("retryAfterSeconds", strconv.Itoa(retryAfter))
	e.RetryAfterSeconds = retryAfter
	return e
}

func internalError(err error) *awswire.APIError {
	return awswire.NewError(http.StatusInternalServerError, "InternalServerException", err.Error())
}

// statusOf is the HTTP status of each DRS error shape in the model.
var statusOf = map[string]int{
	eAccessDenied:  http.StatusForbidden,
	eConflict:      http.StatusConflict,
	eInternal:      http.StatusInternalServerError,
	eNotFound:      http.StatusNotFound,
	eQuota:         http.StatusPaymentRequired,
	eThrottling:    http.StatusTooManyRequests,
	eUninitialized: http.StatusBadRequest,
	eValidation:    http.StatusBadRequest,
}

// substitutes says which modelled error stands in for an error an
// operation's model does not list, in order of preference. The DRS model
// leaves ValidationException out of many operations (StartRecovery,
// TerminateRecoveryInstances, the Get*/Delete* calls …) and
// ResourceNotFoundException out of some (StartRecovery,
// TerminateRecoveryInstances, DeleteRecoveryInstance). An SDK decodes only
// the modelled errors into typed ones (aws-sdk-go-v2's errors.As, the Step
// Functions task error Drs.<Exception>), so the simulator answers with the
// closest modelled error: a request that names something that does not
// exist, or cannot be served in the resource's present state, is a
// ConflictException on the resource where ResourceNotFoundException is
// not modelled, and a malformed request is a ResourceNotFoundException or
// ConflictException where ValidationException is not.
var substitutes = map[string][]string{
	eValidation:    {eNotFound, eConflict, eAccessDenied},
	eNotFound:      {eConflict, eValidation, eAccessDenied},
	eUninitialized: {eNotFound, eAccessDenied, eValidation},
	eConflict:      {eValidation, eNotFound},
	eQuota:         {eConflict, eValidation},
	eAccessDenied:  {eValidation, eConflict, eNotFound},
}

// errorMembers are the members each error shape defines besides message.
var errorMembers = map[string][]string{
	eConflict:      {"code", "resourceId", "resourceType"},
	eNotFound:      {"code", "resourceId", "resourceType"},
	eQuota:         {"code", "resourceId", "resourceType", "serviceCode", "quotaCode"},
	eThrottling:    {"serviceCode", "quotaCode", "retryAfterSeconds"},
	eInternal:      {"retryAfterSeconds"},
	eValidation:    {"code", "reason", "fieldList"},
	eAccessDenied:  {"code"},
	eUninitialized: {"code"},
}

// conform returns e as one of the errors the model lists for op (see
// substitutes). The members the new shape does not define are dropped.
func conform(op string, e *awswire.APIError) *awswire.APIError {
	allowed, known := modelledErrors[op]
	if e == nil || !known || slices.Contains(allowed, e.Code) {
		return e
	}
	code := eInternal
	for _, alt := range substitutes[e.Code] {
		if slices.Contains(allowed, alt) {
			code = alt
			break
		}
	}
	out := awswire.NewError(statusOf[code], code, e.Message)
	for _, k := range errorMembers[code] {
		if v, ok := e.Fields[k]; ok {
			out.With(k, v)
		}
	}
	if code == eNotFound || code == eConflict {
		if _, ok := out.Fields["resourceId"]; !ok {
			if fl, ok := e.Fields["fieldList"].([]fieldError); ok && len(fl) > 0 {
				out.With("resourceId", fl[0].Name)
			}
		}
	}
	return out
}

// IsModelledError reports whether the DRS model lists code among the
// errors of operation: Step Functions surfaces an SDK integration's
// unmodelled errors as Drs.DrsException.
func IsModelledError(operation, code string) bool {
	return slices.Contains(modelledErrors[operation], code)
}

package drssim

import (
	"fmt"
	"net/http"
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

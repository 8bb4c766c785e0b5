package sfn

import (
	"fmt"
	"net/http"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/awswire"
)

// apiErr builds a Step Functions client error (HTTP 400, the shape's name in __type).
func apiErr(code, format string, args ...any) *awswire.APIError {
	return awswire.NewError(http.StatusBadRequest, code, fmt.Sprintf(format, args...))
}

func validationErr(format string, args ...any) *awswire.APIError {
	return apiErr("ValidationException", format, args...)
}

func missing(member string) *awswire.APIError {
	return validationErr("1 validation error detected: Value null at '%s' failed to satisfy constraint: Member must not be null", member)
}

func internalErr(err error) *awswire.APIError {
	return awswire.NewError(http.StatusInternalServerError, "InternalFailure", err.Error())
}

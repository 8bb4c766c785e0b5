package provider

import (
	"errors"
	"fmt"
	"net"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/drs/types"
	smithy "github.com/aws/smithy-go"
	"github.com/hashicorp/terraform-plugin-framework/diag"
)

// addAPIError turns an AWS error into a diagnostic that says what
// happened and what to change. action names the read or write, e.g.
// "read DRS source servers in us-east-1".
func addAPIError(diags *diag.Diagnostics, action string, err error) {
	summary, detail := explainAPIError(err)
	diags.AddError(fmt.Sprintf("Could not %s: %s", action, summary), detail)
}

func explainAPIError(err error) (summary, detail string) {
	raw := err.Error()
	var (
		denied      *types.AccessDeniedException
		notFound    *types.ResourceNotFoundException
		validation  *types.ValidationException
		throttled   *types.ThrottlingException
		internal    *types.InternalServerException
		uninit      *types.UninitializedAccountException
		quota       *types.ServiceQuotaExceededException
		conflict    *types.ConflictException
		maxAttempts *retry.MaxAttemptsError
		netErr      net.Error
	)
	switch {
	case errors.As(err, &uninit):
		return "DRS is not initialized in this account and region",
			"Initialize Elastic Disaster Recovery once per account and region (console, or `aws drs initialize-service`), then retry.\n\n" + raw
	case errors.As(err, &denied):
		return "access denied",
			"The credentials in use are not allowed to call this operation. Grant the IAM permission named below, or configure `profile` / `assume_role` with a role that has it.\n\n" + raw
	case errors.As(err, &notFound):
		return "not found", raw
	case errors.As(err, &validation):
		var fields []string
		for _, f := range validation.FieldList {
			fields = append(fields, fmt.Sprintf("%s: %s", deref(f.Name), deref(f.Message)))
		}
		d := "DRS rejected the request as invalid"
		if len(fields) > 0 {
			d += " (" + strings.Join(fields, "; ") + ")"
		}
		return "invalid request", d + ".\n\n" + raw
	case errors.As(err, &throttled), errors.As(err, &maxAttempts) && isThrottle(err):
		return "AWS kept throttling the requests",
			"The request was throttled on every retry. Raise `max_retries` in the provider block, or run fewer operations in parallel (terraform -parallelism).\n\n" + raw
	case errors.As(err, &internal):
		return "the service failed internally",
			"DRS returned an internal error on every retry. Try again later.\n\n" + raw
	case errors.As(err, &quota):
		return "a DRS quota would be exceeded",
			fmt.Sprintf("Quota %s (%s). Read the limits with data.drsorch_quotas, or request an increase in Service Quotas.\n\n%s", deref(quota.QuotaCode), deref(quota.ResourceType), raw)
	case errors.As(err, &conflict):
		return "conflict", fmt.Sprintf("%s %s is busy (for example already in an active job). Wait for it, then retry.\n\n%s", deref(conflict.ResourceType), deref(conflict.ResourceId), raw)
	case errors.As(err, &netErr):
		return "the endpoint cannot be reached",
			"Check the endpoint configuration (`run_service_endpoint`, `endpoints`): is `drsorch serve` running there, or is the network path to AWS open?\n\n" + raw
	}
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		return apiErr.ErrorCode(), raw
	}
	return "request failed", raw
}

func isThrottle(err error) bool {
	var apiErr smithy.APIError
	return errors.As(err, &apiErr) && strings.Contains(apiErr.ErrorCode(), "Throttl")
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

package provider

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/drs/types"
	smithy "github.com/aws/smithy-go"
	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/drsorch/terraform-provider-drsorch/internal/plans"
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
		validation *types.ValidationException
		quota      *types.ServiceQuotaExceededException
		conflict   *types.ConflictException
		netErr     net.Error
		apiErr     smithy.APIError
	)
	// Classify by error code: operations do not model every error (for
	// example DescribeSourceServers has no AccessDeniedException type).
	code := ""
	if errors.As(err, &apiErr) {
		code = apiErr.ErrorCode()
	}
	var roleRefused *plans.RoleNotAssumableError
	switch {
	case errors.As(err, &roleRefused):
		return "Step Functions cannot assume the execution role", raw
	case plans.RoleNotAssumable(err):
		return "Step Functions cannot assume the execution role",
			"Its trust policy must allow states.amazonaws.com (data.drsorch_orchestrator_policy gives it); a role created moments ago may still be propagating.\n\n" + raw
	case errors.Is(err, context.DeadlineExceeded):
		return "timed out",
			"The operation did not finish within the resource's time limit. Raise it in the resource's `timeouts` block (or look for throttling in TF_LOG=DEBUG), then apply again.\n\n" + raw
	case code == "UninitializedAccountException":
		return "DRS is not initialized in this account and region",
			"Initialize Elastic Disaster Recovery once per account and region (console, or `aws drs initialize-service`), then retry.\n\n" + raw
	case code == "AccessDeniedException" || code == "AccessDenied" || code == "UnauthorizedOperation":
		return "access denied",
			"The credentials in use are not allowed to call this operation. Grant the IAM permission named below, or configure `profile` / `assume_role` with a role that has it.\n\n" + raw
	case code == "ResourceNotFoundException":
		return "not found", raw
	case code == "ValidationException":
		d := "DRS rejected the request as invalid"
		if errors.As(err, &validation) && len(validation.FieldList) > 0 {
			var fields []string
			for _, f := range validation.FieldList {
				fields = append(fields, fmt.Sprintf("%s: %s", deref(f.Name), deref(f.Message)))
			}
			d += " (" + strings.Join(fields, "; ") + ")"
		}
		return "invalid request", d + ".\n\n" + raw
	case strings.Contains(code, "Throttl") || code == "TooManyRequestsException":
		return "AWS kept throttling the requests",
			"The request was throttled on every retry. Raise `max_retries` in the provider block, or run fewer operations in parallel (terraform -parallelism).\n\n" + raw
	case code == "InternalServerException" || code == "ServiceUnavailable" || code == "InternalFailure":
		return "the service failed internally",
			"The service returned an internal error on every retry. Try again later.\n\n" + raw
	case code == "ServiceQuotaExceededException":
		d := "Read the limits with data.drsorch_quotas, or request an increase in Service Quotas."
		if errors.As(err, &quota) {
			d = fmt.Sprintf("Quota %s (%s). %s", deref(quota.QuotaCode), deref(quota.ResourceType), d)
		}
		return "a DRS quota would be exceeded", d + "\n\n" + raw
	case code == "ConflictException":
		d := "The resource is busy (for example already in an active job). Wait for it, then retry."
		if errors.As(err, &conflict) {
			d = fmt.Sprintf("%s %s is busy (for example already in an active job). Wait for it, then retry.", deref(conflict.ResourceType), deref(conflict.ResourceId))
		}
		return "conflict", d + "\n\n" + raw
	case code != "":
		return code, raw
	case errors.As(err, &netErr):
		return "the endpoint cannot be reached",
			"Check the endpoint configuration (`run_service_endpoint`, `endpoints`): is `drsorch serve` running there, or is the network path to AWS open?\n\n" + raw
	}
	return "request failed", raw
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

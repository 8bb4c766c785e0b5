package sfn

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/drsorch/terraform-provider-drsorch/internal/asl"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/awswire"
)

// ssmExceptions are the error shapes of the SSM operations the run
// service serves (botocore ssm 2014-11-06). Step Functions names an SDK
// integration's error after the SDK's exception class, which for SSM's
// shapes without the suffix adds "Exception" (InvalidInstanceId →
// Ssm.InvalidInstanceIdException); a code outside the model becomes the
// service's generic Ssm.SsmException
// (https://docs.aws.amazon.com/step-functions/latest/dg/supported-services-awssdk.html).
var ssmExceptions = map[string]bool{
	"DuplicateInstanceId": true, "InternalServerError": true, "InvalidInstanceId": true, "InvalidDocument": true,
	"InvalidDocumentVersion": true, "InvalidOutputFolder": true, "InvalidParameters": true, "UnsupportedPlatformType": true,
	"MaxDocumentSizeExceeded": true, "InvalidRole": true, "InvalidNotificationConfig": true, "InvalidCommandId": true,
	"InvalidPluginName": true, "InvocationDoesNotExist": true, "InvalidFilterKey": true, "InvalidNextToken": true,
	"AutomationDefinitionNotFoundException": true, "InvalidAutomationExecutionParametersException": true,
	"AutomationExecutionLimitExceededException": true, "AutomationDefinitionVersionNotFoundException": true,
	"IdempotentParameterMismatch": true, "InvalidTarget": true, "AutomationExecutionNotFoundException": true,
}

// SSM's wire members are PascalCase already, as Step Functions' parameters
// and results are: bodies pass through unchanged.
func (e *Engine) invokeSSM(ctx context.Context, id awswire.Identity, action string, params any) ([]byte, *asl.Error) {
	if e.opts.SSM == nil {
		return nil, &asl.Error{Name: "Ssm.SsmException", Cause: "the run service has no SSM to call (it simulates SSM only with the built-in DRS simulator)"}
	}
	body, err := json.Marshal(params)
	if err != nil {
		return nil, &asl.Error{Name: asl.ErrRuntime, Cause: err.Error()}
	}
	operation := strings.ToUpper(action[:1]) + action[1:]
	resp, err := e.opts.SSM.Invoke(ctx, id, operation, body)
	if err != nil {
		var apiErr *awswire.APIError
		if errors.As(err, &apiErr) {
			name := "Ssm.SsmException"
			if ssmExceptions[apiErr.Code] {
				name = "Ssm." + apiErr.Code
				if !strings.HasSuffix(apiErr.Code, "Exception") {
					name += "Exception"
				}
			}
			return nil, &asl.Error{Name: name, Cause: fmt.Sprintf("%s (Service: Ssm, Status Code: %d, Error Code: %s, Request ID: %s)",
				apiErr.Message, apiErr.Status, apiErr.Code, newUUID())}
		}
		return nil, &asl.Error{Name: "Ssm.SdkClientException", Cause: err.Error()}
	}
	if len(resp) == 0 {
		return []byte("{}"), nil
	}
	v, err := asl.DecodeJSON(resp)
	if err != nil {
		return nil, &asl.Error{Name: "Ssm.SdkClientException", Cause: "SSM answered with invalid JSON: " + err.Error()}
	}
	out, err := asl.EncodeJSON(v)
	if err != nil {
		return nil, &asl.Error{Name: asl.ErrRuntime, Cause: err.Error()}
	}
	return out, nil
}

package ec2sim

import (
	"fmt"
	"net/http"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/awswire"
)

// The error codes and messages EC2 answers, as listed at
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html
// (the service model lists no error shapes for EC2). Every client error is
// HTTP 400.

func clientError(code, format string, a ...any) *awswire.APIError {
	return awswire.NewError(http.StatusBadRequest, code, fmt.Sprintf(format, a...))
}

func invalidParameterValue(msg string) *awswire.APIError {
	return clientError("InvalidParameterValue", "%s", msg)
}

func missingParameter(name string) *awswire.APIError {
	return clientError("MissingParameter", "The request must contain the parameter %s", name)
}

func invalidAction(action string) *awswire.APIError {
	return clientError("InvalidAction", "The action %s is not valid for this web service.", action)
}

func subnetNotFound(id string) *awswire.APIError {
	return clientError("InvalidSubnetID.NotFound", "The subnet ID '%s' does not exist", id)
}

func subnetMalformed(id string) *awswire.APIError {
	return clientError("InvalidSubnetID.Malformed", "Invalid id: \"%s\"", id)
}

func groupNotFound(id string) *awswire.APIError {
	return clientError("InvalidGroup.NotFound", "The security group '%s' does not exist", id)
}

func groupMalformed(id string) *awswire.APIError {
	return clientError("InvalidGroupId.Malformed", "Invalid id: \"%s\" (expecting \"sg-...\")", id)
}

func templateNotFound(id string) *awswire.APIError {
	return clientError("InvalidLaunchTemplateId.NotFound", "The specified launch template, with template ID %s, does not exist.", id)
}

func templateMalformed(id string) *awswire.APIError {
	return clientError("InvalidLaunchTemplateId.Malformed", "The specified ID for the launch template (%s) is not valid. Launch template IDs must start with 'lt-' followed by 17 hexadecimal characters.", id)
}

func templateNameNotFound() *awswire.APIError {
	return clientError("InvalidLaunchTemplateName.NotFoundException", "At least one of the launch templates specified in the request does not exist.")
}

func versionNotFound(id, version string) *awswire.APIError {
	return clientError("InvalidLaunchTemplateId.VersionNotFound", "Could not find launch template version %s for launch template with ID %s.", version, id)
}

func instanceNotFound(id string) *awswire.APIError {
	return clientError("InvalidInstanceID.NotFound", "The instance ID '%s' does not exist", id)
}

func dryRunOK() *awswire.APIError {
	return awswire.NewError(http.StatusPreconditionFailed, "DryRunOperation", "Request would have succeeded, but DryRun flag is set.")
}

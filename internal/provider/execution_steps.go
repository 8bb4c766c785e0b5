package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/attr"
	dsschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	rschema "github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/drsorch/terraform-provider-drsorch/internal/executions"
)

// A wave's post-launch steps and health checks in the views of an
// execution (drsorch_execution, data.drsorch_execution).

type executionStepValue struct {
	Name     types.String `tfsdk:"name"`
	Kind     types.String `tfsdk:"kind"`
	Document types.String `tfsdk:"document"`
	Check    types.String `tfsdk:"check"`
	SSMID    types.String `tfsdk:"ssm_id"`
	Status   types.String `tfsdk:"status"`
	Detail   types.String `tfsdk:"detail"`
}

var executionStepType = types.ObjectType{AttrTypes: map[string]attr.Type{
	"name": types.StringType, "kind": types.StringType, "document": types.StringType, "check": types.StringType,
	"ssm_id": types.StringType, "status": types.StringType, "detail": types.StringType,
}}

var executionStepDescriptions = map[string]string{
	"name":     "`post_launch <n>` or `health_check <n>`, in the order they run.",
	"kind":     "`command` (SSM Run Command) or `automation` (SSM Automation).",
	"document": "The SSM document (`AWS-RunShellScript` for health checks).",
	"check":    "What a health check checks, e.g. `http://127.0.0.1:80/health`; null for a post-launch step.",
	"ssm_id":   "The SSM command ID or automation execution ID; null until known.",
	"status":   "`PENDING`, the SSM status the step ended with (`Success`), `FAILED` (see `detail`) or `NOT_RUN` (after a failed step).",
	"detail":   "For the failed step: why, with the command's output on the instance that failed.",
}

func executionStepsResourceAttribute() rschema.ListNestedAttribute {
	attrs := map[string]rschema.Attribute{}
	for k, d := range executionStepDescriptions {
		attrs[k] = rschema.StringAttribute{Computed: true, Description: d}
	}
	return rschema.ListNestedAttribute{Computed: true, Description: "The wave's post-launch steps and health checks, with their outcome.",
		NestedObject: rschema.NestedAttributeObject{Attributes: attrs}}
}

func executionStepsDataSourceAttribute() dsschema.ListNestedAttribute {
	attrs := map[string]dsschema.Attribute{}
	for k, d := range executionStepDescriptions {
		attrs[k] = dsschema.StringAttribute{Computed: true, Description: d}
	}
	return dsschema.ListNestedAttribute{Computed: true, Description: "The wave's post-launch steps and health checks, with their outcome.",
		NestedObject: dsschema.NestedAttributeObject{Attributes: attrs}}
}

func executionSteps(steps []executions.Step) []executionStepValue {
	out := make([]executionStepValue, len(steps))
	for i, s := range steps {
		out[i] = executionStepValue{Name: types.StringValue(s.Name), Kind: types.StringValue(s.Kind), Document: types.StringValue(s.Document),
			Check: optionalString(s.Check), SSMID: optionalString(s.ID), Status: types.StringValue(s.Status), Detail: optionalString(s.Detail)}
	}
	return out
}

package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/attr"
	dsschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	rschema "github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/drsorch/terraform-provider-drsorch/internal/executions"
)

// A server's DRS launch action (post-launch action) runs in the views of
// an execution (drsorch_execution, data.drsorch_execution), as the wave's
// job reports them.

var executionLaunchActionFields = map[string]viewField{
	"name":           {types.StringType, "The action's name."},
	"document":       {types.StringType, "The SSM document it runs (the action code)."},
	"order":          {types.Int64Type, "Its order: DRS runs the actions one after another, lowest first."},
	"must_succeed":   {types.BoolType, "True when the action is not `optional`: its failure fails the server's launch."},
	"status":         {types.StringType, "`IN_PROGRESS`, `SUCCEEDED` or `FAILED`."},
	"failure_reason": {types.StringType, "Why a `FAILED` run failed, as DRS reports it (the run service names the SSM command or automation execution); null otherwise."},
}

const executionLaunchActionsDescription = "DRS's launch action (post-launch action) runs on the recovery instance, in order, as the wave's job reports " +
	"them (`drsorch_launch_action`, with `post_launch_enabled` in the server's launch settings). An action that must succeed and fails " +
	"makes the launch `FAILED`, and `launch_error` gives its failure."

var executionLaunchActionType = types.ObjectType{AttrTypes: fieldTypes(executionLaunchActionFields)}

func executionLaunchActionsResourceAttribute() rschema.ListNestedAttribute {
	return rschema.ListNestedAttribute{Computed: true, Description: executionLaunchActionsDescription,
		NestedObject: rschema.NestedAttributeObject{Attributes: resourceFields(executionLaunchActionFields)}}
}

func executionLaunchActionsDataSourceAttribute() dsschema.ListNestedAttribute {
	return dsschema.ListNestedAttribute{Computed: true, Description: executionLaunchActionsDescription,
		NestedObject: dsschema.NestedAttributeObject{Attributes: dataSourceFields(executionLaunchActionFields)}}
}

func executionLaunchActions(runs []executions.LaunchActionRun) types.List {
	out := make([]attr.Value, len(runs))
	for i, r := range runs {
		out[i] = types.ObjectValueMust(executionLaunchActionType.AttrTypes, map[string]attr.Value{
			"name": optionalString(r.Name), "document": optionalString(r.Document), "order": types.Int64Value(int64(r.Order)),
			"must_succeed": types.BoolValue(r.MustSucceed), "status": optionalString(r.Status), "failure_reason": optionalString(r.FailureReason)})
	}
	return types.ListValueMust(executionLaunchActionType, out)
}

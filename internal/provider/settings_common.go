package provider

import (
	"context"
	"errors"
	"fmt"

	drstypes "github.com/aws/aws-sdk-go-v2/service/drs/types"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"

	"github.com/drsorch/terraform-provider-drsorch/internal/awsclient"
	"github.com/drsorch/terraform-provider-drsorch/internal/drssettings"
)

// Helpers shared by the three source-server settings resources.

// checkServerAtPlan looks the planned source server up when it is known
// and new to the resource (create or replacement), so that a wrong ID
// fails the plan instead of the apply. It returns the server when found.
func checkServerAtPlan(ctx context.Context, clients *awsclient.Clients, req resource.ModifyPlanRequest, id types.String, diags *diag.Diagnostics) (drstypes.SourceServer, bool) {
	if clients == nil || id.IsUnknown() || id.IsNull() {
		return drstypes.SourceServer{}, false
	}
	if !req.State.Raw.IsNull() {
		var prior types.String
		diags.Append(req.State.GetAttribute(ctx, path.Root("source_server_id"), &prior)...)
		if prior.Equal(id) {
			return drstypes.SourceServer{}, false // refresh already proved it exists
		}
	}
	if drssettings.CheckSourceServerID(id.ValueString()) != "" {
		return drstypes.SourceServer{}, false // the attribute validator reports it
	}
	s, err := lookupSourceServer(ctx, clients, id.ValueString())
	if errors.Is(err, errServerNotFound) {
		diags.AddAttributeError(path.Root("source_server_id"), "Unknown source server",
			fmt.Sprintf("DRS in %s has no source server %s. Check the ID (data.drsorch_source_servers lists them) and the provider's region and account.",
				clients.Region, id.ValueString()))
		return drstypes.SourceServer{}, false
	}
	if err != nil {
		addAPIError(diags, "look up DRS source server "+id.ValueString(), err)
		return drstypes.SourceServer{}, false
	}
	return s, true
}

// isNotFound reports a ResourceNotFoundException: the server is gone.
func isNotFound(err error) bool {
	var nf *drstypes.ResourceNotFoundException
	return errors.As(err, &nf)
}

// stringValidatorFunc adapts a drssettings check to a string validator.
type stringValidatorFunc struct {
	description string
	check       func(string) string
}

func (v stringValidatorFunc) Description(context.Context) string         { return v.description }
func (v stringValidatorFunc) MarkdownDescription(context.Context) string { return v.description }
func (v stringValidatorFunc) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if msg := v.check(req.ConfigValue.ValueString()); msg != "" {
		addAttributeError(&resp.Diagnostics, req.Path, "Invalid value", msg)
	}
}

func checkString(description string, check func(string) string) validator.String {
	return stringValidatorFunc{description: description, check: check}
}

func enumValidator(allowed []string) validator.String {
	return checkString(fmt.Sprintf("one of %v", allowed), func(v string) string { return drssettings.CheckEnum(v, allowed) })
}

var sourceServerIDValidator = checkString("a DRS source server ID (s-…)", drssettings.CheckSourceServerID)

// configured reports a value the user wrote (known or to be known).
func configured(v interface{ IsNull() bool }) bool { return !v.IsNull() }

// objectAsOptions reads a configured object whose attributes may be null.
var objectAsOptions = basetypes.ObjectAsOptions{UnhandledNullAsEmpty: true, UnhandledUnknownAsEmpty: true}

// int64ValidatorFunc adapts a drssettings check to an int64 validator.
type int64ValidatorFunc struct{ check func(int64) string }

func (v int64ValidatorFunc) Description(context.Context) string         { return "a value DRS accepts" }
func (v int64ValidatorFunc) MarkdownDescription(context.Context) string { return "a value DRS accepts" }
func (v int64ValidatorFunc) ValidateInt64(_ context.Context, req validator.Int64Request, resp *validator.Int64Response) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if msg := v.check(req.ConfigValue.ValueInt64()); msg != "" {
		addAttributeError(&resp.Diagnostics, req.Path, "Invalid value", msg)
	}
}

func int64Check(check func(int64) string) validator.Int64 { return int64ValidatorFunc{check: check} }

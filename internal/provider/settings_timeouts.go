package provider

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Each write of a settings resource is one or two DRS calls, but a
// throttled account can keep them retrying for minutes; the optional
// timeouts block bounds how long Terraform waits.

const settingsDefaultTimeout = 20 * time.Minute

var settingsTimeoutsAttrTypes = map[string]attr.Type{"create": types.StringType, "update": types.StringType, "delete": types.StringType}

func settingsTimeoutsBlock() schema.Block {
	attr := func(op string) schema.StringAttribute {
		return schema.StringAttribute{
			Optional:    true,
			Description: fmt.Sprintf("How long the %s may take, retries of throttled calls included, as a Go duration such as `10m`. Default `20m`.", op),
			Validators: []validator.String{checkString("a duration such as 10m", func(v string) string {
				if d, err := time.ParseDuration(v); err != nil || d <= 0 {
					return fmt.Sprintf("%q is not a positive duration: write it like \"30s\", \"10m\" or \"1h\"", v)
				}
				return ""
			})},
		}
	}
	return schema.SingleNestedBlock{
		Description: "Time limits of the operations.",
		Attributes:  map[string]schema.Attribute{"create": attr("create"), "update": attr("update"), "delete": attr("delete")},
	}
}

// nullSettingsTimeouts is the value of an absent timeouts block.
func nullSettingsTimeouts() types.Object { return types.ObjectNull(settingsTimeoutsAttrTypes) }

// keepTimeouts returns v, or a typed null when v is the zero value.
func keepTimeouts(v types.Object) types.Object {
	if v.IsNull() || v.IsUnknown() {
		return nullSettingsTimeouts()
	}
	return v
}

// withSettingsTimeout bounds ctx by the block's value for op.
func withSettingsTimeout(ctx context.Context, block types.Object, op string) (context.Context, context.CancelFunc, time.Duration) {
	d := settingsDefaultTimeout
	if !block.IsNull() && !block.IsUnknown() {
		if s, ok := block.Attributes()[op].(types.String); ok && !s.IsNull() && !s.IsUnknown() {
			if parsed, err := time.ParseDuration(s.ValueString()); err == nil && parsed > 0 {
				d = parsed
			}
		}
	}
	ctx, cancel := context.WithTimeout(ctx, d)
	return ctx, cancel, d
}

// addSettingsError reports err, naming the timeout when it ran out.
func addSettingsError(ctx context.Context, diags *diag.Diagnostics, op string, limit time.Duration, action string, err error) {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		diags.AddError(fmt.Sprintf("Could not %s: the %s timeout of %s ran out", action, op, limit),
			fmt.Sprintf("DRS did not answer in time (often: throttling kept the calls retrying). Raise timeouts.%s in the resource, or run fewer operations at once (terraform -parallelism).\n\n%s", op, err))
		return
	}
	addAPIError(diags, action, err)
}

package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// sameAs plans a computed string as the planned value of another
// attribute (an `id` that is the source server ID): known at plan whenever
// that input is, and changing with it.
func sameAs(p path.Path) planmodifier.String { return sameAsModifier{p} }

type sameAsModifier struct{ from path.Path }

func (m sameAsModifier) Description(context.Context) string {
	return "The value of " + m.from.String() + ", known at plan when it is."
}
func (m sameAsModifier) MarkdownDescription(ctx context.Context) string { return m.Description(ctx) }

func (m sameAsModifier) PlanModifyString(ctx context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	var v types.String
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, m.from, &v)...)
	if !v.IsUnknown() && !v.IsNull() {
		resp.PlanValue = v
	}
}

package provider

import (
	"context"
	"fmt"
	"unicode/utf8"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	rschema "github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/drsorch/terraform-provider-drsorch/internal/tagging"
)

// User tags: the provider's default_tags and ignore_tags, and the tags /
// tags_all attributes of taggable resources, with the semantics of the
// Terraform AWS provider (internal/tagging).

type defaultTagsModel struct {
	Tags types.Map `tfsdk:"tags"`
}

type ignoreTagsModel struct {
	Keys        types.Set `tfsdk:"keys"`
	KeyPrefixes types.Set `tfsdk:"key_prefixes"`
}

func defaultTagsBlock() schema.Block {
	return schema.SingleNestedBlock{
		Description: "Tags given to every taggable object the provider creates (recovery plans' state machines), under each resource's own " +
			"`tags`: a resource tag of the same key wins. Each resource's `tags_all` shows the result. Keys may not start with `drsorch:` or `aws:`.",
		Attributes: map[string]schema.Attribute{
			"tags": schema.MapAttribute{Optional: true, ElementType: types.StringType, Description: "Key-value map of default tags."},
		},
	}
}

func ignoreTagsBlock() schema.Block {
	return schema.SingleNestedBlock{
		Description: "Tags the provider neither reads back nor changes (set by other tools or policies): they stay out of `tags` and `tags_all`, so a change of them is no drift.",
		Attributes: map[string]schema.Attribute{
			"keys":         schema.SetAttribute{Optional: true, ElementType: types.StringType, Description: "Exact tag keys to ignore."},
			"key_prefixes": schema.SetAttribute{Optional: true, ElementType: types.StringType, Description: "Tag key prefixes to ignore."},
		},
	}
}

// tagConfig reads default_tags and ignore_tags, refusing unknown values and
// reserved keys with a diagnostic on the key.
func (m providerModel) tagConfig(ctx context.Context, diags *diag.Diagnostics) (tagging.Config, bool) {
	var c tagging.Config
	if d := m.DefaultTags; d != nil && !d.Tags.IsNull() {
		at := path.Root("default_tags").AtName("tags")
		if d.Tags.IsUnknown() {
			diags.AddAttributeError(at, "Provider setting is unknown", "default_tags must be known at plan time (a literal, variable or data source).")
			return c, false
		}
		c.Defaults = map[string]string{}
		for k, v := range d.Tags.Elements() {
			s, ok := v.(types.String)
			if !ok || s.IsUnknown() {
				diags.AddAttributeError(at.AtMapKey(k), "Provider setting is unknown", "default_tags must be known at plan time.")
				continue
			}
			if msg := checkUserTag(k, s.ValueString()); msg != "" {
				diags.AddAttributeError(at.AtMapKey(k), "Invalid default tag", msg)
				continue
			}
			c.Defaults[k] = s.ValueString()
		}
	}
	if i := m.IgnoreTags; i != nil {
		diags.Append(i.Keys.ElementsAs(ctx, &c.Ignore.Keys, true)...)
		diags.Append(i.KeyPrefixes.ElementsAs(ctx, &c.Ignore.KeyPrefixes, true)...)
	}
	return c, !diags.HasError()
}

// checkUserTag explains why a user tag cannot be written to a state
// machine, or returns "": reserved keys, and Step Functions' limits (key 1
// to 128 characters, value up to 256, letters, digits, white space and
// _ . : / = + - @; API_Tag in the Step Functions API reference).
func checkUserTag(k, v string) string {
	if msg := tagging.CheckKey(k); msg != "" {
		return msg
	}
	switch {
	case utf8.RuneCountInString(k) > 128:
		return fmt.Sprintf("tag key %q is longer than 128 characters", k)
	case utf8.RuneCountInString(v) > 256:
		return fmt.Sprintf("the value of tag %q is longer than 256 characters", k)
	case !tagValuePattern.MatchString(k):
		return fmt.Sprintf("tag key %q may only contain letters, digits, white space and _ . : / = + - @", k)
	case !tagValuePattern.MatchString(v):
		return fmt.Sprintf("the value of tag %q (%q) may only contain letters, digits, white space and _ . : / = + - @", k, v)
	}
	return ""
}

// userTagsValidator checks each key of a tags map at its own path.
type userTagsValidator struct{}

func (userTagsValidator) Description(context.Context) string {
	return "tag keys not starting with drsorch: or aws:, within Step Functions' tag limits"
}
func (v userTagsValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }
func (userTagsValidator) ValidateMap(_ context.Context, req validator.MapRequest, resp *validator.MapResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	for k, v := range req.ConfigValue.Elements() {
		s, ok := v.(types.String)
		if !ok || s.IsUnknown() || s.IsNull() {
			continue
		}
		if msg := checkUserTag(k, s.ValueString()); msg != "" {
			resp.Diagnostics.AddAttributeError(req.Path.AtMapKey(k), "Invalid tag", msg)
		}
	}
}

// tagsAttributes are the tags and tags_all attributes of a taggable
// resource; its ModifyPlan plans tags_all with planTagsAll.
func tagsAttributes(object string) map[string]rschema.Attribute {
	return map[string]rschema.Attribute{
		"tags": rschema.MapAttribute{Optional: true, ElementType: types.StringType, Validators: []validator.Map{userTagsValidator{}},
			Description: "Tags of the " + object + ", merged over the provider's `default_tags`. Keys starting with `drsorch:` (drsorch's own tags) or `aws:` are refused. " +
				"A tag changed outside Terraform shows in the next plan, unless the provider's `ignore_tags` covers it."},
		"tags_all": rschema.MapAttribute{Computed: true, ElementType: types.StringType,
			Description: "Every user tag of the " + object + ": the provider's `default_tags` merged under `tags`, without the keys of `ignore_tags`. Known at plan."},
	}
}

// planTagsAll is tags_all as planned from tags and the provider's tag
// configuration: known whenever tags is wholly known. reserved is how many
// tags of its own drsorch puts on the object.
func planTagsAll(d *providerData, tags types.Map, reserved int, diags *diag.Diagnostics) types.Map {
	own, known := mapStrings(tags)
	if !known {
		return types.MapUnknown(types.StringType)
	}
	// Step Functions keeps at most 50 tags on a state machine
	// (https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html).
	if n := len(d.tags.Merge(own)); n+reserved > maxTags {
		diags.AddAttributeError(path.Root("tags"), "Too many tags",
			fmt.Sprintf("tags and the provider's default_tags make %d tags; with drsorch's own %d the object would carry %d, above the AWS limit of %d. Remove %d.",
				n, reserved, n+reserved, maxTags, n+reserved-maxTags))
	}
	return stringMap(d.tags.All(own))
}

const maxTags = 50

// mapStrings reads a map of strings; known is false if any part is unknown.
func mapStrings(m types.Map) (out map[string]string, known bool) {
	if m.IsUnknown() {
		return nil, false
	}
	out = map[string]string{}
	for k, v := range m.Elements() {
		s, ok := v.(types.String)
		if !ok || s.IsUnknown() {
			return nil, false
		}
		out[k] = s.ValueString()
	}
	return out, true
}

func stringMap(m map[string]string) types.Map {
	elems := make(map[string]attr.Value, len(m))
	for k, v := range m {
		elems[k] = types.StringValue(v)
	}
	return types.MapValueMust(types.StringType, elems)
}

package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// default_tags may not use drsorch's or AWS's keys: the error is on the key.
func TestDefaultTagsRefuseReservedKeys(t *testing.T) {
	m := providerModel{DefaultTags: &defaultTagsModel{Tags: types.MapValueMust(types.StringType, map[string]attr.Value{
		"team": types.StringValue("dr"), "drsorch:protection-group": types.StringValue("x"),
	})}}
	var diags diag.Diagnostics
	if _, ok := m.tagConfig(context.Background(), &diags); ok || diags.ErrorsCount() != 1 {
		t.Fatalf("ok = %v, diags = %v", ok, diags)
	}
	d := diags.Errors()[0].(diag.DiagnosticWithPath)
	if want := path.Root("default_tags").AtName("tags").AtMapKey("drsorch:protection-group"); !d.Path().Equal(want) || !strings.Contains(d.Detail(), "drsorch:") {
		t.Fatalf("diagnostic at %s: %s", d.Path(), d.Detail())
	}
}

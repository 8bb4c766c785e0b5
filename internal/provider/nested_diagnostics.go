package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
)

// addAttributeError reports a problem with one attribute, naming nested
// ones in full (pit_policy[1].rule_id) where Terraform can show the line.
//
// Terraform finds an attribute diagnostic's place in the configuration by
// following nested blocks, then one attribute and one index into its value
// (terraform internal/tfdiags ElaborateFromConfigBody): it shows the line of
// pit_policy[1], but for pit_policy[1].rule_id — an attribute inside an
// object inside an attribute's value — it looks for a pit_policy block,
// finds none, and falls back to the resource's first line (Terraform 1.11).
// So a diagnostic inside an element of a nested attribute is attached to
// the element, whose line Terraform shows, and its summary names the
// attribute.
func addAttributeError(diags *diag.Diagnostics, p path.Path, summary, detail string) {
	at, nested := locatable(p)
	if nested {
		summary += ": " + p.String()
	}
	diags.AddAttributeError(at, summary, detail)
}

// locatable cuts a path below an element of a top-level collection
// (list[1].attr) back to the element (list[1]); nested reports a cut.
func locatable(p path.Path) (path.Path, bool) {
	steps := p.Steps()
	if len(steps) <= 2 {
		return p, false
	}
	name, ok := steps[0].(path.PathStepAttributeName)
	if !ok {
		return p, false
	}
	root := path.Root(string(name))
	switch key := steps[1].(type) {
	case path.PathStepElementKeyInt:
		return root.AtListIndex(int(key)), true
	case path.PathStepElementKeyString:
		return root.AtMapKey(string(key)), true
	case path.PathStepElementKeyValue:
		return root.AtSetValue(key.Value), true
	}
	return p, false
}

//go:build tools

// Package tools pins the Go tools the repository runs (go generate) in
// their own module, so their dependencies stay out of the provider's.
package tools

import (
	// Documentation generation.
	_ "github.com/hashicorp/terraform-plugin-docs/cmd/tfplugindocs"
	// Linting beyond go vet.
	_ "honnef.co/go/tools/cmd/staticcheck"
)

// Package policies holds drsorch's OPA (Rego) policies for Terraform plans,
// and evaluates them for tests and for anyone embedding them.
package policies

import (
	"context"
	_ "embed"
	"fmt"
	"sort"

	"github.com/open-policy-agent/opa/v1/rego"
)

//go:embed drsorch.rego
var module string

// Input is what the policy reads: the plan JSON and the workspace, in the
// shape Terraform Cloud gives OPA.
type Input struct {
	Plan map[string]any `json:"plan"`
	Run  struct {
		Workspace struct {
			Name string `json:"name"`
		} `json:"workspace"`
	} `json:"run"`
}

// Deny evaluates data.drsorch.deny for input with the given data document
// (quotas, production workspaces; nil for defaults) and returns the
// messages, sorted.
func Deny(ctx context.Context, input any, data map[string]any) ([]string, error) {
	opts := []func(*rego.Rego){rego.Query("data.drsorch.deny"), rego.Module("drsorch.rego", module), rego.Input(input)}
	if data != nil {
		opts = append(opts, rego.Store(storeOf(data)))
	}
	rs, err := rego.New(opts...).Eval(ctx)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, r := range rs {
		for _, e := range r.Expressions {
			items, ok := e.Value.([]any)
			if !ok {
				return nil, fmt.Errorf("data.drsorch.deny is %T, want a set", e.Value)
			}
			for _, i := range items {
				out = append(out, fmt.Sprint(i))
			}
		}
	}
	sort.Strings(out)
	return out, nil
}

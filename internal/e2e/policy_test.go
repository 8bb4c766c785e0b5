package e2e

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/runservicetest"
	"github.com/drsorch/terraform-provider-drsorch/policies"
)

const policyConfig = `
terraform {
  required_providers {
    drsorch = { source = "drsorch/drsorch" }
  }
}
provider "drsorch" {
  execution_role_arn = "arn:aws:iam::123456789012:role/drsorch"
}
resource "drsorch_protection_group" "tier" {
  for_each       = toset(["db", "app", "web"])
  name           = "shop-${each.key}"
  selection_tags = { app = "shop", tier = each.key }
}
resource "drsorch_recovery_plan" "shop" {
  name = "shop"
  wave {
    name             = "db"
    protection_group = drsorch_protection_group.tier["db"].id
  }
  wave {
    name             = "app"
    protection_group = drsorch_protection_group.tier["app"].id
  }
  wave {
    name             = "web"
    protection_group = drsorch_protection_group.tier["web"].id
  }
}
resource "drsorch_execution" "recovery" {
  recovery_plan    = drsorch_recovery_plan.shop.id
  type             = "RECOVERY"
  confirm_recovery = true
}
`

// TestPolicyOnRealPlanJSON evaluates policies/drsorch.rego with OPA on the
// JSON of a real terraform plan made with the provider binary.
func TestPolicyOnRealPlanJSON(t *testing.T) {
	svc := runservicetest.Start(t, runservice.Config{TimeScale: 2000})
	env := terraformEnv(t, svc.URL)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(policyConfig), 0o644); err != nil {
		t.Fatal(err)
	}
	// The groups exist first, so the plan's definition (its waves) is known
	// at plan time, where the policy reads it.
	terraform(t, dir, env, "apply", "-auto-approve", "-input=false", "-target=drsorch_protection_group.tier")
	terraform(t, dir, env, "plan", "-input=false", "-out=plan.out")
	raw := terraform(t, dir, env, "show", "-json", "plan.out")
	var plan map[string]any
	if err := json.Unmarshal([]byte(raw[strings.Index(raw, "{"):]), &plan); err != nil {
		t.Fatalf("plan JSON: %v", err)
	}
	input := func(workspace string) map[string]any {
		return map[string]any{"plan": plan, "run": map[string]any{"workspace": map[string]any{"name": workspace}}}
	}
	ctx := context.Background()

	deny, err := policies.Deny(ctx, input("staging"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(deny) != 1 || !strings.Contains(deny[0], "drsorch_execution.recovery: RECOVERY executions are only allowed in production workspaces") {
		t.Fatalf("staging: %q", deny)
	}
	if deny, err = policies.Deny(ctx, input("production"), nil); err != nil || len(deny) != 0 {
		t.Fatalf("production: %q %v", deny, err)
	}
	// An organisation that plans for smaller jobs than DRS allows.
	deny, err = policies.Deny(ctx, input("production"), map[string]any{"drsorch_config": map[string]any{
		"quotas": map[string]any{"servers_per_job": 3, "servers_in_active_jobs": 3},
	}})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		`drsorch_recovery_plan.shop: Level 3 recovers 4 servers at once, more than 3 in all active DRS jobs`,
		`drsorch_recovery_plan.shop: wave "web" recovers 4 servers, more than the 3 allowed in one DRS job`,
	}
	if strings.Join(deny, "\n") != strings.Join(want, "\n") {
		t.Fatalf("quota denials:\n%s\nwant:\n%s", strings.Join(deny, "\n"), strings.Join(want, "\n"))
	}
	terraform(t, dir, env, "destroy", "-auto-approve", "-input=false")
}

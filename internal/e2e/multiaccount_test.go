package e2e

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/runservicetest"
)

// TestMultiAccountModule applies examples/multi-account: the same module
// in another account (assume_role) and in another region.
func TestMultiAccountModule(t *testing.T) {
	svc := runservicetest.Start(t, runservice.Config{})
	env := terraformEnv(t, svc.URL)
	root := t.TempDir()
	for _, dir := range []string{"multi-account", "modules/dr-app"} {
		copyExampleTo(t, dir, filepath.Join(root, dir))
	}
	dir := filepath.Join(root, "multi-account")
	terraform(t, dir, env, "get") // local modules; the provider is a dev override, so no init
	terraform(t, dir, env, "apply", "-auto-approve", "-input=false")
	out := terraform(t, dir, env, "output", "-json", "plans")
	for _, want := range []string{
		`"arn":"arn:aws:states:us-east-1:210987654321:stateMachine:drsorch-plan-billing"`, `"servers":3`,
		`"arn":"arn:aws:states:us-west-2:123456789012:stateMachine:drsorch-plan-edge"`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("outputs lack %s:\n%s", want, out)
		}
	}
	terraform(t, dir, env, "destroy", "-auto-approve", "-input=false")
}

// Package acctest is the harness of the provider's acceptance tests
// (terraform-plugin-testing, TF_ACC=1): it starts a run service inside the
// test process, writes inventory files, builds the provider configuration
// that points at the service, and makes sure a Terraform CLI is there.
package acctest

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/runservicetest"
)

// ProviderName is the provider's local name in test configurations.
const ProviderName = "drsorch"

// Factories serves the provider in-process over protocol 6.
func Factories(newProvider func() provider.Provider) map[string]func() (tfprotov6.ProviderServer, error) {
	return map[string]func() (tfprotov6.ProviderServer, error){
		ProviderName: providerserver.NewProtocol6WithError(newProvider()),
	}
}

// Env is a run service started for one acceptance test.
type Env struct {
	Service *runservicetest.Service
	// Region is the region of the default provider configuration.
	Region string
}

// Option changes how Start runs the service.
type Option func(*runservice.Config)

// WithInventory serves the estates of inv instead of the demo estate.
func WithInventory(t testing.TB, inv Inventory) Option {
	file := WriteInventory(t, inv)
	return func(c *runservice.Config) { c.Inventory = file }
}

// Start checks the acceptance-test preconditions (TF_ACC and a Terraform
// CLI), then starts a run service with a frozen clock that stops with t.
// Without TF_ACC the test is skipped, as terraform-plugin-testing does.
func Start(t *testing.T, opts ...Option) *Env {
	t.Helper()
	PreCheck(t)
	cfg := runservice.Config{}
	for _, o := range opts {
		o(&cfg)
	}
	return &Env{Service: runservicetest.Start(t, cfg), Region: "us-east-1"}
}

// PreCheck skips the test without TF_ACC and fails it clearly when no
// Terraform CLI can be found. Setting TF_ACC_TERRAFORM_PATH also stops
// terraform-plugin-testing from downloading a Terraform binary.
func PreCheck(t testing.TB) {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1 to run it")
	}
	if p := os.Getenv("TF_ACC_TERRAFORM_PATH"); p != "" {
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("TF_ACC_TERRAFORM_PATH=%s: %v; point it at a Terraform CLI binary (>= 1.10) or unset it to use `terraform` from PATH", p, err)
		}
		return
	}
	p, err := exec.LookPath("terraform")
	if err != nil {
		t.Fatal("acceptance tests need the Terraform CLI (>= 1.10): none on PATH. Install it (https://developer.hashicorp.com/terraform/install) " +
			"or set TF_ACC_TERRAFORM_PATH to its binary")
	}
	t.Setenv("TF_ACC_TERRAFORM_PATH", p)
}

// ProviderConfig is a provider block pointing every service at the run
// service, in e.Region, plus extra lines inside the block.
func (e *Env) ProviderConfig(extra ...string) string {
	return ProviderBlock("", append([]string{
		fmt.Sprintf("region = %q", e.Region),
		fmt.Sprintf("run_service_endpoint = %q", e.Service.URL),
	}, extra...)...)
}

// ProviderBlock renders a provider "drsorch" block with alias (may be
// empty) and the given body lines.
func ProviderBlock(alias string, lines ...string) string {
	var b strings.Builder
	b.WriteString("provider \"drsorch\" {\n")
	if alias != "" {
		fmt.Fprintf(&b, "  alias = %q\n", alias)
	}
	for _, l := range lines {
		b.WriteString("  " + l + "\n")
	}
	b.WriteString("}\n")
	return b.String()
}

// WriteInventory writes inv as an inventory file in a temporary directory
// and returns its path.
func WriteInventory(t testing.TB, inv Inventory) string {
	t.Helper()
	data, err := json.MarshalIndent(inv, "", "  ")
	if err != nil {
		t.Fatalf("encode inventory: %v", err)
	}
	file := filepath.Join(t.TempDir(), "inventory.json")
	if err := os.WriteFile(file, data, 0o600); err != nil {
		t.Fatalf("write inventory: %v", err)
	}
	return file
}

// GeneratedEstate is an estate of n generated servers, all carrying tags.
func GeneratedEstate(account, region string, n int, tags map[string]string) Estate {
	return Estate{Account: account, Region: region,
		Generate: &Generate{Count: n, HostnamePrefix: "gen", Tags: tags}}
}

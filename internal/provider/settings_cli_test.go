package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"
)

// terraformCLI runs the real terraform binary in a directory against the
// provider served from this process (TF_REATTACH_PROVIDERS), for what the
// acceptance harness cannot do: for_each configurations as published, and
// timing plan and apply of many resources.
type terraformCLI struct {
	tb       testing.TB
	bin, dir string
}

const providerAddress = "registry.terraform.io/drsorch/drsorch"

// newTerraformCLI writes files into a fresh directory and runs terraform
// init there. The provider reads its endpoint and region from the
// environment, which the caller sets.
func newTerraformCLI(tb testing.TB, files map[string]string) *terraformCLI {
	tb.Helper()
	bin := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if bin == "" {
		var err error
		if bin, err = exec.LookPath("terraform"); err != nil {
			tb.Skip("needs the terraform CLI on PATH (or TF_ACC_TERRAFORM_PATH)")
		}
	}
	c := &terraformCLI{tb: tb, bin: bin, dir: tb.TempDir()}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(c.dir, name), []byte(body), 0o600); err != nil {
			tb.Fatal(err)
		}
	}
	c.must("init", "-input=false", "-no-color")
	return c
}

// stateValues is the values of the resource at address in the state
// (terraform show -json), nil when the state has no such resource.
func (c *terraformCLI) stateValues(address string) map[string]any {
	c.tb.Helper()
	var show struct {
		Values struct {
			RootModule struct {
				Resources []struct {
					Address string         `json:"address"`
					Values  map[string]any `json:"values"`
				} `json:"resources"`
			} `json:"root_module"`
		} `json:"values"`
	}
	out := c.must("show", "-json", "-no-color")
	if err := json.Unmarshal(jsonDocument(out), &show); err != nil {
		c.tb.Fatalf("terraform show -json: %v\n%s", err, out)
	}
	for _, r := range show.Values.RootModule.Resources {
		if r.Address == address {
			return r.Values
		}
	}
	return nil
}

// run serves the provider for the duration of one terraform command.
func (c *terraformCLI) run(args ...string) (string, error) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	reattachCh := make(chan *plugin.ReattachConfig, 1)
	closeCh := make(chan struct{})
	serveErr := make(chan error, 1)
	go func() {
		serveErr <- tf6server.Serve(providerAddress, providerserver.NewProtocol6(New("test")()),
			tf6server.WithDebug(ctx, reattachCh, closeCh),
			tf6server.WithGoPluginLogger(hclog.NewNullLogger()),
			tf6server.WithLoggingSink(logSink{c.tb}),
			tf6server.WithoutLogStderrOverride())
	}()
	var rc *plugin.ReattachConfig
	select {
	case rc = <-reattachCh:
	case err := <-serveErr:
		return "", fmt.Errorf("serve provider: %v", err)
	}
	reattach, err := json.Marshal(map[string]any{providerAddress: map[string]any{
		"Protocol": string(rc.Protocol), "ProtocolVersion": rc.ProtocolVersion, "Pid": rc.Pid, "Test": true,
		"Addr": map[string]string{"Network": rc.Addr.Network(), "String": rc.Addr.String()},
	}})
	if err != nil {
		return "", err
	}
	cmd := exec.Command(c.bin, args...)
	cmd.Dir = c.dir
	cmd.Env = append(os.Environ(), "TF_REATTACH_PROVIDERS="+string(reattach), "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	runErr := cmd.Run()
	cancel()
	<-closeCh
	return out.String(), runErr
}

// write replaces a file of the configuration.
func (c *terraformCLI) write(name, body string) {
	c.tb.Helper()
	if err := os.WriteFile(filepath.Join(c.dir, name), []byte(body), 0o600); err != nil {
		c.tb.Fatal(err)
	}
}

func (c *terraformCLI) must(args ...string) string {
	c.tb.Helper()
	out, err := c.run(args...)
	if err != nil {
		c.tb.Fatalf("terraform %v: %v\n%s", args, err, out)
	}
	return out
}

// planIsEmpty runs plan -detailed-exitcode: exit 0 means no changes.
func (c *terraformCLI) planIsEmpty(args ...string) bool {
	c.tb.Helper()
	out, err := c.run(append([]string{"plan", "-input=false", "-no-color", "-detailed-exitcode"}, args...)...)
	if err == nil {
		return true
	}
	if ee, ok := err.(*exec.ExitError); ok && ee.ExitCode() == 2 {
		return false
	}
	c.tb.Fatalf("terraform plan: %v\n%s", err, out)
	return false
}

// logSink lets provider logs follow TF_LOG in tests and benchmarks alike
// (the sink wants a Parallel method, which testing.B lacks).
type logSink struct{ testing.TB }

func (logSink) Parallel() {}

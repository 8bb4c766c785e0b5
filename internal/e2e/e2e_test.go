// Package e2e runs the shipped examples through the real terraform CLI and
// the real provider binary, against a run service started in the test:
// what a user gets, with nothing in-process between Terraform and the
// provider.
package e2e

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/drs"
	drstypes "github.com/aws/aws-sdk-go-v2/service/drs/types"

	"github.com/drsorch/terraform-provider-drsorch/internal/acctest"
	"github.com/drsorch/terraform-provider-drsorch/internal/awsclient"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/runservicetest"
)

// repoRoot is the repository root, from this file's location.
func repoRoot(t *testing.T) string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

// terraformEnv builds the provider binary and returns the environment
// that makes terraform use it (dev_overrides) against endpoint.
func terraformEnv(t *testing.T, endpoint string) []string {
	t.Helper()
	acctest.PreCheck(t)
	bin := t.TempDir()
	build := exec.Command("go", "build", "-o", filepath.Join(bin, "terraform-provider-drsorch"), ".")
	build.Dir = repoRoot(t)
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build provider: %v\n%s", err, out)
	}
	rc := filepath.Join(t.TempDir(), "terraform.rc")
	conf := "provider_installation {\n  dev_overrides {\n    \"registry.terraform.io/drsorch/drsorch\" = \"" + filepath.ToSlash(bin) + "\"\n  }\n  direct {}\n}\n"
	if err := os.WriteFile(rc, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	return append(os.Environ(),
		"TF_CLI_CONFIG_FILE="+rc, "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1",
		"DRSORCH_RUN_SERVICE_ENDPOINT="+endpoint, "AWS_REGION=us-east-1")
}

// copyExample copies examples/<name> into a fresh directory.
func copyExample(t *testing.T, name string) string {
	t.Helper()
	dst := t.TempDir()
	copyExampleTo(t, name, dst)
	return dst
}

// copyExampleTo copies examples/<name> to dst.
func copyExampleTo(t *testing.T, name, dst string) {
	t.Helper()
	src := filepath.Join(repoRoot(t), "examples", name)
	err := filepath.Walk(src, func(path string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		if info.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func terraform(t *testing.T, dir string, env []string, args ...string) string {
	t.Helper()
	cmd := exec.Command(os.Getenv("TF_ACC_TERRAFORM_PATH"), append(args, "-no-color")...)
	cmd.Dir, cmd.Env = dir, env
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("terraform %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// TestTerraformTestRunsADrill runs examples/drill-in-ci with `terraform
// test`: the plan is deployed, exactly one ephemeral drill recovers every
// server, and everything is cleaned up.
func TestTerraformTestRunsADrill(t *testing.T) {
	svc := runservicetest.Start(t, runservice.Config{TimeScale: 2000})
	front := svc.Front(t)
	env := terraformEnv(t, front.URL)
	dir := copyExample(t, "drill-in-ci")
	out := terraform(t, dir, env, "test")
	if !strings.Contains(out, "2 passed, 0 failed") {
		t.Fatalf("terraform test did not pass both runs:\n%s", out)
	}
	// One drill for the one run that asks for it: not one per phase
	// (plan, apply, destroy) that opens the ephemeral resource.
	if n := front.Calls("StartExecution"); n != 1 {
		t.Errorf("terraform test started %d executions, want exactly one drill", n)
	}
	cfg := svc.AWSConfig("us-east-1")
	cfg.HTTPClient = awsclient.NewHTTPClient()
	instances, err := drs.NewFromConfig(cfg).DescribeRecoveryInstances(context.Background(), &drs.DescribeRecoveryInstancesInput{})
	if err != nil {
		t.Fatal(err)
	}
	for _, ri := range instances.Items {
		if ri.Ec2InstanceState != drstypes.EC2InstanceStateTerminated {
			t.Errorf("drill instance %s left %s", *ri.RecoveryInstanceID, ri.Ec2InstanceState)
		}
	}
	if len(instances.Items) != 0 && !t.Failed() {
		t.Logf("%d terminated instances still listed", len(instances.Items))
	}
}

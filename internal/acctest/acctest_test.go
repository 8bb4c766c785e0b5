package acctest

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
)

// recorder stands in for *testing.T to see what PreCheck reports.
type recorder struct {
	testing.TB
	fatal, skip string
	env         map[string]string
}

func (r *recorder) Helper()                      {}
func (r *recorder) Fatal(args ...any)            { r.fatal = fmt.Sprint(args...) }
func (r *recorder) Fatalf(f string, args ...any) { r.fatal = fmt.Sprintf(f, args...) }
func (r *recorder) Skip(args ...any)             { r.skip = fmt.Sprint(args...) }
func (r *recorder) Setenv(k, v string)           { r.env[k] = v }

func newRecorder(t *testing.T) *recorder { return &recorder{TB: t, env: map[string]string{}} }

func TestPreCheckSkipsWithoutTFACC(t *testing.T) {
	t.Setenv("TF_ACC", "")
	r := newRecorder(t)
	PreCheck(r)
	if !strings.Contains(r.skip, "TF_ACC=1") || r.fatal != "" {
		t.Fatalf("skip %q, fatal %q", r.skip, r.fatal)
	}
}

func TestPreCheckFailsClearlyWithoutTerraform(t *testing.T) {
	t.Setenv("TF_ACC", "1")
	t.Setenv("TF_ACC_TERRAFORM_PATH", "")
	os.Unsetenv("TF_ACC_TERRAFORM_PATH")
	t.Setenv("PATH", t.TempDir())
	r := newRecorder(t)
	PreCheck(r)
	if !strings.Contains(r.fatal, "need the Terraform CLI") || !strings.Contains(r.fatal, "TF_ACC_TERRAFORM_PATH") {
		t.Fatalf("want a clear message, got %q", r.fatal)
	}
}

func TestPreCheckRejectsAMissingTerraformPath(t *testing.T) {
	t.Setenv("TF_ACC", "1")
	t.Setenv("TF_ACC_TERRAFORM_PATH", "/nonexistent/terraform")
	r := newRecorder(t)
	PreCheck(r)
	if !strings.Contains(r.fatal, "TF_ACC_TERRAFORM_PATH=/nonexistent/terraform") {
		t.Fatalf("want the bad path named, got %q", r.fatal)
	}
}

func TestPreCheckPinsTerraformFromPath(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(dir+"/terraform", []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("TF_ACC", "1")
	t.Setenv("TF_ACC_TERRAFORM_PATH", "")
	os.Unsetenv("TF_ACC_TERRAFORM_PATH")
	t.Setenv("PATH", dir)
	r := newRecorder(t)
	PreCheck(r)
	if r.fatal != "" || r.env["TF_ACC_TERRAFORM_PATH"] != dir+"/terraform" {
		t.Fatalf("fatal %q, env %v", r.fatal, r.env)
	}
}

func TestProviderBlockAndInventory(t *testing.T) {
	got := ProviderBlock("west", `region = "us-west-2"`)
	want := "provider \"drsorch\" {\n  alias = \"west\"\n  region = \"us-west-2\"\n}\n"
	if got != want {
		t.Fatalf("got %q", got)
	}
	file := WriteInventory(t, Inventory{Estates: []Estate{GeneratedEstate("123456789012", "us-east-1", 3, map[string]string{"k": "v"})}})
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var back map[string][]map[string]any
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	gen := back["estates"][0]["generate"].(map[string]any)
	if gen["count"].(float64) != 3 || gen["hostnamePrefix"] != "gen" {
		t.Fatalf("inventory file: %s", data)
	}
}

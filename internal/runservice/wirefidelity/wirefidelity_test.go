// Package wirefidelity runs the wire-fidelity suite: every implemented
// operation of every API the run service serves, called through the AWS
// SDK for JavaScript v3 and validated against the AWS service models
// (../awsmodels). See suite.mjs and cases.json.
package wirefidelity

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/runservicetest"
)

// The operation counts the project commits to (issue 10).
var minimum = map[string]int{"drs": 37}

func TestWireFidelity(t *testing.T) {
	if testing.Short() {
		t.Skip("the wire-fidelity suite runs Node.js")
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not installed: the wire-fidelity suite needs Node.js 20+ (then run internal/runservice/wirefidelity/setup.sh)")
	}
	if _, err := os.Stat(filepath.Join("node_modules", "@aws-sdk", "client-drs")); err != nil {
		t.Skip("the suite's SDK is not installed: run internal/runservice/wirefidelity/setup.sh (npm ci)")
	}
	models, err := filepath.Abs(filepath.Join("..", "awsmodels"))
	if err != nil {
		t.Fatal(err)
	}
	// The checks can fail: answers that break the model are reported.
	self := exec.Command(node, "suite.mjs", "--self-test")
	self.Env = append(os.Environ(), "WIRE_MODELS="+models, "NODE_NO_WARNINGS=1")
	if b, err := self.CombinedOutput(); err != nil {
		t.Fatalf("self-test: %v\n%s", err, b)
	}

	svc := runservicetest.Start(t, runservice.Config{})
	cmd := exec.Command(node, "suite.mjs")
	cmd.Env = append(os.Environ(), "WIRE_ENDPOINT="+svc.URL, "WIRE_MODELS="+models, "NODE_NO_WARNINGS=1")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	done := make(chan error, 1)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { done <- cmd.Wait() }()
	select {
	case err = <-done:
	case <-time.After(5 * time.Minute):
		_ = cmd.Process.Kill()
		t.Fatalf("the suite did not finish in 5 minutes:\n%s", out.String())
	}
	fmt.Print(out.String())
	t.Log("\n" + out.String())
	if err != nil {
		t.Fatalf("the suite found invalid answers (%v)", err)
	}
	for service, least := range minimum {
		m := regexp.MustCompile(`(?m)^` + service + `: (\d+) of \d+ implemented, (\d+) shape-valid`).FindStringSubmatch(out.String())
		if m == nil {
			t.Fatalf("no figures for %s", service)
		}
		impl, _ := strconv.Atoi(m[1])
		valid, _ := strconv.Atoi(m[2])
		if impl < least || valid < impl {
			t.Errorf("%s: %d implemented and %d shape-valid, want at least %d, every one shape-valid", service, impl, valid, least)
		}
	}
}

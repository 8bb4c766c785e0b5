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

// The operation counts the project commits to (issue 10): at least this
// many operations implemented, every one of them shape-valid.
var minimum = map[string]int{"drs": 37, "stepfunctions": 28}

// The services the suite reports on.
var services = []string{"drs", "stepfunctions", "events", "sts", "service-quotas", "logs", "ssm", "pricing"}

var figures = regexp.MustCompile(`(?m)^([a-z-]+): (\d+) of (\d+) implemented, (\d+) shape-valid$`)

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
	// The figures go to stdout as well as the test log, so that they show
	// in CI logs (go test -v; scripts/test.sh runs this package verbose).
	fmt.Print(out.String())
	if err != nil {
		t.Fatalf("the suite failed (%v): see INVALID and UNCHECKED above", err)
	}
	got := map[string][2]int{}
	for _, m := range figures.FindAllStringSubmatch(out.String(), -1) {
		impl, _ := strconv.Atoi(m[2])
		valid, _ := strconv.Atoi(m[4])
		got[m[1]] = [2]int{impl, valid}
	}
	for _, service := range services {
		f, ok := got[service]
		if !ok {
			t.Errorf("no figures for %s", service)
			continue
		}
		if impl, valid := f[0], f[1]; impl < minimum[service] || valid != impl {
			t.Errorf("%s: %d implemented and %d shape-valid, want at least %d, every one shape-valid", service, impl, valid, minimum[service])
		}
	}
}

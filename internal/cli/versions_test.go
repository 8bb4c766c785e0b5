package cli_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"

	"github.com/drsorch/terraform-provider-drsorch/internal/cli"
)

// start runs the plan's newest version and status shows it; a plan
// without versions (deployed by an earlier drsorch) runs on the
// unqualified ARN, with a warning, and status says so.
func TestStatusShowsTheVersionThatRan(t *testing.T) {
	h := newHarness(t)
	planARN := h.deployShop(t, "shop", false)
	h.deployShop(t, "old", false)
	pub, err := h.sfn.PublishStateMachineVersion(context.Background(), &sfn.PublishStateMachineVersionInput{StateMachineArn: aws.String(planARN)})
	if err != nil {
		t.Fatal(err)
	}
	version := aws.ToString(pub.StateMachineVersionArn)
	h.drive("DescribeExecution") // simulated time runs while start waits
	r := h.mustRun(t, 0, "", "start", "shop", "--drill", "--wait", "completed", "--name", "versioned")
	if strings.Contains(r.stderr, "warning") {
		t.Fatalf("start of a versioned plan warned: %s", r)
	}
	e := decode[cli.ExecutionJSON](t, h.mustRun(t, 0, "", "status", "versioned", "--json"))
	if e.StateMachineVersionARN != version || e.PlanARN != planARN {
		t.Fatalf("status --json: version %q plan %q; want %s", e.StateMachineVersionARN, e.PlanARN, version)
	}
	if r = h.mustRun(t, 0, "", "status", "versioned"); !strings.Contains(r.stdout, "Version  1 ("+version+")") {
		t.Fatalf("status: %s", r)
	}

	r = h.mustRun(t, 0, "", "start", "old", "--drill", "--wait", "started", "--name", "unversioned")
	if !strings.Contains(r.stderr, "warning: state machine") || !strings.Contains(r.stderr, "no published version") {
		t.Fatalf("start of a plan without versions did not warn: %s", r)
	}
	if e = decode[cli.ExecutionJSON](t, h.mustRun(t, 0, "", "status", "unversioned", "--json")); e.StateMachineVersionARN != "" {
		t.Fatalf("unversioned run shows version %q", e.StateMachineVersionARN)
	}
	if r = h.mustRun(t, 0, "", "status", "unversioned"); !strings.Contains(r.stdout, "Version  - (started on the unqualified state machine") {
		t.Fatalf("status: %s", r)
	}
}

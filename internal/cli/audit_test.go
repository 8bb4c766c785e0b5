package cli_test

import (
	"strings"
	"testing"

	"github.com/drsorch/terraform-provider-drsorch/internal/cli"
)

// resume records the approver's STS identity and a separate free-text
// reason; status and history show both.
func TestApprovalShowsTheApproverInStatusAndHistory(t *testing.T) {
	h := newHarness(t)
	h.deployShop(t, "shop", true)
	h.drive("DescribeExecution")
	h.mustRun(t, 0, "", "start", "shop", "--drill", "--wait", "paused", "--name", "d")
	h.drive("")
	h.mustRun(t, 0, "", "resume", "d", "--wave", "web", "--reason", "CHG-1234")
	const caller = "arn:aws:iam::123456789012:user/drsorch-local"

	r := h.mustRun(t, 0, "", "status", "d")
	if !strings.Contains(r.stdout, "Approved by "+caller+" at ") || !strings.Contains(r.stdout, "(CHG-1234)") {
		t.Fatalf("status does not show the approval: %s", r)
	}
	e := decode[cli.ExecutionJSON](t, h.mustRun(t, 0, "", "status", "d", "--json"))
	a := e.Waves[2].Approval
	if e.InvokedBy != caller || a == nil || a.Wave != "web" || a.ApprovedBy != caller || a.Reason != "CHG-1234" || a.ApprovedAt == nil || e.Waves[0].Approval != nil {
		t.Fatalf("status --json: invoked by %q, approvals %+v / %+v", e.InvokedBy, a, e.Waves[0].Approval)
	}

	r = h.mustRun(t, 0, "", "history", "shop")
	if !strings.Contains(r.stdout, "APPROVED") || !strings.Contains(r.stdout, "web by "+caller) {
		t.Fatalf("history does not show the approval: %s", r)
	}
	rows := decode[[]cli.HistoryJSON](t, h.mustRun(t, 0, "", "history", "shop", "--json"))
	if len(rows) != 1 || rows[0].InvokedBy != caller || len(rows[0].Approvals) != 1 || rows[0].Approvals[0].ApprovedBy != caller || rows[0].Approvals[0].Reason != "CHG-1234" {
		t.Fatalf("history --json = %+v", rows)
	}
}

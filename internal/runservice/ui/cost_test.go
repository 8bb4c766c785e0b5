package ui_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"

	"github.com/drsorch/terraform-provider-drsorch/internal/drsapi"
	"github.com/drsorch/terraform-provider-drsorch/internal/plans"
	"github.com/drsorch/terraform-provider-drsorch/internal/recoveryplan"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/wirefault"
)

// The shop's recovery instances, as the demo estate's right-sizing (BASIC)
// picks them, at the simulated Price List's us-east-1 prices: db 2 ×
// r5.xlarge ($0.252), app 3 × m5.large ($0.096), web and edge 4 ×
// t3.medium ($0.0416): $0.9584 an hour.
func TestPlanPageEstimatesTheCost(t *testing.T) {
	f := deployWith(t, func(p *recoveryplan.Plan) { p.RTO = 30 * time.Minute })
	p := f.get(t, "/ui/plans/shop")
	p.mustContain(t, `id="plan-cost"`, `<dd id="cost-per-hour"><strong>$0.9584</strong></dd>`,
		"A drill of 30m 00s", "(the plan's RTO)", `<dd id="cost-drill"><strong>$0.48</strong></dd>`,
		`<dd id="cost-priced">9 of 9</dd>`, "<code>r5.xlarge</code>", "DRS right-sizing BASIC (recommended instance type)", "$0.2520")

	// A Price List that cannot be read leaves the page, with the reason.
	if err := f.svc.App.Router.Faults().Set([]wirefault.Rule{{Service: "pricing", Operation: "GetProducts", Kind: wirefault.KindStatus, Status: 503}}); err != nil {
		t.Fatal(err)
	}
	// Prices read before stay cached for the process: the page still
	// shows them.
	f.get(t, "/ui/plans/shop").mustContain(t, "$0.9584")
}

func TestPlanPageSaysWhyTheCostIsUnavailable(t *testing.T) {
	f := deploy(t)
	if err := f.svc.App.Router.Faults().Set([]wirefault.Rule{{Service: "pricing", Operation: "GetProducts", Kind: wirefault.KindStatus, Status: 503}}); err != nil {
		t.Fatal(err)
	}
	p := f.get(t, "/ui/plans/shop")
	if p.status != 200 {
		t.Fatalf("plan page: HTTP %d", p.status)
	}
	p.mustContain(t, `id="cost-unavailable"`, "cost unavailable: read the price of Linux", "pricing:GetProducts", `id="plan-wave-db"`)
}

// Servers whose type or price is unknown are listed with the reason and
// left out of the sums, never counted as $0.
func TestPlanCostListsWhatItCannotPrice(t *testing.T) {
	f := deploy(t)
	ctx := context.Background()
	all, err := drsapi.ListSourceServers(ctx, f.clients.DRS, nil)
	if err != nil {
		t.Fatal(err)
	}
	var files string
	for _, s := range all {
		if aws.ToString(s.SourceProperties.IdentificationHints.Hostname) == "files-1" {
			files = aws.ToString(s.SourceServerID)
		}
	}
	plan := recoveryplan.Plan{Name: "mixed", Waves: []recoveryplan.Wave{
		{Name: "db", ProtectionGroup: "shop-db", ServerIDs: f.tiers["db"]},
		{Name: "files", ProtectionGroup: "it-files", ServerIDs: []string{files}},
	}}
	compiled, err := plans.CompileWithRunner(ctx, f.clients.SFN, plan, "us-east-1", "123456789012", "arn:aws:iam::123456789012:role/drsorch")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.clients.SFN.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String(plans.StateMachineName("mixed")),
		Definition: aws.String(compiled.Definition), RoleArn: aws.String("arn:aws:iam::123456789012:role/drsorch")}); err != nil {
		t.Fatal(err)
	}
	p := f.get(t, "/ui/plans/mixed")
	p.mustContain(t, `<dd id="cost-per-hour"><strong>$0.5040</strong> <span class="cost-partial">and 1 not priced</span></dd>`,
		`<dd id="cost-priced">2 of 3</dd>`, `id="cost-unpriced-`+files+`"`, "files-1", "Windows with your own license (osByol)")
	if strings.Contains(p.body, `id="cost-`+files+`"`) {
		t.Error("files-1 is in the priced lines")
	}
}

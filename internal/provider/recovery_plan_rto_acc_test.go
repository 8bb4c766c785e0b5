package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/drs"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/drsorch/terraform-provider-drsorch/internal/executions"
	"github.com/drsorch/terraform-provider-drsorch/internal/report"
)

// withRTO adds rto attributes to threeTierPlan: the plan's, and the
// waves' by name (Go's canonical duration form, so that import reads
// back the same strings).
func withRTO(config, plan string, waves map[string]string) string {
	config = strings.Replace(config, `description = "three-tier shop"`, `description = "three-tier shop"`+"\n  rto         = "+fmt.Sprintf("%q", plan), 1)
	for wave, rto := range waves {
		name := fmt.Sprintf("name             = %q\n", wave)
		config = strings.Replace(config, name, name+fmt.Sprintf("    rto              = %q\n", rto), 1)
	}
	return config
}

// RTO targets on the plan and its waves: checked at plan on their own
// attribute, stored in the deployed definition, read back on import, and
// what a run is measured against (report.Collect with no override).
func TestAccRecoveryPlanRTO(t *testing.T) {
	env := startRunning(t)
	drill := `
resource "drsorch_execution" "drill" {
  recovery_plan  = drsorch_recovery_plan.shop.id
  type           = "DRILL"
  approved_waves = ["web"]
}
`
	base := drillConfig(env, drill)
	deployed := withRTO(base, "4h0m0s", map[string]string{"db": "50m0s", "app": "1m0s"})
	// The same plan without the run: only the plan's RTO changes.
	changed := withRTO(env.ProviderConfig(testRole)+threeTierPlan(""), "3h0m0s", map[string]string{"db": "50m0s", "app": "1m0s"})
	var executionARN, firstVersion string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{
			{
				Config:      withRTO(base, "30s", nil),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)RTO out of range.*rto\s+= "30s".*the plan has rto 30s; use a duration\s+between\s+1m0s\s+and\s+8760h`),
			},
			{
				Config:      withRTO(base, "4h", map[string]string{"app": "90.5s"}),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)RTO out of range.*in resource "drsorch_recovery_plan" "shop".*rto\s+= "90.5s".*wave "app" has rto 1m30.5s; use whole\s+seconds`),
			},
			{
				Config: deployed,
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("drsorch_recovery_plan.shop", "rto", "4h0m0s"),
					resource.TestCheckResourceAttr("drsorch_recovery_plan.shop", "wave.0.rto", "50m0s"),
					resource.TestCheckResourceAttr("drsorch_recovery_plan.shop", "wave.1.rto", "1m0s"),
					resource.TestCheckNoResourceAttr("drsorch_recovery_plan.shop", "wave.2.rto"),
					resource.TestCheckResourceAttr("drsorch_execution.drill", "status", "SUCCEEDED"),
					resource.TestMatchResourceAttr("drsorch_recovery_plan.shop", "definition", regexp.MustCompile(`"rtoSeconds":14400\b`)),
					func(s *terraform.State) error {
						executionARN = s.RootModule().Resources["drsorch_execution.drill"].Primary.Attributes["arn"]
						firstVersion = s.RootModule().Resources["drsorch_recovery_plan.shop"].Primary.Attributes["version_arn"]
						return checkRunMeasuredAgainstPlanRTO(env.Service.AWSConfig(env.Region), executionARN, env.Service.App.Clock.Now())
					},
				),
			},
			{Config: deployed, PlanOnly: true},
			{
				ResourceName:            "drsorch_recovery_plan.shop",
				ImportState:             true,
				ImportStateId:           "shop",
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"force_destroy", "wave.2.timeout"},
			},
			{
				// Only the target changes: a new definition, so a new version.
				Config: changed,
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("drsorch_recovery_plan.shop", "rto", "3h0m0s"),
					resource.TestMatchResourceAttr("drsorch_recovery_plan.shop", "definition", regexp.MustCompile(`"rtoSeconds":10800\b`)),
					func(s *terraform.State) error {
						if v := s.RootModule().Resources["drsorch_recovery_plan.shop"].Primary.Attributes["version_arn"]; v == firstVersion {
							return fmt.Errorf("changing rto published no new version (still %s)", v)
						}
						return nil
					},
				),
			},
		},
	})
}

// checkRunMeasuredAgainstPlanRTO: the report of the drill takes its
// targets from the plan version it ran, with nothing passed in.
func checkRunMeasuredAgainstPlanRTO(cfg aws.Config, arn string, now time.Time) error {
	c := executions.Clients{SFN: sfn.NewFromConfig(cfg), DRS: drs.NewFromConfig(cfg)}
	r, err := report.Collect(context.Background(), c, arn, report.Target{}, now)
	if err != nil {
		return err
	}
	if r.Target.Source != "plan" || r.Target.Total != report.Duration(4*time.Hour) || len(r.Target.Waves) != 2 ||
		r.Target.Waves["db"] != report.Duration(50*time.Minute) || r.Target.Waves["app"] != report.Duration(time.Minute) {
		return fmt.Errorf("report targets %+v, want the plan's", r.Target)
	}
	for _, w := range r.Waves {
		want := w.Target > 0 && w.Took <= w.Target
		switch {
		case w.Name == "web" && w.MetRTO != nil:
			return fmt.Errorf("wave web has no RTO but is measured: %v", *w.MetRTO)
		case w.Name != "web" && (w.MetRTO == nil || *w.MetRTO != want):
			return fmt.Errorf("wave %s took %s against %s: met = %v", w.Name, w.Took, w.Target, w.MetRTO)
		case w.Name == "app" && w.Took <= report.Duration(time.Minute):
			return fmt.Errorf("wave app took %s: too quick to show a missed target", w.Took)
		}
	}
	if r.MetRTO == nil || !*r.MetRTO || r.Outcome != "failed" {
		return fmt.Errorf("recovery %s against 4h: met %v, outcome %s (app's missed target fails it)", r.Recovery, r.MetRTO, r.Outcome)
	}
	return nil
}

package provider

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

// Approving one wave of a paused drill plans approved_waves as the one
// changed argument: the run's status and the progress of the approved
// wave become unknown (apply follows them), while the id, the run's
// identity and every wave that already recovered stay known and unchanged.
// Every other resource of the configuration is left alone.
func TestAccExecutionApprovalPlansOneChange(t *testing.T) {
	env := startRunning(t)
	execution := func(approved string) string {
		return drillConfig(env, `
resource "drsorch_execution" "drill" {
  recovery_plan  = drsorch_recovery_plan.shop.id
  type           = "DRILL"
  approved_waves = [`+approved+`]
}
`)
	}
	// Only the run's progress and the wave still to run may be unknown:
	// of that wave, what following it changes (its job, times, outcome,
	// approval), never what the run fixed at its start (name, level,
	// pause_before, recovered_in, its servers and their snapshots).
	progress := regexp.MustCompile(`^(status|phase|paused_before|stopped_at|error|cause|` +
		`waves\.2\.(status|job_id|started_at|ended_at|error|cause|approved_by|approved_at|approval_reason|` +
		`servers\.\d+\.(launch_status|recovery_instance_id|ec2_instance_id|ec2_instance_state|snapshot_time|launch_error|launch_actions)|steps\.\d+\.(ssm_id|status|detail)))$`)
	wave := func(i int, attr string) tfjsonpath.Path {
		return tfjsonpath.New("waves").AtSliceIndex(i).AtMapKey(attr)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{
			{
				Config: execution(""),
				// ids that are inputs are known when planned.
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectKnownValue("drsorch_recovery_plan.shop", tfjsonpath.New("id"), knownvalue.StringExact("shop")),
					plancheck.ExpectKnownValue("drsorch_protection_group.web", tfjsonpath.New("id"), knownvalue.StringExact("shop-web")),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("drsorch_execution.drill", "paused_before", "web"),
					resource.TestCheckResourceAttr("drsorch_execution.drill", "waves.2.servers.#", "4"),
				),
			},
			{
				Config: execution(`"web"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("drsorch_execution.drill", plancheck.ResourceActionUpdate),
					expectOnlyChanges{addr: "drsorch_execution.drill", changed: []string{"approved_waves"}, unknown: progress},
					// The approved wave's progress and approval are left to apply …
					plancheck.ExpectUnknownValue("drsorch_execution.drill", wave(2, "status")),
					plancheck.ExpectUnknownValue("drsorch_execution.drill", wave(2, "approved_by")),
					plancheck.ExpectUnknownValue("drsorch_execution.drill", wave(2, "error")),
					// … its gate and identity are not, nor the waves that recovered.
					plancheck.ExpectKnownValue("drsorch_execution.drill", wave(2, "name"), knownvalue.StringExact("web")),
					plancheck.ExpectKnownValue("drsorch_execution.drill", wave(2, "pause_before"), knownvalue.Bool(true)),
					plancheck.ExpectKnownValue("drsorch_execution.drill", wave(2, "recovered_in"), knownvalue.Null()),
					plancheck.ExpectKnownValue("drsorch_execution.drill", wave(0, "status"), knownvalue.StringExact("RECOVERED")),
					plancheck.ExpectKnownValue("drsorch_execution.drill", wave(0, "approved_by"), knownvalue.Null()),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("drsorch_execution.drill", "status", "SUCCEEDED"),
					resource.TestCheckResourceAttr("drsorch_execution.drill", "waves.2.status", "RECOVERED"),
					resource.TestCheckResourceAttr("drsorch_execution.drill", "waves.0.status", "RECOVERED"),
					resource.TestCheckResourceAttr("drsorch_execution.drill", "waves.2.approval_reason", approvedWavesReason),
					resource.TestMatchResourceAttr("drsorch_execution.drill", "waves.2.approved_by", regexp.MustCompile(`^arn:aws:iam::123456789012:`)),
					resource.TestCheckNoResourceAttr("drsorch_execution.drill", "waves.0.approved_by"),
				),
			},
			// Once the run ended, a change of arguments changes nothing else.
			{
				Config: execution(`"web", "db"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					expectOnlyChanges{addr: "drsorch_execution.drill", changed: []string{"approved_waves"}, unknown: regexp.MustCompile(`^$`)},
				}},
			},
			{Config: execution(`"web", "db"`), PlanOnly: true},
		},
	})
}

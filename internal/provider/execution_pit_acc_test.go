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
	drstypes "github.com/aws/aws-sdk-go-v2/service/drs/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/echoprovider"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
)

func pitDrillConfig(extra string) string {
	return `
resource "drsorch_execution" "drill" {
  recovery_plan  = drsorch_recovery_plan.shop.id
  type           = "DRILL"
  approved_waves = ["web"]
` + extra + `
}
`
}

// latestSnapshotAtOrBefore is the test's own answer: the server's newest
// recovery snapshot actually taken at or before at.
func latestSnapshotAtOrBefore(api *drs.Client, server string, at time.Time) (drstypes.RecoverySnapshot, error) {
	out, err := api.DescribeRecoverySnapshots(context.Background(), &drs.DescribeRecoverySnapshotsInput{SourceServerID: aws.String(server), Order: drstypes.RecoverySnapshotsOrderAsc})
	if err != nil {
		return drstypes.RecoverySnapshot{}, err
	}
	var best *drstypes.RecoverySnapshot
	for i, s := range out.Items {
		if taken, err := time.Parse(time.RFC3339, aws.ToString(s.Timestamp)); err == nil && !taken.After(at) {
			best = &out.Items[i]
		}
	}
	if best == nil {
		return drstypes.RecoverySnapshot{}, fmt.Errorf("server %s has no snapshot at or before %s", server, at)
	}
	return *best, nil
}

// A drill with point_in_time recovers every server from its latest
// snapshot taken at or before T: the state names each server's snapshot,
// and DRS's recovery instances hold that snapshot's point in time. A T
// before every snapshot fails at the start, naming a server and its
// oldest snapshot, with nothing launched; a T in the future or a malformed
// snapshot ID fails at plan.
func TestAccExecutionPointInTime(t *testing.T) {
	env := startRunning(t)
	ids, _ := demoServers(t, env)
	api := drsClient(env)
	// The estate's clock starts at the wall clock's now and runs 2000
	// times faster: daily snapshots (kept a week) outlive the test.
	at := time.Now().Add(-30 * time.Hour).UTC().Truncate(time.Second)
	tooEarly := time.Now().Add(-10 * 24 * time.Hour).UTC().Truncate(time.Second)
	base := env.ProviderConfig(testRole) + threeTierPlan("")

	checkSnapshots := func(s *terraform.State) error {
		rs := s.RootModule().Resources["drsorch_execution.drill"].Primary.Attributes
		instances, err := api.DescribeRecoveryInstances(context.Background(), &drs.DescribeRecoveryInstancesInput{})
		if err != nil {
			return err
		}
		pit := map[string]string{}
		for _, ri := range instances.Items {
			if ri.Ec2InstanceState != drstypes.EC2InstanceStateTerminated {
				pit[aws.ToString(ri.SourceServerID)] = aws.ToString(ri.PointInTimeSnapshotDateTime)
			}
		}
		checked := 0
		for w := 0; w < 3; w++ {
			for i := 0; ; i++ {
				prefix := fmt.Sprintf("waves.%d.servers.%d.", w, i)
				server, ok := rs[prefix+"source_server_id"]
				if !ok {
					break
				}
				want, err := latestSnapshotAtOrBefore(api, server, at)
				if err != nil {
					return err
				}
				if got := rs[prefix+"recovery_snapshot_id"]; got != aws.ToString(want.SnapshotID) {
					return fmt.Errorf("%s: state says snapshot %s, want %s (taken %s, T %s)", server, got, aws.ToString(want.SnapshotID), aws.ToString(want.Timestamp), at)
				}
				if pit[server] != aws.ToString(want.ExpectedTimestamp) || rs[prefix+"snapshot_time"] != pit[server] {
					return fmt.Errorf("%s: recovery instance holds %q (state %q), want snapshot %s of %s", server, pit[server], rs[prefix+"snapshot_time"],
						aws.ToString(want.SnapshotID), aws.ToString(want.ExpectedTimestamp))
				}
				checked++
			}
		}
		if checked != 9 {
			return fmt.Errorf("checked %d servers, want 9", checked)
		}
		return nil
	}

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{
			{
				Config:      base + pitDrillConfig(fmt.Sprintf("  point_in_time = %q", time.Now().Add(24*time.Hour).UTC().Format(time.RFC3339))),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Invalid point in time.*is in the future`),
			},
			{
				Config:      base + pitDrillConfig(fmt.Sprintf("  recovery_snapshots = { %q = \"snap-1\" }", ids["shop-db-1"])),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Invalid recovery snapshot ID.*pit- and 17`),
			},
			{
				// The plan is created in the same apply: the snapshots are
				// chosen at the start, which refuses it.
				Config:      base + pitDrillConfig(fmt.Sprintf("  point_in_time = %q", tooEarly.Format(time.RFC3339))),
				ExpectError: regexp.MustCompile(`(?s)Cannot recover from the snapshots asked for.*source server s-[0-9a-f]{17} \(wave (db|app|web)\).*has\s+no\s+recovery\s+snapshot\s+taken\s+at\s+or\s+before.*its\s+oldest\s+is\s+pit-`),
			},
			{
				PreConfig: func() {
					if n := env.Service.App.DRS.Stats()["StartRecovery"]; n != 0 {
						t.Fatalf("the refused point-in-time drill sent StartRecovery %d times", n)
					}
				},
				Config: base + pitDrillConfig(fmt.Sprintf("  point_in_time = %q", at.Format(time.RFC3339))),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("drsorch_execution.drill", "status", "SUCCEEDED"),
					resource.TestCheckResourceAttr("drsorch_execution.drill", "point_in_time", at.Format(time.RFC3339)),
					checkSnapshots,
				),
			},
			{
				// The same configuration plans nothing: the choice is in state.
				Config:   base + pitDrillConfig(fmt.Sprintf("  point_in_time = %q", at.Format(time.RFC3339))),
				PlanOnly: true,
			},
			{
				// The execution data source reads the choice back from the run.
				Config: base + pitDrillConfig(fmt.Sprintf("  point_in_time = %q", at.Format(time.RFC3339))) + `
data "drsorch_execution" "pit" {
  arn = drsorch_execution.drill.arn
}
`,
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("data.drsorch_execution.pit", "point_in_time", at.Format(time.RFC3339)),
					resource.TestCheckResourceAttrPair("data.drsorch_execution.pit", "waves.0.servers.0.recovery_snapshot_id",
						"drsorch_execution.drill", "waves.0.servers.0.recovery_snapshot_id"),
					resource.TestCheckResourceAttrPair("data.drsorch_execution.pit", "waves.0.servers.0.snapshot_time",
						"drsorch_execution.drill", "waves.0.servers.0.snapshot_time"),
				),
			},
			{
				// A server named with a snapshot it lacks fails at plan, naming it.
				Config:      base + pitDrillConfig(fmt.Sprintf("  recovery_snapshots = { %q = \"pit-00000000000000000\" }", ids["shop-db-1"])),
				ExpectError: regexp.MustCompile(strings.ReplaceAll(fmt.Sprintf(`(?s)source server %s \(wave db\).*has no recovery snapshot pit-00000000000000000`, ids["shop-db-1"]), " ", `\s+`)),
			},
		},
	})
}

// The ephemeral drill takes point_in_time too, and hands back each
// instance's snapshot.
func TestAccDrillEphemeralPointInTime(t *testing.T) {
	env := startRunning(t)
	factories := map[string]func() (tfprotov6.ProviderServer, error){"echo": echoprovider.NewProviderServer()}
	for k, v := range testFactories {
		factories[k] = v
	}
	at := time.Now().Add(-30 * time.Hour).UTC().Truncate(time.Second)
	groupsAndPlan := env.ProviderConfig(testRole) + threeTierPlan("")
	drill := func(at time.Time) string {
		return groupsAndPlan + fmt.Sprintf(`
ephemeral "drsorch_drill" "check" {
  recovery_plan = drsorch_recovery_plan.shop.id
  launch        = true
  timeout       = "30m"
  point_in_time = %q
}
provider "echo" {
  data = ephemeral.drsorch_drill.check
}
resource "echo" "drill" {}
`, at.Format(time.RFC3339))
	}
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_10_0)},
		ProtoV6ProviderFactories: factories,
		Steps: []resource.TestStep{
			{Config: groupsAndPlan},
			{
				Config:      drill(time.Now().Add(-10 * 24 * time.Hour).UTC().Truncate(time.Second)),
				ExpectError: regexp.MustCompile(`(?s)Cannot recover from the snapshots asked for.*its\s+oldest\s+is\s+pit-`),
			},
			{
				Config: drill(at),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("echo.drill", "data.status", "SUCCEEDED"),
					resource.TestCheckResourceAttr("echo.drill", "data.instances.#", "9"),
					func(s *terraform.State) error {
						attrs := s.RootModule().Resources["echo.drill"].Primary.Attributes
						for i := 0; i < 9; i++ {
							server := attrs[fmt.Sprintf("data.instances.%d.source_server_id", i)]
							want, err := latestSnapshotAtOrBefore(drsClient(env), server, at)
							if err != nil {
								return err
							}
							if got := attrs[fmt.Sprintf("data.instances.%d.recovery_snapshot_id", i)]; got != aws.ToString(want.SnapshotID) {
								return fmt.Errorf("%s launched from %s, want %s", server, got, aws.ToString(want.SnapshotID))
							}
							if got := attrs[fmt.Sprintf("data.instances.%d.snapshot_time", i)]; got != aws.ToString(want.ExpectedTimestamp) {
								return fmt.Errorf("%s holds %s, want %s", server, got, aws.ToString(want.ExpectedTimestamp))
							}
						}
						return nil
					},
				),
			},
		},
	})
}

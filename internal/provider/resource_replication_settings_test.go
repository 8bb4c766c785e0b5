package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/drs"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/drsorch/terraform-provider-drsorch/internal/acctest"
)

const replAddr = "drsorch_replication_settings.db"

const testKeyARN = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"

func replicationHCL(env *acctest.Env, id, body string) string {
	return env.ProviderConfig() + fmt.Sprintf(`
resource "drsorch_replication_settings" "db" {
  source_server_id = %q
%s
}
`, id, body)
}

func getReplication(env *acctest.Env, id string) (*drs.GetReplicationConfigurationOutput, error) {
	return settingsDRS(env).GetReplicationConfiguration(context.Background(), &drs.GetReplicationConfigurationInput{SourceServerID: aws.String(id)})
}

const replicationFull = `
  name                                    = "db-1 replication"
  staging_area_subnet_id                  = "subnet-0123456789abcdef0"
  associate_default_security_group        = false
  replication_servers_security_groups_ids = ["sg-0123456789abcdef0", "sg-00000000aaaaaaaa1"]
  replication_server_instance_type        = "m5.large"
  use_dedicated_replication_server        = true
  default_large_staging_disk_type         = "ST1"
  ebs_encryption                          = "CUSTOM"
  ebs_encryption_key_arn                  = "` + testKeyARN + `"
  bandwidth_throttling                    = 250
  data_plane_routing                      = "PUBLIC_IP"
  create_public_ip                        = true
  internet_protocol                       = "IPV4"
  auto_replicate_new_disks                = false
  staging_area_tags                       = { cost-center = "dr" }
  replicated_disks = [
    { device_name = "/dev/sda1", is_boot_disk = true, staging_disk_type = "GP3", iops = 4000, throughput = 250 },
    { device_name = "/dev/sdb", staging_disk_type = "IO1", iops = 1000 },
  ]
  pit_policy = [
    { rule_id = 1, units = "MINUTE", interval = 15, retention_duration = 120 },
    { rule_id = 2, units = "DAY", interval = 1, retention_duration = 14, enabled = false },
  ]`

func TestAccReplicationSettingsLifecycle(t *testing.T) {
	env := acctest.Start(t)
	id := serverIDByHostname(t, env, "shop-db-1")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		CheckDestroy: func(*terraform.State) error {
			rc, err := getReplication(env, id)
			if err != nil {
				return err
			}
			if !aws.ToBool(rc.AssociateDefaultSecurityGroup) || len(rc.ReplicationServersSecurityGroupsIDs) != 0 ||
				aws.ToString(rc.ReplicationServerInstanceType) != "t3.small" || aws.ToBool(rc.UseDedicatedReplicationServer) ||
				rc.DefaultLargeStagingDiskType != "GP3" || rc.EbsEncryption != "DEFAULT" || aws.ToString(rc.EbsEncryptionKeyArn) != "" ||
				rc.BandwidthThrottling != 0 || rc.DataPlaneRouting != "PRIVATE_IP" || aws.ToBool(rc.CreatePublicIP) ||
				!aws.ToBool(rc.AutoReplicateNewDisks) || len(rc.StagingAreaTags) != 0 || len(rc.PitPolicy) != 3 {
				return fmt.Errorf("destroy did not restore the DRS defaults: %s", replicationSummary(rc))
			}
			for _, d := range rc.ReplicatedDisks {
				if d.StagingDiskType != "AUTO" || d.Iops != 0 || d.Throughput != 0 {
					return fmt.Errorf("disk %s not back to AUTO: %+v", aws.ToString(d.DeviceName), d)
				}
			}
			if aws.ToString(rc.StagingAreaSubnetId) != "subnet-0123456789abcdef0" {
				return fmt.Errorf("destroy changed the staging subnet (it has no single default): %s", aws.ToString(rc.StagingAreaSubnetId))
			}
			return nil
		},
		Steps: []resource.TestStep{
			{ // create with every attribute
				Config: replicationHCL(env, id, replicationFull),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(replAddr, "ebs_encryption_key_arn", testKeyARN),
					resource.TestCheckResourceAttr(replAddr, "replication_servers_security_groups_ids.#", "2"),
					resource.TestCheckResourceAttr(replAddr, "replicated_disks.0.optimized_staging_disk_type", "GP3"),
					resource.TestCheckResourceAttr(replAddr, "replicated_disks.1.iops", "1000"),
					resource.TestCheckResourceAttr(replAddr, "replicated_disks.1.is_boot_disk", "false"),
					resource.TestCheckResourceAttr(replAddr, "pit_policy.0.enabled", "true"),
					resource.TestCheckResourceAttr(replAddr, "pit_policy.1.enabled", "false"),
					resource.TestCheckResourceAttr(replAddr, "staging_area_tags.cost-center", "dr"),
					func(*terraform.State) error {
						rc, err := getReplication(env, id)
						if err != nil {
							return err
						}
						if rc.BandwidthThrottling != 250 || rc.EbsEncryption != "CUSTOM" || len(rc.PitPolicy) != 2 || rc.ReplicatedDisks[0].Throughput != 250 {
							return fmt.Errorf("DRS holds %s", replicationSummary(rc))
						}
						return nil
					},
				),
			},
			{ // update: encryption back to DEFAULT (the key goes), no bandwidth limit, other disk types
				Config: replicationHCL(env, id, `
  ebs_encryption       = "DEFAULT"
  bandwidth_throttling = 0
  replicated_disks = [
    { device_name = "/dev/sdb", staging_disk_type = "ST1" },
    { device_name = "/dev/sda1" },
  ]`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(replAddr, plancheck.ResourceActionUpdate),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(replAddr, "ebs_encryption", "DEFAULT"),
					resource.TestCheckResourceAttr(replAddr, "ebs_encryption_key_arn", ""),
					resource.TestCheckResourceAttr(replAddr, "bandwidth_throttling", "0"),
					resource.TestCheckResourceAttr(replAddr, "replicated_disks.0.device_name", "/dev/sdb"),
					resource.TestCheckResourceAttr(replAddr, "replicated_disks.0.staging_disk_type", "ST1"),
					resource.TestCheckResourceAttr(replAddr, "replicated_disks.0.iops", "0"),
					// the boot disk kept its type, IOPS and throughput
					resource.TestCheckResourceAttr(replAddr, "replicated_disks.1.staging_disk_type", "GP3"),
					resource.TestCheckResourceAttr(replAddr, "replicated_disks.1.iops", "4000"),
					resource.TestCheckResourceAttr(replAddr, "replicated_disks.1.is_boot_disk", "true"),
					// attributes no longer written keep DRS's values
					resource.TestCheckResourceAttr(replAddr, "replication_server_instance_type", "m5.large"),
					resource.TestCheckResourceAttr(replAddr, "pit_policy.#", "2"),
					func(*terraform.State) error {
						rc, err := getReplication(env, id)
						if err != nil {
							return err
						}
						if rc.BandwidthThrottling != 0 || aws.ToString(rc.EbsEncryptionKeyArn) != "" {
							return fmt.Errorf("DRS holds bandwidth %d, key %q", rc.BandwidthThrottling, aws.ToString(rc.EbsEncryptionKeyArn))
						}
						return nil
					},
				),
			},
			{
				ResourceName:      replAddr,
				ImportState:       true,
				ImportStateId:     id,
				ImportStateVerify: true,
			},
			{ // drift on a managed attribute shows and is repaired
				PreConfig: func() {
					_, err := settingsDRS(env).UpdateReplicationConfiguration(context.Background(), &drs.UpdateReplicationConfigurationInput{
						SourceServerID: aws.String(id), BandwidthThrottling: 999,
					})
					if err != nil {
						t.Fatalf("drift: %v", err)
					}
				},
				Config: replicationHCL(env, id, `
  ebs_encryption       = "DEFAULT"
  bandwidth_throttling = 0
  replicated_disks = [
    { device_name = "/dev/sdb", staging_disk_type = "ST1" },
    { device_name = "/dev/sda1" },
  ]`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(replAddr, plancheck.ResourceActionUpdate),
				}},
				Check: resource.TestCheckResourceAttr(replAddr, "bandwidth_throttling", "0"),
			},
		},
	})
}

func TestAccReplicationSettingsAdoptsAndKeepsDRSValues(t *testing.T) {
	env := acctest.Start(t)
	id := serverIDByHostname(t, env, "files-1")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{{
			Config: replicationHCL(env, id, `  bandwidth_throttling = 100`),
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr(replAddr, "bandwidth_throttling", "100"),
				resource.TestCheckResourceAttr(replAddr, "replicated_disks.#", "2"),
				resource.TestCheckResourceAttr(replAddr, "replicated_disks.0.device_name", "C:"),
				resource.TestCheckResourceAttr(replAddr, "pit_policy.#", "3"),
				resource.TestCheckResourceAttr(replAddr, "ebs_encryption", "DEFAULT"),
				resource.TestCheckResourceAttr(replAddr, "replication_server_instance_type", "t3.small"),
			),
		}},
	})
}

func TestAccReplicationSettingsValidation(t *testing.T) {
	env := acctest.Start(t)
	id := serverIDByHostname(t, env, "shop-db-2")
	disks := func(first string) string {
		return fmt.Sprintf(`  replicated_disks = [
    { device_name = "/dev/sda1", %s },
    { device_name = "/dev/sdb" },
  ]`, first)
	}
	cases := []struct{ name, id, body, want string }{
		{"unknown server", "s-0000000000000000a", "", `no source server s-0000000000000000a`},
		{"gp3 iops low", id, disks(`staging_disk_type = "GP3", iops = 2000`), `iops 2000 is out of range for GP3: use 3000 to 16000 IOPS`},
		{"gp3 iops high", id, disks(`staging_disk_type = "GP3", iops = 16001`), `use 3000 to 16000`},
		{"gp3 throughput", id, disks(`staging_disk_type = "GP3", throughput = 1001`), `throughput 1001 MiB/s is out of range for GP3: use 125 to 1000`},
		{"io1 iops", id, disks(`staging_disk_type = "IO1", iops = 64001`), `out of range for IO1: use 100 to 64000`},
		{"io1 throughput", id, disks(`staging_disk_type = "IO1", iops = 1000, throughput = 200`), `throughput can only be set for staging disk type GP3, not IO1`},
		{"st1 iops", id, disks(`staging_disk_type = "ST1", iops = 500`), `iops can only be set for staging disk type GP3 or IO1, not ST1`},
		{"io2 type", id, disks(`staging_disk_type = "IO2", iops = 500`), `"IO2" is not allowed: use one of AUTO, GP2, GP3, IO1, SC1, ST1, STANDARD`},
		{"iops without type", id, disks(`iops = 500`), `iops is set but staging_disk_type is not`},
		{"disk twice", id, `  replicated_disks = [{ device_name = "/dev/sda1" }, { device_name = "/dev/sda1" }]`, `"/dev/sda1" is already replicated_disks\[0\]`},
		{"unknown disk", id, `  replicated_disks = [{ device_name = "/dev/sda1" }, { device_name = "/dev/sdz" }]`, `has no disk "/dev/sdz"`},
		{"missing disk", id, `  replicated_disks = [{ device_name = "/dev/sda1" }]`, `(?s)must name every disk of.*add /dev/sdb`},
		{"custom without key", id, `  ebs_encryption = "CUSTOM"`, `ebs_encryption_key_arn is required when ebs_encryption is CUSTOM`},
		{"key without custom", id, `  ebs_encryption = "DEFAULT"` + "\n" + `  ebs_encryption_key_arn = "` + testKeyARN + `"`, `can only be set when ebs_encryption is CUSTOM \(it is DEFAULT\)`},
		{"key alone", id, `  ebs_encryption_key_arn = "` + testKeyARN + `"`, `set ebs_encryption = "CUSTOM" next to the key`},
		{"bad key", id, `  ebs_encryption = "CUSTOM"` + "\n" + `  ebs_encryption_key_arn = "my-key"`, `"my-key" is not a KMS key ARN`},
		{"pit units", id, `  pit_policy = [{ rule_id = 1, units = "WEEK", interval = 1, retention_duration = 4 }]`, `units "WEEK" is not allowed: use one of MINUTE, HOUR, DAY`},
		{"pit interval", id, `  pit_policy = [{ rule_id = 1, units = "HOUR", interval = 0, retention_duration = 4 }]`, `interval 0 must be a positive number of hours`},
		{"pit retention", id, `  pit_policy = [{ rule_id = 1, units = "DAY", interval = 1, retention_duration = -1 }]`, `retention_duration -1 must be a positive number of days`},
		{"pit rule ids", id, `  pit_policy = [{ rule_id = 7, units = "DAY", interval = 1, retention_duration = 7 }, { rule_id = 7, units = "HOUR", interval = 1, retention_duration = 7 }]`, `rule_id 7 is already the rule_id of pit_policy\[0\]`},
		{"pit empty", id, `  pit_policy = []`, `pit_policy has 0 rules; DRS needs 1 to 10`},
		{"subnet", id, `  staging_area_subnet_id = "subnet-XYZ"`, `"subnet-XYZ" is not a subnet ID`},
		{"security group", id, `  replication_servers_security_groups_ids = ["sg-12"]`, `"sg-12" is not a security group ID`},
		{"bandwidth", id, `  bandwidth_throttling = 20000`, `20000 is out of range: use 0 \(no limit\) to 10000 Mbps`},
		{"large disk type", id, `  default_large_staging_disk_type = "IO1"`, `use one of GP2, GP3, ST1, AUTO`},
		{"routing", id, `  data_plane_routing = "VPN"`, `use one of PRIVATE_IP, PUBLIC_IP`},
		{"protocol", id, `  internet_protocol = "IPV5"`, `use one of IPV4, IPV6`},
		{"encryption enum", id, `  ebs_encryption = "KMS"`, `use one of DEFAULT, CUSTOM, NONE`},
		{"staging tags", id, `  staging_area_tags = { "aws:owner" = "x" }`, `tag key "aws:owner" uses the prefix aws:`},
	}
	var steps []resource.TestStep
	for _, c := range cases {
		steps = append(steps, resource.TestStep{
			Config:      replicationHCL(env, c.id, c.body),
			PlanOnly:    true,
			ExpectError: diagRE(c.want),
		})
	}
	resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: testFactories, Steps: steps})
}

// The simulator applies the same rules, so a value that slips past the
// provider (here: sent straight through the SDK) is still refused with
// the field named.
func TestReplicationRulesEnforcedByDRS(t *testing.T) {
	env := &acctest.Env{Service: startService(t), Region: "us-east-1"}
	id := serverIDByHostname(t, env, "shop-db-2")
	_, err := settingsDRS(env).UpdateReplicationConfiguration(context.Background(), &drs.UpdateReplicationConfigurationInput{
		SourceServerID: aws.String(id), EbsEncryption: "CUSTOM",
	})
	if err == nil || !regexp.MustCompile(`ebsEncryptionKeyArn`).MatchString(err.Error()) {
		t.Fatalf("CUSTOM without a key: got %v, want a ValidationException naming ebsEncryptionKeyArn", err)
	}
}

func TestAccReplicationSettingsSurvivesThrottling(t *testing.T) {
	env := acctest.Start(t)
	id := serverIDByHostname(t, env, "shop-db-2")
	throttle(t, env, 50)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testFactories,
		Steps: []resource.TestStep{
			{Config: replicationHCL(env, id, `  bandwidth_throttling = 300`), Check: resource.TestCheckResourceAttr(replAddr, "bandwidth_throttling", "300")},
		},
		CheckDestroy: func(*terraform.State) error {
			throttle(t, env, 0)
			rc, err := getReplication(env, id)
			if err != nil {
				return err
			}
			if rc.BandwidthThrottling != 0 {
				return fmt.Errorf("destroy under throttling left bandwidth %d", rc.BandwidthThrottling)
			}
			return nil
		},
	})
}

func replicationSummary(rc *drs.GetReplicationConfigurationOutput) string {
	return fmt.Sprintf("defaultSG %v, SGs %v, instance %s, dedicated %v, largeDisk %s, encryption %s key %q, bandwidth %d, routing %s, publicIP %v, autoReplicate %v, stagingTags %v, %d PIT rules, disks %d",
		aws.ToBool(rc.AssociateDefaultSecurityGroup), rc.ReplicationServersSecurityGroupsIDs, aws.ToString(rc.ReplicationServerInstanceType),
		aws.ToBool(rc.UseDedicatedReplicationServer), rc.DefaultLargeStagingDiskType, rc.EbsEncryption, aws.ToString(rc.EbsEncryptionKeyArn),
		rc.BandwidthThrottling, rc.DataPlaneRouting, aws.ToBool(rc.CreatePublicIP), aws.ToBool(rc.AutoReplicateNewDisks), rc.StagingAreaTags,
		len(rc.PitPolicy), len(rc.ReplicatedDisks))
}

// Problems inside pit_policy and replicated_disks are shown on the line of
// the list element at fault, with the attribute path in the summary, and
// never on the resource's first line (Terraform's fallback for paths it
// cannot find). Run through the terraform binary, whose output is checked.
func TestAccReplicationSettingsNestedDiagnosticPaths(t *testing.T) {
	env := acctest.Start(t)
	id := serverIDByHostname(t, env, "shop-db-2")
	t.Setenv("DRSORCH_RUN_SERVICE_ENDPOINT", env.Service.URL)
	t.Setenv("AWS_REGION", env.Region)
	tf := newTerraformCLI(t, map[string]string{"main.tf": `
terraform {
  required_providers {
    drsorch = { source = "drsorch/drsorch" }
  }
}
resource "drsorch_replication_settings" "db" {
  source_server_id = "` + id + `"
  replicated_disks = [
    { device_name = "/dev/sda1", staging_disk_type = "GP3", iops = 2000 },
    { device_name = "/dev/sdb", staging_disk_type = "IO2" },
  ]
  pit_policy = [
    { rule_id = 7, units = "DAY", interval = 1, retention_duration = 7 },
    { rule_id = 7, units = "HOUR", interval = 1, retention_duration = 7 },
  ]
}
`})
	out, err := tf.run("plan", "-input=false", "-no-color")
	if err == nil {
		t.Fatalf("plan passed:\n%s", out)
	}
	blocks := map[string]string{} // summary -> the whole error block
	for _, b := range strings.Split(out, "Error: ")[1:] {
		summary, _, _ := strings.Cut(b, "\n")
		blocks[summary] = b
	}
	for _, c := range []struct{ summary, line, detail string }{
		{"Invalid PIT policy: pit_policy[1].rule_id", `{ rule_id = 7, units = "HOUR"`, "rule_id 7 is already the rule_id of pit_policy[0]"},
		{"Invalid iops: replicated_disks[0].iops", `{ device_name = "/dev/sda1"`, "iops 2000 is out of range for GP3"},
		{"Invalid value: replicated_disks[1].staging_disk_type", `{ device_name = "/dev/sdb"`, `"IO2" is not allowed`},
	} {
		b, ok := blocks[c.summary]
		if !ok {
			t.Errorf("no error %q in:\n%s", c.summary, out)
			continue
		}
		if !strings.Contains(b, c.line) || strings.Contains(b, `: resource "drsorch_replication_settings"`) {
			t.Errorf("%s: not shown on the element's line %s:\n%s", c.summary, c.line, b)
		}
		if flat := strings.Join(strings.Fields(b), " "); !strings.Contains(flat, c.detail) {
			t.Errorf("%s: detail lacks %q:\n%s", c.summary, c.detail, b)
		}
	}
}

package drssim_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/drs"
	"github.com/aws/aws-sdk-go-v2/service/drs/types"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/drssim"
)

// Servers added after the replication configuration template was set
// start from its settings; servers added before keep theirs.
func TestReplicationTemplateAppliesToNewServers(t *testing.T) {
	svc := start(t, nil)
	c := drsClient(svc, "us-east-1")
	old := serverIDs(t, c, "shop-web-1")[0]
	before, err := c.GetReplicationConfiguration(ctx, &drs.GetReplicationConfigurationInput{SourceServerID: aws.String(old)})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.CreateReplicationConfigurationTemplate(ctx, &drs.CreateReplicationConfigurationTemplateInput{
		AssociateDefaultSecurityGroup: aws.Bool(false), BandwidthThrottling: 42, CreatePublicIP: aws.Bool(false),
		DataPlaneRouting: types.ReplicationConfigurationDataPlaneRoutingPrivateIp, DefaultLargeStagingDiskType: types.ReplicationConfigurationDefaultLargeStagingDiskTypeSt1,
		EbsEncryption: types.ReplicationConfigurationEbsEncryptionDefault, ReplicationServerInstanceType: aws.String("m5.large"),
		ReplicationServersSecurityGroupsIDs: []string{}, StagingAreaSubnetId: aws.String("subnet-0123456789abcdef0"),
		StagingAreaTags: map[string]string{"team": "dr"}, UseDedicatedReplicationServer: aws.Bool(true),
		PitPolicy: []types.PITPolicyRule{
			{Interval: aws.Int32(10), RetentionDuration: aws.Int32(60), Units: types.PITPolicyRuleUnitsMinute, RuleID: 1, Enabled: aws.Bool(true)},
			{Interval: aws.Int32(1), RetentionDuration: aws.Int32(24), Units: types.PITPolicyRuleUnitsHour, RuleID: 2, Enabled: aws.Bool(true)},
			{Interval: aws.Int32(1), RetentionDuration: aws.Int32(3), Units: types.PITPolicyRuleUnitsDay, RuleID: 3, Enabled: aws.Bool(true)},
		}})
	if err != nil {
		t.Fatal(err)
	}
	ids, err := svc.App.DRS.AddServers(drssim.Estate{}, drssim.GenerateSpec{Count: 1, HostnamePrefix: "late"})
	if err != nil {
		t.Fatal(err)
	}
	rc, err := c.GetReplicationConfiguration(ctx, &drs.GetReplicationConfigurationInput{SourceServerID: aws.String(ids[0])})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(rc.StagingAreaSubnetId) != "subnet-0123456789abcdef0" || aws.ToString(rc.ReplicationServerInstanceType) != "m5.large" ||
		rc.BandwidthThrottling != 42 || !aws.ToBool(rc.UseDedicatedReplicationServer) || rc.StagingAreaTags["team"] != "dr" ||
		rc.DefaultLargeStagingDiskType != types.ReplicationConfigurationDefaultLargeStagingDiskTypeSt1 || aws.ToInt32(rc.PitPolicy[2].RetentionDuration) != 3 ||
		len(rc.ReplicatedDisks) == 0 || aws.ToString(rc.SourceServerID) != ids[0] {
		t.Fatalf("new server's replication configuration: %+v", rc)
	}
	after, err := c.GetReplicationConfiguration(ctx, &drs.GetReplicationConfigurationInput{SourceServerID: aws.String(old)})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(after.StagingAreaSubnetId) != aws.ToString(before.StagingAreaSubnetId) || after.BandwidthThrottling != before.BandwidthThrottling {
		t.Fatalf("a server added before the template changed: %+v", after)
	}
}

package drssim_test

import (
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/drs"
	"github.com/aws/aws-sdk-go-v2/service/drs/types"
)

func TestLaunchConfiguration(t *testing.T) {
	svc := start(t, nil)
	c := drsClient(svc, "us-east-1")
	id := aws.String(serverIDs(t, c, "shop-app-1")[0])
	got, err := c.GetLaunchConfiguration(ctx, &drs.GetLaunchConfigurationInput{SourceServerID: id})
	if err != nil {
		t.Fatal(err)
	}
	if got.LaunchDisposition != types.LaunchDispositionStarted || got.TargetInstanceTypeRightSizingMethod != types.TargetInstanceTypeRightSizingMethodBasic ||
		aws.ToString(got.Name) != "shop-app-1" || aws.ToString(got.Ec2LaunchTemplateID) == "" || got.Licensing == nil {
		t.Fatalf("default launch configuration %+v", got)
	}
	upd, err := c.UpdateLaunchConfiguration(ctx, &drs.UpdateLaunchConfigurationInput{SourceServerID: id,
		CopyTags: aws.Bool(true), TargetInstanceTypeRightSizingMethod: types.TargetInstanceTypeRightSizingMethodNone,
		LaunchIntoInstanceProperties: &types.LaunchIntoInstanceProperties{LaunchIntoEC2InstanceID: aws.String("i-0abc1234def567890")}})
	if err != nil {
		t.Fatal(err)
	}
	if !aws.ToBool(upd.CopyTags) || upd.TargetInstanceTypeRightSizingMethod != types.TargetInstanceTypeRightSizingMethodNone ||
		upd.LaunchDisposition != types.LaunchDispositionStarted || aws.ToString(upd.LaunchIntoInstanceProperties.LaunchIntoEC2InstanceID) != "i-0abc1234def567890" {
		t.Fatalf("updated launch configuration %+v (unset members must keep their value)", upd)
	}
	for _, tc := range []struct {
		in    drs.UpdateLaunchConfigurationInput
		field string
	}{
		{drs.UpdateLaunchConfigurationInput{LaunchDisposition: "SOMETIMES"}, "launchDisposition"},
		{drs.UpdateLaunchConfigurationInput{TargetInstanceTypeRightSizingMethod: "HUGE"}, "targetInstanceTypeRightSizingMethod"},
		{drs.UpdateLaunchConfigurationInput{LaunchIntoInstanceProperties: &types.LaunchIntoInstanceProperties{LaunchIntoEC2InstanceID: aws.String("vm-1")}}, "launchIntoInstanceProperties.launchIntoEC2InstanceID"},
	} {
		in := tc.in
		in.SourceServerID = id
		_, err := c.UpdateLaunchConfiguration(ctx, &in)
		ve := wantValidation(t, err, tc.field)
		if ve.Reason != types.ValidationExceptionReasonFieldValidationFailed {
			t.Errorf("%s: reason %s", tc.field, ve.Reason)
		}
	}
	_, err = c.GetLaunchConfiguration(ctx, &drs.GetLaunchConfigurationInput{SourceServerID: aws.String("s-00000000000000000")})
	var nf *types.ResourceNotFoundException
	if !errors.As(err, &nf) || aws.ToString(nf.ResourceId) != "s-00000000000000000" {
		t.Fatalf("unknown server: want ResourceNotFoundException naming it, got %v", err)
	}
}

func TestReplicationConfiguration(t *testing.T) {
	svc := start(t, nil)
	c := drsClient(svc, "us-east-1")
	id := aws.String(serverIDs(t, c, "shop-db-1")[0])
	got, err := c.GetReplicationConfiguration(ctx, &drs.GetReplicationConfigurationInput{SourceServerID: id})
	if err != nil {
		t.Fatal(err)
	}
	if len(got.ReplicatedDisks) != 2 || len(got.PitPolicy) != 3 || got.EbsEncryption != types.ReplicationConfigurationEbsEncryptionDefault ||
		aws.ToString(got.StagingAreaSubnetId) == "" || got.DataPlaneRouting != types.ReplicationConfigurationDataPlaneRoutingPrivateIp {
		t.Fatalf("default replication configuration %+v", got)
	}
	key := "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
	upd, err := c.UpdateReplicationConfiguration(ctx, &drs.UpdateReplicationConfigurationInput{SourceServerID: id,
		EbsEncryption: types.ReplicationConfigurationEbsEncryptionCustom, EbsEncryptionKeyArn: aws.String(key),
		StagingAreaSubnetId:                 aws.String("subnet-0123456789abcdef0"),
		ReplicationServersSecurityGroupsIDs: []string{"sg-0123456789abcdef0"},
		ReplicatedDisks: []types.ReplicationConfigurationReplicatedDisk{
			{DeviceName: aws.String("/dev/sda1"), IsBootDisk: aws.Bool(true), StagingDiskType: types.ReplicationConfigurationReplicatedDiskStagingDiskTypeGp3, Iops: 4000, Throughput: 250},
			{DeviceName: aws.String("/dev/sdb"), StagingDiskType: types.ReplicationConfigurationReplicatedDiskStagingDiskTypeIo1, Iops: 10000},
		},
		PitPolicy:       []types.PITPolicyRule{{RuleID: 1, Units: types.PITPolicyRuleUnitsHour, Interval: aws.Int32(1), RetentionDuration: aws.Int32(48), Enabled: aws.Bool(true)}},
		StagingAreaTags: map[string]string{"cost-center": "dr"}, BandwidthThrottling: 100,
	})
	if err != nil {
		t.Fatal(err)
	}
	if upd.EbsEncryption != types.ReplicationConfigurationEbsEncryptionCustom || aws.ToString(upd.EbsEncryptionKeyArn) != key ||
		upd.ReplicatedDisks[0].Iops != 4000 || upd.ReplicatedDisks[1].StagingDiskType != types.ReplicationConfigurationReplicatedDiskStagingDiskTypeIo1 ||
		len(upd.PitPolicy) != 1 || upd.BandwidthThrottling != 100 || upd.StagingAreaTags["cost-center"] != "dr" {
		t.Fatalf("updated replication configuration %+v", upd)
	}
	// Back to DEFAULT encryption drops the key.
	upd, err = c.UpdateReplicationConfiguration(ctx, &drs.UpdateReplicationConfigurationInput{SourceServerID: id, EbsEncryption: types.ReplicationConfigurationEbsEncryptionDefault})
	if err != nil || aws.ToString(upd.EbsEncryptionKeyArn) != "" {
		t.Fatalf("back to DEFAULT: %v, key %q", err, aws.ToString(upd.EbsEncryptionKeyArn))
	}

	disk := func(typ types.ReplicationConfigurationReplicatedDiskStagingDiskType, iops, throughput int64) []types.ReplicationConfigurationReplicatedDisk {
		return []types.ReplicationConfigurationReplicatedDisk{{DeviceName: aws.String("/dev/sda1"), StagingDiskType: typ, Iops: iops, Throughput: throughput}}
	}
	rule := func(id int64, units types.PITPolicyRuleUnits, interval, retention int32) types.PITPolicyRule {
		return types.PITPolicyRule{RuleID: id, Units: units, Interval: aws.Int32(interval), RetentionDuration: aws.Int32(retention)}
	}
	for _, tc := range []struct {
		in    drs.UpdateReplicationConfigurationInput
		field string
	}{
		{drs.UpdateReplicationConfigurationInput{EbsEncryption: types.ReplicationConfigurationEbsEncryptionCustom}, "ebsEncryptionKeyArn"},
		{drs.UpdateReplicationConfigurationInput{EbsEncryptionKeyArn: aws.String(key)}, "ebsEncryptionKeyArn"},
		{drs.UpdateReplicationConfigurationInput{EbsEncryption: types.ReplicationConfigurationEbsEncryptionCustom, EbsEncryptionKeyArn: aws.String("my-key")}, "ebsEncryptionKeyArn"},
		{drs.UpdateReplicationConfigurationInput{EbsEncryption: "ROT13"}, "ebsEncryption"},
		{drs.UpdateReplicationConfigurationInput{StagingAreaSubnetId: aws.String("subnet-XYZ")}, "stagingAreaSubnetId"},
		{drs.UpdateReplicationConfigurationInput{ReplicationServersSecurityGroupsIDs: []string{"sg-12"}}, "replicationServersSecurityGroupsIDs[0]"},
		{drs.UpdateReplicationConfigurationInput{DefaultLargeStagingDiskType: "IO2"}, "defaultLargeStagingDiskType"},
		{drs.UpdateReplicationConfigurationInput{DataPlaneRouting: "CARRIER_PIGEON"}, "dataPlaneRouting"},
		{drs.UpdateReplicationConfigurationInput{InternetProtocol: "IPV5"}, "internetProtocol"},
		{drs.UpdateReplicationConfigurationInput{ReplicatedDisks: disk(types.ReplicationConfigurationReplicatedDiskStagingDiskTypeGp3, 2000, 0)}, "replicatedDisks[0].iops"},
		{drs.UpdateReplicationConfigurationInput{ReplicatedDisks: disk(types.ReplicationConfigurationReplicatedDiskStagingDiskTypeGp3, 3000, 2000)}, "replicatedDisks[0].throughput"},
		{drs.UpdateReplicationConfigurationInput{ReplicatedDisks: disk(types.ReplicationConfigurationReplicatedDiskStagingDiskTypeGp2, 3000, 0)}, "replicatedDisks[0].iops"},
		{drs.UpdateReplicationConfigurationInput{ReplicatedDisks: disk(types.ReplicationConfigurationReplicatedDiskStagingDiskTypeIo1, 0, 500)}, "replicatedDisks[0].throughput"},
		{drs.UpdateReplicationConfigurationInput{ReplicatedDisks: disk("FLOPPY", 0, 0)}, "replicatedDisks[0].stagingDiskType"},
		{drs.UpdateReplicationConfigurationInput{ReplicatedDisks: []types.ReplicationConfigurationReplicatedDisk{{DeviceName: aws.String("/dev/nope")}}}, "replicatedDisks[0].deviceName"},
		{drs.UpdateReplicationConfigurationInput{PitPolicy: []types.PITPolicyRule{rule(1, "WEEK", 1, 1)}}, "pitPolicy[0].units"},
		{drs.UpdateReplicationConfigurationInput{PitPolicy: []types.PITPolicyRule{rule(1, "DAY", 0, 1)}}, "pitPolicy[0].interval"},
		{drs.UpdateReplicationConfigurationInput{PitPolicy: []types.PITPolicyRule{rule(1, "DAY", 1, 0)}}, "pitPolicy[0].retentionDuration"},
		{drs.UpdateReplicationConfigurationInput{PitPolicy: []types.PITPolicyRule{rule(1, "DAY", 1, 7), rule(1, "HOUR", 1, 24)}}, "pitPolicy[1].ruleID"},
		{drs.UpdateReplicationConfigurationInput{StagingAreaTags: map[string]string{"aws:owner": "x"}}, "stagingAreaTags"},
	} {
		in := tc.in
		in.SourceServerID = id
		_, err := c.UpdateReplicationConfiguration(ctx, &in)
		wantValidation(t, err, tc.field)
	}
	// Nothing of the refused updates stuck.
	after, _ := c.GetReplicationConfiguration(ctx, &drs.GetReplicationConfigurationInput{SourceServerID: id})
	if after.EbsEncryption != types.ReplicationConfigurationEbsEncryptionDefault || len(after.PitPolicy) != 1 {
		t.Fatalf("refused updates changed the configuration: %+v", after)
	}
}

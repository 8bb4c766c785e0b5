package ec2sim_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/drs"
	drstypes "github.com/aws/aws-sdk-go-v2/service/drs/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/runservicetest"
)

// A drill launches the recovery instance from the server's default
// launch-template version: EC2 describes it with the template's type,
// subnet and address, and DRS reports the address, CPUs and RAM.
func TestDrillLaunchesFromDefaultVersion(t *testing.T) {
	svc := runservicetest.Start(t, runservice.Config{})
	cfg := svc.AWSConfig("us-east-1")
	c, d, ctx := ec2.NewFromConfig(cfg), drs.NewFromConfig(cfg), context.Background()
	servers, err := d.DescribeSourceServers(ctx, &drs.DescribeSourceServersInput{})
	if err != nil {
		t.Fatal(err)
	}
	pinned, sized := servers.Items[0].SourceServerID, servers.Items[1].SourceServerID
	if _, err := d.UpdateLaunchConfiguration(ctx, &drs.UpdateLaunchConfigurationInput{SourceServerID: pinned,
		TargetInstanceTypeRightSizingMethod: drstypes.TargetInstanceTypeRightSizingMethodNone}); err != nil {
		t.Fatal(err)
	}
	b := byName(t, c, "recovery-b")
	for _, id := range []*string{pinned, sized} {
		lc, err := d.GetLaunchConfiguration(ctx, &drs.GetLaunchConfigurationInput{SourceServerID: id})
		if err != nil {
			t.Fatal(err)
		}
		v, err := c.CreateLaunchTemplateVersion(ctx, &ec2.CreateLaunchTemplateVersionInput{LaunchTemplateId: lc.Ec2LaunchTemplateID, SourceVersion: aws.String("1"),
			LaunchTemplateData: &ec2types.RequestLaunchTemplateData{InstanceType: "c6i.xlarge",
				NetworkInterfaces: []ec2types.LaunchTemplateInstanceNetworkInterfaceSpecificationRequest{{DeviceIndex: aws.Int32(0), SubnetId: b.SubnetId}}}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.ModifyLaunchTemplate(ctx, &ec2.ModifyLaunchTemplateInput{LaunchTemplateId: lc.Ec2LaunchTemplateID,
			DefaultVersion: aws.String("2")}); err != nil {
			t.Fatal(err)
		}
		_ = v
	}
	copied := servers.Items[2] // copyPrivateIp: the source server's address wins over the template's
	if _, err := d.UpdateLaunchConfiguration(ctx, &drs.UpdateLaunchConfigurationInput{SourceServerID: copied.SourceServerID, CopyPrivateIp: aws.Bool(true)}); err != nil {
		t.Fatal(err)
	}
	if _, err := d.StartRecovery(ctx, &drs.StartRecoveryInput{IsDrill: aws.Bool(true), SourceServers: []drstypes.StartRecoveryRequestSourceServer{
		{SourceServerID: pinned}, {SourceServerID: sized}, {SourceServerID: copied.SourceServerID}}}); err != nil {
		t.Fatal(err)
	}
	svc.App.DRS.RunUntilIdle()
	ris, err := d.DescribeRecoveryInstances(ctx, &drs.DescribeRecoveryInstancesInput{})
	if err != nil || len(ris.Items) != 3 {
		t.Fatalf("recovery instances: %v %v", ris, err)
	}
	for _, ri := range ris.Items {
		if aws.ToString(ri.SourceServerID) == aws.ToString(copied.SourceServerID) {
			out, err := c.DescribeInstances(ctx, &ec2.DescribeInstancesInput{InstanceIds: []string{aws.ToString(ri.Ec2InstanceID)}})
			if err != nil {
				t.Fatal(err)
			}
			want := copied.SourceProperties.NetworkInterfaces[0].Ips[0]
			if got := aws.ToString(out.Reservations[0].Instances[0].PrivateIpAddress); got != want || ri.RecoveryInstanceProperties.NetworkInterfaces[0].Ips[0] != want {
				t.Fatalf("copyPrivateIp: instance has %s, source server %s", got, want)
			}
			continue
		}
		out, err := c.DescribeInstances(ctx, &ec2.DescribeInstancesInput{InstanceIds: []string{aws.ToString(ri.Ec2InstanceID)}})
		if err != nil {
			t.Fatal(err)
		}
		inst := out.Reservations[0].Instances[0]
		if aws.ToString(inst.SubnetId) != aws.ToString(b.SubnetId) || aws.ToString(inst.VpcId) != aws.ToString(b.VpcId) {
			t.Fatalf("instance %s not in the template's subnet: %+v", aws.ToString(inst.InstanceId), inst)
		}
		props := ri.RecoveryInstanceProperties
		if ip := props.NetworkInterfaces[0].Ips[0]; ip != aws.ToString(inst.PrivateIpAddress) || ip[:8] != "10.20.2." {
			t.Fatalf("DRS reports address %s, EC2 %s", ip, aws.ToString(inst.PrivateIpAddress))
		}
		if aws.ToString(ri.SourceServerID) == aws.ToString(pinned) {
			if inst.InstanceType != "c6i.xlarge" || props.Cpus[0].Cores != 4 || props.RamBytes != 8<<30 {
				t.Fatalf("pinned server: type %s, %d cores, %d bytes", inst.InstanceType, props.Cpus[0].Cores, props.RamBytes)
			}
		} else if inst.InstanceType == "c6i.xlarge" {
			t.Fatalf("right-sizing BASIC must pick the type, not the template's %s", inst.InstanceType)
		}
		if inst.State.Name != ec2types.InstanceStateNameRunning {
			t.Fatalf("state %s", inst.State.Name)
		}
	}
	_, err = c.DescribeInstances(ctx, &ec2.DescribeInstancesInput{InstanceIds: []string{"i-0123456789abcdef0"}})
	wantCode(t, err, "InvalidInstanceID.NotFound")
}

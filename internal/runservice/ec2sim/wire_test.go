package ec2sim_test

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/drs"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/smithy-go"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/runservicetest"
)

// The run service's EC2 through the real aws-sdk-go-v2 EC2 client.

func clients(t *testing.T) (*ec2.Client, *drs.Client) {
	svc := runservicetest.Start(t, runservice.Config{})
	cfg := svc.AWSConfig("us-east-1")
	return ec2.NewFromConfig(cfg), drs.NewFromConfig(cfg)
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	var api smithy.APIError
	if !errors.As(err, &api) || api.ErrorCode() != code {
		t.Fatalf("want %s, got %v", code, err)
	}
}

func byName(t *testing.T, c *ec2.Client, name string) (subnet ec2types.Subnet) {
	t.Helper()
	out, err := c.DescribeSubnets(context.Background(), &ec2.DescribeSubnetsInput{Filters: []ec2types.Filter{{Name: aws.String("tag:Name"), Values: []string{name}}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Subnets) != 1 {
		t.Fatalf("subnet %s: %d matches", name, len(out.Subnets))
	}
	return out.Subnets[0]
}

func group(t *testing.T, c *ec2.Client, name string) ec2types.SecurityGroup {
	t.Helper()
	out, err := c.DescribeSecurityGroups(context.Background(), &ec2.DescribeSecurityGroupsInput{GroupNames: []string{name}})
	if err != nil {
		t.Fatal(err)
	}
	return out.SecurityGroups[0]
}

func TestNetworkReads(t *testing.T) {
	c, _ := clients(t)
	ctx := context.Background()
	a := byName(t, c, "recovery-a")
	if aws.ToString(a.CidrBlock) != "10.20.1.0/24" || aws.ToString(a.AvailabilityZone) != "us-east-1a" || aws.ToString(a.VpcId) == "" {
		t.Fatalf("subnet: %+v", a)
	}
	out, err := c.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{Filters: []ec2types.Filter{{Name: aws.String("vpc-id"), Values: []string{aws.ToString(a.VpcId)}}}})
	if err != nil || len(out.Subnets) != 2 {
		t.Fatalf("subnets of the VPC: %v %v", out, err)
	}
	_, err = c.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{SubnetIds: []string{"subnet-0123456789abcdef0"}})
	wantCode(t, err, "InvalidSubnetID.NotFound")
	_, err = c.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{SubnetIds: []string{"sn-1"}})
	wantCode(t, err, "InvalidSubnetID.Malformed")
	_, err = c.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{Filters: []ec2types.Filter{{Name: aws.String("colour"), Values: []string{"x"}}}})
	wantCode(t, err, "InvalidParameterValue")

	g := group(t, c, "recovery-app")
	if aws.ToString(g.VpcId) != aws.ToString(a.VpcId) || aws.ToString(g.Description) == "" {
		t.Fatalf("group: %+v", g)
	}
	_, err = c.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{GroupIds: []string{"sg-0123456789abcdef0"}})
	wantCode(t, err, "InvalidGroup.NotFound")

	offers, err := c.DescribeInstanceTypeOfferings(ctx, &ec2.DescribeInstanceTypeOfferingsInput{LocationType: ec2types.LocationTypeRegion,
		Filters: []ec2types.Filter{{Name: aws.String("instance-type"), Values: []string{"m5.large", "x9.huge"}}}})
	if err != nil || len(offers.InstanceTypeOfferings) != 1 || offers.InstanceTypeOfferings[0].InstanceType != "m5.large" ||
		aws.ToString(offers.InstanceTypeOfferings[0].Location) != "us-east-1" {
		t.Fatalf("offerings: %+v %v", offers, err)
	}
}

func TestLaunchTemplateOfDRSServer(t *testing.T) {
	c, d := clients(t)
	ctx := context.Background()
	servers, err := d.DescribeSourceServers(ctx, &drs.DescribeSourceServersInput{})
	if err != nil || len(servers.Items) == 0 {
		t.Fatalf("servers: %v", err)
	}
	id := servers.Items[0].SourceServerID
	lc, err := d.GetLaunchConfiguration(ctx, &drs.GetLaunchConfigurationInput{SourceServerID: id})
	if err != nil {
		t.Fatal(err)
	}
	lt := lc.Ec2LaunchTemplateID
	tpls, err := c.DescribeLaunchTemplates(ctx, &ec2.DescribeLaunchTemplatesInput{LaunchTemplateIds: []string{aws.ToString(lt)}})
	if err != nil || len(tpls.LaunchTemplates) != 1 || aws.ToInt64(tpls.LaunchTemplates[0].DefaultVersionNumber) != 1 {
		t.Fatalf("templates: %+v %v", tpls, err)
	}
	v1, err := c.DescribeLaunchTemplateVersions(ctx, &ec2.DescribeLaunchTemplateVersionsInput{LaunchTemplateId: lt, Versions: []string{"$Default"}})
	if err != nil || len(v1.LaunchTemplateVersions) != 1 {
		t.Fatalf("versions: %v", err)
	}
	d1 := v1.LaunchTemplateVersions[0].LaunchTemplateData
	if d1.InstanceType == "" || len(d1.NetworkInterfaces) != 1 || aws.ToString(d1.NetworkInterfaces[0].SubnetId) == "" ||
		len(d1.NetworkInterfaces[0].Groups) != 1 || len(d1.TagSpecifications) != 1 || len(d1.TagSpecifications[0].Tags) != 1 {
		t.Fatalf("DRS's version 1: %+v", d1)
	}

	b, app := byName(t, c, "recovery-b"), group(t, c, "recovery-app")
	created, err := c.CreateLaunchTemplateVersion(ctx, &ec2.CreateLaunchTemplateVersionInput{
		LaunchTemplateId: lt, SourceVersion: aws.String("$Default"), VersionDescription: aws.String("drsorch"),
		LaunchTemplateData: &ec2types.RequestLaunchTemplateData{
			InstanceType:       ec2types.InstanceTypeM6iLarge,
			IamInstanceProfile: &ec2types.LaunchTemplateIamInstanceProfileSpecificationRequest{Name: aws.String("dr-app")},
			NetworkInterfaces: []ec2types.LaunchTemplateInstanceNetworkInterfaceSpecificationRequest{{
				DeviceIndex: aws.Int32(0), SubnetId: b.SubnetId, Groups: []string{aws.ToString(app.GroupId)},
				PrivateIpAddress: aws.String("10.20.2.15"), AssociatePublicIpAddress: aws.Bool(false),
			}},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	v := created.LaunchTemplateVersion
	if aws.ToInt64(v.VersionNumber) != 2 || aws.ToBool(v.DefaultVersion) || v.LaunchTemplateData.InstanceType != "m6i.large" ||
		aws.ToString(v.LaunchTemplateData.IamInstanceProfile.Name) != "dr-app" ||
		aws.ToString(v.LaunchTemplateData.NetworkInterfaces[0].PrivateIpAddress) != "10.20.2.15" ||
		len(v.LaunchTemplateData.TagSpecifications) != 1 { // inherited from the source version
		t.Fatalf("version 2: %+v", v)
	}
	mod, err := c.ModifyLaunchTemplate(ctx, &ec2.ModifyLaunchTemplateInput{LaunchTemplateId: lt, DefaultVersion: aws.String("2")})
	if err != nil || aws.ToInt64(mod.LaunchTemplate.DefaultVersionNumber) != 2 || aws.ToInt64(mod.LaunchTemplate.LatestVersionNumber) != 2 {
		t.Fatalf("modify: %+v %v", mod, err)
	}
	_, err = c.ModifyLaunchTemplate(ctx, &ec2.ModifyLaunchTemplateInput{LaunchTemplateId: lt, DefaultVersion: aws.String("9")})
	wantCode(t, err, "InvalidLaunchTemplateId.VersionNotFound")

	iso := byName(t, c, "isolated-a")
	for _, tc := range []struct {
		code string
		data ec2types.RequestLaunchTemplateData
	}{
		{"InvalidSubnetID.NotFound", ec2types.RequestLaunchTemplateData{NetworkInterfaces: []ec2types.LaunchTemplateInstanceNetworkInterfaceSpecificationRequest{{DeviceIndex: aws.Int32(0), SubnetId: aws.String("subnet-0123456789abcdef0")}}}},
		{"InvalidGroup.NotFound", ec2types.RequestLaunchTemplateData{NetworkInterfaces: []ec2types.LaunchTemplateInstanceNetworkInterfaceSpecificationRequest{{DeviceIndex: aws.Int32(0), SubnetId: b.SubnetId, Groups: []string{"sg-0123456789abcdef0"}}}}},
		{"InvalidParameter", ec2types.RequestLaunchTemplateData{NetworkInterfaces: []ec2types.LaunchTemplateInstanceNetworkInterfaceSpecificationRequest{{DeviceIndex: aws.Int32(0), SubnetId: iso.SubnetId, Groups: []string{aws.ToString(app.GroupId)}}}}},
		{"InvalidParameterValue", ec2types.RequestLaunchTemplateData{InstanceType: "x9.huge"}},
		{"InvalidParameterValue", ec2types.RequestLaunchTemplateData{NetworkInterfaces: []ec2types.LaunchTemplateInstanceNetworkInterfaceSpecificationRequest{{DeviceIndex: aws.Int32(0), SubnetId: b.SubnetId, PrivateIpAddress: aws.String("10.20.1.5")}}}},
	} {
		_, err := c.CreateLaunchTemplateVersion(ctx, &ec2.CreateLaunchTemplateVersionInput{LaunchTemplateId: lt, SourceVersion: aws.String("$Latest"), LaunchTemplateData: &tc.data})
		wantCode(t, err, tc.code)
	}
	_, err = c.DescribeLaunchTemplateVersions(ctx, &ec2.DescribeLaunchTemplateVersionsInput{LaunchTemplateId: aws.String("lt-0123456789abcdef0")})
	wantCode(t, err, "InvalidLaunchTemplateId.NotFound")
	_, err = c.DescribeLaunchTemplates(ctx, &ec2.DescribeLaunchTemplatesInput{LaunchTemplateIds: []string{"lt-1"}})
	wantCode(t, err, "InvalidLaunchTemplateId.Malformed")
	_, err = c.CreateLaunchTemplateVersion(ctx, &ec2.CreateLaunchTemplateVersionInput{LaunchTemplateId: lt, DryRun: aws.Bool(true),
		LaunchTemplateData: &ec2types.RequestLaunchTemplateData{InstanceType: "t3.small"}})
	wantCode(t, err, "DryRunOperation")
	all, err := c.DescribeLaunchTemplateVersions(ctx, &ec2.DescribeLaunchTemplateVersionsInput{LaunchTemplateId: lt})
	if err != nil || len(all.LaunchTemplateVersions) != 2 {
		t.Fatalf("refused versions were stored: %v %v", all, err)
	}
}

func TestUnsupportedActionAndMember(t *testing.T) {
	c, _ := clients(t)
	_, err := c.DescribeVpcs(context.Background(), &ec2.DescribeVpcsInput{})
	wantCode(t, err, "InvalidAction")
}

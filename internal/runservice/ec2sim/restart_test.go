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

// Template versions and recovery instances outlive a restart of the run
// service: a drill launched after it uses the version made before it.
func TestEC2StateSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	first := runservicetest.Start(t, runservice.Config{DataDir: dir})
	c, d := ec2.NewFromConfig(first.AWSConfig("us-east-1")), drs.NewFromConfig(first.AWSConfig("us-east-1"))
	servers, err := d.DescribeSourceServers(ctx, &drs.DescribeSourceServersInput{})
	if err != nil {
		t.Fatal(err)
	}
	id := servers.Items[0].SourceServerID
	if _, err := d.UpdateLaunchConfiguration(ctx, &drs.UpdateLaunchConfigurationInput{SourceServerID: id,
		TargetInstanceTypeRightSizingMethod: drstypes.TargetInstanceTypeRightSizingMethodNone}); err != nil {
		t.Fatal(err)
	}
	lc, err := d.GetLaunchConfiguration(ctx, &drs.GetLaunchConfigurationInput{SourceServerID: id})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateLaunchTemplateVersion(ctx, &ec2.CreateLaunchTemplateVersionInput{LaunchTemplateId: lc.Ec2LaunchTemplateID,
		SourceVersion: aws.String("1"), LaunchTemplateData: &ec2types.RequestLaunchTemplateData{InstanceType: "r6i.xlarge"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ModifyLaunchTemplate(ctx, &ec2.ModifyLaunchTemplateInput{LaunchTemplateId: lc.Ec2LaunchTemplateID, DefaultVersion: aws.String("2")}); err != nil {
		t.Fatal(err)
	}
	if err := first.App.Close(); err != nil {
		t.Fatal(err)
	}

	second := runservicetest.Start(t, runservice.Config{DataDir: dir})
	c, d = ec2.NewFromConfig(second.AWSConfig("us-east-1")), drs.NewFromConfig(second.AWSConfig("us-east-1"))
	tpl, err := c.DescribeLaunchTemplates(ctx, &ec2.DescribeLaunchTemplatesInput{LaunchTemplateIds: []string{aws.ToString(lc.Ec2LaunchTemplateID)}})
	if err != nil || aws.ToInt64(tpl.LaunchTemplates[0].DefaultVersionNumber) != 2 {
		t.Fatalf("after restart: %+v %v", tpl, err)
	}
	if _, err := d.StartRecovery(ctx, &drs.StartRecoveryInput{IsDrill: aws.Bool(true), SourceServers: []drstypes.StartRecoveryRequestSourceServer{{SourceServerID: id}}}); err != nil {
		t.Fatal(err)
	}
	second.App.DRS.RunUntilIdle()
	out, err := c.DescribeInstances(ctx, &ec2.DescribeInstancesInput{Filters: []ec2types.Filter{{Name: aws.String("instance-type"), Values: []string{"r6i.xlarge"}}}})
	if err != nil || len(out.Reservations) != 1 {
		t.Fatalf("the drill did not launch from version 2: %+v %v", out, err)
	}
}

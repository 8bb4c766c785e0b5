package drssim_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/drs"
)

func TestTagging(t *testing.T) {
	svc := start(t, nil)
	c := drsClient(svc, "us-east-1")
	servers, _ := allServers(t, c, 0)
	arn := serverByHost(t, servers, "shop-db-1").Arn
	if _, err := c.TagResource(ctx, &drs.TagResourceInput{ResourceArn: arn, Tags: map[string]string{"drsorch:protection-group": "shop", "owner": "dr-team"}}); err != nil {
		t.Fatalf("TagResource: %v", err)
	}
	if _, err := c.UntagResource(ctx, &drs.UntagResourceInput{ResourceArn: arn, TagKeys: []string{"owner", "tier"}}); err != nil {
		t.Fatalf("UntagResource: %v", err)
	}
	out, err := c.ListTagsForResource(ctx, &drs.ListTagsForResourceInput{ResourceArn: arn})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Tags) != 2 || out.Tags["app"] != "shop" || out.Tags["drsorch:protection-group"] != "shop" {
		t.Fatalf("tags %v, want app=shop and drsorch:protection-group=shop", out.Tags)
	}
	// The tag shows in DescribeSourceServers too.
	servers, _ = allServers(t, c, 0)
	if serverByHost(t, servers, "shop-db-1").Tags["drsorch:protection-group"] != "shop" {
		t.Fatal("tag not visible in DescribeSourceServers")
	}

	// Jobs and recovery instances are taggable as well.
	job, err := c.StartRecovery(ctx, recoveryInput(true, aws.ToString(serverByHost(t, servers, "shop-db-1").SourceServerID)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.TagResource(ctx, &drs.TagResourceInput{ResourceArn: job.Job.Arn, Tags: map[string]string{"wave": "db"}}); err != nil {
		t.Fatalf("tag job: %v", err)
	}
	svc.App.DRS.RunUntilIdle()
	inst, _ := c.DescribeRecoveryInstances(ctx, &drs.DescribeRecoveryInstancesInput{})
	if _, err := c.TagResource(ctx, &drs.TagResourceInput{ResourceArn: inst.Items[0].Arn, Tags: map[string]string{"x": "y"}}); err != nil {
		t.Fatalf("tag instance: %v", err)
	}
	jt, _ := c.ListTagsForResource(ctx, &drs.ListTagsForResourceInput{ResourceArn: job.Job.Arn})
	if jt.Tags["wave"] != "db" {
		t.Fatalf("job tags %v", jt.Tags)
	}

	_, err = c.ListTagsForResource(ctx, &drs.ListTagsForResourceInput{ResourceArn: aws.String("arn:aws:drs:us-east-1:123456789012:source-server/s-00000000000000000")})
	wantAPIError(t, err, "ResourceNotFoundException")
	_, err = c.ListTagsForResource(ctx, &drs.ListTagsForResourceInput{ResourceArn: aws.String("arn:aws:drs:us-west-2:123456789012:source-server/" + aws.ToString(serverByHost(t, servers, "shop-db-1").SourceServerID))})
	wantAPIError(t, err, "ResourceNotFoundException")
	_, err = c.TagResource(ctx, &drs.TagResourceInput{ResourceArn: arn, Tags: map[string]string{"aws:reserved": "x"}})
	wantValidation(t, err, "tags")
	_, err = c.TagResource(ctx, &drs.TagResourceInput{ResourceArn: aws.String("arn:aws:s3:::bucket"), Tags: map[string]string{"a": "b"}})
	wantValidation(t, err, "resourceArn")
}

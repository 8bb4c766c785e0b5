package ec2sim_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/ec2"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/runservicetest"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/wirefault"
)

// Wire faults reach EC2 in EC2's error shape: the SDK retries a 503 and
// gives up on a lasting one with the code.
func TestWireFaultsOnEC2(t *testing.T) {
	svc := runservicetest.Start(t, runservice.Config{})
	cfg := svc.AWSConfig("us-east-1")
	cfg.RetryMaxAttempts = 3
	c := ec2.NewFromConfig(cfg)
	ctx := context.Background()
	faults := svc.App.Router.Faults()
	if err := faults.Set([]wirefault.Rule{{Service: "ec2", Operation: "DescribeSubnets", Kind: wirefault.KindStatus, Status: 503, Count: 1}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{}); err != nil {
		t.Fatalf("one 503 must be retried away: %v", err)
	}
	if err := faults.Set([]wirefault.Rule{{Service: "ec2", Operation: "DescribeSubnets", Kind: wirefault.KindStatus, Status: 503}}); err != nil {
		t.Fatal(err)
	}
	_, err := c.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{})
	wantCode(t, err, "ServiceUnavailable")
	if _, err := c.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{}); err != nil {
		t.Fatalf("a fault on DescribeSubnets hit another action: %v", err)
	}
}

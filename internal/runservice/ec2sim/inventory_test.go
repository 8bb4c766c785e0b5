package ec2sim_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/runservicetest"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/store"
)

// An estate's "ec2" section of the inventory is the region's network.
func TestInventoryNetwork(t *testing.T) {
	svc := runservicetest.Start(t, runservice.Config{Inventory: filepath.Join("..", "drssim", "testdata", "inventory.json")})
	c := ec2.NewFromConfig(svc.AWSConfig("us-east-1")) // the test key acts in the inventory's account 123456789012
	ctx := context.Background()
	out, err := c.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{SubnetIds: []string{"subnet-0a1b2c3d4e5f60718"}})
	if err != nil || aws.ToString(out.Subnets[0].VpcId) != "vpc-0a1b2c3d4e5f60718" || aws.ToString(out.Subnets[0].CidrBlock) != "10.50.1.0/24" {
		t.Fatalf("inventory subnet: %+v %v", out, err)
	}
	offers, err := c.DescribeInstanceTypeOfferings(ctx, &ec2.DescribeInstanceTypeOfferingsInput{})
	if err != nil || len(offers.InstanceTypeOfferings) != 3 {
		t.Fatalf("offerings: %+v %v", offers, err)
	}
	_, err = c.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{Filters: []ec2types.Filter{{Name: aws.String("vpc-id"), Values: []string{"vpc-0a1b2c3d4e5f60718"}}}})
	if err != nil {
		t.Fatal(err)
	}
}

func TestInventoryNetworkErrorsNameTheField(t *testing.T) {
	for _, tc := range []struct{ ec2, want string }{
		{`{"vpcs": [], "subnets": [{"name": "a", "vpc": "nope", "cidr": "10.0.0.0/24"}]}`, `subnet "a" names vpc "nope"`},
		{`{"vpc": []}`, `unknown field "vpc"`},
		{`{"vpcs": [{"name": "v", "cidr": "10.0.0/16"}]}`, `vpc "v": cidr "10.0.0/16"`},
	} {
		path := filepath.Join(t.TempDir(), "inventory.json")
		inv := `{"estates": [{"region": "us-east-1", "servers": [{"hostname": "a"}], "ec2": ` + tc.ec2 + `}]}`
		if err := os.WriteFile(path, []byte(inv), 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := runservice.New(runservice.Config{DataDir: store.Memory, Inventory: path})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Fatalf("%s: want an error naming %q, got %v", tc.ec2, tc.want, err)
		}
	}
}

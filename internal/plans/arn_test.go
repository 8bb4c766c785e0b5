package plans_test

import (
	"testing"

	"github.com/drsorch/terraform-provider-drsorch/internal/plans"
)

func TestARNTakesThePartition(t *testing.T) {
	for _, tt := range []struct{ partition, region, want string }{
		{"aws", "us-east-1", "arn:aws:states:us-east-1:123456789012:stateMachine:drsorch-plan-shop"},
		{"", "us-gov-west-1", "arn:aws-us-gov:states:us-gov-west-1:123456789012:stateMachine:drsorch-plan-shop"},
		{"", "cn-north-1", "arn:aws-cn:states:cn-north-1:123456789012:stateMachine:drsorch-plan-shop"},
		{"aws-us-gov", "*", "arn:aws-us-gov:states:*:123456789012:stateMachine:drsorch-plan-shop"},
	} {
		if got := plans.ARN(tt.partition, tt.region, "123456789012", "shop"); got != tt.want {
			t.Errorf("ARN(%q, %q) = %s, want %s", tt.partition, tt.region, got, tt.want)
		}
	}
}

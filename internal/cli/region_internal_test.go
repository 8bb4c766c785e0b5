package cli

import (
	"strings"
	"testing"
)

// An ARN argument sets the region; its partition must be the region's.
func TestRegionFromARNChecksThePartition(t *testing.T) {
	for _, tt := range []struct{ arn, region, err string }{
		{"arn:aws:states:us-east-1:123456789012:execution:drsorch-plan-shop:d1", "us-east-1", ""},
		{"arn:aws-us-gov:states:us-gov-west-1:123456789012:execution:drsorch-plan-shop:d1", "us-gov-west-1", ""},
		{"arn:aws-cn:states:cn-north-1:123456789012:execution:drsorch-plan-shop:d1", "cn-north-1", ""},
		{"arn:aws:states:us-gov-west-1:123456789012:execution:drsorch-plan-shop:d1", "", "ARNs in us-gov-west-1 begin arn:aws-us-gov:"},
		{"arn:aws-us-gov:states:us-east-1:123456789012:execution:drsorch-plan-shop:d1", "", "begin arn:aws:"},
	} {
		var g globalFlags
		err := g.regionFromARN([]string{tt.arn})
		switch {
		case tt.err == "" && (err != nil || g.region != tt.region):
			t.Errorf("%s: region %q, %v", tt.arn, g.region, err)
		case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
			t.Errorf("%s: %v, want an error saying %q", tt.arn, err, tt.err)
		}
	}
}

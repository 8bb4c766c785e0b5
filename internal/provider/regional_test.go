package provider

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/drsorch/terraform-provider-drsorch/internal/awsclient"
)

func TestImportRegion(t *testing.T) {
	for id, want := range map[string][2]string{
		"shop":                                   {"shop", ""},
		"shop@us-west-2":                         {"shop", "us-west-2"},
		"s-1234567890abcdef0,owner@eu-central-1": {"s-1234567890abcdef0,owner", "eu-central-1"},
		"team@example":                           {"team@example", ""},
		"arn:aws:states:us-west-2:123456789012:stateMachine:drsorch-plan-shop":        {"arn:aws:states:us-west-2:123456789012:stateMachine:drsorch-plan-shop", "us-west-2"},
		"arn:aws-us-gov:states:us-gov-west-1:123456789012:execution:drsorch-plan-a:b": {"arn:aws-us-gov:states:us-gov-west-1:123456789012:execution:drsorch-plan-a:b", "us-gov-west-1"},
	} {
		rest, region := importRegion(id)
		if rest != want[0] || region != want[1] {
			t.Errorf("importRegion(%q) = %q, %q; want %q, %q", id, rest, region, want[0], want[1])
		}
	}
}

func TestCheckRegionRefusesOtherPartitions(t *testing.T) {
	d := &providerData{clients: &awsclient.Clients{Region: "us-east-1", Config: aws.Config{Region: "us-east-1"}}}
	if msg := d.checkRegion("eu-west-1"); msg != "" {
		t.Fatalf("eu-west-1 refused: %s", msg)
	}
	if msg := d.checkRegion("us-gov-west-1"); !strings.Contains(msg, "partition aws-us-gov") {
		t.Fatalf("us-gov-west-1: %q", msg)
	}
	if msg := d.checkRegion("useast1"); msg == "" {
		t.Fatal("malformed region accepted")
	}
}

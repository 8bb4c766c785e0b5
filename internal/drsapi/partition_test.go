package drsapi

import "testing"

func TestPartitionOf(t *testing.T) {
	for region, want := range map[string]string{
		"us-east-1":      "aws",
		"eu-central-2":   "aws",
		"us-gov-west-1":  "aws-us-gov",
		"us-gov-east-1":  "aws-us-gov",
		"us-gov-north-9": "aws-us-gov", // not in the table: by prefix
		"cn-north-1":     "aws-cn",
		"cn-northwest-1": "aws-cn",
		"us-iso-east-1":  "aws-iso",
		"us-isob-east-1": "aws-iso-b",
		"xx-new-1":       "aws",
		"*":              "aws",
	} {
		if got := PartitionOf(region); got != want {
			t.Errorf("PartitionOf(%q) = %q, want %q", region, got, want)
		}
	}
	for _, r := range Regions {
		if got := PartitionOf(r.Code); got != r.Partition {
			t.Errorf("PartitionOf(%s) = %s, table says %s", r.Code, got, r.Partition)
		}
	}
}

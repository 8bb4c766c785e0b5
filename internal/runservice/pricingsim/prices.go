package pricingsim

import (
	"fmt"
	"math"
)

// SIMULATED DATA. The prices below are not read from AWS: they are the run
// service's stand-in for the AWS Price List, close to the published
// on-demand Linux prices of US East (N. Virginia) in 2026 (USD per hour),
// so that estimates made against `drsorch serve` look like real ones. Never
// use them for a real estimate: `drsorch console` against an AWS account
// reads the real Price List.
var simulatedLinuxUSEast1 = map[string]float64{
	"t3.micro": 0.0104, "t3.small": 0.0208, "t3.medium": 0.0416, "t3.large": 0.0832, "t3.xlarge": 0.1664,
	"m5.large": 0.096, "m5.xlarge": 0.192, "m5.2xlarge": 0.384,
	"m6i.large": 0.096, "m6i.xlarge": 0.192, "m6i.2xlarge": 0.384,
	"c5.large": 0.085, "c5.xlarge": 0.17, "c6i.large": 0.085, "c6i.xlarge": 0.17,
	"r5.large": 0.126, "r5.xlarge": 0.252, "r6i.large": 0.126, "r6i.xlarge": 0.252,
}

// simulatedSizes are vCPUs and GiB of memory (the products' vcpu and
// memory attributes); the same figures as the EC2 simulator's types.
var simulatedSizes = map[string][2]int{
	"t3.micro": {2, 1}, "t3.small": {2, 2}, "t3.medium": {2, 4}, "t3.large": {2, 8}, "t3.xlarge": {4, 16},
	"m5.large": {2, 8}, "m5.xlarge": {4, 16}, "m5.2xlarge": {8, 32}, "m6i.large": {2, 8}, "m6i.xlarge": {4, 16}, "m6i.2xlarge": {8, 32},
	"c5.large": {2, 4}, "c5.xlarge": {4, 8}, "c6i.large": {2, 4}, "c6i.xlarge": {4, 8},
	"r5.large": {2, 16}, "r5.xlarge": {4, 32}, "r6i.large": {2, 16}, "r6i.xlarge": {4, 32},
}

// SIMULATED DATA: how much more a region charges than us-east-1, roughly
// as AWS's on-demand prices differ (m5.large: $0.112 in N. California,
// $0.115 in Frankfurt, $0.124 in Tokyo). A region not listed has no
// products, so a client sees what it would see for a type AWS does not
// sell there: an empty price list.
var simulatedRegionFactor = map[string]float64{
	"us-east-1": 1, "us-east-2": 1, "us-west-2": 1, "us-west-1": 1.1667,
	"ca-central-1": 1.1146, "sa-east-1": 1.5938,
	"eu-west-1": 1.1146, "eu-west-2": 1.1563, "eu-central-1": 1.1979,
	"ap-south-1": 1.0521, "ap-southeast-1": 1.25, "ap-southeast-2": 1.25, "ap-northeast-1": 1.2917,
}

// simulatedVariants are the other products of each type, so that a
// client that leaves out a filter (tenancy, capacitystatus) gets more than
// one price back, as from AWS.
var simulatedVariants = []struct {
	tenancy, capacity string
	factor            float64
}{
	{"Shared", "Used", 1},
	{"Shared", "UnusedCapacityReservation", 1},
	{"Shared", "AllocatedCapacityReservation", 0},
	{"Dedicated", "Used", 1.1},
}

// priceString is the Price List's form of a price: ten decimals.
func priceString(usd float64) string {
	return fmt.Sprintf("%.10f", math.Round(usd*1e4)/1e4)
}

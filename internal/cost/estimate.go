// Package cost estimates what a recovery plan's recovery instances cost
// while they run: for each source server the EC2 instance type DRS would
// launch (launch.go), its on-demand price from the AWS Price List
// (prices.go), and the sums per hour and per drill (this file, pure).
//
// Only EC2 instance hours are counted. EBS volumes and snapshots, data
// transfer, and DRS's own per-server replication charge are left out: the
// replication charge accrues whether or not a drill runs, and no AWS page
// the project could cite was found for it.
package cost

import (
	"sort"
	"time"
)

// Launch is what DRS would launch for one source server.
type Launch struct {
	ServerID string
	Hostname string
	// InstanceType is empty when it could not be found (Unknown says why).
	InstanceType string
	// OS and Tenancy are the Price List's operatingSystem (Linux,
	// Windows) and tenancy (Shared, Dedicated) of the instance.
	OS      string
	Tenancy string
	// Basis says how the type was found, for the reader to check.
	Basis   string
	Unknown string
}

// PriceKey names one on-demand price.
type PriceKey struct {
	Region       string
	InstanceType string
	OS           string
	Tenancy      string
}

// Price is the Price List's answer for one key.
type Price struct {
	USDPerHour float64
	// Found is false when the Price List holds no single on-demand hourly
	// price for the key; Detail says what it held.
	Found  bool
	Detail string
}

// Line is one priced recovery instance.
type Line struct {
	Launch
	USDPerHour float64
}

// Unpriced is a server left out of the sums, with the reason. A server
// whose type or price is unknown is never counted as costing nothing.
type Unpriced struct {
	Launch
	Reason string
}

// Estimate is a plan's cost.
type Estimate struct {
	Region   string
	Lines    []Line
	Unpriced []Unpriced
	// PerHour is the sum of Lines: a recovery's instances for one hour.
	PerHour float64
	// Drill is the drill length priced: the plan's RTO, else an hour.
	Drill        time.Duration
	DrillFromRTO bool
	DrillCost    float64
	// Unavailable, when set, is why no estimate could be made (a Price
	// List read failed); the rest is then empty.
	Unavailable string
}

// billed is how long EC2 bills an instance that runs for d. Linux on
// shared tenancy: per second with a minimum of 60 seconds; "Per-second
// billing is not currently applicable to instances running Microsoft
// Windows", and "Dedicated Instances ... are still billed on an hourly
// basis"
// (https://aws.amazon.com/about-aws/whats-new/2017/10/announcing-amazon-ec2-per-second-billing/).
// Per-second billing reached Windows later, but without an AWS page to
// cite the stricter (higher) whole-hour reading is kept for the others.
func billed(d time.Duration, os, tenancy string) time.Duration {
	if os == "Linux" && tenancy == "Shared" {
		return max(d, time.Minute)
	}
	return max(d.Truncate(time.Hour)+hourIfPartial(d), time.Hour)
}

func hourIfPartial(d time.Duration) time.Duration {
	if d%time.Hour != 0 {
		return time.Hour
	}
	return 0
}

// DrillLength is the length a drill is priced for: the plan's RTO when it
// sets one, else one hour.
func DrillLength(rto time.Duration) (time.Duration, bool) {
	if rto > 0 {
		return rto, true
	}
	return time.Hour, false
}

// Compute prices every launch. Each recovery instance is counted for the
// whole drill: an upper bound for the RTO window (later waves launch
// later), and drill instances run until they are terminated.
func Compute(region string, launches []Launch, prices map[PriceKey]Price, drill time.Duration, fromRTO bool) Estimate {
	e := Estimate{Region: region, Drill: drill, DrillFromRTO: fromRTO}
	for _, l := range launches {
		if l.InstanceType == "" {
			reason := l.Unknown
			if reason == "" {
				reason = "the instance type DRS would launch is unknown"
			}
			e.Unpriced = append(e.Unpriced, Unpriced{Launch: l, Reason: reason})
			continue
		}
		p, ok := prices[KeyOf(region, l)]
		if !ok || !p.Found {
			reason := "no on-demand price in the AWS Price List for " + l.OS + " " + l.InstanceType + " (" + l.Tenancy + " tenancy) in " + region
			if p.Detail != "" {
				reason += ": " + p.Detail
			}
			e.Unpriced = append(e.Unpriced, Unpriced{Launch: l, Reason: reason})
			continue
		}
		e.Lines = append(e.Lines, Line{Launch: l, USDPerHour: p.USDPerHour})
		e.PerHour += p.USDPerHour
		e.DrillCost += p.USDPerHour * billed(drill, l.OS, l.Tenancy).Hours()
	}
	sort.SliceStable(e.Lines, func(i, j int) bool { return e.Lines[i].USDPerHour > e.Lines[j].USDPerHour })
	return e
}

// KeyOf is the price key of a launch in a region.
func KeyOf(region string, l Launch) PriceKey {
	return PriceKey{Region: region, InstanceType: l.InstanceType, OS: l.OS, Tenancy: l.Tenancy}
}

// Keys lists the distinct prices the launches need.
func Keys(region string, launches []Launch) []PriceKey {
	seen := map[PriceKey]bool{}
	var out []PriceKey
	for _, l := range launches {
		if l.InstanceType == "" {
			continue
		}
		k := KeyOf(region, l)
		if !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	return out
}

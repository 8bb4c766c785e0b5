// Package drssettings holds the rules DRS applies to per-source-server
// launch and replication configurations and to source-server tags, as
// pure functions: the provider checks them at plan time, and anything that
// must agree with the simulator can use them too. Each check returns an
// empty string when the value is fine, else a sentence that names what to
// change.
package drssettings

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// Enumerations of the DRS service model (drs 2020-02-26).
var (
	LaunchDispositions          = []string{"STOPPED", "STARTED"}
	RightSizingMethods          = []string{"NONE", "BASIC", "IN_AWS"}
	StagingDiskTypes            = []string{"AUTO", "GP2", "GP3", "IO1", "SC1", "ST1", "STANDARD"}
	LargeStagingDiskTypes       = []string{"GP2", "GP3", "ST1", "AUTO"}
	EBSEncryptions              = []string{"DEFAULT", "CUSTOM", "NONE"}
	DataPlaneRoutings           = []string{"PRIVATE_IP", "PUBLIC_IP"}
	InternetProtocols           = []string{"IPV4", "IPV6"}
	PITUnits                    = []string{"MINUTE", "HOUR", "DAY"}
	MaxNameLength               = 128
	MaxSecurityGroups           = 32
	MaxReplicatedDisks          = 60
	MaxPITRules                 = 10
	MaxBandwidthMbps      int64 = 10000
)

// ID formats. The model's patterns allow upper-case hex; EC2 only issues
// lower case, and the simulator and the provider both insist on it so a
// typo is caught before apply.
var (
	SourceServerIDPattern = regexp.MustCompile(`^s-[0-9a-zA-Z]{17}$`)
	SubnetIDPattern       = regexp.MustCompile(`^subnet-[0-9a-f]{8,17}$`)
	SecurityGroupPattern  = regexp.MustCompile(`^sg-[0-9a-f]{8,17}$`)
	EC2InstanceIDPattern  = regexp.MustCompile(`^i-[0-9a-fA-F]{8,17}$`)
	KMSKeyARNPattern      = regexp.MustCompile(`^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(key|alias)/.+$`)
)

// CheckSourceServerID checks the s-… format.
func CheckSourceServerID(id string) string {
	if !SourceServerIDPattern.MatchString(id) {
		return fmt.Sprintf("%q is not a DRS source server ID: write s- followed by 17 letters or digits, e.g. s-1234567890abcdef0", id)
	}
	return ""
}

// CheckSubnetID checks the subnet-… format.
func CheckSubnetID(id string) string {
	if !SubnetIDPattern.MatchString(id) {
		return fmt.Sprintf("%q is not a subnet ID: write subnet- followed by 8 to 17 lower-case hex digits, e.g. subnet-0123456789abcdef0", id)
	}
	return ""
}

// CheckSecurityGroupID checks the sg-… format.
func CheckSecurityGroupID(id string) string {
	if !SecurityGroupPattern.MatchString(id) {
		return fmt.Sprintf("%q is not a security group ID: write sg- followed by 8 to 17 lower-case hex digits, e.g. sg-0123456789abcdef0", id)
	}
	return ""
}

// CheckEC2InstanceID checks the i-… format.
func CheckEC2InstanceID(id string) string {
	if !EC2InstanceIDPattern.MatchString(id) {
		return fmt.Sprintf("%q is not an EC2 instance ID: write i- followed by 8 to 17 hex digits, e.g. i-0123456789abcdef0", id)
	}
	return ""
}

// CheckEnum checks that v is one of allowed.
func CheckEnum(v string, allowed []string) string {
	if slices.Contains(allowed, v) {
		return ""
	}
	hint := ""
	if up := strings.ToUpper(v); up != v && slices.Contains(allowed, up) {
		hint = fmt.Sprintf(" (values are upper case: %s)", up)
	}
	return fmt.Sprintf("%q is not allowed%s: use one of %s", v, hint, strings.Join(allowed, ", "))
}

// CheckName checks a launch or replication configuration name.
func CheckName(name string) string {
	if len(name) > MaxNameLength {
		return fmt.Sprintf("is %d characters long; DRS allows at most %d", len(name), MaxNameLength)
	}
	return ""
}

// CheckBandwidth checks bandwidth_throttling in Mbps (0 = no limit).
func CheckBandwidth(mbps int64) string {
	if mbps < 0 || mbps > MaxBandwidthMbps {
		return fmt.Sprintf("%d is out of range: use 0 (no limit) to %d Mbps", mbps, MaxBandwidthMbps)
	}
	return ""
}

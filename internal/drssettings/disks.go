package drssettings

import "fmt"

// Range is an inclusive range of a staging disk's performance setting.
type Range struct{ Min, Max int64 }

// EBS volume limits for the staging disk types that take IOPS or
// throughput (EC2 CreateVolume: gp3 3,000–16,000 IOPS and 125–1,000 MiB/s;
// io1 100–64,000 IOPS). io2 is a valid EBS type (100–256,000 IOPS) but not
// a DRS staging disk type: the DRS model's enum stops at IO1, so IO2 is
// refused as an unknown type rather than by range.
var (
	IOPSRanges       = map[string]Range{"GP3": {3000, 16000}, "IO1": {100, 64000}}
	ThroughputRanges = map[string]Range{"GP3": {125, 1000}}
)

// CheckIOPS checks a replicated disk's IOPS for its staging disk type; 0
// means "not set" (DRS picks).
func CheckIOPS(diskType string, iops int64) string {
	if iops == 0 {
		return ""
	}
	if iops < 0 {
		return fmt.Sprintf("%d must not be negative", iops)
	}
	r, ok := IOPSRanges[diskType]
	if !ok {
		return fmt.Sprintf("can only be set for staging disk type GP3 or IO1, not %s: remove iops or change staging_disk_type", orAuto(diskType))
	}
	if iops < r.Min || iops > r.Max {
		return fmt.Sprintf("%d is out of range for %s: use %d to %d IOPS", iops, diskType, r.Min, r.Max)
	}
	return ""
}

// CheckThroughput checks a replicated disk's throughput in MiB/s; 0 means
// "not set".
func CheckThroughput(diskType string, mibps int64) string {
	if mibps == 0 {
		return ""
	}
	if mibps < 0 {
		return fmt.Sprintf("%d must not be negative", mibps)
	}
	r, ok := ThroughputRanges[diskType]
	if !ok {
		return fmt.Sprintf("can only be set for staging disk type GP3, not %s: remove throughput or change staging_disk_type to GP3", orAuto(diskType))
	}
	if mibps < r.Min || mibps > r.Max {
		return fmt.Sprintf("%d MiB/s is out of range for %s: use %d to %d MiB/s", mibps, diskType, r.Min, r.Max)
	}
	return ""
}

func orAuto(t string) string {
	if t == "" {
		return "AUTO"
	}
	return t
}

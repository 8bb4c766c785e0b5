package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"
)

func disk(name string, boot bool, typ string, iops, tput int64, optimized string) replicatedDiskModel {
	return replicatedDiskModel{DeviceName: types.StringValue(name), IsBootDisk: types.BoolValue(boot), StagingDiskType: types.StringValue(typ),
		IOPS: types.Int64Value(iops), Throughput: types.Int64Value(tput), OptimizedStagingDiskType: types.StringValue(optimized)}
}

func unknownDisk(name string) replicatedDiskModel {
	return replicatedDiskModel{DeviceName: types.StringValue(name), IsBootDisk: types.BoolUnknown(), StagingDiskType: types.StringUnknown(),
		IOPS: types.Int64Unknown(), Throughput: types.Int64Unknown(), OptimizedStagingDiskType: types.StringUnknown()}
}

func TestMergeDisksKeepsWhatTheConfigLeavesOut(t *testing.T) {
	current := []replicatedDiskModel{disk("/dev/sda1", true, "GP3", 4000, 250, "GP3"), disk("/dev/sdb", false, "IO1", 1000, 0, "IO1")}

	// Nothing written but the names (in another order): everything stays.
	got := mergeDisks([]replicatedDiskModel{unknownDisk("/dev/sdb"), unknownDisk("/dev/sda1")}, current, true)
	if got[0] != current[1] || got[1] != current[0] {
		t.Fatalf("unchanged disks: got %+v", got)
	}

	// A new staging type: the boot flag stays, IOPS and the optimized type
	// are DRS's to choose (unknown in the plan, zero on apply).
	changed := unknownDisk("/dev/sdb")
	changed.StagingDiskType = types.StringValue("ST1")
	plan := mergeDisks([]replicatedDiskModel{changed}, current, true)[0]
	if !plan.IOPS.IsUnknown() || !plan.OptimizedStagingDiskType.IsUnknown() || plan.IsBootDisk.ValueBool() {
		t.Fatalf("plan after a type change: %+v", plan)
	}
	apply := mergeDisks([]replicatedDiskModel{changed}, current, false)[0]
	if apply.IOPS.ValueInt64() != 0 || apply.Throughput.ValueInt64() != 0 || apply.StagingDiskType.ValueString() != "ST1" {
		t.Fatalf("apply after a type change: %+v", apply)
	}

	// A disk DRS has no settings for yet gets the defaults on apply.
	fresh := mergeDisks([]replicatedDiskModel{unknownDisk("/dev/sdc")}, current, false)[0]
	if fresh.StagingDiskType.ValueString() != "AUTO" || fresh.IsBootDisk.ValueBool() {
		t.Fatalf("new disk: %+v", fresh)
	}
}

func TestSortLikeFollowsPriorOrder(t *testing.T) {
	items := []string{"c", "a", "x", "b"}
	sortLike(items, []string{"b", "a", "c"}, func(s string) string { return s })
	if got := items[0] + items[1] + items[2] + items[3]; got != "bacx" {
		t.Fatalf("got %s, want bacx (unknown keys last, in DRS's order)", got)
	}
}

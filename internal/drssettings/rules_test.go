package drssettings

import (
	"strings"
	"testing"
)

func TestDiskPerformanceRanges(t *testing.T) {
	cases := []struct {
		diskType         string
		iops, throughput int64
		iopsErr, tputErr string
	}{
		{"GP3", 3000, 125, "", ""},
		{"GP3", 16000, 1000, "", ""},
		{"GP3", 2999, 0, "out of range for GP3: use 3000 to 16000", ""},
		{"GP3", 16001, 1001, "out of range", "out of range for GP3: use 125 to 1000"},
		{"IO1", 100, 0, "", ""},
		{"IO1", 64000, 0, "", ""},
		{"IO1", 64001, 0, "use 100 to 64000", ""},
		{"IO1", 0, 500, "", "only be set for staging disk type GP3, not IO1"},
		{"GP2", 3000, 0, "only be set for staging disk type GP3 or IO1, not GP2", ""},
		{"ST1", 0, 0, "", ""},
		{"AUTO", 4000, 0, "not AUTO", ""},
		{"", 4000, 0, "not AUTO", ""},
		{"GP3", -1, -1, "must not be negative", "must not be negative"},
	}
	for _, c := range cases {
		checkMsg(t, c.diskType+" iops", CheckIOPS(c.diskType, c.iops), c.iopsErr)
		checkMsg(t, c.diskType+" throughput", CheckThroughput(c.diskType, c.throughput), c.tputErr)
	}
	if CheckEnum("IO2", StagingDiskTypes) == "" {
		t.Error("IO2 is not a DRS staging disk type and must be refused")
	}
}

func TestPITPolicy(t *testing.T) {
	ok := []PITRule{{1, "MINUTE", 10, 60}, {2, "HOUR", 1, 24}}
	if p := CheckPITPolicy(ok); len(p) != 0 {
		t.Fatalf("valid policy refused: %+v", p)
	}
	bad := []PITRule{{1, "WEEK", 0, 60}, {1, "DAY", 1, 0}}
	got := CheckPITPolicy(bad)
	want := map[string]string{"0/units": "use one of MINUTE, HOUR, DAY", "0/interval": "positive number", "1/rule_id": "already the rule_id of pit_policy[0]", "1/retention_duration": "positive number of days"}
	if len(got) != len(want) {
		t.Fatalf("got %d problems, want %d: %+v", len(got), len(want), got)
	}
	for _, p := range got {
		key := string(rune('0'+p.Index)) + "/" + p.Field
		if w, ok := want[key]; !ok || !strings.Contains(p.Message, w) {
			t.Errorf("problem %s: %q, want it to contain %q", key, p.Message, w)
		}
	}
	if p := CheckPITPolicy(nil); len(p) != 1 || p[0].Index != -1 {
		t.Errorf("empty policy: %+v", p)
	}
	if p := CheckPITPolicy([]PITRule{{1, "DAY", 1 << 31, 7}}); len(p) != 1 || p[0].Field != "interval" {
		t.Errorf("interval past 32 bits: %+v", p)
	}
	if p := CheckPITPolicy(make([]PITRule, 11)); len(p) == 0 || !strings.Contains(p[0].Message, "1 to 10") {
		t.Errorf("11 rules: %+v", p)
	}
}

func TestEncryptionKey(t *testing.T) {
	key := "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
	checkMsg(t, "custom with key", CheckEncryptionKey("CUSTOM", key), "")
	checkMsg(t, "custom without key", CheckEncryptionKey("CUSTOM", ""), "is required when ebs_encryption is CUSTOM")
	checkMsg(t, "default with key", CheckEncryptionKey("DEFAULT", key), "only be set when ebs_encryption is CUSTOM (it is DEFAULT)")
	checkMsg(t, "bad key", CheckEncryptionKey("CUSTOM", "alias/mine"), "not a KMS key ARN")
	checkMsg(t, "none", CheckEncryptionKey("NONE", ""), "")
}

func TestIDsAndTags(t *testing.T) {
	checkMsg(t, "subnet", CheckSubnetID("subnet-0123456789abcdef0"), "")
	checkMsg(t, "subnet upper", CheckSubnetID("subnet-0123456789ABCDEF0"), "lower-case hex")
	checkMsg(t, "subnet short", CheckSubnetID("subnet-123"), "not a subnet ID")
	checkMsg(t, "sg", CheckSecurityGroupID("sg-0123456789abcdef0"), "")
	checkMsg(t, "sg wrong", CheckSecurityGroupID("subnet-0123456789abcdef0"), "not a security group ID")
	checkMsg(t, "server", CheckSourceServerID("s-1234567890abcdef0"), "")
	checkMsg(t, "server wrong", CheckSourceServerID("i-1234567890abcdef0"), "not a DRS source server ID")
	checkMsg(t, "enum case", CheckEnum("started", LaunchDispositions), "values are upper case: STARTED")
	checkMsg(t, "tag", CheckTagKey("team"), "")
	checkMsg(t, "reserved", CheckTagKey("drsorch:protection-group"), "is reserved")
	checkMsg(t, "reserved upper", CheckTagKey("DRSORCH:x"), "is reserved")
	checkMsg(t, "aws", CheckTagKey("aws:cloudformation:stack"), "prefix aws:")
	checkMsg(t, "empty", CheckTagKey(""), "1 to 128")
	checkMsg(t, "long value", CheckTagValue("k", strings.Repeat("v", 257)), "at most 256")
	if IsManageable("drsorch:plan") || !IsManageable("app") {
		t.Error("IsManageable")
	}
	checkMsg(t, "bandwidth", CheckBandwidth(10001), "use 0 (no limit) to 10000")
	checkMsg(t, "name", CheckName(strings.Repeat("n", 129)), "at most 128")
}

func checkMsg(t *testing.T, what, got, want string) {
	t.Helper()
	if want == "" && got != "" {
		t.Errorf("%s: unexpected error %q", what, got)
	}
	if want != "" && !strings.Contains(got, want) {
		t.Errorf("%s: got %q, want it to contain %q", what, got, want)
	}
}

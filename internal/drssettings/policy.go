package drssettings

import "fmt"

// PITRule is one rule of a point-in-time snapshot policy.
type PITRule struct {
	RuleID            int64
	Units             string
	Interval          int64
	RetentionDuration int64
}

// maxInt32 bounds interval and retention: the wire type is a 32-bit integer.
const maxInt32 = 1<<31 - 1

// Problem is a check that failed on one field of one list element.
type Problem struct {
	Index   int    // element of the list
	Field   string // Terraform attribute name inside the element
	Message string
}

// CheckPITPolicy applies the DRS rules to a PIT policy: 1 to 10 rules,
// unique non-negative rule IDs, known units, positive interval and
// retention. A list-level problem has Index -1 and no Field.
func CheckPITPolicy(rules []PITRule) []Problem {
	var out []Problem
	if len(rules) < 1 || len(rules) > MaxPITRules {
		out = append(out, Problem{Index: -1, Message: fmt.Sprintf("has %d rules; DRS needs 1 to %d", len(rules), MaxPITRules)})
	}
	firstUse := map[int64]int{}
	for i, r := range rules {
		if r.RuleID < 0 {
			out = append(out, Problem{i, "rule_id", fmt.Sprintf("%d must not be negative", r.RuleID)})
		} else if j, dup := firstUse[r.RuleID]; dup {
			out = append(out, Problem{i, "rule_id", fmt.Sprintf("%d is already the rule_id of pit_policy[%d]; give every rule its own rule_id", r.RuleID, j)})
		} else {
			firstUse[r.RuleID] = i
		}
		if msg := CheckEnum(r.Units, PITUnits); msg != "" {
			out = append(out, Problem{i, "units", msg})
		}
		if r.Interval < 1 || r.Interval > maxInt32 {
			out = append(out, Problem{i, "interval", fmt.Sprintf("%d must be a positive number of %s (at most %d)", r.Interval, unitsOr(r.Units), maxInt32)})
		}
		if r.RetentionDuration < 1 || r.RetentionDuration > maxInt32 {
			out = append(out, Problem{i, "retention_duration", fmt.Sprintf("%d must be a positive number of %s (at most %d)", r.RetentionDuration, unitsOr(r.Units), maxInt32)})
		}
	}
	return out
}

func unitsOr(u string) string {
	switch u {
	case "MINUTE":
		return "minutes"
	case "HOUR":
		return "hours"
	case "DAY":
		return "days"
	}
	return "units"
}

// CheckEncryptionKey checks the key-ARN rule: a KMS key ARN exactly when
// ebs_encryption is CUSTOM. keyARN is "" when unset. The result names the
// attribute at fault ("ebs_encryption_key_arn") or is empty.
func CheckEncryptionKey(encryption, keyARN string) string {
	switch {
	case encryption == "CUSTOM" && keyARN == "":
		return "is required when ebs_encryption is CUSTOM: set the ARN of the KMS key (arn:aws:kms:<region>:<account>:key/<id>)"
	case encryption != "CUSTOM" && keyARN != "":
		return fmt.Sprintf("can only be set when ebs_encryption is CUSTOM (it is %s): remove the key or set ebs_encryption = \"CUSTOM\"", encryption)
	case keyARN != "" && !KMSKeyARNPattern.MatchString(keyARN):
		return fmt.Sprintf("%q is not a KMS key ARN: write arn:aws:kms:<region>:<account>:key/<key-id> (or :alias/<name>)", keyARN)
	}
	return ""
}

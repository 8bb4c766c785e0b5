package drssettings

import (
	"fmt"
	"strings"
)

// ReservedTagPrefix marks the tags drsorch writes itself (protection group
// membership, plans, executions). Users cannot manage them as tags.
const ReservedTagPrefix = "drsorch:"

// AWS tag limits.
const (
	MaxTagKeyLength   = 128
	MaxTagValueLength = 256
	MaxTagsPerServer  = 50
)

// CheckTagKey refuses empty, over-long and reserved keys.
func CheckTagKey(key string) string {
	lower := strings.ToLower(key)
	switch {
	case key == "" || len(key) > MaxTagKeyLength:
		return fmt.Sprintf("tag key %q must be 1 to %d characters long", key, MaxTagKeyLength)
	case strings.HasPrefix(lower, ReservedTagPrefix):
		return fmt.Sprintf("tag key %q is reserved: keys under %q are written by drsorch itself (protection groups, plans); use another key, and manage group membership with drsorch_protection_group", key, ReservedTagPrefix)
	case strings.HasPrefix(lower, "aws:"):
		return fmt.Sprintf("tag key %q uses the prefix aws:, which AWS reserves; use another key", key)
	case strings.Contains(key, ","):
		return fmt.Sprintf("tag key %q contains a comma, which AWS does not allow in tag keys", key)
	}
	return ""
}

// CheckTagValue checks a value's length.
func CheckTagValue(key, value string) string {
	if len(value) > MaxTagValueLength {
		return fmt.Sprintf("the value of tag %q is %d characters long; at most %d are allowed", key, len(value), MaxTagValueLength)
	}
	return ""
}

// IsManageable reports whether drsorch_source_server_tags may own key:
// neither drsorch's nor AWS's reserved prefixes.
func IsManageable(key string) bool {
	lower := strings.ToLower(key)
	return !strings.HasPrefix(lower, ReservedTagPrefix) && !strings.HasPrefix(lower, "aws:")
}

package sfn

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Step Functions tag limits, from the service model (TagKey: 1 to 128
// characters, TagValue: 0 to 256) and its Tag documentation: "Tags may only
// contain Unicode letters, digits, white space, or these symbols:
// _ . : / = + - @".
const (
	maxTagKeyChars   = 128
	maxTagValueChars = 256
)

// checkTagList validates tags as the member named member (tags or tagKeys).
func checkTagList(member string, tags []tag) error {
	for i, t := range tags {
		if err := checkTagText(fmt.Sprintf("%s.%d.member.key", member, i+1), t.Key, 1, maxTagKeyChars); err != nil {
			return err
		}
		if err := checkReservedKey(t.Key); err != nil {
			return err
		}
		if err := checkTagText(fmt.Sprintf("%s.%d.member.value", member, i+1), t.Value, 0, maxTagValueChars); err != nil {
			return err
		}
	}
	return nil
}

// checkTagKeys validates the keys of an UntagResource request.
func checkTagKeys(keys []string) error {
	for i, k := range keys {
		if err := checkTagText(fmt.Sprintf("tagKeys.%d.member", i+1), k, 1, maxTagKeyChars); err != nil {
			return err
		}
		if err := checkReservedKey(k); err != nil {
			return err
		}
	}
	return nil
}

// checkReservedKey refuses keys of the aws: prefix, which AWS keeps for
// itself: "You can't edit or delete tag keys or values with this prefix"
// (https://docs.aws.amazon.com/tag-editor/latest/userguide/best-practices-and-strats.html).
// Whether Step Functions answers ValidationException or silently keeps
// them is not documented; the stricter refusal is chosen.
func checkReservedKey(k string) error {
	if strings.HasPrefix(strings.ToLower(k), "aws:") {
		return validationErr("1 validation error detected: tag key %q uses the aws: prefix, which is reserved for AWS use", k)
	}
	return nil
}

func checkTagText(at, s string, minChars, maxChars int) error {
	n := utf8.RuneCountInString(s)
	switch {
	case n < minChars:
		return validationErr("1 validation error detected: Value at '%s' failed to satisfy constraint: Member must have length greater than or equal to %d", at, minChars)
	case n > maxChars:
		return validationErr("1 validation error detected: Value at '%s' failed to satisfy constraint: Member must have length less than or equal to %d (it has %d characters)", at, maxChars, n)
	}
	for _, r := range s {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.IsSpace(r) && !isTagSymbol(r) {
			return validationErr("1 validation error detected: Value at '%s' failed to satisfy constraint: tags may only contain Unicode letters, digits, white space, or these symbols: _ . : / = + - @ (found %q)", at, r)
		}
	}
	return nil
}

func isTagSymbol(r rune) bool {
	switch r {
	case '_', '.', ':', '/', '=', '+', '-', '@':
		return true
	}
	return false
}

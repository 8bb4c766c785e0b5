package ec2sim

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// EC2's query protocol flattens lists into numbered keys (SubnetId.1,
// Filter.1.Value.2) named after each member's locationName with its first
// letter in upper case (botocore's ec2 serializer).

// form is a decoded request.
type form url.Values

func (f form) get(key string) string { return url.Values(f).Get(key) }

func (f form) has(key string) bool { _, ok := f[key]; return ok }

// list returns prefix.1, prefix.2 … up to the first missing index.
func (f form) list(prefix string) []string {
	var out []string
	for i := 1; ; i++ {
		k := prefix + "." + strconv.Itoa(i)
		if !f.has(k) {
			return out
		}
		out = append(out, f.get(k))
	}
}

// count is how many prefix.N.* members exist (N from 1, contiguous).
func (f form) count(prefix string) int {
	n := 0
	for i := 1; ; i++ {
		p := prefix + "." + strconv.Itoa(i) + "."
		found := false
		for k := range f {
			if strings.HasPrefix(k, p) {
				found = true
				break
			}
		}
		if !found {
			return n
		}
		n++
	}
}

// boolOf reads an optional boolean member.
func (f form) boolOf(key string) (*bool, error) {
	if !f.has(key) {
		return nil, nil
	}
	b, err := strconv.ParseBool(f.get(key))
	if err != nil {
		return nil, invalidParameterValue(fmt.Sprintf("Value (%s) for parameter %s is invalid. Expected: 'true' or 'false'.", f.get(key), key))
	}
	return &b, nil
}

// filter is one Filter.N of a Describe call.
type filter struct {
	name   string
	values []string
}

func (f form) filters() []filter {
	var out []filter
	for i := 1; i <= f.count("Filter"); i++ {
		p := "Filter." + strconv.Itoa(i)
		out = append(out, filter{name: f.get(p + ".Name"), values: f.list(p + ".Value")})
	}
	return out
}

// matchFilters applies every filter to an item: each filter must match one
// of its values (EC2 ANDs filters and ORs values). fields returns the
// item's values of a filter name, and false for a name the call does not
// support, which EC2 refuses as InvalidParameterValue.
func matchFilters(filters []filter, fields func(name string) ([]string, bool)) (bool, error) {
	for _, fl := range filters {
		have, ok := fields(fl.name)
		if !ok {
			return false, invalidParameterValue(fmt.Sprintf("The filter '%s' is invalid", fl.name))
		}
		if !anyMatch(fl.values, have) {
			return false, nil
		}
	}
	return true, nil
}

func anyMatch(want, have []string) bool {
	for _, w := range want {
		for _, h := range have {
			if globMatch(w, h) {
				return true
			}
		}
	}
	return false
}

// globMatch supports the * and ? wildcards EC2 filters accept.
func globMatch(pattern, s string) bool {
	if pattern == "" {
		return s == ""
	}
	switch pattern[0] {
	case '*':
		for i := 0; i <= len(s); i++ {
			if globMatch(pattern[1:], s[i:]) {
				return true
			}
		}
		return false
	case '?':
		return s != "" && globMatch(pattern[1:], s[1:])
	}
	return s != "" && s[0] == pattern[0] && globMatch(pattern[1:], s[1:])
}

// tagFilter answers "tag:<key>" and "tag-key" filters from tags.
func tagFilter(name string, tags map[string]string) ([]string, bool) {
	if k, ok := strings.CutPrefix(name, "tag:"); ok {
		if v, has := tags[k]; has {
			return []string{v}, true
		}
		return nil, true
	}
	if name == "tag-key" {
		var keys []string
		for k := range tags {
			keys = append(keys, k)
		}
		return keys, true
	}
	return nil, false
}

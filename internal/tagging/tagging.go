// Package tagging holds the rules of user tags on drsorch objects: the
// provider's default_tags merged under a resource's tags into tags_all,
// ignore_tags, the keys drsorch and AWS keep for themselves, and the
// changes that bring an object's tags to a wanted set. The semantics follow
// the conventions of the Terraform AWS provider, so that an estate's tag
// policies behave alike for both providers. No Terraform or AWS imports.
package tagging

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Reserved key prefixes: drsorch's own tags (membership, plan identity,
// description) and AWS's. A user tag may use neither, so that user tags and
// drsorch's never collide and drsorch never reads a user tag as its own.
const (
	DrsorchPrefix = "drsorch:"
	AWSPrefix     = "aws:"
)

// CheckKey explains why key cannot be a user tag, or returns "".
func CheckKey(key string) string {
	switch {
	case strings.HasPrefix(key, DrsorchPrefix):
		return fmt.Sprintf("tag key %q uses the %s prefix, which drsorch keeps for its own tags (membership, plan identity, description); choose another key", key, DrsorchPrefix)
	case strings.HasPrefix(strings.ToLower(key), AWSPrefix):
		return fmt.Sprintf("tag key %q uses the %s prefix, which AWS reserves; choose another key", key, AWSPrefix)
	case key == "":
		return "a tag key cannot be empty"
	}
	return ""
}

// System tells the tags a user does not manage: drsorch's and AWS's.
func System(key string) bool {
	return strings.HasPrefix(key, DrsorchPrefix) || strings.HasPrefix(strings.ToLower(key), AWSPrefix)
}

// Ignore is the provider's ignore_tags: tags with these keys, or keys with
// these prefixes, are neither read back nor changed.
type Ignore struct {
	Keys        []string
	KeyPrefixes []string
}

// Ignored tells whether key is ignored.
func (i Ignore) Ignored(key string) bool {
	if slices.Contains(i.Keys, key) {
		return true
	}
	for _, p := range i.KeyPrefixes {
		if strings.HasPrefix(key, p) {
			return true
		}
	}
	return false
}

// Config is the provider's tag configuration.
type Config struct {
	Defaults map[string]string
	Ignore   Ignore
}

// Merge is the tags an object is given: the defaults, overridden by the
// resource's own tags (a resource tag wins over a default of the same key).
func (c Config) Merge(tags map[string]string) map[string]string {
	out := maps.Clone(c.Defaults)
	if out == nil {
		out = map[string]string{}
	}
	maps.Copy(out, tags)
	return out
}

// All is tags_all as planned: Merge without the ignored keys.
func (c Config) All(tags map[string]string) map[string]string {
	return c.visible(c.Merge(tags))
}

// visible drops system and ignored tags.
func (c Config) visible(m map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range m {
		if !System(k) && !c.Ignore.Ignored(k) {
			out[k] = v
		}
	}
	return out
}

// Read maps the tags an object carries (remote) to state: tagsAll is every
// user tag not ignored; tags is that without the defaults it carries with
// the default value, except keys the prior state's tags held with that same
// value (a resource may repeat a default on purpose). A read that leaves no
// tags keeps prior's null-ness: null stays null, anything else becomes
// empty, so that tags removed outside Terraform show in the plan.
func (c Config) Read(remote, prior map[string]string, priorNull bool) (tags map[string]string, tagsAll map[string]string, tagsNull bool) {
	tagsAll = c.visible(remote)
	tags = map[string]string{}
	for k, v := range tagsAll {
		if d, ok := c.Defaults[k]; ok && d == v {
			if p, held := prior[k]; !held || p != v {
				continue
			}
		}
		tags[k] = v
	}
	if len(tags) == 0 && priorNull {
		return nil, tagsAll, true
	}
	return tags, tagsAll, false
}

// Changes are the tag writes that turn tags from into to: keys to set
// (new or changed values) and keys to remove, sorted.
func Changes(from, to map[string]string) (set map[string]string, remove []string) {
	set = map[string]string{}
	for k, v := range to {
		if old, ok := from[k]; !ok || old != v {
			set[k] = v
		}
	}
	for k := range from {
		if _, ok := to[k]; !ok {
			remove = append(remove, k)
		}
	}
	slices.Sort(remove)
	return set, remove
}

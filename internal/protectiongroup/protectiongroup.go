// Package protectiongroup implements protection-group membership on DRS
// source servers. A group is not a DRS object: membership is the tag
// drsorch:protection-group=<name> on each member, so a server belongs to at
// most one group, for every user of the account, whichever tool they use.
package protectiongroup

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/drs"
	"github.com/aws/aws-sdk-go-v2/service/drs/types"
)

// TagKey is the membership tag.
const TagKey = "drsorch:protection-group"

// MaxNameLength bounds a group name (it is a tag value, and appears in
// state names and job tags).
const MaxNameLength = 64

var namePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9 _.:/=+@-]*$`)

// ValidateName reports what is wrong with a group name, or nil.
func ValidateName(name string) error {
	switch {
	case name == "":
		return fmt.Errorf("a protection group name must not be empty")
	case len(name) > MaxNameLength:
		return fmt.Errorf("protection group name %q is %d characters long; use at most %d", name, len(name), MaxNameLength)
	case !namePattern.MatchString(name):
		return fmt.Errorf("protection group name %q must start with a letter or digit and contain only letters, digits, spaces and _.:/=+@-", name)
	}
	return nil
}

// Owner is the group a server belongs to ("" for none).
func Owner(s types.SourceServer) string { return s.Tags[TagKey] }

// Selection says which servers a group wants: explicit IDs, or every
// server carrying all of Tags.
type Selection struct {
	IDs  []string
	Tags map[string]string
}

// Resolution is a selection applied to the estate.
type Resolution struct {
	Members    []types.SourceServer // sorted by ID
	UnknownIDs []string             // explicit IDs DRS does not know
	// Conflicts maps a wanted server ID to the other group that owns it.
	Conflicts map[string]string
}

// MemberIDs lists the members' IDs, sorted.
func (r Resolution) MemberIDs() []string {
	ids := make([]string, len(r.Members))
	for i, s := range r.Members {
		ids[i] = aws.ToString(s.SourceServerID)
	}
	return ids
}

// Resolve applies sel to servers (every source server of the region) for
// the group called name.
func Resolve(name string, sel Selection, servers []types.SourceServer) Resolution {
	byID := make(map[string]types.SourceServer, len(servers))
	for _, s := range servers {
		byID[aws.ToString(s.SourceServerID)] = s
	}
	res := Resolution{Conflicts: map[string]string{}}
	var wanted []types.SourceServer
	if sel.Tags != nil {
		for _, s := range servers {
			if hasTags(s, sel.Tags) {
				wanted = append(wanted, s)
			}
		}
	} else {
		for _, id := range sel.IDs {
			s, ok := byID[id]
			if !ok {
				res.UnknownIDs = append(res.UnknownIDs, id)
				continue
			}
			wanted = append(wanted, s)
		}
	}
	for _, s := range wanted {
		if owner := Owner(s); owner != "" && owner != name {
			res.Conflicts[aws.ToString(s.SourceServerID)] = owner
			continue
		}
		res.Members = append(res.Members, s)
	}
	sort.Slice(res.Members, func(i, j int) bool {
		return aws.ToString(res.Members[i].SourceServerID) < aws.ToString(res.Members[j].SourceServerID)
	})
	sort.Strings(res.UnknownIDs)
	return res
}

func hasTags(s types.SourceServer, want map[string]string) bool {
	for k, v := range want {
		if got, ok := s.Tags[k]; !ok || got != v {
			return false
		}
	}
	return true
}

// CurrentMembers are the servers that carry the group's tag now.
func CurrentMembers(name string, servers []types.SourceServer) []types.SourceServer {
	var out []types.SourceServer
	for _, s := range servers {
		if Owner(s) == name {
			out = append(out, s)
		}
	}
	sort.Slice(out, func(i, j int) bool { return aws.ToString(out[i].SourceServerID) < aws.ToString(out[j].SourceServerID) })
	return out
}

// NameTakenBy reports another spelling of name that a group already uses in
// the estate (names are unique ignoring case), with one of its servers.
func NameTakenBy(name string, servers []types.SourceServer) (existing, serverID string, taken bool) {
	for _, s := range servers {
		if owner := Owner(s); owner != "" && strings.EqualFold(owner, name) {
			return owner, aws.ToString(s.SourceServerID), true
		}
	}
	return "", "", false
}

// Groups lists every group name in use, with its member count.
func Groups(servers []types.SourceServer) map[string]int {
	out := map[string]int{}
	for _, s := range servers {
		if owner := Owner(s); owner != "" {
			out[owner]++
		}
	}
	return out
}

// TagAPI is the part of the DRS client that changes membership.
type TagAPI interface {
	TagResource(context.Context, *drs.TagResourceInput, ...func(*drs.Options)) (*drs.TagResourceOutput, error)
	UntagResource(context.Context, *drs.UntagResourceInput, ...func(*drs.Options)) (*drs.UntagResourceOutput, error)
}

// Apply moves membership from the current members to want: it tags the
// servers that join and untags those that leave. On failure it undoes what
// it did, so a group is never left half-changed without saying so; the
// error names the server that failed and anything it could not undo.
func Apply(ctx context.Context, api TagAPI, name string, current, want []types.SourceServer) error {
	have := map[string]bool{}
	for _, s := range current {
		have[aws.ToString(s.Arn)] = true
	}
	keep := map[string]bool{}
	var join []string
	for _, s := range want {
		arn := aws.ToString(s.Arn)
		keep[arn] = true
		if !have[arn] {
			join = append(join, arn)
		}
	}
	var leave []string
	for _, s := range current {
		if arn := aws.ToString(s.Arn); !keep[arn] {
			leave = append(leave, arn)
		}
	}
	var joined, left []string
	undo := func(cause error) error {
		var failed []string
		for _, arn := range joined {
			if err := untag(ctx, api, arn); err != nil {
				failed = append(failed, arn)
			}
		}
		for _, arn := range left {
			if err := tag(ctx, api, arn, name); err != nil {
				failed = append(failed, arn)
			}
		}
		if len(failed) > 0 {
			return fmt.Errorf("%w; undoing the partial change also failed, so these servers' %s tag needs checking: %s",
				cause, TagKey, strings.Join(failed, ", "))
		}
		return fmt.Errorf("%w (the change was undone: membership is as before)", cause)
	}
	for _, arn := range join {
		if err := tag(ctx, api, arn, name); err != nil {
			return undo(fmt.Errorf("add %s to protection group %q: %w", arn, name, err))
		}
		joined = append(joined, arn)
	}
	for _, arn := range leave {
		if err := untag(ctx, api, arn); err != nil {
			return undo(fmt.Errorf("remove %s from protection group %q: %w", arn, name, err))
		}
		left = append(left, arn)
	}
	return nil
}

func tag(ctx context.Context, api TagAPI, arn, name string) error {
	_, err := api.TagResource(ctx, tagInput(arn, TagKey, name))
	return err
}

func untag(ctx context.Context, api TagAPI, arn string) error {
	_, err := api.UntagResource(ctx, untagInput(arn, TagKey))
	return err
}

func tagInput(arn, key, value string) *drs.TagResourceInput {
	return &drs.TagResourceInput{ResourceArn: aws.String(arn), Tags: map[string]string{key: value}}
}

func untagInput(arn, key string) *drs.UntagResourceInput {
	return &drs.UntagResourceInput{ResourceArn: aws.String(arn), TagKeys: []string{key}}
}

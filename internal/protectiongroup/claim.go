package protectiongroup

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/drs/types"

	"github.com/drsorch/terraform-provider-drsorch/internal/drsapi"
)

// ClaimTagPrefix starts the tag a group writes on a server while it claims
// it: drsorch:claiming:<group>. Each group writes its own key, so claims
// made at the same time do not overwrite each other as membership tags do.
const ClaimTagPrefix = "drsorch:claiming:"

// ClaimAPI is the part of the DRS client a claim needs.
type ClaimAPI interface {
	TagAPI
	drsapi.SourceServerAPI
}

// ContestedError says another group owns or is claiming a server this
// group wanted. Nothing changed: the group's membership is as before.
type ContestedError struct {
	Group, Other, ServerID string
	// Claiming is true when the other group was claiming the server at the
	// same time (rather than owning it already).
	Claiming bool
}

func (e *ContestedError) Error() string {
	if e.Claiming {
		return fmt.Sprintf("source server %s is being claimed by protection groups %q and %q at the same time; neither took it and %q is unchanged. "+
			"A server can be in one group only: leave it out of one of them and apply again", e.ServerID, e.Group, e.Other, e.Group)
	}
	return fmt.Sprintf("source server %s was taken by protection group %q while %q was being applied; %q is unchanged. "+
		"A server can be in one group only: leave it out of %q, or remove it from %q first, and apply again", e.ServerID, e.Other, e.Group, e.Group, e.Group, e.Other)
}

// Claim moves the group's membership from current to want as Apply does,
// and is safe against another group (another workspace, or a group of the
// same configuration whose members were unknown at plan) claiming the same
// servers at the same moment. DRS tags have no compare-and-set, so a
// server joins in three steps:
//  1. write this group's claim tag on every joining server;
//  2. re-read them: one that carries another group's membership tag or
//     claim is contested, so this group removes its claims and gives up,
//     with a ContestedError naming both groups;
//  3. write the membership tags (Apply), then remove the claims.
//
// Two groups claiming one server at once both see the other's claim and
// both give up. A group that saw no other claim wrote its own before the
// other group's re-read, which therefore sees it (or the membership tag
// written before the claim is removed): at most one group owns a server.
// This relies on DRS reading back tags just written, which its API
// reference does not promise explicitly
// (https://docs.aws.amazon.com/drs/latest/APIReference/API_TagResource.html);
// the run service does.
func Claim(ctx context.Context, api ClaimAPI, name string, current, want []types.SourceServer) error {
	have := map[string]bool{}
	for _, s := range current {
		have[aws.ToString(s.SourceServerID)] = true
	}
	var joining []types.SourceServer
	for _, s := range want {
		if !have[aws.ToString(s.SourceServerID)] {
			joining = append(joining, s)
		}
	}
	if len(joining) == 0 {
		return Apply(ctx, api, name, current, want)
	}
	key := ClaimTagPrefix + name
	var claimed []string
	release := func() error {
		var errs []error
		for _, arn := range claimed {
			if _, err := api.UntagResource(ctx, untagInput(arn, key)); err != nil {
				errs = append(errs, fmt.Errorf("remove tag %s from %s: %w", key, arn, err))
			}
		}
		return errors.Join(errs...)
	}
	fail := func(cause error) error {
		if err := release(); err != nil {
			return fmt.Errorf("%w; %v (remove that tag by hand: it makes other groups back off from the server)", cause, err)
		}
		return cause
	}
	for _, s := range joining {
		arn := aws.ToString(s.Arn)
		if _, err := api.TagResource(ctx, tagInput(arn, key, "true")); err != nil {
			return fail(fmt.Errorf("claim %s for protection group %q: %w", arn, name, err))
		}
		claimed = append(claimed, arn)
	}
	ids := make([]string, len(joining))
	for i, s := range joining {
		ids[i] = aws.ToString(s.SourceServerID)
	}
	now, err := drsapi.ListSourceServers(ctx, api, ids)
	if err != nil {
		return fail(fmt.Errorf("re-read the servers protection group %q claims: %w", name, err))
	}
	sort.Slice(now, func(i, j int) bool { return aws.ToString(now[i].SourceServerID) < aws.ToString(now[j].SourceServerID) })
	for _, s := range now {
		if c := contest(name, s); c != nil {
			return fail(c)
		}
	}
	if err := Apply(ctx, api, name, current, want); err != nil {
		return fail(err)
	}
	if err := release(); err != nil {
		return fmt.Errorf("protection group %q has its members, but %v (remove that tag by hand: it makes other groups back off from the server)", name, err)
	}
	return nil
}

// contest reports why group name may not take s, or nil.
func contest(name string, s types.SourceServer) *ContestedError {
	id := aws.ToString(s.SourceServerID)
	if owner := Owner(s); owner != "" && owner != name {
		return &ContestedError{Group: name, Other: owner, ServerID: id}
	}
	var others []string
	for k := range s.Tags {
		if other, ok := strings.CutPrefix(k, ClaimTagPrefix); ok && other != name {
			others = append(others, other)
		}
	}
	if len(others) == 0 {
		return nil
	}
	sort.Strings(others)
	return &ContestedError{Group: name, Other: others[0], ServerID: id, Claiming: true}
}

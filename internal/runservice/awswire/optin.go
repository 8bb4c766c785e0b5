package awswire

import (
	"maps"
	"slices"
	"sync"
)

// DisabledRegions are the opt-in regions that accounts have not enabled.
// AWS does not know an account's credentials in such a region, so it
// answers every call as it answers unknown credentials: InvalidClientTokenId
// ("If you don't activate the Region in both accounts, you receive an
// InvalidClientTokenId error",
// https://repost.aws/knowledge-center/iam-validate-access-credentials), which
// awsJson and restJson1 services name UnrecognizedClientException and EC2
// AuthFailure. Opt-in regions are "disabled by default … you cannot use
// these Regions … until they are enabled"
// (https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-regions.html).
// The router checks every API request against it once, after
// authentication, whatever the service.
type DisabledRegions struct {
	mu        sync.RWMutex
	byAccount map[string]map[string]bool
}

// Set replaces the disabled regions: account -> region codes. Which
// regions may be disabled (opt-in ones only) is the caller's check.
func (d *DisabledRegions) Set(byAccount map[string][]string) {
	m := make(map[string]map[string]bool, len(byAccount))
	for account, regions := range byAccount {
		if len(regions) == 0 {
			continue
		}
		m[account] = map[string]bool{}
		for _, r := range regions {
			m[account][r] = true
		}
	}
	d.mu.Lock()
	d.byAccount = m
	d.mu.Unlock()
}

// List returns account -> sorted region codes.
func (d *DisabledRegions) List() map[string][]string {
	d.mu.RLock()
	defer d.mu.RUnlock()
	out := make(map[string][]string, len(d.byAccount))
	for account, regions := range d.byAccount {
		out[account] = slices.Sorted(maps.Keys(regions))
	}
	return out
}

// Refuse returns the authentication failure AWS answers id's request
// with when id's account has not enabled id's region, else nil.
func (d *DisabledRegions) Refuse(id Identity) *AuthError {
	if d == nil {
		return nil
	}
	d.mu.RLock()
	disabled := d.byAccount[id.Account][id.Region]
	d.mu.RUnlock()
	if !disabled {
		return nil
	}
	return &AuthError{Failure: AuthUnknownKey, Message: msgUnknownKey}
}

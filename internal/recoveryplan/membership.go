package recoveryplan

import "sort"

// AsWarnings is ps with every error turned into a warning: for checks
// about the world (quotas, empty groups) on a plan whose configuration did
// not change, which must not block a plan (least of all the one Terraform
// runs before a destroy).
func (ps Problems) AsWarnings() Problems {
	out := make(Problems, len(ps))
	for i, p := range ps {
		p.Severity = Warning
		out[i] = p
	}
	return out
}

// MembershipChange is how one wave's servers differ between two plans.
type MembershipChange struct {
	Wave           string
	Added, Removed []string // sorted server IDs
}

// MembershipChanges compares the servers of the waves of from and to (by
// wave name; a wave only in one counts all its servers as added or
// removed), in to's wave order then from's.
func MembershipChanges(from, to Plan) []MembershipChange {
	before := map[string][]string{}
	var order []string
	for _, w := range to.Waves {
		order = append(order, w.Name)
	}
	seen := map[string]bool{}
	for _, w := range to.Waves {
		seen[w.Name] = true
	}
	for _, w := range from.Waves {
		before[w.Name] = w.ServerIDs
		if !seen[w.Name] {
			order = append(order, w.Name)
		}
	}
	after := map[string][]string{}
	for _, w := range to.Waves {
		after[w.Name] = w.ServerIDs
	}
	var out []MembershipChange
	for _, name := range order {
		c := MembershipChange{Wave: name, Added: minus(after[name], before[name]), Removed: minus(before[name], after[name])}
		if len(c.Added)+len(c.Removed) > 0 {
			out = append(out, c)
		}
	}
	return out
}

func minus(a, b []string) []string {
	in := map[string]bool{}
	for _, x := range b {
		in[x] = true
	}
	var out []string
	for _, x := range a {
		if !in[x] {
			out = append(out, x)
		}
	}
	sort.Strings(out)
	return out
}

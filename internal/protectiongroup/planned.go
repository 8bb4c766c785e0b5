package protectiongroup

import (
	"fmt"
	"sort"
	"strings"
	"sync"
)

// Planned is what the groups of one configuration will hold once an apply
// is done, recorded while Terraform plans them. Tags say who owns a server
// now; Planned says who will, so that a recovery plan compiled in the same
// plan sees its groups' new members, and two groups of one configuration
// that want one server (or names that differ only in case) are refused
// before anything is tagged. It is safe for concurrent use: Terraform
// plans resources in parallel.
type Planned struct {
	mu      sync.Mutex
	groups  map[string]PlannedGroup // by lower-case name
	servers map[string]string       // server ID → group name
}

// PlannedGroup is one group's planned membership.
type PlannedGroup struct {
	Name string
	// Members are the planned server IDs, sorted; meaningless unless Known.
	Members []string
	// Known is false while the selection depends on values known only at
	// apply.
	Known bool
	// Changed says the configuration asks for new membership: the group is
	// created, or its selection changed (not merely drift in the world).
	Changed bool
}

// NewPlanned starts an empty record.
func NewPlanned() *Planned {
	return &Planned{groups: map[string]PlannedGroup{}, servers: map[string]string{}}
}

// Conflict is a clash between two groups of one configuration.
type Conflict struct {
	Other    string // the group recorded first
	ServerID string // empty for a name clash
}

func (c Conflict) Error() string {
	if c.ServerID == "" {
		return fmt.Sprintf("another protection group of this configuration is named %q", c.Other)
	}
	return fmt.Sprintf("source server %s is also planned for protection group %q", c.ServerID, c.Other)
}

// Record adds g and reports its clashes with the groups recorded before:
// a name equal ignoring case, and servers another group wants. A clashing
// group is still recorded, so that every clash is reported once.
func (p *Planned) Record(g PlannedGroup) []Conflict {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []Conflict
	key := strings.ToLower(g.Name)
	if prev, ok := p.groups[key]; ok {
		out = append(out, Conflict{Other: prev.Name})
	} else {
		p.groups[key] = g
	}
	if !g.Known {
		return out
	}
	ids := append([]string(nil), g.Members...)
	sort.Strings(ids)
	for _, id := range ids {
		if owner, ok := p.servers[id]; ok && owner != g.Name {
			out = append(out, Conflict{Other: owner, ServerID: id})
			continue
		}
		p.servers[id] = g.Name
	}
	return out
}

// Group is the planned membership of the group called name (exactly), if
// a group of this configuration recorded it.
func (p *Planned) Group(name string) (PlannedGroup, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	g, ok := p.groups[strings.ToLower(name)]
	if !ok || g.Name != name {
		return PlannedGroup{}, false
	}
	return g, true
}

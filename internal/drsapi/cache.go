package drsapi

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/drs/types"
)

// ServerCacheMaxAge bounds how old a cached listing may be. A plan of
// thousands of resources reads it well within this (300 take seconds),
// while an apply that waits on a drill for an hour reads the estate again
// before its next decision.
const ServerCacheMaxAge = 2 * time.Minute

// ServerCache is one region's listing of DRS source servers, shared by
// every resource and data source of one provider configuration, so that a
// plan lists the servers once per region instead of once per resource.
//
// Its lifetime rule:
//   - It lives as long as the clients it belongs to: one Configure of the
//     provider, i.e. one Terraform command (plan, apply …).
//   - A listing older than maxAge is read again.
//   - Writes made through the same clients keep it true: a write that
//     names a source server (tags, settings) marks that server stale, and
//     the next read asks DRS for the stale servers alone (one filtered
//     call per 200); any other DRS write drops the whole listing.
//   - Writes by others within maxAge are not seen: callers that decide a
//     write on what they read (a protection group taking servers) use
//     Fresh instead.
//
// The slices it returns are shared: callers must not modify them.
type ServerCache struct {
	api    SourceServerAPI
	maxAge time.Duration
	now    func() time.Time

	// mu is held while DRS is asked, on purpose: concurrent readers wait
	// for one listing instead of each starting their own.
	mu       sync.Mutex
	servers  []types.SourceServer // the listing, in DRS order; nil until read
	index    map[string]int       // server ID -> position in servers
	readAt   time.Time
	readDrop uint64 // drops when the listing was read

	drops   atomic.Uint64 // whole-listing invalidations so far
	staleMu sync.Mutex
	stale   map[string]bool // server IDs written since the listing was read
}

// NewServerCache caches the servers api lists; maxAge 0 means
// ServerCacheMaxAge.
func NewServerCache(api SourceServerAPI, maxAge time.Duration) *ServerCache {
	if maxAge <= 0 {
		maxAge = ServerCacheMaxAge
	}
	return &ServerCache{api: api, maxAge: maxAge, now: time.Now, stale: map[string]bool{}}
}

// SetClock replaces the clock that ages the listing (tests).
func (c *ServerCache) SetClock(now func() time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = now
}

// List returns every source server of the region, from the cache when it
// is current.
func (c *ServerCache) List(ctx context.Context) ([]types.SourceServer, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.current(ctx); err != nil {
		return nil, err
	}
	return c.servers, nil
}

// Fresh lists every source server from DRS now, and keeps the result for
// the readers that follow.
func (c *ServerCache) Fresh(ctx context.Context) ([]types.SourceServer, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.reload(ctx); err != nil {
		return nil, err
	}
	return c.servers, nil
}

// Get returns one source server; found is false when DRS does not know
// it. An ID missing from the listing is asked for on its own, in case the
// server was added after the listing was read.
func (c *ServerCache) Get(ctx context.Context, id string) (server types.SourceServer, found bool, err error) {
	got, err := c.Filter(ctx, []string{id})
	if err != nil || len(got) == 0 {
		return types.SourceServer{}, false, err
	}
	return got[0], true, nil
}

// Filter returns the servers among ids that DRS knows, in listing order:
// from the cache, plus one filtered call for the IDs the listing lacks.
func (c *ServerCache) Filter(ctx context.Context, ids []string) ([]types.SourceServer, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.current(ctx); err != nil {
		return nil, err
	}
	var missing []string
	for _, id := range ids {
		if _, ok := c.index[id]; !ok {
			missing = append(missing, id)
		}
	}
	if len(missing) > 0 {
		added, err := ListSourceServers(ctx, c.api, missing)
		if err != nil {
			return nil, err
		}
		c.merge(added, nil)
	}
	want := make(map[string]bool, len(ids))
	for _, id := range ids {
		want[id] = true
	}
	var out []types.SourceServer
	for _, s := range c.servers {
		if want[aws.ToString(s.SourceServerID)] {
			out = append(out, s)
		}
	}
	return out, nil
}

// Invalidate drops the whole listing: the next read lists again.
func (c *ServerCache) Invalidate() { c.drops.Add(1) }

// Written marks servers changed by a write: the next read asks DRS for
// them again.
func (c *ServerCache) Written(ids ...string) {
	c.staleMu.Lock()
	defer c.staleMu.Unlock()
	for _, id := range ids {
		c.stale[id] = true
	}
}

// current makes the listing current: read when absent, dropped or too
// old, else re-read the stale servers. Called with mu held.
func (c *ServerCache) current(ctx context.Context) error {
	if c.servers == nil || c.readDrop != c.drops.Load() || c.now().Sub(c.readAt) >= c.maxAge {
		return c.reload(ctx)
	}
	c.staleMu.Lock()
	stale := make([]string, 0, len(c.stale))
	for id := range c.stale {
		stale = append(stale, id)
	}
	clear(c.stale)
	c.staleMu.Unlock()
	if len(stale) == 0 {
		return nil
	}
	fresh, err := ListSourceServers(ctx, c.api, stale)
	if err != nil {
		c.Written(stale...) // still stale: the next read tries again
		return err
	}
	c.merge(fresh, stale)
	return nil
}

// reload lists every server. Called with mu held.
func (c *ServerCache) reload(ctx context.Context) error {
	drops, at := c.drops.Load(), c.now()
	c.staleMu.Lock()
	clear(c.stale) // writes before this listing are in it; later ones mark again
	c.staleMu.Unlock()
	all, err := ListSourceServers(ctx, c.api, nil)
	if err != nil {
		return err
	}
	if all == nil {
		all = []types.SourceServer{}
	}
	c.servers, c.readAt, c.readDrop = all, at, drops
	c.reindex()
	return nil
}

// merge replaces or adds the servers read again; asked lists the IDs that
// were asked for, so that those DRS no longer returns are removed. The
// listing is copied, not changed in place: earlier callers may hold it.
func (c *ServerCache) merge(read []types.SourceServer, asked []string) {
	gone := map[string]bool{}
	for _, id := range asked {
		gone[id] = true
	}
	byID := map[string]types.SourceServer{}
	for _, s := range read {
		id := aws.ToString(s.SourceServerID)
		byID[id] = s
		delete(gone, id)
	}
	next := make([]types.SourceServer, 0, len(c.servers)+len(byID))
	for _, s := range c.servers {
		id := aws.ToString(s.SourceServerID)
		if gone[id] {
			continue
		}
		if r, ok := byID[id]; ok {
			s = r
			delete(byID, id)
		}
		next = append(next, s)
	}
	for _, s := range read { // new servers, in the order DRS gave them
		if _, ok := byID[aws.ToString(s.SourceServerID)]; ok {
			next = append(next, s)
		}
	}
	c.servers = next
	c.reindex()
}

func (c *ServerCache) reindex() {
	c.index = make(map[string]int, len(c.servers))
	for i, s := range c.servers {
		c.index[aws.ToString(s.SourceServerID)] = i
	}
}

// ServerIDOfARN returns the source server ID an ARN names
// (arn:<partition>:drs:<region>:<account>:source-server/<id>), or "".
func ServerIDOfARN(arn string) string {
	_, id, ok := strings.Cut(arn, ":source-server/")
	if !ok {
		return ""
	}
	return id
}

package drsapi

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/drs"
	"github.com/aws/aws-sdk-go-v2/service/drs/types"
)

// estateAPI serves a mutable set of servers and counts the calls: whole
// listings apart from filtered ones.
type estateAPI struct {
	mu       sync.Mutex
	servers  map[string]string // id -> value of tag "v"
	order    []string
	listings int
	filtered [][]string
}

func newEstate(ids ...string) *estateAPI {
	e := &estateAPI{servers: map[string]string{}}
	for _, id := range ids {
		e.set(id, "1")
	}
	return e
}

func (e *estateAPI) set(id, v string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if _, ok := e.servers[id]; !ok {
		e.order = append(e.order, id)
	}
	e.servers[id] = v
}

func (e *estateAPI) remove(id string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	delete(e.servers, id)
}

func (e *estateAPI) DescribeSourceServers(_ context.Context, in *drs.DescribeSourceServersInput, _ ...func(*drs.Options)) (*drs.DescribeSourceServersOutput, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	want := map[string]bool{}
	if in.Filters != nil && len(in.Filters.SourceServerIDs) > 0 {
		e.filtered = append(e.filtered, in.Filters.SourceServerIDs)
		for _, id := range in.Filters.SourceServerIDs {
			want[id] = true
		}
	} else {
		e.listings++
	}
	out := &drs.DescribeSourceServersOutput{}
	for _, id := range e.order {
		v, ok := e.servers[id]
		if ok && (len(want) == 0 || want[id]) {
			out.Items = append(out.Items, types.SourceServer{SourceServerID: aws.String(id), Tags: map[string]string{"v": v}})
		}
	}
	return out, nil
}

func tagOf(t *testing.T, servers []types.SourceServer, id string) string {
	t.Helper()
	for _, s := range servers {
		if aws.ToString(s.SourceServerID) == id {
			return s.Tags["v"]
		}
	}
	return "<absent>"
}

func TestServerCacheListsOncePerLifetime(t *testing.T) {
	ctx := context.Background()
	api := newEstate("s-1", "s-2", "s-3")
	cache := NewServerCache(api, time.Minute)
	var wg sync.WaitGroup
	for range 50 { // concurrent readers wait for one listing
		wg.Add(1)
		go func() {
			defer wg.Done()
			if got, err := cache.List(ctx); err != nil || len(got) != 3 {
				t.Errorf("list: %d servers, %v", len(got), err)
			}
			if _, found, err := cache.Get(ctx, "s-2"); !found || err != nil {
				t.Errorf("get s-2: %v %v", found, err)
			}
		}()
	}
	wg.Wait()
	if api.listings != 1 || len(api.filtered) != 0 {
		t.Fatalf("%d listings and %d filtered calls, want one listing", api.listings, len(api.filtered))
	}
}

func TestServerCacheRereadsOnlyWrittenServers(t *testing.T) {
	ctx := context.Background()
	api := newEstate("s-1", "s-2", "s-3")
	cache := NewServerCache(api, time.Minute)
	if _, err := cache.List(ctx); err != nil {
		t.Fatal(err)
	}
	api.set("s-2", "2")
	api.set("s-3", "2")
	cache.Written("s-2")
	got, _ := cache.List(ctx)
	if tagOf(t, got, "s-2") != "2" {
		t.Errorf("s-2 written through the cache's clients still shows its old tags")
	}
	if tagOf(t, got, "s-3") != "1" {
		t.Errorf("s-3 changed by someone else was re-read before the listing aged")
	}
	if api.listings != 1 || len(api.filtered) != 1 || len(api.filtered[0]) != 1 {
		t.Fatalf("listings %d, filtered %v: want one filtered call for s-2", api.listings, api.filtered)
	}
	// A written server that is gone leaves the listing.
	api.remove("s-1")
	cache.Written("s-1")
	if got, _ := cache.List(ctx); len(got) != 2 || tagOf(t, got, "s-1") != "<absent>" {
		t.Fatalf("deleted s-1 still listed: %d servers", len(got))
	}
}

func TestServerCacheAgesAndInvalidates(t *testing.T) {
	ctx := context.Background()
	api := newEstate("s-1")
	cache := NewServerCache(api, time.Minute)
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	cache.SetClock(func() time.Time { return now })
	cache.List(ctx)
	now = now.Add(59 * time.Second)
	cache.List(ctx)
	if api.listings != 1 {
		t.Fatalf("%d listings within the age bound, want 1", api.listings)
	}
	now = now.Add(time.Second)
	api.set("s-1", "2")
	if got, _ := cache.List(ctx); tagOf(t, got, "s-1") != "2" || api.listings != 2 {
		t.Fatalf("listing of age 1m not read again (%d listings)", api.listings)
	}
	cache.Invalidate()
	cache.List(ctx)
	if api.listings != 3 {
		t.Fatalf("Invalidate did not drop the listing (%d listings)", api.listings)
	}
	cache.Fresh(ctx)
	if api.listings != 4 {
		t.Fatalf("Fresh did not read DRS (%d listings)", api.listings)
	}
}

func TestServerCacheFindsServersAddedAfterTheListing(t *testing.T) {
	ctx := context.Background()
	api := newEstate("s-1")
	cache := NewServerCache(api, time.Minute)
	cache.List(ctx)
	api.set("s-9", "1")
	got, err := cache.Filter(ctx, []string{"s-1", "s-9", "s-404"})
	if err != nil || len(got) != 2 {
		t.Fatalf("filter: %d servers, %v", len(got), err)
	}
	if len(api.filtered) != 1 || len(api.filtered[0]) != 2 {
		t.Fatalf("filtered calls %v, want one for s-9 and s-404", api.filtered)
	}
	if _, found, _ := cache.Get(ctx, "s-9"); !found || len(api.filtered) != 1 {
		t.Fatalf("s-9 not remembered (found %v, filtered %v)", found, api.filtered)
	}
	if _, found, _ := cache.Get(ctx, "s-404"); found {
		t.Fatal("s-404 found")
	}
}

func TestServerIDOfARN(t *testing.T) {
	for arn, want := range map[string]string{
		"arn:aws:drs:us-east-1:123456789012:source-server/s-1234567890abcdef0":     "s-1234567890abcdef0",
		"arn:aws-cn:drs:cn-north-1:123456789012:source-server/s-1234567890abcdef0": "s-1234567890abcdef0",
		"arn:aws:drs:us-east-1:123456789012:job/drsjob-1234567890abcdef0":          "",
	} {
		if got := ServerIDOfARN(arn); got != want {
			t.Errorf("ServerIDOfARN(%s) = %q, want %q", arn, got, want)
		}
	}
}

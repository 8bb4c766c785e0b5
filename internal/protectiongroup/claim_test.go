package protectiongroup

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/drs"
	"github.com/aws/aws-sdk-go-v2/service/drs/types"
)

// estateTags is an in-memory DRS of tagged servers whose re-reads can be
// interleaved with another claim, to replay races deterministically.
type estateTags struct {
	mu   sync.Mutex
	tags map[string]map[string]string // by server ID
	// beforeRead runs once, before the next DescribeSourceServers.
	beforeRead func()
	// barrier, when set, makes every party's read wait until all have
	// claimed (reached their read), and its answer wait until all have read.
	barrier *[2]sync.WaitGroup
}

func newEstateTags(ids ...string) *estateTags {
	e := &estateTags{tags: map[string]map[string]string{}}
	for _, id := range ids {
		e.tags[id] = map[string]string{}
	}
	return e
}

func (e *estateTags) TagResource(_ context.Context, in *drs.TagResourceInput, _ ...func(*drs.Options)) (*drs.TagResourceOutput, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	for k, v := range in.Tags {
		e.tags[strings.TrimPrefix(aws.ToString(in.ResourceArn), "arn:")][k] = v
	}
	return &drs.TagResourceOutput{}, nil
}

func (e *estateTags) UntagResource(_ context.Context, in *drs.UntagResourceInput, _ ...func(*drs.Options)) (*drs.UntagResourceOutput, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, k := range in.TagKeys {
		delete(e.tags[strings.TrimPrefix(aws.ToString(in.ResourceArn), "arn:")], k)
	}
	return &drs.UntagResourceOutput{}, nil
}

func (e *estateTags) DescribeSourceServers(_ context.Context, in *drs.DescribeSourceServersInput, _ ...func(*drs.Options)) (*drs.DescribeSourceServersOutput, error) {
	if hook := e.beforeRead; hook != nil {
		e.beforeRead = nil
		hook()
	}
	if e.barrier != nil {
		e.barrier[0].Done()
		e.barrier[0].Wait()
	}
	e.mu.Lock()
	out := &drs.DescribeSourceServersOutput{}
	for _, id := range in.Filters.SourceServerIDs {
		tags := map[string]string{}
		for k, v := range e.tags[id] {
			tags[k] = v
		}
		out.Items = append(out.Items, server(id, tags))
	}
	e.mu.Unlock()
	if e.barrier != nil {
		e.barrier[1].Done()
		e.barrier[1].Wait()
	}
	return out, nil
}

func (e *estateTags) server(id string) types.SourceServer {
	e.mu.Lock()
	defer e.mu.Unlock()
	tags := map[string]string{}
	for k, v := range e.tags[id] {
		tags[k] = v
	}
	return server(id, tags)
}

// noClaimsLeft fails when a claim tag stayed behind.
func noClaimsLeft(t *testing.T, e *estateTags) {
	t.Helper()
	for id, tags := range e.tags {
		for k := range tags {
			if strings.HasPrefix(k, ClaimTagPrefix) {
				t.Errorf("server %s kept claim tag %s", id, k)
			}
		}
	}
}

// Today's Apply lets two groups that both planned s-1 as free both
// "succeed": the tag names the last writer, each state names its group.
func TestApplyAloneLetsTwoGroupsTakeOneServer(t *testing.T) {
	e := newEstateTags("s-1")
	free := []types.SourceServer{e.server("s-1")}
	if err := Apply(context.Background(), e, "a", nil, free); err != nil {
		t.Fatal(err)
	}
	if err := Apply(context.Background(), e, "b", nil, free); err != nil {
		t.Fatal(err)
	}
	if Owner(e.server("s-1")) != "b" {
		t.Fatal("expected the last writer to own the tag")
	}
}

func TestClaimLoserBacksOffNamingBothGroups(t *testing.T) {
	e := newEstateTags("s-1", "s-2")
	free := []types.SourceServer{e.server("s-1")}
	if err := Claim(context.Background(), e, "a", nil, free); err != nil {
		t.Fatal(err)
	}
	// b planned s-1 when it was still free, and s-2 as well.
	err := Claim(context.Background(), e, "b", nil, []types.SourceServer{server("s-1", nil), server("s-2", nil)})
	var contested *ContestedError
	if !errors.As(err, &contested) || contested.Other != "a" || contested.Group != "b" || contested.ServerID != "s-1" {
		t.Fatalf("err = %v", err)
	}
	if !strings.Contains(err.Error(), `protection group "a"`) || !strings.Contains(err.Error(), `"b" is unchanged`) {
		t.Fatalf("message = %v", err)
	}
	if Owner(e.server("s-1")) != "a" || Owner(e.server("s-2")) != "" {
		t.Fatalf("owners: s-1 %q, s-2 %q", Owner(e.server("s-1")), Owner(e.server("s-2")))
	}
	noClaimsLeft(t, e)
}

// However the steps of two claims interleave, at most one group owns s-1.
func TestClaimConcurrentClaimsNeverBothWin(t *testing.T) {
	ctx := context.Background()
	want := []types.SourceServer{server("s-1", nil)}
	t.Run("both claim, then both re-read", func(t *testing.T) {
		e := newEstateTags("s-1")
		e.barrier = &[2]sync.WaitGroup{}
		e.barrier[0].Add(2)
		e.barrier[1].Add(2)
		errs := make([]error, 2)
		var wg sync.WaitGroup
		for i, g := range []string{"a", "b"} {
			wg.Add(1)
			go func() { defer wg.Done(); errs[i] = Claim(ctx, e, g, nil, want) }()
		}
		wg.Wait()
		var ca, cb *ContestedError
		if !errors.As(errs[0], &ca) || !errors.As(errs[1], &cb) || !ca.Claiming || !cb.Claiming || ca.Other != "b" || cb.Other != "a" {
			t.Fatalf("a: %v\nb: %v", errs[0], errs[1])
		}
		if Owner(e.server("s-1")) != "" {
			t.Fatalf("s-1 owned by %q", Owner(e.server("s-1")))
		}
		noClaimsLeft(t, e)
	})
	t.Run("b claims and re-reads while a re-reads", func(t *testing.T) {
		e := newEstateTags("s-1")
		var errB error
		// a has written its claim; b runs entirely before a's re-read.
		e.beforeRead = func() { errB = Claim(ctx, e, "b", nil, want) }
		if err := Claim(ctx, e, "a", nil, want); err != nil {
			t.Fatal(err)
		}
		var cb *ContestedError
		if !errors.As(errB, &cb) || !cb.Claiming || cb.Other != "a" || Owner(e.server("s-1")) != "a" {
			t.Fatalf("b: %v, owner %q", errB, Owner(e.server("s-1")))
		}
		noClaimsLeft(t, e)
	})
	t.Run("a re-reads first", func(t *testing.T) {
		e := newEstateTags("s-1")
		if err := Claim(ctx, e, "a", nil, want); err != nil {
			t.Fatal(err)
		}
		// b's re-read now sees a's membership tag.
		err := Claim(ctx, e, "b", nil, want)
		if !errors.As(err, new(*ContestedError)) || Owner(e.server("s-1")) != "a" {
			t.Fatalf("err %v, owner %q", err, Owner(e.server("s-1")))
		}
		noClaimsLeft(t, e)
	})
}

func TestClaimKeepsAndMovesMembers(t *testing.T) {
	e := newEstateTags("s-1", "s-2", "s-3")
	ctx := context.Background()
	if err := Claim(ctx, e, "a", nil, []types.SourceServer{e.server("s-1"), e.server("s-2")}); err != nil {
		t.Fatal(err)
	}
	if err := Claim(ctx, e, "a", []types.SourceServer{e.server("s-1"), e.server("s-2")}, []types.SourceServer{e.server("s-2"), e.server("s-3")}); err != nil {
		t.Fatal(err)
	}
	for id, want := range map[string]string{"s-1": "", "s-2": "a", "s-3": "a"} {
		if got := Owner(e.server(id)); got != want {
			t.Errorf("%s owned by %q, want %q", id, got, want)
		}
	}
	noClaimsLeft(t, e)
}

func TestPlannedRefusesSharedServersAndCaseVariants(t *testing.T) {
	p := NewPlanned()
	if c := p.Record(PlannedGroup{Name: "db", Members: []string{"s-1", "s-2"}, Known: true}); len(c) != 0 {
		t.Fatal(c)
	}
	if c := p.Record(PlannedGroup{Name: "web", Members: []string{"s-3", "s-2"}, Known: true}); len(c) != 1 || c[0].Other != "db" || c[0].ServerID != "s-2" {
		t.Fatalf("conflicts = %v", c)
	}
	if c := p.Record(PlannedGroup{Name: "DB", Known: false}); len(c) != 1 || c[0].Other != "db" || c[0].ServerID != "" {
		t.Fatalf("conflicts = %v", c)
	}
	if g, ok := p.Group("db"); !ok || len(g.Members) != 2 {
		t.Fatalf("db = %+v %v", g, ok)
	}
	if _, ok := p.Group("DB"); ok {
		t.Fatal("a case variant found the group")
	}
}

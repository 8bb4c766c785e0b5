package protectiongroup

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/drs"
	"github.com/aws/aws-sdk-go-v2/service/drs/types"
)

func server(id string, tags map[string]string) types.SourceServer {
	return types.SourceServer{SourceServerID: aws.String(id), Arn: aws.String("arn:" + id), Tags: tags}
}

func estate() []types.SourceServer {
	return []types.SourceServer{
		server("s-1", map[string]string{"tier": "db"}),
		server("s-2", map[string]string{"tier": "db", TagKey: "other"}),
		server("s-3", map[string]string{"tier": "web", TagKey: "web"}),
		server("s-4", map[string]string{"tier": "db", "env": "prod"}),
	}
}

func TestResolveByTags(t *testing.T) {
	r := Resolve("db", Selection{Tags: map[string]string{"tier": "db"}}, estate())
	if got := r.MemberIDs(); !reflect.DeepEqual(got, []string{"s-1", "s-4"}) {
		t.Fatalf("members = %v", got)
	}
	if r.Conflicts["s-2"] != "other" {
		t.Fatalf("conflicts = %v", r.Conflicts)
	}
}

func TestResolveByIDs(t *testing.T) {
	r := Resolve("web", Selection{IDs: []string{"s-3", "s-9", "s-1"}}, estate())
	if got := r.MemberIDs(); !reflect.DeepEqual(got, []string{"s-1", "s-3"}) {
		t.Fatalf("members = %v", got)
	}
	if !reflect.DeepEqual(r.UnknownIDs, []string{"s-9"}) || len(r.Conflicts) != 0 {
		t.Fatalf("unknown = %v conflicts = %v", r.UnknownIDs, r.Conflicts)
	}
}

func TestNameTakenIgnoringCase(t *testing.T) {
	if existing, id, ok := NameTakenBy("WEB", estate()); !ok || existing != "web" || id != "s-3" {
		t.Fatalf("got %q %q %v", existing, id, ok)
	}
	if _, _, ok := NameTakenBy("app", estate()); ok {
		t.Fatal("free name reported taken")
	}
}

func TestValidateName(t *testing.T) {
	for _, bad := range []string{"", "-x", strings.Repeat("a", 65), "a,b"} {
		if ValidateName(bad) == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	if err := ValidateName("shop db.prod"); err != nil {
		t.Error(err)
	}
}

type fakeTags struct {
	tags   map[string]map[string]string
	failOn string
}

func (f *fakeTags) TagResource(_ context.Context, in *drs.TagResourceInput, _ ...func(*drs.Options)) (*drs.TagResourceOutput, error) {
	if *in.ResourceArn == f.failOn {
		return nil, errors.New("boom")
	}
	if f.tags[*in.ResourceArn] == nil {
		f.tags[*in.ResourceArn] = map[string]string{}
	}
	for k, v := range in.Tags {
		f.tags[*in.ResourceArn][k] = v
	}
	return &drs.TagResourceOutput{}, nil
}

func (f *fakeTags) UntagResource(_ context.Context, in *drs.UntagResourceInput, _ ...func(*drs.Options)) (*drs.UntagResourceOutput, error) {
	for _, k := range in.TagKeys {
		delete(f.tags[*in.ResourceArn], k)
	}
	return &drs.UntagResourceOutput{}, nil
}

func TestApplyMovesMembership(t *testing.T) {
	api := &fakeTags{tags: map[string]map[string]string{"arn:s-1": {TagKey: "db"}}}
	current := []types.SourceServer{server("s-1", nil)}
	want := []types.SourceServer{server("s-2", nil), server("s-3", nil)}
	if err := Apply(context.Background(), api, "db", current, want); err != nil {
		t.Fatal(err)
	}
	if api.tags["arn:s-1"][TagKey] != "" || api.tags["arn:s-2"][TagKey] != "db" || api.tags["arn:s-3"][TagKey] != "db" {
		t.Fatalf("tags = %v", api.tags)
	}
}

func TestApplyUndoesOnFailure(t *testing.T) {
	api := &fakeTags{tags: map[string]map[string]string{}, failOn: "arn:s-3"}
	err := Apply(context.Background(), api, "db", nil, []types.SourceServer{server("s-2", nil), server("s-3", nil)})
	if err == nil || !strings.Contains(err.Error(), "arn:s-3") || !strings.Contains(err.Error(), "undone") {
		t.Fatalf("err = %v", err)
	}
	if api.tags["arn:s-2"][TagKey] != "" {
		t.Fatalf("s-2 left tagged: %v", api.tags)
	}
}

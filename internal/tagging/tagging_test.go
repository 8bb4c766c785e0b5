package tagging

import (
	"maps"
	"slices"
	"testing"
)

func TestAllMergesDefaultsUnderTagsAndDropsIgnored(t *testing.T) {
	c := Config{
		Defaults: map[string]string{"team": "dr", "env": "test", "cost:center": "42"},
		Ignore:   Ignore{Keys: []string{"scanner"}, KeyPrefixes: []string{"cost:"}},
	}
	got := c.All(map[string]string{"env": "prod", "app": "shop", "scanner": "x"})
	want := map[string]string{"team": "dr", "env": "prod", "app": "shop"}
	if !maps.Equal(got, want) {
		t.Fatalf("All = %v, want %v", got, want)
	}
	// Merge (what is written at create) keeps the ignored keys the
	// configuration sets, as the AWS provider does.
	if m := c.Merge(map[string]string{"scanner": "x"}); m["scanner"] != "x" || m["cost:center"] != "42" {
		t.Fatalf("Merge = %v", m)
	}
}

func TestReadSeparatesDefaultsAndKeepsRepeatedOnes(t *testing.T) {
	c := Config{Defaults: map[string]string{"team": "dr", "env": "test"}, Ignore: Ignore{KeyPrefixes: []string{"ops/"}}}
	remote := map[string]string{"team": "dr", "env": "prod", "app": "shop", "ops/scan": "1", "drsorch:plan": "shop", "aws:x": "y"}
	tags, all, null := c.Read(remote, nil, true)
	if null || !maps.Equal(tags, map[string]string{"env": "prod", "app": "shop"}) {
		t.Fatalf("tags = %v (null %v)", tags, null)
	}
	if !maps.Equal(all, map[string]string{"team": "dr", "env": "prod", "app": "shop"}) {
		t.Fatalf("tags_all = %v", all)
	}
	// A resource that repeats a default with its value keeps it in tags.
	tags, _, _ = c.Read(remote, map[string]string{"team": "dr", "app": "shop"}, false)
	if !maps.Equal(tags, map[string]string{"team": "dr", "env": "prod", "app": "shop"}) {
		t.Fatalf("tags with a repeated default = %v", tags)
	}
	// Only defaults left: null stays null; set tags become empty (drift).
	if tags, _, null := c.Read(map[string]string{"team": "dr"}, nil, true); !null || tags != nil {
		t.Fatalf("null prior: %v %v", tags, null)
	}
	if tags, _, null := c.Read(map[string]string{"team": "dr"}, map[string]string{"app": "shop"}, false); null || len(tags) != 0 {
		t.Fatalf("removed outside: %v %v", tags, null)
	}
}

func TestChanges(t *testing.T) {
	set, remove := Changes(map[string]string{"a": "1", "b": "2", "c": "3"}, map[string]string{"a": "1", "b": "20", "d": "4"})
	if !maps.Equal(set, map[string]string{"b": "20", "d": "4"}) || !slices.Equal(remove, []string{"c"}) {
		t.Fatalf("set %v remove %v", set, remove)
	}
}

func TestCheckKey(t *testing.T) {
	for _, k := range []string{"drsorch:plan", "drsorch:protection-group", "aws:createdBy", "AWS:x", ""} {
		if CheckKey(k) == "" {
			t.Errorf("%q accepted", k)
		}
	}
	for _, k := range []string{"team", "drsorch", "Drsorch:x", "awsome"} {
		if msg := CheckKey(k); msg != "" {
			t.Errorf("%q refused: %s", k, msg)
		}
	}
}

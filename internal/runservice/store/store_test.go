package store

import (
	"context"
	"testing"
)

func TestSettingsPersistAcrossReopen(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SetSetting(ctx, "k", "v1"); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s, err = Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	v, ok, err := s.Setting(ctx, "k")
	if err != nil || !ok || v != "v1" {
		t.Fatalf("got %q %v %v", v, ok, err)
	}
	if _, ok, _ := s.Setting(ctx, "missing"); ok {
		t.Fatal("missing key reported present")
	}
}

func TestMemoryStore(t *testing.T) {
	s, err := Open(Memory)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.SetSetting(context.Background(), "a", "b"); err != nil {
		t.Fatal(err)
	}
	if v, _, _ := s.Setting(context.Background(), "a"); v != "b" {
		t.Fatalf("got %q", v)
	}
}

package store

import (
	"context"
	"os"
	"path/filepath"
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

func wantMode(t *testing.T, path string, want os.FileMode) {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.Mode().Perm(); got != want {
		t.Errorf("%s has mode %v, want %v", filepath.Base(path), got, want)
	}
}

// The database holds task tokens: a new data dir is 0700 and its database
// files 0600 (the usual umask, 022, would leave 0755 and 0644).
func TestNewDataDirIsPrivate(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.SetSetting(context.Background(), "k", "v"); err != nil {
		t.Fatal(err)
	}
	wantMode(t, dir, 0o700)
	for _, f := range []string{"drsorch.db", "drsorch.db-wal", "drsorch.db-shm"} {
		wantMode(t, filepath.Join(dir, f), 0o600)
	}
}

// A data dir left with wider permissions (0755 dir, 0644 database, as
// earlier versions made them) is tightened at start.
func TestExistingDataDirIsTightened(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SetSetting(context.Background(), "k", "v"); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"drsorch.db", "drsorch.db-wal", "drsorch.db-shm"} {
		p := filepath.Join(dir, f)
		fh, err := os.OpenFile(p, os.O_CREATE|os.O_WRONLY, 0o644)
		if err != nil {
			t.Fatal(err)
		}
		fh.Close()
		if err := os.Chmod(p, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	s, err = Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	wantMode(t, dir, 0o700)
	for _, f := range []string{"drsorch.db", "drsorch.db-wal", "drsorch.db-shm"} {
		wantMode(t, filepath.Join(dir, f), 0o600)
	}
	if v, ok, err := s.Setting(context.Background(), "k"); err != nil || !ok || v != "v" {
		t.Fatalf("the setting after tightening: %q %v %v", v, ok, err)
	}
}

package store

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
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

// The high-water mark only rises, and commits with the transaction that
// carries it.
func TestHighWaterOnlyRises(t *testing.T) {
	s, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	base := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	for _, at := range []time.Time{base.Add(time.Hour), base, base.Add(30 * time.Minute)} {
		if err := s.Tx(ctx, func(tx *sql.Tx) error { return RecordTime(ctx, tx, at) }); err != nil {
			t.Fatal(err)
		}
	}
	_ = s.Tx(ctx, func(tx *sql.Tx) error {
		_ = RecordTime(ctx, tx, base.Add(5*time.Hour))
		return errors.New("rolled back")
	})
	got, ok, err := s.HighWater(ctx)
	if err != nil || !ok || !got.Equal(base.Add(time.Hour)) {
		t.Fatalf("high water = %v %v %v, want %v", got, ok, err, base.Add(time.Hour))
	}
}

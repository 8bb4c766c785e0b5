// Package store opens the run service's SQLite database (pure Go, no cgo).
// Each service creates and migrates its own tables; the store only owns the
// connection, its durability settings and a small key/value table for
// service-wide settings such as the simulated clock.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// Memory is the data-dir value that keeps nothing on disk.
const Memory = ":memory:"

// Store is the run service's database.
type Store struct {
	db   *sql.DB
	path string
}

// Open opens (creating when needed) drsorch.db inside dataDir, or an
// in-memory database when dataDir is Memory.
func Open(dataDir string) (*Store, error) {
	dsn := "file::memory:"
	path := Memory
	if dataDir != Memory {
		path = filepath.Join(dataDir, "drsorch.db")
		if err := privateFiles(dataDir, path); err != nil {
			return nil, err
		}
		// WAL with synchronous=NORMAL: a commit survives the process being
		// killed at any instant (the crash the run service must survive).
		dsn = "file:" + path + "?_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)"
	}
	dsn += sep(dsn) + "_pragma=busy_timeout(10000)&_pragma=foreign_keys(ON)"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	// One connection: SQLite serialises writers anyway, and an in-memory
	// database exists only inside the connection that created it.
	db.SetMaxOpenConns(1)
	s := &Store{db: db, path: path}
	if _, err := db.Exec(`CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)`); err != nil {
		db.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	if path != Memory {
		// SQLite gives the WAL and shared-memory files the database's mode;
		// tighten them anyway in case they were left by an older version.
		for _, f := range []string{path + "-wal", path + "-shm"} {
			if err := tighten(f, 0o600); err != nil && !errors.Is(err, os.ErrNotExist) {
				db.Close()
				return nil, err
			}
		}
	}
	return s, nil
}

// privateFiles makes the data dir (0700) and the database file (0600)
// readable by their owner only, creating them when missing and tightening
// them when they exist with wider permissions: the database holds task
// tokens, which let anyone who reads them resume or fail paused executions.
func privateFiles(dir, db string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create data dir %q: %w", dir, err)
	}
	if err := tighten(dir, 0o700); err != nil {
		return err
	}
	f, err := os.OpenFile(db, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("open %s: %w", db, err)
	}
	f.Close()
	for _, p := range []string{db, db + "-wal", db + "-shm"} {
		if err := tighten(p, 0o600); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	return nil
}

// tighten removes the permission bits of path that mode does not allow.
func tighten(path string, mode os.FileMode) error {
	fi, err := os.Stat(path)
	if err != nil {
		return err
	}
	if perm := fi.Mode().Perm(); perm&^mode != 0 {
		if err := os.Chmod(path, perm&mode); err != nil {
			return fmt.Errorf("restrict the permissions of %s to %v: %w", path, mode, err)
		}
	}
	return nil
}

func sep(dsn string) string {
	for _, c := range dsn {
		if c == '?' {
			return "&"
		}
	}
	return "?"
}

// DB is the shared connection pool.
func (s *Store) DB() *sql.DB { return s.db }

// Path is the database file, or Memory.
func (s *Store) Path() string { return s.path }

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// Setting reads a service-wide setting; ok is false when it is not set.
func (s *Store) Setting(ctx context.Context, key string) (value string, ok bool, err error) {
	err = s.db.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, key).Scan(&value)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	return value, err == nil, err
}

// SetSetting writes a service-wide setting.
func (s *Store) SetSetting(ctx context.Context, key, value string) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES (?, ?)
		ON CONFLICT(key) DO UPDATE SET value = excluded.value`, key, value)
	return err
}

// Tx runs fn in a transaction, committing when it returns nil.
func (s *Store) Tx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}

// highWaterSetting is the latest simulated time any committed record carries.
const highWaterSetting = "clock.high-water"

// RecordTime raises the high-water mark of recorded time to t inside tx, so
// that it commits together with the records stamped with t: after a crash
// (kill -9 between two saves of the clock) the clock resumes no earlier than
// the newest timestamp in the store, and history never goes backwards.
func RecordTime(ctx context.Context, tx *sql.Tx, t time.Time) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES (?, ?)
		ON CONFLICT(key) DO UPDATE SET value = CASE
			WHEN CAST(excluded.value AS INTEGER) > CAST(settings.value AS INTEGER) THEN excluded.value
			ELSE settings.value END`, highWaterSetting, strconv.FormatInt(t.UnixNano(), 10))
	return err
}

// HighWater is the latest time recorded by RecordTime; ok is false when none was.
func (s *Store) HighWater(ctx context.Context) (t time.Time, ok bool, err error) {
	v, ok, err := s.Setting(ctx, highWaterSetting)
	if err != nil || !ok {
		return time.Time{}, false, err
	}
	ns, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return time.Time{}, false, fmt.Errorf("stored %s %q: %w", highWaterSetting, v, err)
	}
	return time.Unix(0, ns).UTC(), true, nil
}

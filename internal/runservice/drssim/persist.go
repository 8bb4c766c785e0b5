package drssim

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"sort"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/store"
)

// Tables of the DRS simulator. Each row holds one record as JSON: the
// simulator reads them all at start-up and writes back what a request
// changed, in one transaction, before answering.
const schema = `
CREATE TABLE IF NOT EXISTS drs_estates (
	account TEXT NOT NULL, region TEXT NOT NULL, doc TEXT NOT NULL,
	PRIMARY KEY (account, region));
CREATE TABLE IF NOT EXISTS drs_servers (
	account TEXT NOT NULL, region TEXT NOT NULL, id TEXT NOT NULL, ord INTEGER NOT NULL, doc TEXT NOT NULL,
	PRIMARY KEY (account, region, id));
CREATE TABLE IF NOT EXISTS drs_jobs (
	account TEXT NOT NULL, region TEXT NOT NULL, id TEXT NOT NULL, seq INTEGER NOT NULL, doc TEXT NOT NULL,
	PRIMARY KEY (account, region, id));
CREATE TABLE IF NOT EXISTS drs_instances (
	account TEXT NOT NULL, region TEXT NOT NULL, id TEXT NOT NULL, seq INTEGER NOT NULL, doc TEXT NOT NULL,
	PRIMARY KEY (account, region, id));
`

type estateMeta struct {
	Initialized bool           `json:"initialized"`
	Quotas      map[string]int `json:"quotas"`
	Faults      Faults         `json:"faults"`
	Seq         int64          `json:"seq"`
	Ord         int64          `json:"ord"`
	Templates   templateStore  `json:"templates"`
}

func (s *Simulator) migrate(ctx context.Context) error {
	_, err := s.db.ExecContext(ctx, schema)
	return err
}

// loadAll reads every stored estate.
func (s *Simulator) loadAll(ctx context.Context) error {
	rows, err := s.db.QueryContext(ctx, `SELECT account, region, doc FROM drs_estates`)
	if err != nil {
		return err
	}
	var estates []*estate
	for rows.Next() {
		var k estateKey
		var doc string
		if err := rows.Scan(&k.Account, &k.Region, &doc); err != nil {
			rows.Close()
			return err
		}
		var m estateMeta
		if err := json.Unmarshal([]byte(doc), &m); err != nil {
			rows.Close()
			return fmt.Errorf("stored estate %s: %w", k, err)
		}
		e := newEstate(k)
		e.initialized, e.faults, e.seq, e.ord, e.templates = m.Initialized, m.Faults, m.Seq, m.Ord, m.Templates
		if m.Quotas != nil {
			e.quotas = m.Quotas
		}
		estates = append(estates, e)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, e := range estates {
		if err := s.loadRecords(ctx, e); err != nil {
			return fmt.Errorf("stored estate %s: %w", e.key, err)
		}
		s.estates[e.key] = e
	}
	return nil
}

func (s *Simulator) loadRecords(ctx context.Context, e *estate) error {
	k := e.key
	err := scanDocs(ctx, s.db, `SELECT doc FROM drs_servers WHERE account=? AND region=? ORDER BY ord`, k, func(doc []byte) error {
		r := &serverRecord{}
		if err := json.Unmarshal(doc, r); err != nil {
			return err
		}
		e.servers = append(e.servers, r)
		e.byID[r.Server.SourceServerID] = r
		return nil
	})
	if err != nil {
		return err
	}
	err = scanDocs(ctx, s.db, `SELECT doc FROM drs_jobs WHERE account=? AND region=? ORDER BY seq`, k, func(doc []byte) error {
		j := &jobRecord{}
		if err := json.Unmarshal(doc, j); err != nil {
			return err
		}
		e.jobs = append(e.jobs, j)
		e.jobByID[j.Job.JobID] = j
		return nil
	})
	if err != nil {
		return err
	}
	return scanDocs(ctx, s.db, `SELECT doc FROM drs_instances WHERE account=? AND region=?`, k, func(doc []byte) error {
		r := &instanceRecord{}
		if err := json.Unmarshal(doc, r); err != nil {
			return err
		}
		e.instances[r.Instance.RecoveryInstanceID] = r
		return nil
	})
}

func scanDocs(ctx context.Context, db *sql.DB, query string, k estateKey, fn func([]byte) error) error {
	rows, err := db.QueryContext(ctx, query, k.Account, k.Region)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var doc []byte
		if err := rows.Scan(&doc); err != nil {
			return err
		}
		if err := fn(doc); err != nil {
			return err
		}
	}
	return rows.Err()
}

// flush writes the estate's dirty records in one transaction.
func (s *Simulator) flush(ctx context.Context, e *estate) error {
	if !e.dirtyMeta && len(e.dirtyServers) == 0 && len(e.deletedServers) == 0 && len(e.dirtyJobs) == 0 && len(e.deletedJobs) == 0 &&
		len(e.dirtyInstances) == 0 && len(e.deletedInst) == 0 {
		return nil
	}
	k := e.key
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback() }()
	meta, _ := json.Marshal(estateMeta{Initialized: e.initialized, Quotas: e.quotas, Faults: e.faults, Seq: e.seq, Ord: e.ord, Templates: e.templates})
	if _, err := tx.ExecContext(ctx, `INSERT INTO drs_estates (account, region, doc) VALUES (?, ?, ?)
		ON CONFLICT(account, region) DO UPDATE SET doc = excluded.doc`, k.Account, k.Region, string(meta)); err != nil {
		return err
	}
	if err := upsertDocs(ctx, tx, "drs_servers", "ord", k, sortedKeys(e.dirtyServers), func(id string) (int64, any) {
		r := e.byID[id]
		return r.Ord, r
	}); err != nil {
		return err
	}
	if err := upsertDocs(ctx, tx, "drs_jobs", "seq", k, sortedKeys(e.dirtyJobs), func(id string) (int64, any) {
		j := e.jobByID[id]
		return j.Seq, j
	}); err != nil {
		return err
	}
	if err := upsertDocs(ctx, tx, "drs_instances", "seq", k, sortedKeys(e.dirtyInstances), func(id string) (int64, any) {
		r := e.instances[id]
		return r.Seq, r
	}); err != nil {
		return err
	}
	for table, ids := range map[string]map[string]bool{"drs_jobs": e.deletedJobs, "drs_instances": e.deletedInst, "drs_servers": e.deletedServers} {
		for id := range ids {
			if _, err := tx.ExecContext(ctx, `DELETE FROM `+table+` WHERE account=? AND region=? AND id=?`, k.Account, k.Region, id); err != nil {
				return err
			}
		}
	}
	if err := store.RecordTime(ctx, tx, s.clock.Now()); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	e.resetDirty()
	return nil
}

func upsertDocs(ctx context.Context, tx *sql.Tx, table, orderCol string, k estateKey, ids []string, get func(string) (int64, any)) error {
	if len(ids) == 0 {
		return nil
	}
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO `+table+` (account, region, id, `+orderCol+`, doc) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT(account, region, id) DO UPDATE SET `+orderCol+` = excluded.`+orderCol+`, doc = excluded.doc`)
	if err != nil {
		return err
	}
	defer stmt.Close()
	for _, id := range ids {
		order, v := get(id)
		doc, err := json.Marshal(v)
		if err != nil {
			return err
		}
		if _, err := stmt.ExecContext(ctx, k.Account, k.Region, id, order, string(doc)); err != nil {
			return err
		}
	}
	return nil
}

func sortedKeys(m map[string]bool) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

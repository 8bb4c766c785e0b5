package ec2sim

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
)

// EC2 state is kept in the run service's store, one row per launch
// template and per recovery instance, so that a change writes one row
// (a drill of a thousand servers writes a thousand small rows, not the
// estate a thousand times).

const schema = `CREATE TABLE IF NOT EXISTS ec2sim_docs (
	estate TEXT NOT NULL,
	kind   TEXT NOT NULL,
	id     TEXT NOT NULL,
	doc    TEXT NOT NULL,
	PRIMARY KEY (estate, kind, id)
)`

const (
	kindTemplate = "launch-template"
	kindInstance = "instance"
)

func (s *Service) db() *sql.DB {
	if s.opts.Store == nil {
		return nil
	}
	return s.opts.Store.DB()
}

func (s *Service) migrate(ctx context.Context) error {
	if db := s.db(); db != nil {
		_, err := db.ExecContext(ctx, schema)
		return err
	}
	return nil
}

func (e *estate) key() string { return e.account + "/" + e.region }

func (s *Service) load(ctx context.Context, e *estate) error {
	db := s.db()
	if db == nil {
		return nil
	}
	rows, err := db.QueryContext(ctx, `SELECT kind, doc FROM ec2sim_docs WHERE estate = ?`, e.key())
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var kind, doc string
		if err := rows.Scan(&kind, &doc); err != nil {
			return err
		}
		switch kind {
		case kindTemplate:
			t := &launchTemplate{}
			if err := json.Unmarshal([]byte(doc), t); err != nil {
				return fmt.Errorf("stored launch template: %w", err)
			}
			e.templates[t.ID] = t
		case kindInstance:
			i := &instance{}
			if err := json.Unmarshal([]byte(doc), i); err != nil {
				return fmt.Errorf("stored instance: %w", err)
			}
			e.instances[i.ID] = i
		}
	}
	return rows.Err()
}

// put stores one template or instance.
func (s *Service) put(ctx context.Context, e *estate, kind, id string, v any) error {
	db := s.db()
	if db == nil {
		return nil
	}
	doc, err := json.Marshal(v)
	if err != nil {
		return err
	}
	_, err = db.ExecContext(ctx, `INSERT INTO ec2sim_docs (estate, kind, id, doc) VALUES (?, ?, ?, ?)
		ON CONFLICT (estate, kind, id) DO UPDATE SET doc = excluded.doc`, e.key(), kind, id, string(doc))
	return err
}

func (s *Service) remove(ctx context.Context, e *estate, kind, id string) error {
	db := s.db()
	if db == nil {
		return nil
	}
	_, err := db.ExecContext(ctx, `DELETE FROM ec2sim_docs WHERE estate = ? AND kind = ? AND id = ?`, e.key(), kind, id)
	return err
}

package ssmsim

import (
	"context"
	"encoding/json"
)

// Commands and automations are stored once, when sent: their outcomes are
// decided then and reached on the simulated clock, so nothing is updated
// afterwards and a restarted run service answers as before.

const schema = `CREATE TABLE IF NOT EXISTS ssmsim_docs (
	kind TEXT NOT NULL,
	id   TEXT NOT NULL,
	doc  TEXT NOT NULL,
	PRIMARY KEY (kind, id)
)`

const (
	kindCommand    = "command"
	kindAutomation = "automation"
)

func (s *Service) load(ctx context.Context) error {
	if s.opts.Store == nil {
		return nil
	}
	db := s.opts.Store.DB()
	if _, err := db.ExecContext(ctx, schema); err != nil {
		return err
	}
	rows, err := db.QueryContext(ctx, `SELECT kind, id, doc FROM ssmsim_docs`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var kind, id, doc string
		if err := rows.Scan(&kind, &id, &doc); err != nil {
			return err
		}
		switch kind {
		case kindCommand:
			var c command
			if err := json.Unmarshal([]byte(doc), &c); err != nil {
				return err
			}
			s.commands[id] = &c
		case kindAutomation:
			var a automation
			if err := json.Unmarshal([]byte(doc), &a); err != nil {
				return err
			}
			s.automations[id] = &a
		}
	}
	return rows.Err()
}

func (s *Service) put(ctx context.Context, kind, id string, v any) error {
	if s.opts.Store == nil {
		return nil
	}
	doc, err := json.Marshal(v)
	if err != nil {
		return err
	}
	_, err = s.opts.Store.DB().ExecContext(ctx, `INSERT OR REPLACE INTO ssmsim_docs (kind, id, doc) VALUES (?, ?, ?)`, kind, id, string(doc))
	return err
}

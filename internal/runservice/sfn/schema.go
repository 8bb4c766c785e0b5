package sfn

import (
	"database/sql"
	"fmt"
)

// The engine's tables. Executions carry their whole runtime (threads,
// pending tasks, timers) as one JSON document written in the same
// transaction as the history events it produced.
const schema = `
CREATE TABLE IF NOT EXISTS sfn_state_machines (
	arn TEXT PRIMARY KEY,
	account TEXT NOT NULL,
	region TEXT NOT NULL,
	name TEXT NOT NULL,
	definition TEXT NOT NULL,
	role_arn TEXT NOT NULL,
	type TEXT NOT NULL,
	status TEXT NOT NULL,
	created_ns INTEGER NOT NULL,
	updated_ns INTEGER NOT NULL,
	revision_id TEXT NOT NULL,
	logging TEXT NOT NULL DEFAULT '',
	tags TEXT NOT NULL DEFAULT '[]'
);
CREATE TABLE IF NOT EXISTS sfn_executions (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	arn TEXT NOT NULL UNIQUE,
	sm_arn TEXT NOT NULL,
	name TEXT NOT NULL,
	status TEXT NOT NULL,
	input TEXT NOT NULL,
	output TEXT,
	error TEXT,
	cause TEXT,
	start_ns INTEGER NOT NULL,
	stop_ns INTEGER,
	definition TEXT NOT NULL,
	role_arn TEXT NOT NULL,
	sm_updated_ns INTEGER NOT NULL,
	runtime TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS sfn_executions_by_sm ON sfn_executions (sm_arn, id);
CREATE INDEX IF NOT EXISTS sfn_executions_running ON sfn_executions (status) WHERE status = 'RUNNING';
CREATE TABLE IF NOT EXISTS sfn_history (
	exec_id INTEGER NOT NULL,
	event_id INTEGER NOT NULL,
	body TEXT NOT NULL,
	PRIMARY KEY (exec_id, event_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS sfn_versions (
	arn TEXT PRIMARY KEY,
	sm_arn TEXT NOT NULL,
	version INTEGER NOT NULL,
	definition TEXT NOT NULL,
	role_arn TEXT NOT NULL,
	description TEXT NOT NULL DEFAULT '',
	revision_id TEXT NOT NULL,
	logging TEXT NOT NULL DEFAULT '',
	created_ns INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS sfn_versions_by_sm ON sfn_versions (sm_arn, version);
CREATE TABLE IF NOT EXISTS sfn_aliases (
	arn TEXT PRIMARY KEY,
	sm_arn TEXT NOT NULL,
	name TEXT NOT NULL,
	description TEXT NOT NULL DEFAULT '',
	routing TEXT NOT NULL,
	created_ns INTEGER NOT NULL,
	updated_ns INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS sfn_aliases_by_sm ON sfn_aliases (sm_arn, name);
CREATE TABLE IF NOT EXISTS sfn_roles (
	role_arn TEXT PRIMARY KEY,
	first_seen_ns INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS sfn_tokens (
	token TEXT PRIMARY KEY,
	exec_id INTEGER NOT NULL,
	thread INTEGER NOT NULL,
	seq INTEGER NOT NULL,
	status TEXT NOT NULL
) WITHOUT ROWID;
`

// columns added after the first release, for databases created before them.
var addedColumns = []struct{ table, column, decl string }{
	// UpdateStateMachine's read-after-write window: the definition and role
	// new executions on the unqualified ARN get until prev_until_ns.
	{"sfn_state_machines", "prev_definition", "TEXT NOT NULL DEFAULT ''"},
	{"sfn_state_machines", "prev_role_arn", "TEXT NOT NULL DEFAULT ''"},
	{"sfn_state_machines", "prev_updated_ns", "INTEGER NOT NULL DEFAULT 0"},
	{"sfn_state_machines", "prev_until_ns", "INTEGER NOT NULL DEFAULT 0"},
	// Versions: the last number published (numbers are never reused).
	{"sfn_state_machines", "last_version", "INTEGER NOT NULL DEFAULT 0"},
	// The version and alias an execution was started through.
	{"sfn_executions", "version_arn", "TEXT NOT NULL DEFAULT ''"},
	{"sfn_executions", "alias_arn", "TEXT NOT NULL DEFAULT ''"},
	// RedriveExecution: how many times, and when last.
	{"sfn_executions", "redrive_count", "INTEGER NOT NULL DEFAULT 0"},
	{"sfn_executions", "redrive_ns", "INTEGER NOT NULL DEFAULT 0"},
	// A child started by a parent's states:startExecution.sync task.
	{"sfn_executions", "parent_id", "INTEGER NOT NULL DEFAULT 0"},
	{"sfn_executions", "parent_thread", "INTEGER NOT NULL DEFAULT 0"},
	{"sfn_executions", "parent_seq", "INTEGER NOT NULL DEFAULT 0"},
	{"sfn_executions", "parent_mode", "TEXT NOT NULL DEFAULT ''"},
	// The loggingConfiguration an execution runs with.
	{"sfn_executions", "logging", "TEXT NOT NULL DEFAULT ''"},
}

func migrate(db *sql.DB) error {
	if _, err := db.Exec(schema); err != nil {
		return fmt.Errorf("create Step Functions tables: %w", err)
	}
	for _, c := range addedColumns {
		var n int
		if err := db.QueryRow(`SELECT COUNT(*) FROM pragma_table_info(?) WHERE name = ?`, c.table, c.column).Scan(&n); err != nil {
			return fmt.Errorf("inspect %s: %w", c.table, err)
		}
		if n == 0 {
			if _, err := db.Exec(`ALTER TABLE ` + c.table + ` ADD COLUMN ` + c.column + ` ` + c.decl); err != nil {
				return fmt.Errorf("add %s.%s: %w", c.table, c.column, err)
			}
		}
	}
	if _, err := db.Exec(`CREATE INDEX IF NOT EXISTS sfn_executions_closed ON sfn_executions (stop_ns) WHERE stop_ns IS NOT NULL`); err != nil {
		return fmt.Errorf("create Step Functions indexes: %w", err)
	}
	return nil
}

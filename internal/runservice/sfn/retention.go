package sfn

import (
	"database/sql"
	"time"
)

// executionRetention: Step Functions keeps a closed Standard execution (its
// description and history) for 90 days, then it is gone:
// "Execution history retention: 90 days" and "After this time, you can no
// longer retrieve or view the execution history"
// (https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html,
// quotas related to state machine executions). Measured on the simulated clock.
const executionRetention = 90 * 24 * time.Hour

// purgeEvery is how often (simulated time) the loop deletes expired
// executions; reads hide them from the moment they expire.
const purgeEvery = time.Hour

// retentionCutoff is the stop time before which a closed execution is gone.
func retentionCutoff(now time.Time) int64 { return nanos(now.Add(-executionRetention)) }

// purgeExpired deletes closed executions older than the retention period,
// with their history and task tokens, at most once per purgeEvery.
func (e *Engine) purgeExpired(b *batch) error {
	if e.lastPurge.Add(purgeEvery).After(b.now) {
		return nil
	}
	e.lastPurge = b.now
	return deleteExpired(b.tx, retentionCutoff(b.now), 0)
}

// deleteExpired deletes the expired closed executions (only the one with row
// id only, when only is not 0).
func deleteExpired(tx *sql.Tx, cutoff, only int64) error {
	sel := `SELECT id FROM sfn_executions WHERE stop_ns IS NOT NULL AND stop_ns < ? AND (? = 0 OR id = ?)`
	for _, q := range []string{
		`DELETE FROM sfn_history WHERE exec_id IN (` + sel + `)`,
		`DELETE FROM sfn_tokens WHERE exec_id IN (` + sel + `)`,
		`DELETE FROM sfn_executions WHERE id IN (` + sel + `)`,
	} {
		if _, err := tx.Exec(q, cutoff, only, only); err != nil {
			return err
		}
	}
	return nil
}

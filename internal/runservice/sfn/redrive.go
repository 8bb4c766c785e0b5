package sfn

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/awswire"
)

// redriveWindow: "Your workflow execution has not exceeded the redrivable
// period of 14 days. Redrivable period refers to the time during which you
// can redrive a given execution. This period starts from the day a state
// machine starts its execution."
// (https://docs.aws.amazon.com/step-functions/latest/apireference/API_RedriveExecution.html).
// Measured from the start, on the simulated clock.
const redriveWindow = 14 * 24 * time.Hour

// redriveStatus says whether an execution can be redriven now, and why not.
func redriveStatus(status string, startNS int64, events int64, hasState bool, now time.Time) (string, string) {
	switch {
	case status == statusRunning || status == statusSucceded:
		return "NOT_REDRIVABLE", "Execution is " + status + " and cannot be redriven"
	case now.Sub(fromNanos(startNS)) > redriveWindow:
		return "NOT_REDRIVABLE", "Execution started more than 14 days ago and can no longer be redriven"
	case events >= maxHistoryEvents-1:
		return "NOT_REDRIVABLE", "Execution history has too many events to be redriven"
	case !hasState:
		return "NOT_REDRIVABLE", "Execution has no failed state to redrive from"
	}
	return "REDRIVABLE", ""
}

// RedriveExecution restarts a FAILED, ABORTED or TIMED_OUT execution from
// the top-level state where it stopped (a Parallel or Map there runs again
// whole), appending ExecutionRedriven and the new events to its history.
func (s *Service) redriveExecution(ctx context.Context, _ awswire.Identity, body []byte) (any, error) {
	var req struct {
		ExecutionArn string `json:"executionArn"`
		ClientToken  string `json:"clientToken"`
	}
	if err := decodeRequest(body, &req); err != nil {
		return nil, err
	}
	if len(req.ClientToken) > 64 {
		return nil, validationErr("1 validation error detected: Value at 'clientToken' failed to satisfy constraint: Member must have length less than or equal to 64")
	}
	r, err := s.queryExecution(ctx, req.ExecutionArn)
	if err != nil {
		return nil, err
	}
	var redriveNS int64
	err = s.e.do(ctx, func(b *batch) error {
		x, err := b.load(r.id)
		if err != nil {
			return err
		}
		if x == nil {
			return apiErr("ExecutionDoesNotExist", "Execution Does Not Exist: '%s'", r.arn)
		}
		st, reason := redriveStatus(x.status, x.startNS, x.rt.LastEventID, x.rt.RedriveState != "", b.now)
		if st != "REDRIVABLE" {
			return apiErr("ExecutionNotRedrivable", "Execution Not Redrivable: '%s': %s", r.arn, reason)
		}
		if _, err := queryStateMachine(b.tx, ctx, x.smARN); err != nil {
			var ae *awswire.APIError
			if errors.As(err, &ae) {
				return apiErr("ExecutionNotRedrivable", "Execution Not Redrivable: its state machine '%s' no longer exists", x.smARN)
			}
			return err
		}
		if x.def.States[x.rt.RedriveState] == nil {
			return apiErr("ExecutionNotRedrivable", "Execution Not Redrivable: state '%s' is not in its definition", x.rt.RedriveState)
		}
		var count int64
		if err := b.tx.QueryRow(`SELECT redrive_count FROM sfn_executions WHERE id = ?`, x.id).Scan(&count); err != nil {
			return err
		}
		count++
		redriveNS = nanos(b.now)
		if _, err := b.tx.Exec(`UPDATE sfn_executions SET redrive_count = ?, redrive_ns = ? WHERE id = ?`, count, redriveNS, x.id); err != nil {
			return err
		}
		x.status, x.redrives = statusRunning, int(count)
		x.output, x.errName, x.cause, x.stopNS = sql.NullString{}, sql.NullString{}, sql.NullString{}, sql.NullInt64{}
		root := &thread{ID: 1, State: x.rt.RedriveState, Phase: phaseEnter, Input: x.rt.RedriveInput}
		x.rt.Threads = map[int]*thread{1: root}
		x.rt.RedriveState, x.rt.RedriveInput = "", nil
		root.LastEvent = x.rt.LastEventID
		x.emit(b, root, "ExecutionRedriven", "executionRedrivenEventDetails", map[string]int64{"redriveCount": count})
		if x.def.TimeoutSeconds > 0 {
			deadline := b.now.Add(time.Duration(x.def.TimeoutSeconds) * time.Second)
			x.rt.TimeoutNS = nanos(deadline)
			b.e.armTimer(b, x.id, 0, 0, deadline, timerExecutionTimeout)
		}
		b.e.enqueue(x)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return map[string]any{"redriveDate": epochSeconds(fromNanos(redriveNS))}, nil
}

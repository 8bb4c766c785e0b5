package sfn

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strconv"
	"strings"

	"github.com/drsorch/terraform-provider-drsorch/internal/asl"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/awswire"
)

// Nested executions: arn:aws:states:::states:startExecution, .sync and
// .sync:2 (https://docs.aws.amazon.com/step-functions/latest/dg/connect-stepfunctions.html).
// Like AWS, the child's input is the task's Input as given: a parent that
// wants the console to link the child passes
// "AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID.$": "$$.Execution.Id" itself
// (AWS CDK's associateWithParent does just that).
// A .sync task waits for its child without holding anything: the child
// records its parent's task (parentLink), and when the child closes the
// engine completes that task. Stopping the parent, or the task timing out,
// stops the child, as Step Functions does for the "run a job" pattern.

// Parent modes of a child execution.
const (
	parentSync   = "sync"  // .sync: the parent gets DescribeExecution's shape, Output a string
	parentSyncV2 = "sync2" // .sync:2: the same, Input and Output parsed JSON
)

// parentLink is the task of a parent execution waiting for a child.
type parentLink struct {
	ExecID int64
	Thread int
	Seq    int64
	Mode   string
}

func syncResource(resource string) bool {
	return strings.Contains(resource, ":states:::states:startExecution.sync")
}

// childName is the name of a child started without one: derived from the
// parent's task so that a task sent again after a restart finds the same
// child instead of starting a second one.
func childName(parentARN string, seq int64) string {
	sum := sha256.Sum256([]byte(parentARN + "\x00" + strconv.FormatInt(seq, 10)))
	h := hex.EncodeToString(sum[:16])
	return h[0:8] + "-" + h[8:12] + "-4" + h[13:16] + "-a" + h[17:20] + "-" + h[20:32]
}

// childError names a StartExecution refusal as the integration reports it:
// StepFunctions.<error shape>, e.g. StepFunctions.ExecutionLimitExceeded,
// which AWS's own example retries
// (https://docs.aws.amazon.com/step-functions/latest/dg/concepts-nested-workflows.html).
func childError(err error) *asl.Error {
	var ae *awswire.APIError
	if errors.As(err, &ae) {
		code := ae.Code
		return &asl.Error{Name: "StepFunctions." + code, Cause: ae.Message + " (Service: AWSStepFunctions; Status Code: " + strconv.Itoa(ae.Status) + "; Error Code: " + ae.Code + ")"}
	}
	return &asl.Error{Name: asl.ErrRuntime, Cause: err.Error()}
}

// invokeStartExecution starts the child of a states:startExecution task.
func (e *Engine) invokeStartExecution(ctx context.Context, parentARN string, integ asl.Integration, tr taskRun, link parentLink, reconcile bool) ([]byte, *asl.Error) {
	params, err := asl.DecodeJSON(tr.Params)
	if err != nil {
		return nil, &asl.Error{Name: asl.ErrRuntime, Cause: "task parameters: " + err.Error()}
	}
	obj, _ := params.(map[string]any)
	smARN, _ := obj["StateMachineArn"].(string)
	if smARN == "" {
		return nil, &asl.Error{Name: "StepFunctions.InvalidArn", Cause: "Parameters must give the child's StateMachineArn"}
	}
	input := "{}"
	switch in := obj["Input"].(type) {
	case nil:
	case string:
		input = in
	default:
		b, err := asl.EncodeJSON(in)
		if err != nil {
			return nil, &asl.Error{Name: asl.ErrRuntime, Cause: err.Error()}
		}
		input = string(b)
	}
	if len(input) > maxPayload {
		return nil, childError(apiErr("InvalidExecutionInput", "Invalid Execution Input: the input is %d bytes, more than the %d bytes allowed", len(input), maxPayload))
	}
	decoded, err := asl.DecodeJSON([]byte(input))
	if err != nil {
		return nil, &asl.Error{Name: "StepFunctions.InvalidExecutionInput", Cause: "Invalid Execution Input: " + err.Error()}
	}
	// StartExecution's rules for the name, as for a direct call.
	name, named := obj["Name"].(string)
	switch {
	case !named && obj["Name"] != nil:
		return nil, childError(validationErr("1 validation error detected: Value at 'name' failed to satisfy constraint: Member must be a string"))
	case !named:
		name = childName(parentARN, tr.Seq)
	case !validName(name):
		return nil, childError(apiErr("InvalidName", "Invalid Name: '%s' (1 to 80 characters; no whitespace, brackets, wildcards or punctuation such as \" # %% \\ ^ | ~ ` $ & , ; : /)", name))
	}
	if _, err := checkQualifiedARN(smARN, "StateMachineArn"); err != nil {
		return nil, childError(err)
	}
	if integ.Sync {
		link.Mode = parentSync
		if integ.SyncV2 {
			link.Mode = parentSyncV2
		}
	} else {
		link = parentLink{}
	}
	arn := executionARN(unqualified(smARN), name)
	var startNS int64
	found := false
	if reconcile {
		// Sent before a restart? Then the child exists: adopt it.
		err := e.db.QueryRowContext(ctx, `SELECT start_ns FROM sfn_executions WHERE arn = ? AND parent_id = ? AND parent_seq = ?`,
			arn, link.ExecID, tr.Seq).Scan(&startNS)
		found = err == nil
	}
	if !found {
		if arn, startNS, err = e.start(ctx, smARN, name, input, decoded, link); err != nil {
			return nil, childError(err)
		}
	}
	out, _ := json.Marshal(map[string]any{"ExecutionArn": arn, "StartDate": startNS / 1e6})
	return out, nil
}

// childResult is the parent's task result for a closed child: the shape
// of DescribeExecution with PascalCase members, dates in epoch
// milliseconds, Input and Output strings (.sync) or JSON (.sync:2).
func childResult(tx *sql.Tx, arn, mode string) (status string, out []byte, err error) {
	var smARN, name, input, versionARN, aliasARN string
	var output, errName, cause sql.NullString
	var startNS int64
	var stopNS sql.NullInt64
	var redrives int64
	err = tx.QueryRow(`SELECT sm_arn, name, status, input, output, error, cause, start_ns, stop_ns, version_arn, alias_arn, redrive_count
		FROM sfn_executions WHERE arn = ?`, arn).Scan(&smARN, &name, &status, &input, &output, &errName, &cause, &startNS, &stopNS, &versionARN, &aliasARN, &redrives)
	if err != nil {
		return "", nil, err
	}
	m := map[string]any{"ExecutionArn": arn, "StateMachineArn": smARN, "Name": name, "Status": status,
		"StartDate": startNS / 1e6, "Input": input, "InputDetails": map[string]bool{"Included": true}, "RedriveCount": redrives}
	if stopNS.Valid {
		m["StopDate"] = stopNS.Int64 / 1e6
	}
	if output.Valid {
		m["Output"], m["OutputDetails"] = output.String, map[string]bool{"Included": true}
	}
	if errName.Valid {
		m["Error"] = errName.String
	}
	if cause.Valid {
		m["Cause"] = cause.String
	}
	if versionARN != "" {
		m["StateMachineVersionArn"] = versionARN
	}
	if aliasARN != "" {
		m["StateMachineAliasArn"] = aliasARN
	}
	if mode == parentSyncV2 {
		for _, k := range []string{"Input", "Output"} {
			if s, ok := m[k].(string); ok {
				m[k] = json.RawMessage(s)
			}
		}
	}
	out, err = json.Marshal(m)
	return status, out, err
}

// childClosed completes the parent's .sync task once its child closed.
func (e *Engine) childClosed(b *batch, link parentLink, childARN string) error {
	x, t, err := b.taskThread(link.ExecID, link.Thread, link.Seq)
	if err != nil || t == nil {
		return err
	}
	status, out, err := childResult(b.tx, childARN, link.Mode)
	if errors.Is(err, sql.ErrNoRows) || status == statusRunning {
		return nil
	}
	if err != nil {
		return err
	}
	rtype, rname := splitResource(t.Task.Resource)
	if !t.Task.Submitted {
		// The child finished before the start was recorded: record it now.
		var startNS int64
		_ = b.tx.QueryRow(`SELECT start_ns FROM sfn_executions WHERE arn = ?`, childARN).Scan(&startNS)
		sub, _ := json.Marshal(map[string]any{"ExecutionArn": childARN, "StartDate": startNS / 1e6})
		o := string(sub)
		t.Task.Submitted, t.Task.ChildARN = true, childARN
		x.emit(b, t, "TaskSubmitted", "taskSubmittedEventDetails", taskDetails{ResourceType: rtype, Resource: rname, Output: &o, OutputDetails: notTruncated})
	}
	if status == statusSucceded {
		e.taskSucceeded(b, x, t, x.stateOf(t), out)
	} else {
		// The child failed, timed out or was stopped: States.TaskFailed, the
		// child's description as the cause.
		x.emit(b, t, "TaskFailed", "taskFailedEventDetails", taskDetails{ResourceType: rtype, Resource: rname, Error: asl.ErrTaskFailed, Cause: string(out)})
		e.failState(b, x, t, x.stateOf(t), asl.Error{Name: asl.ErrTaskFailed, Cause: string(out)})
	}
	e.afterChange(x)
	return nil
}

// stopChild stops a child whose parent task ended without it.
func (e *Engine) stopChild(b *batch, childARN string) error {
	var id int64
	err := b.tx.QueryRow(`SELECT id FROM sfn_executions WHERE arn = ? AND status = 'RUNNING'`, childARN).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	x, err := b.load(id)
	if err != nil || x == nil || x.status != statusRunning {
		return err
	}
	e.finish(b, x, statusAborted, "ExecutionAborted", asl.Error{})
	return nil
}

// childEffects turns an execution's child bookkeeping of this batch into
// work for after the commit: completing its parent's task, stopping
// children its ended tasks leave behind.
func (e *Engine) childEffects(b *batch, x *execution) {
	if x.closedNow && x.parent.Mode != "" {
		link, arn := x.parent, x.arn
		b.onCommit(func() { e.post(func(b *batch) error { return e.childClosed(b, link, arn) }) })
	}
	for _, arn := range x.childStops {
		arn := arn
		b.onCommit(func() { e.post(func(b *batch) error { return e.stopChild(b, arn) }) })
	}
	x.childStops = x.childStops[:0]
}

// noteChildStop remembers to stop the child of a .sync task that ends
// without its answer (aborted, timed out).
func (x *execution) noteChildStop(t *thread) {
	if t.Task != nil && t.Task.ChildARN != "" && syncResource(t.Task.Resource) {
		x.childStops = append(x.childStops, t.Task.ChildARN)
	}
}

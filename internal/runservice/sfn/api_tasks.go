package sfn

import (
	"context"
	"database/sql"
	"errors"

	"github.com/drsorch/terraform-provider-drsorch/internal/asl"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/awswire"
)

func checkToken(token string) error {
	switch {
	case token == "":
		return missing("taskToken")
	case len(token) > 2048 || !wellFormedToken(token):
		return apiErr("InvalidToken", "Invalid Token: the task token is not one this service issued (copy it from the TaskScheduled parameters of the execution history)")
	}
	return nil
}

// openTask finds the task a token belongs to, or the error Step Functions
// answers with: TaskTimedOut once the task closed in any way ("the task
// token has either expired or the task associated with the token has
// already been closed",
// https://docs.aws.amazon.com/step-functions/latest/apireference/API_SendTaskSuccess.html),
// TaskDoesNotExist for a token no task was given.
func (b *batch) openTask(token string) (*execution, *thread, error) {
	var execID, seq int64
	var threadID int
	var status string
	err := b.tx.QueryRow(`SELECT exec_id, thread, seq, status FROM sfn_tokens WHERE token = ?`, token).Scan(&execID, &threadID, &seq, &status)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, apiErr("TaskDoesNotExist", "Task Does Not Exist: no task has this token")
	}
	if err != nil {
		return nil, nil, err
	}
	closed := apiErr("TaskTimedOut", "Task Timed Out: the task token has either expired or the task associated with the token has already been closed")
	if status != tokenOpen {
		return nil, nil, closed
	}
	x, t, err := b.taskThread(execID, threadID, seq)
	if err != nil {
		return nil, nil, err
	}
	if t == nil {
		return nil, nil, closed
	}
	return x, t, nil
}

func (s *Service) sendTaskSuccess(ctx context.Context, _ awswire.Identity, body []byte) (any, error) {
	var req struct {
		TaskToken string  `json:"taskToken"`
		Output    *string `json:"output"`
	}
	if err := decodeRequest(body, &req); err != nil {
		return nil, err
	}
	if err := checkToken(req.TaskToken); err != nil {
		return nil, err
	}
	if req.Output == nil {
		return nil, missing("output")
	}
	if len(*req.Output) > maxPayload {
		return nil, apiErr("InvalidOutput", "Invalid Output: the output is %d bytes, more than the %d bytes allowed", len(*req.Output), maxPayload)
	}
	if _, err := asl.DecodeJSON([]byte(*req.Output)); err != nil {
		return nil, apiErr("InvalidOutput", "Invalid Output: the output must be JSON: %v", err)
	}
	err := s.e.do(ctx, func(b *batch) error {
		x, t, err := b.openTask(req.TaskToken)
		if err != nil {
			return err
		}
		b.e.taskSucceeded(b, x, t, x.stateOf(t), []byte(*req.Output))
		b.e.afterChange(x)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return struct{}{}, nil
}

func (s *Service) sendTaskFailure(ctx context.Context, _ awswire.Identity, body []byte) (any, error) {
	var req struct {
		TaskToken string `json:"taskToken"`
		Error     string `json:"error"`
		Cause     string `json:"cause"`
	}
	if err := decodeRequest(body, &req); err != nil {
		return nil, err
	}
	if err := checkToken(req.TaskToken); err != nil {
		return nil, err
	}
	if len(req.Error) > 256 || len(req.Cause) > 32768 {
		return nil, validationErr("error is at most 256 characters and cause at most 32768")
	}
	err := s.e.do(ctx, func(b *batch) error {
		x, t, err := b.openTask(req.TaskToken)
		if err != nil {
			return err
		}
		rtype, rname := splitResource(t.Task.Resource)
		x.emit(b, t, "TaskFailed", "taskFailedEventDetails", taskDetails{ResourceType: rtype, Resource: rname, Error: req.Error, Cause: req.Cause})
		b.e.closeToken(x, t, tokenDone)
		b.e.failState(b, x, t, x.stateOf(t), asl.Error{Name: req.Error, Cause: req.Cause})
		b.e.afterChange(x)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return struct{}{}, nil
}

func (s *Service) sendTaskHeartbeat(ctx context.Context, _ awswire.Identity, body []byte) (any, error) {
	var req struct {
		TaskToken string `json:"taskToken"`
	}
	if err := decodeRequest(body, &req); err != nil {
		return nil, err
	}
	if err := checkToken(req.TaskToken); err != nil {
		return nil, err
	}
	err := s.e.do(ctx, func(b *batch) error {
		x, t, err := b.openTask(req.TaskToken)
		if err != nil {
			return err
		}
		if t.Task.HeartbeatSec > 0 {
			t.Task.HeartbeatNS = nanos(b.now) + int64(t.Task.HeartbeatSec)*1e9
			b.touch(x)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return struct{}{}, nil
}

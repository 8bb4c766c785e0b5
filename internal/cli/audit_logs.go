package cli

import (
	"context"
	"errors"
	"sort"
	"strings"
	"time"

	sfntypes "github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/drsorch/terraform-provider-drsorch/internal/executions"
	"github.com/drsorch/terraform-provider-drsorch/internal/plans"
)

// The audit trail read back from the plans' log groups, for executions Step
// Functions no longer knows: their plan was destroyed or renamed, or they
// ended more than 90 days ago.

// isNotFound reports a CLI "does not exist" error (exit code 2).
func isNotFound(err error) bool {
	var ee *ExitError
	return errors.As(err, &ee) && ee.Code == ExitNotFound
}

// forgotten reports Step Functions saying the execution or its state
// machine is gone.
func forgotten(err error) bool {
	var noExec *sfntypes.ExecutionDoesNotExist
	var noSM *sfntypes.StateMachineDoesNotExist
	return errors.As(err, &noExec) || errors.As(err, &noSM)
}

// resolveLoggedExecution finds an execution by name in the log groups once
// no deployed plan knows it; notFound is returned when they do not either.
func resolveLoggedExecution(ctx context.Context, s *session, ref string, notFoundErr error) (string, error) {
	found, err := executions.FindLogged(ctx, s.clients.Logs, ref)
	if err != nil {
		return "", apiError("search the plans' log groups for execution "+ref, err)
	}
	switch len(found) {
	case 0:
		return "", notFoundErr
	case 1:
		return found[0], nil
	}
	sort.Strings(found)
	return "", usageError("%d executions are named %q in the plans' log groups; give the ARN of one: %s", len(found), ref, strings.Join(found, ", "))
}

// describeOrLogged reads an execution from Step Functions, or from its
// plan's log group once Step Functions has forgotten it.
func describeOrLogged(ctx context.Context, s *session, arn string) (*executions.Execution, error) {
	e, err := executions.Describe(ctx, s.exec(), arn)
	if err == nil || !forgotten(err) {
		if err != nil {
			return nil, describeError(arn, err)
		}
		return e, nil
	}
	logged, lerr := executions.DescribeLogged(ctx, s.clients.Logs, arn)
	if errors.Is(lerr, executions.ErrNotLogged) {
		return nil, notFound("execution %s does not exist in Step Functions, and its plan's log group has no events of it (logging off, group deleted or retention passed)", arn)
	}
	if lerr != nil {
		return nil, apiError("read execution "+arn+" from its plan's log group", lerr)
	}
	return logged, nil
}

// loggedHistoryRows are the history rows of a plan's log group that
// Step Functions no longer lists (known holds the ARNs it does).
func loggedHistoryRows(ctx context.Context, s *session, plan string, known map[string]bool, window time.Duration, status sfntypes.ExecutionStatus, now time.Time) ([]HistoryJSON, error) {
	list, err := executions.LoggedExecutions(ctx, s.clients.Logs, plan)
	if err != nil {
		return nil, apiError("read the log group of plan "+plan, err)
	}
	var rows []HistoryJSON
	for _, x := range list {
		if known[x.ARN] || (window > 0 && x.StartedAt.Before(now.Add(-window))) {
			continue
		}
		e, err := executions.DescribeLogged(ctx, s.clients.Logs, x.ARN)
		if err != nil {
			return nil, apiError("read execution "+x.ARN+" from the log group of plan "+plan, err)
		}
		if status != "" && e.Status != status {
			continue
		}
		end := e.StoppedAt
		if end.IsZero() {
			end = now
		}
		if end.Before(e.StartedAt) {
			end = e.StartedAt
		}
		aj := []ApprovalJSON{}
		for _, a := range e.LoggedApprovals() {
			aj = append(aj, *approvalJSON("", &a))
		}
		rows = append(rows, HistoryJSON{
			Plan: plan, Name: e.Name, ARN: e.ARN, Type: e.Type, Status: string(e.Status), InvokedBy: e.InvokedBy,
			StartedAt: timePtr(e.StartedAt), StoppedAt: timePtr(e.StoppedAt), Approvals: aj,
			DurationSeconds: int64(end.Sub(e.StartedAt).Round(time.Second) / time.Second),
		})
	}
	return rows, nil
}

// loggedOnlyPlans are plans with a log group but no state machine any more.
func loggedOnlyPlans(ctx context.Context, s *session, deployed []plan) ([]string, error) {
	names, err := executions.LoggedPlans(ctx, s.clients.Logs)
	if err != nil {
		return nil, apiError("list the plans' log groups", err)
	}
	have := map[string]bool{}
	for _, p := range deployed {
		have[p.Name] = true
	}
	var out []string
	for _, n := range names {
		if !have[n] && plans.ValidateName(n) == nil {
			out = append(out, n)
		}
	}
	return out, nil
}

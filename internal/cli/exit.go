package cli

import (
	"context"
	"errors"
	"fmt"

	smithy "github.com/aws/smithy-go"
)

// Exit codes that scripts can rely on. They are documented in
// `drsorch --help` (ExitCodesHelp) and in the CLI guide.
const (
	ExitOK          = 0
	ExitUsage       = 1 // bad arguments or flags, missing configuration
	ExitNotFound    = 2 // plan, execution or wave does not exist
	ExitRefused     = 3 // conflict, quota, confirmation declined, not paused, still running
	ExitRunFailed   = 4 // the execution ended FAILED, TIMED_OUT or ABORTED
	ExitAPI         = 5 // AWS or run-service API error
	ExitInterrupted = 130
)

// ExitCodesHelp is the exit-code table shown in `drsorch --help`.
const ExitCodesHelp = `Exit codes:
  0    success
  1    usage error (bad arguments or flags, missing region or credentials)
  2    not found (plan, execution or wave)
  3    refused (conflict with another run or DRS job, quota, confirmation
       declined, wave not paused, execution not in a state that allows it)
  4    the execution ended FAILED, TIMED_OUT or ABORTED
       (start --wait completed, status --watch)
  5    AWS or run-service API error
  130  interrupted (Ctrl-C) while waiting; the execution keeps running`

// ExitError carries the exit code of a failed command.
type ExitError struct {
	Code int
	Err  error
}

func (e *ExitError) Error() string { return e.Err.Error() }
func (e *ExitError) Unwrap() error { return e.Err }

func withCode(code int, format string, args ...any) error {
	return &ExitError{Code: code, Err: fmt.Errorf(format, args...)}
}

func usageError(format string, args ...any) error { return withCode(ExitUsage, format, args...) }
func notFound(format string, args ...any) error   { return withCode(ExitNotFound, format, args...) }
func refused(format string, args ...any) error    { return withCode(ExitRefused, format, args...) }

// apiError marks err as an API failure, naming what was being done.
func apiError(doing string, err error) error {
	if err == nil {
		return nil
	}
	var ee *ExitError
	if errors.As(err, &ee) {
		return err
	}
	if errors.Is(err, context.Canceled) {
		return &ExitError{Code: ExitInterrupted, Err: fmt.Errorf("%s: interrupted", doing)}
	}
	return &ExitError{Code: ExitAPI, Err: fmt.Errorf("%s: %w", doing, err)}
}

// ExitCode maps an error returned by a command to the process exit code.
// Errors that carry no code are usage errors (cobra's own argument and
// flag errors), unless they come from an AWS API.
func ExitCode(err error) int {
	if err == nil {
		return ExitOK
	}
	var ee *ExitError
	if errors.As(err, &ee) {
		return ee.Code
	}
	var ae smithy.APIError
	var oe *smithy.OperationError
	if errors.As(err, &ae) || errors.As(err, &oe) {
		return ExitAPI
	}
	if errors.Is(err, context.Canceled) {
		return ExitInterrupted
	}
	return ExitUsage
}

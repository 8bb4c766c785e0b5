package plans

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/smithy-go"
)

// A role created moments ago is not yet assumable by Step Functions: IAM
// changes are eventually consistent
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_general.html#troubleshoot_general_eventual-consistency),
// and CreateStateMachine / UpdateStateMachine answer AccessDeniedException
// "Neither the global service principal states.amazonaws.com, nor the
// regional one is authorized to assume the provided role" meanwhile. The
// same answer also means a trust policy that will never allow it, so the
// retry is bounded by the caller's deadline (the resource's timeouts).

// RolePropagationBackoff is the first wait between attempts; it doubles up
// to RolePropagationMaxBackoff. Tests shorten them.
var (
	RolePropagationBackoff    = 2 * time.Second
	RolePropagationMaxBackoff = 20 * time.Second
)

// RoleNotAssumable tells whether err is Step Functions refusing a role it
// cannot (yet) assume.
func RoleNotAssumable(err error) bool {
	var ae smithy.APIError
	return errors.As(err, &ae) && ae.ErrorCode() == "AccessDeniedException" &&
		strings.Contains(ae.ErrorMessage(), "authorized to assume the provided role")
}

// RoleNotAssumableError is the last refusal when ctx ended first.
type RoleNotAssumableError struct {
	Role   string
	Waited time.Duration
	Err    error
}

func (e *RoleNotAssumableError) Error() string {
	return fmt.Sprintf("Step Functions still cannot assume role %s after retrying for %s: %v. A role created in this apply may need "+
		"longer to propagate (raise the resource's timeouts); otherwise its trust policy must allow states.amazonaws.com "+
		"(data.drsorch_orchestrator_policy gives it)", e.Role, e.Waited.Round(time.Second), e.Err)
}

func (e *RoleNotAssumableError) Unwrap() error { return e.Err }

// RetryRolePropagation calls fn until it succeeds, fails otherwise, or ctx
// ends while the role is still refused.
func RetryRolePropagation(ctx context.Context, role string, fn func() error) error {
	start := time.Now()
	wait := RolePropagationBackoff
	for {
		err := fn()
		if !RoleNotAssumable(err) {
			return err
		}
		select {
		case <-ctx.Done():
			return &RoleNotAssumableError{Role: role, Waited: time.Since(start), Err: err}
		case <-time.After(wait):
		}
		if wait *= 2; wait > RolePropagationMaxBackoff {
			wait = RolePropagationMaxBackoff
		}
	}
}

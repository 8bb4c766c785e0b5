package executions

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	sfntypes "github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/drsorch/terraform-provider-drsorch/internal/statemachine"
)

// MaxNameLength is Step Functions' limit on an execution name.
const MaxNameLength = 80

// ErrNameTaken says an execution of the plan already has the name asked
// for, with another input: it is another run, not this start.
var ErrNameTaken = errors.New("execution name already taken")

// NewName makes an execution name on the client, before StartExecution is
// sent, so that every retry of the call names the same run:
// <type>-<UTC time>-<random>, e.g. drill-20260105T090000Z-5f0c2a9b1e7d.
func NewName(runType string, now time.Time) string {
	var b [6]byte
	_, _ = rand.Read(b[:]) // never fails (crypto/rand, Go ≥ 1.24)
	prefix := strings.ToLower(runType)
	if ValidateName(prefix) != nil || len(prefix) > 20 {
		prefix = "run"
	}
	return prefix + "-" + now.UTC().Format("20060102T150405Z") + "-" + hex.EncodeToString(b[:])
}

// ValidateName applies Step Functions' rule for execution names: 1 to 80
// characters; no whitespace, brackets, wildcards, control characters or
// any of " # % \ ^ | ~ ` $ & , ; : /.
// https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html
func ValidateName(name string) error {
	if name == "" || len(name) > MaxNameLength {
		return fmt.Errorf("execution name %q: use 1 to %d characters", name, MaxNameLength)
	}
	for _, r := range name {
		if r <= 0x20 || (r >= 0x7f && r <= 0x9f) || strings.ContainsRune("<>{}[]?*\"#%\\^|~`$&,;:/", r) {
			return fmt.Errorf("execution name %q: %q is not allowed (no whitespace, brackets, wildcards, control characters or any of \" # %% \\ ^ | ~ ` $ & , ; : /)", name, r)
		}
	}
	return nil
}

// ExecutionARN is the ARN that an execution named name of the state
// machine planARN gets. A version or alias ARN (…:stateMachine:plan:3)
// names the same executions as the state machine itself.
// https://docs.aws.amazon.com/step-functions/latest/dg/execution-alias-version-associate.html
func ExecutionARN(planARN, name string) (string, error) {
	prefix, rest, ok := strings.Cut(planARN, ":stateMachine:")
	if !ok || rest == "" || !strings.HasPrefix(prefix, "arn:") {
		return "", fmt.Errorf("%q is not a Step Functions state machine ARN (arn:<partition>:states:<region>:<account>:stateMachine:<name>)", planARN)
	}
	machine, _, _ := strings.Cut(rest, ":")
	return prefix + ":execution:" + machine + ":" + name, nil
}

// UnknownOutcomeError says StartExecution failed in a way that does not
// tell whether the run started (its answer was lost), and looking the run
// up by its name failed too. Starting again under the same Name is safe:
// it never makes a second run.
type UnknownOutcomeError struct {
	ARN, Name string
	// Err is StartExecution's error; Check the lookup's.
	Err, Check error
}

func (e *UnknownOutcomeError) Error() string {
	return fmt.Sprintf("cannot tell whether execution %s started: StartExecution failed (%v) and reading it back failed too (%v); "+
		"look it up (drsorch status %s) or start again with the same name, which never makes a second run", e.Name, e.Err, e.Check, e.ARN)
}

func (e *UnknownOutcomeError) Unwrap() error { return e.Err }

// Start starts a run of the plan whose state machine is planARN, named
// name (empty: NewName makes one here, before the call). It is
// idempotent: whatever happens to StartExecution's answer, one name makes
// at most one run.
//
// The run starts on the plan's newest published version (StartTarget), so
// it runs the definition the last apply deployed even inside
// UpdateStateMachine's read-after-write window; a version or alias ARN
// given as planARN is used as it is.
//
//   - Step Functions itself answers a repeated StartExecution of a running
//     execution with the same name and input with that execution, and with
//     ExecutionAlreadyExists once it closed or when the input differs
//     (https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html).
//     Start reads the existing execution: the same input is this start,
//     done already (its ARN is returned); another input is ErrNameTaken.
//   - Any other failure may have come after the service acted (an answer
//     lost on the way back, retries exhausted, a deadline): Start looks the
//     run up by name before reporting the failure, and reports an
//     *UnknownOutcomeError when it cannot tell.
func Start(ctx context.Context, c Clients, planARN, runType, invokedBy, name string) (string, error) {
	return StartWith(ctx, c, planARN, name, Input{Type: runType, InvokedBy: invokedBy})
}

// StartWith is Start with the whole execution input (for instance waves
// that adopt DRS jobs, Input.AdoptJobs).
func StartWith(ctx context.Context, c Clients, planARN, name string, in Input) (string, error) {
	runType := in.Type
	if runType != TypeDrill && runType != TypeRecovery {
		return "", fmt.Errorf("run type %q: use %s or %s", runType, TypeDrill, TypeRecovery)
	}
	if name == "" {
		name = NewName(runType, time.Now())
	}
	if err := ValidateName(name); err != nil {
		return "", err
	}
	arn, err := ExecutionARN(planARN, name)
	if err != nil {
		return "", err
	}
	target, fallback, err := StartTarget(ctx, c.SFN, planARN)
	if err != nil {
		return "", err
	}
	if fallback && c.Warn != nil {
		c.Warn(fmt.Sprintf("state machine %s has no published version (deployed by an earlier drsorch): starting on the unqualified ARN, "+
			"which right after an update may still run the previous definition; apply the plan with this drsorch to publish a version", planARN))
	}
	input, err := encodeFor(ctx, c.SFN, target, in)
	if err != nil {
		return "", err
	}
	out, err := c.SFN.StartExecution(ctx, &sfn.StartExecutionInput{
		StateMachineArn: aws.String(target), Name: aws.String(name), Input: aws.String(string(input))})
	if err == nil {
		return aws.ToString(out.ExecutionArn), nil
	}
	var exists *sfntypes.ExecutionAlreadyExists
	if errors.As(err, &exists) {
		found, derr := c.SFN.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: aws.String(arn)})
		if derr != nil {
			return "", fmt.Errorf("execution %s already exists, and reading it to compare its input failed: %w", arn, derr)
		}
		return sameRun(found, arn, name, string(input))
	}
	if refused(err) {
		return "", err // the request itself was wrong: nothing started
	}
	// The outcome is unknown: look the run up by name. A cancelled or
	// expired context still gets a short, bounded look.
	lookCtx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	if ctx.Err() != nil {
		lookCtx, cancel = context.WithTimeout(context.WithoutCancel(ctx), 15*time.Second)
	}
	defer cancel()
	found, derr := c.SFN.DescribeExecution(lookCtx, &sfn.DescribeExecutionInput{ExecutionArn: aws.String(arn)})
	var missing *sfntypes.ExecutionDoesNotExist
	switch {
	case errors.As(derr, &missing):
		return "", err // nothing started
	case derr != nil:
		return "", &UnknownOutcomeError{ARN: arn, Name: name, Err: err, Check: derr}
	}
	return sameRun(found, arn, name, string(input))
}

// encodeFor encodes in for the definition of target, the state machine
// (version) the run starts on: an input that controls waves takes the form
// that definition reads (Input.Encode).
func encodeFor(ctx context.Context, api *sfn.Client, target string, in Input) ([]byte, error) {
	if !in.perWave() {
		return json.Marshal(in) // the same in every form
	}
	def, err := api.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: aws.String(target)})
	if err != nil {
		return nil, fmt.Errorf("read the definition of %s, to write the execution input it reads: %w", target, err)
	}
	view, err := statemachine.Describe(aws.ToString(def.Definition))
	if err != nil {
		return nil, fmt.Errorf("state machine %s: %w", target, err)
	}
	return in.Encode(view.WaveControls)
}

// refused reports errors that say the request itself is wrong, which no
// attempt of it can have got past.
func refused(err error) bool {
	var (
		badARN     *sfntypes.InvalidArn
		badName    *sfntypes.InvalidName
		badInput   *sfntypes.InvalidExecutionInput
		noMachine  *sfntypes.StateMachineDoesNotExist
		deleting   *sfntypes.StateMachineDeleting
		validation *sfntypes.ValidationException
	)
	return errors.As(err, &badARN) || errors.As(err, &badName) || errors.As(err, &badInput) ||
		errors.As(err, &noMachine) || errors.As(err, &deleting) || errors.As(err, &validation)
}

// sameRun accepts an existing execution as the run being started when its
// input is the one this start sends.
func sameRun(found *sfn.DescribeExecutionOutput, arn, name, input string) (string, error) {
	if sameJSON(aws.ToString(found.Input), input) {
		return arn, nil
	}
	var other Input
	_ = json.Unmarshal([]byte(aws.ToString(found.Input)), &other)
	return "", fmt.Errorf("%w: execution %s (%s %s, started by %q at %s) has another input than this start (%s); "+
		"execution names are unique per state machine (for 90 days after a run closes): choose another name",
		ErrNameTaken, name, orUnknown(other.Type), found.Status, other.InvokedBy, aws.ToTime(found.StartDate).UTC().Format(time.RFC3339), input)
}

// sameJSON compares two JSON documents by value (Step Functions may hand
// the input back formatted differently).
func sameJSON(a, b string) bool {
	var x, y any
	if json.Unmarshal([]byte(a), &x) != nil || json.Unmarshal([]byte(b), &y) != nil {
		return a == b
	}
	return reflect.DeepEqual(x, y)
}

func orUnknown(s string) string {
	if s == "" {
		return "run of unknown type"
	}
	return s
}

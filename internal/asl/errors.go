package asl

import (
	"fmt"
	"strings"
)

// Predefined error names of the Amazon States Language.
const (
	ErrAll                             = "States.ALL"
	ErrTaskFailed                      = "States.TaskFailed"
	ErrTimeout                         = "States.Timeout"
	ErrHeartbeatTimeout                = "States.HeartbeatTimeout"
	ErrRuntime                         = "States.Runtime"
	ErrIntrinsicFailure                = "States.IntrinsicFailure"
	ErrNoChoiceMatched                 = "States.NoChoiceMatched"
	ErrDataLimitExceeded               = "States.DataLimitExceeded"
	ErrResultPathMatchFailure          = "States.ResultPathMatchFailure"
	ErrParameterPathFailure            = "States.ParameterPathFailure"
	ErrBranchFailed                    = "States.BranchFailed"
	ErrExceedToleratedFailureThreshold = "States.ExceedToleratedFailureThreshold"
	ErrItemReaderFailed                = "States.ItemReaderFailed"
	ErrPermissions                     = "States.Permissions"
)

// Error is a runtime error of a state machine: what Retry and Catch match on and what
// an execution fails with. Helpers of this package return *Error for every runtime
// failure (bad path, intrinsic misuse, no Choice matched...).
type Error struct {
	Name  string
	Cause string
}

func (e *Error) Error() string {
	if e.Cause == "" {
		return e.Name
	}
	return e.Name + ": " + e.Cause
}

// Output is the JSON object a Catcher passes on: {"Error": name, "Cause": cause}.
func (e Error) Output() map[string]any {
	return map[string]any{"Error": e.Name, "Cause": e.Cause}
}

func errorf(name, format string, args ...any) *Error {
	return &Error{Name: name, Cause: fmt.Sprintf(format, args...)}
}

// Diagnostic codes, as ValidateStateMachineDefinition reports them.
const (
	CodeInvalidJSON        = "INVALID_JSON_DESCRIPTION"
	CodeSchemaValidation   = "SCHEMA_VALIDATION_FAILED"
	CodeMissingTransition  = "MISSING_TRANSITION_TARGET"
	CodeMissingDescription = "MISSING_DESCRIPTION"
	CodeInvalidResource    = "INVALID_RESOURCE"
	CodeMissingEndState    = "MISSING_END_STATE"
	CodeDuplicateStateName = "DUPLICATE_STATE_NAME"
	CodeInvalidStateName   = "INVALID_STATE_NAME"
	CodeTooDeeplyNested    = "TOO_DEEPLY_NESTED"
	// Parse reports unreachable states and unsupported features as
	// SCHEMA_VALIDATION_FAILED, as AWS does; these two are for callers.
	CodeUnreachableState   = "UNREACHABLE_STATE"
	CodeUnsupportedFeature = "UNSUPPORTED_FEATURE"
)

// Diagnostic is one problem found in a definition. Location is a JSON pointer-like
// path into the definition ("/States/Wave1/Next").
type Diagnostic struct {
	Severity string // "ERROR" (this package reports no warnings yet)
	Code     string
	Location string
	Message  string
}

// DefinitionError lists every problem Parse found in a definition.
type DefinitionError struct {
	Diagnostics []Diagnostic
}

func (e *DefinitionError) Error() string {
	var b strings.Builder
	b.WriteString("invalid state machine definition: ")
	for i, d := range e.Diagnostics {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(d.Message)
		if d.Location != "" {
			b.WriteString(" at ")
			b.WriteString(d.Location)
		}
	}
	return b.String()
}

package drssim

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/awswire"
)

// decode reads a request body into v. Members the model does not define
// are refused by name: a caller that misspells one learns about it instead
// of having it silently ignored.
func decode(body []byte, v any) *awswire.APIError {
	if len(bytes.TrimSpace(body)) == 0 {
		body = []byte("{}")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return decodeError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return validationError(reasonCannotParse, "request body holds more than one JSON value")
	}
	return nil
}

func decodeError(err error) *awswire.APIError {
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch {
	case errors.As(err, &typeErr):
		name := typeErr.Field
		if name == "" {
			name = "body"
		}
		return invalidField(name, "expected %s, got JSON %s", goTypeName(typeErr.Type.String()), typeErr.Value)
	case errors.As(err, &syntaxErr):
		return validationError(reasonCannotParse, fmt.Sprintf("request body is not valid JSON (offset %d): %v", syntaxErr.Offset, err))
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return validationError(reasonFieldValidation, fmt.Sprintf("unknown member %q: the DRS API does not define it for this operation", field),
			fieldError{Name: field, Message: "unknown member"})
	default:
		return validationError(reasonCannotParse, "request body is not valid JSON: "+err.Error())
	}
}

func goTypeName(t string) string {
	t = strings.TrimLeft(t, "*[]")
	switch {
	case strings.HasPrefix(t, "int"):
		return "an integer in range"
	case t == "string":
		return "a string"
	case t == "bool":
		return "a boolean"
	case strings.HasPrefix(t, "map"):
		return "an object of strings"
	default:
		return "an object"
	}
}

func checkEnum(name, v string, allowed []string) *awswire.APIError {
	if v == "" || slices.Contains(allowed, v) {
		return nil
	}
	return invalidField(name, "%q is not one of %s", v, strings.Join(allowed, ", "))
}

func checkPattern(name, v string, re *regexp.Regexp, what string) *awswire.APIError {
	if v == "" || re.MatchString(v) {
		return nil
	}
	return invalidField(name, "%q is not %s", v, what)
}

var (
	reSourceServerID   = regexp.MustCompile(`^s-[0-9a-zA-Z]{17}$`)
	reJobID            = regexp.MustCompile(`^drsjob-[0-9a-zA-Z]{17}$`)
	reRecoveryInstance = regexp.MustCompile(`^i-[0-9a-fA-F]{8,17}$`)
	reSnapshotID       = regexp.MustCompile(`^pit-[0-9a-zA-Z]{17}$`)
	reSubnetID         = regexp.MustCompile(`^subnet-[0-9a-f]{8,17}$`)
	reSecurityGroupID  = regexp.MustCompile(`^sg-[0-9a-f]{8,17}$`)
	reEC2InstanceID    = regexp.MustCompile(`^i-[0-9a-fA-F]{8,17}$`)
	reKMSKeyArn        = regexp.MustCompile(`^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(key|alias)/.+$`)
	reAccountID        = regexp.MustCompile(`^[0-9]{12}$`)
)

func checkSourceServerID(name, id string) *awswire.APIError {
	if id == "" {
		return invalidField(name, "is required")
	}
	return checkPattern(name, id, reSourceServerID, "a source server ID (s- and 17 letters or digits)")
}

// checkMaxResults enforces the model's bounds on maxResults: at least 1
// and, when the model sets one, at most limit (0: no upper bound). The
// default page is the largest the operation serves.
func checkMaxResults(v *int32, limit int) (int, *awswire.APIError) {
	if v == nil {
		if limit == 0 {
			return maxPageSize, nil
		}
		return limit, nil
	}
	if *v < 1 {
		return 0, invalidField("maxResults", "%d is out of range: use 1 or more", *v)
	}
	if limit > 0 && int(*v) > limit {
		return 0, invalidField("maxResults", "%d is out of range: use 1 to %d", *v, limit)
	}
	return int(*v), nil
}

// Timestamps on the wire: ISO8601DatetimeString.
const wireTime = "2006-01-02T15:04:05.000Z"

func formatTime(t time.Time) string { return t.UTC().Format(wireTime) }

func parseWireTime(name, v string) (time.Time, *awswire.APIError) {
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		return time.Time{}, invalidField(name, "%q is not an ISO 8601 date-time such as 2026-01-05T09:00:00Z", v)
	}
	return t, nil
}

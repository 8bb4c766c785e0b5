package asl

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
)

// MaxPayloadBytes is the Step Functions payload quota (256 KiB) for inputs, outputs and
// task results; exceeding it is States.DataLimitExceeded.
const MaxPayloadBytes = 256 * 1024

// DecodeJSON parses one JSON document into the package's value representation: nil,
// bool, string, int64 (integers that fit), float64 (other numbers), []any and
// map[string]any. Trailing data after the document is an error.
func DecodeJSON(b []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("invalid JSON: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("invalid JSON: unexpected data after the top-level value")
	}
	return normalize(v)
}

// EncodeJSON writes a value as compact JSON, without HTML escaping (as AWS prints it).
func EncodeJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// normalize converts json.Number (and any other Go number) into int64/float64 and checks
// the rest of the tree holds only JSON types.
func normalize(v any) (any, error) {
	switch t := v.(type) {
	case nil, bool, string, int64:
		return t, nil
	case float64:
		if math.IsNaN(t) || math.IsInf(t, 0) {
			return nil, fmt.Errorf("number %v is not valid JSON", t)
		}
		return t, nil
	case json.Number:
		return numberValue(string(t))
	case int:
		return int64(t), nil
	case int32:
		return int64(t), nil
	case float32:
		return float64(t), nil
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			n, err := normalize(e)
			if err != nil {
				return nil, err
			}
			out[i] = n
		}
		return out, nil
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, e := range t {
			n, err := normalize(e)
			if err != nil {
				return nil, err
			}
			out[k] = n
		}
		return out, nil
	default:
		return nil, fmt.Errorf("value of type %T is not JSON", v)
	}
}

func numberValue(s string) (any, error) {
	if i, err := strconv.ParseInt(s, 10, 64); err == nil {
		return i, nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(f, 0) {
		return nil, fmt.Errorf("number %s is out of range", s)
	}
	return f, nil
}

// Normalize converts a value built by other code (for example from encoding/json with
// float64 numbers, or Go ints) into the package representation.
func Normalize(v any) (any, error) { return normalize(v) }

// asFloat reports a JSON number as float64.
func asFloat(v any) (float64, bool) {
	switch n := v.(type) {
	case int64:
		return float64(n), true
	case float64:
		return n, true
	}
	return 0, false
}

// asInteger reports a JSON number that is a whole number as int64.
func asInteger(v any) (int64, bool) {
	switch n := v.(type) {
	case int64:
		return n, true
	case float64:
		if n == math.Trunc(n) && math.Abs(n) < 1<<62 {
			return int64(n), true
		}
	}
	return 0, false
}

func isNumber(v any) bool {
	_, ok := asFloat(v)
	return ok
}

// jsonEqual compares two JSON values; numbers compare by value (1 == 1.0).
func jsonEqual(a, b any) bool {
	switch x := a.(type) {
	case int64, float64:
		if xi, ok := x.(int64); ok {
			if yi, ok := b.(int64); ok {
				return xi == yi
			}
		}
		fa, _ := asFloat(a)
		fb, ok := asFloat(b)
		return ok && fa == fb
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !jsonEqual(x[i], y[i]) {
				return false
			}
		}
		return true
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, xv := range x {
			yv, ok := y[k]
			if !ok || !jsonEqual(xv, yv) {
				return false
			}
		}
		return true
	default:
		return a == b
	}
}

// compactJSON is EncodeJSON for messages: it never fails.
func compactJSON(v any) string {
	b, err := EncodeJSON(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

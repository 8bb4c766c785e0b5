package asl

import (
	"errors"
	"testing"
)

func js(t testing.TB, s string) any {
	t.Helper()
	v, err := DecodeJSON([]byte(s))
	if err != nil {
		t.Fatalf("bad test JSON %s: %v", s, err)
	}
	return v
}

func enc(t testing.TB, v any) string {
	t.Helper()
	b, err := EncodeJSON(v)
	if err != nil {
		t.Fatalf("encode: %v", err)
	}
	return string(b)
}

// canon re-encodes a JSON text so that key order does not matter in comparisons.
func canon(t testing.TB, s string) string { return enc(t, js(t, s)) }

func errName(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Name
	}
	if err != nil {
		return "other: " + err.Error()
	}
	return ""
}

func mustParse(t testing.TB, def string) *StateMachine {
	t.Helper()
	sm, err := Parse([]byte(def))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return sm
}

package asl

import (
	"testing"
)

func TestJSONRoundTrip(t *testing.T) {
	for _, s := range []string{
		`9007199254740993`, `-9223372036854775808`, `9223372036854775807`, `1.5`, `1e+300`,
		`{"a":[1,2.25,"x",true,null,{}]}`, `"<tag> & é"`, `[]`,
	} {
		if got := enc(t, js(t, s)); got != s {
			t.Errorf("round trip %s = %s", s, got)
		}
	}
	if _, ok := js(t, `12`).(int64); !ok {
		t.Errorf("integers must decode as int64")
	}
	if _, ok := js(t, `12.5`).(float64); !ok {
		t.Errorf("fractions must decode as float64")
	}
	if _, ok := js(t, `99999999999999999999`).(float64); !ok {
		t.Errorf("integers beyond int64 decode as float64")
	}
}

func TestDecodeJSONErrors(t *testing.T) {
	for _, s := range []string{``, `{`, `{"a":1} x`, `[1,]`, `nul`} {
		if _, err := DecodeJSON([]byte(s)); err == nil {
			t.Errorf("DecodeJSON(%q) must fail", s)
		}
	}
}

func TestNormalize(t *testing.T) {
	v, err := Normalize(map[string]any{"a": 1, "b": []any{float64(2), "x"}})
	if err != nil {
		t.Fatal(err)
	}
	if enc(t, v) != `{"a":1,"b":[2,"x"]}` {
		t.Fatalf("got %s", enc(t, v))
	}
	if _, err := Normalize(struct{}{}); err == nil {
		t.Fatal("a struct is not a JSON value")
	}
}

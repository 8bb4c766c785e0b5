package asl

import (
	"crypto/md5"
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"math"
	mrand "math/rand/v2"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

type intrinsic struct {
	impl func(c *call, args []any) (any, error)
}

// intrinsics is the table of supported States.* functions.
var intrinsics map[string]intrinsic

func init() {
	intrinsics = map[string]intrinsic{
		"States.Format":         {fnFormat},
		"States.StringToJson":   {fnStringToJSON},
		"States.JsonToString":   {fnJSONToString},
		"States.Array":          {fnArray},
		"States.ArrayPartition": {fnArrayPartition},
		"States.ArrayContains":  {fnArrayContains},
		"States.ArrayRange":     {fnArrayRange},
		"States.ArrayGetItem":   {fnArrayGetItem},
		"States.ArrayLength":    {fnArrayLength},
		"States.ArrayUnique":    {fnArrayUnique},
		"States.Base64Encode":   {fnBase64Encode},
		"States.Base64Decode":   {fnBase64Decode},
		"States.Hash":           {fnHash},
		"States.JsonMerge":      {fnJSONMerge},
		"States.MathRandom":     {fnMathRandom},
		"States.MathAdd":        {fnMathAdd},
		"States.StringSplit":    {fnStringSplit},
		"States.UUID":           {fnUUID},
	}
}

func intrinsicNames() string {
	names := make([]string, 0, len(intrinsics))
	for n := range intrinsics {
		names = append(names, n)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

// Limits AWS documents for the intrinsics ("Intrinsic functions for JSONPath states in
// Step Functions", https://docs.aws.amazon.com/step-functions/latest/dg/intrinsic-functions.html):
// States.Base64Encode and States.Base64Decode take up to 10,000 characters, States.Hash
// hashes up to 10,000 characters and States.ArrayRange returns at most 1,000 items.
// The functions without a documented limit are bounded by the 256 KiB payload quota and
// run in time near-linear in their input (no pairwise scans).
const (
	maxEncodedStringChars = 10000 // Base64Encode/Decode, Hash input
	maxArrayRangeItems    = 1000
)

func wantArgs(args []any, n int) error {
	if len(args) != n {
		return fmt.Errorf("expected %d argument(s), got %d", n, len(args))
	}
	return nil
}

func argString(args []any, i int, what string) (string, error) {
	s, ok := args[i].(string)
	if !ok {
		return "", fmt.Errorf("the %s (argument %d) must be a string, got %s", what, i+1, typeName(args[i]))
	}
	return s, nil
}

func argArray(args []any, i int, what string) ([]any, error) {
	a, ok := args[i].([]any)
	if !ok {
		return nil, fmt.Errorf("the %s (argument %d) must be an array, got %s", what, i+1, typeName(args[i]))
	}
	return a, nil
}

func argInteger(args []any, i int, what string) (int64, error) {
	n, ok := asInteger(args[i])
	if !ok {
		return 0, fmt.Errorf("the %s (argument %d) must be an integer, got %s", what, i+1, compactJSON(args[i]))
	}
	return n, nil
}

func fnFormat(c *call, args []any) (any, error) {
	if len(args) < 1 {
		return nil, errors.New("expected a format string as the first argument")
	}
	tmpl, err := argString(args, 0, "format string")
	if err != nil {
		return nil, err
	}
	escaped := c.args[0].isStr // literal: \{ \} are not placeholders
	if escaped {
		tmpl = c.args[0].rawLit
	}
	var b strings.Builder
	next := 1
	for i := 0; i < len(tmpl); i++ {
		ch := tmpl[i]
		if escaped && ch == '\\' && i+1 < len(tmpl) {
			b.WriteByte(tmpl[i+1])
			i++
			continue
		}
		if ch == '{' && i+1 < len(tmpl) && tmpl[i+1] == '}' {
			if next >= len(args) {
				return nil, fmt.Errorf("the format string has more {} placeholders than the %d argument(s) given", len(args)-1)
			}
			s, err := formatArg(args[next])
			if err != nil {
				return nil, fmt.Errorf("argument %d: %v", next+1, err)
			}
			b.WriteString(s)
			next++
			i++
			continue
		}
		b.WriteByte(ch)
	}
	if next != len(args) {
		return nil, fmt.Errorf("the format string has %d {} placeholder(s) but %d argument(s) follow it", next-1, len(args)-1)
	}
	return b.String(), nil
}

func formatArg(v any) (string, error) {
	switch t := v.(type) {
	case string:
		return t, nil
	case nil:
		return "null", nil
	case bool:
		return strconv.FormatBool(t), nil
	case int64:
		return strconv.FormatInt(t, 10), nil
	case float64:
		return strconv.FormatFloat(t, 'f', -1, 64), nil
	}
	return "", fmt.Errorf("States.Format only formats strings, numbers, booleans and null, got %s", typeName(v))
}

func fnStringToJSON(_ *call, args []any) (any, error) {
	if err := wantArgs(args, 1); err != nil {
		return nil, err
	}
	s, err := argString(args, 0, "JSON text")
	if err != nil {
		return nil, err
	}
	v, err := DecodeJSON([]byte(s))
	if err != nil {
		return nil, fmt.Errorf("the string is not valid JSON: %v", err)
	}
	return v, nil
}

func fnJSONToString(_ *call, args []any) (any, error) {
	if err := wantArgs(args, 1); err != nil {
		return nil, err
	}
	b, err := EncodeJSON(args[0])
	if err != nil {
		return nil, err
	}
	return string(b), nil
}

func fnArray(_ *call, args []any) (any, error) {
	return append([]any{}, args...), nil
}

func fnArrayPartition(_ *call, args []any) (any, error) {
	if err := wantArgs(args, 2); err != nil {
		return nil, err
	}
	arr, err := argArray(args, 0, "array")
	if err != nil {
		return nil, err
	}
	size, err := argInteger(args, 1, "chunk size")
	if err != nil {
		return nil, err
	}
	if size <= 0 {
		return nil, fmt.Errorf("the chunk size must be greater than 0, got %d", size)
	}
	out := []any{}
	for i := 0; i < len(arr); i += int(size) {
		end := min(i+int(size), len(arr))
		out = append(out, append([]any{}, arr[i:end]...))
	}
	return out, nil
}

func fnArrayContains(_ *call, args []any) (any, error) {
	if err := wantArgs(args, 2); err != nil {
		return nil, err
	}
	arr, err := argArray(args, 0, "array")
	if err != nil {
		return nil, err
	}
	for _, e := range arr {
		if jsonEqual(e, args[1]) {
			return true, nil
		}
	}
	return false, nil
}

func fnArrayRange(_ *call, args []any) (any, error) {
	if err := wantArgs(args, 3); err != nil {
		return nil, err
	}
	start, err := argInteger(args, 0, "start")
	if err != nil {
		return nil, err
	}
	end, err := argInteger(args, 1, "end")
	if err != nil {
		return nil, err
	}
	step, err := argInteger(args, 2, "step")
	if err != nil {
		return nil, err
	}
	if step == 0 {
		return nil, errors.New("the step must not be 0")
	}
	out := []any{}
	for v := start; (step > 0 && v <= end) || (step < 0 && v >= end); v += step {
		if len(out) == maxArrayRangeItems {
			return nil, fmt.Errorf("the range has more than %d items", maxArrayRangeItems)
		}
		out = append(out, v)
		if (step > 0 && v > math.MaxInt64-step) || (step < 0 && v < math.MinInt64-step) {
			break
		}
	}
	return out, nil
}

func fnArrayGetItem(_ *call, args []any) (any, error) {
	if err := wantArgs(args, 2); err != nil {
		return nil, err
	}
	arr, err := argArray(args, 0, "array")
	if err != nil {
		return nil, err
	}
	idx, err := argInteger(args, 1, "index")
	if err != nil {
		return nil, err
	}
	if idx < 0 || idx >= int64(len(arr)) {
		return nil, fmt.Errorf("index %d is out of bounds for an array of %d item(s)", idx, len(arr))
	}
	return arr[idx], nil
}

func fnArrayLength(_ *call, args []any) (any, error) {
	if err := wantArgs(args, 1); err != nil {
		return nil, err
	}
	arr, err := argArray(args, 0, "array")
	if err != nil {
		return nil, err
	}
	return int64(len(arr)), nil
}

func fnArrayUnique(_ *call, args []any) (any, error) {
	if err := wantArgs(args, 1); err != nil {
		return nil, err
	}
	arr, err := argArray(args, 0, "array")
	if err != nil {
		return nil, err
	}
	// A hash set keeps this linear in the size of the array: a pairwise scan was
	// quadratic (45,000 strings held the engine for ~23 s).
	seen := newValueSet(len(arr))
	out := []any{}
	for _, e := range arr {
		if seen.add(e) {
			out = append(out, e)
		}
	}
	return out, nil
}

func fnBase64Encode(_ *call, args []any) (any, error) {
	if err := wantArgs(args, 1); err != nil {
		return nil, err
	}
	s, err := argString(args, 0, "data")
	if err != nil {
		return nil, err
	}
	if utf8.RuneCountInString(s) > maxEncodedStringChars {
		return nil, fmt.Errorf("the data has more than %d characters", maxEncodedStringChars)
	}
	return base64.StdEncoding.EncodeToString([]byte(s)), nil
}

func fnBase64Decode(_ *call, args []any) (any, error) {
	if err := wantArgs(args, 1); err != nil {
		return nil, err
	}
	s, err := argString(args, 0, "base64 data")
	if err != nil {
		return nil, err
	}
	if utf8.RuneCountInString(s) > maxEncodedStringChars {
		return nil, fmt.Errorf("the base64 data has more than %d characters", maxEncodedStringChars)
	}
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("the data is not valid base64: %v", err)
	}
	return string(b), nil
}

func fnHash(_ *call, args []any) (any, error) {
	if err := wantArgs(args, 2); err != nil {
		return nil, err
	}
	s, err := argString(args, 0, "data")
	if err != nil {
		return nil, err
	}
	if utf8.RuneCountInString(s) > maxEncodedStringChars {
		return nil, fmt.Errorf("the data has more than %d characters", maxEncodedStringChars)
	}
	alg, err := argString(args, 1, "hash algorithm")
	if err != nil {
		return nil, err
	}
	var h hash.Hash
	switch alg {
	case "MD5":
		h = md5.New()
	case "SHA-1":
		h = sha1.New()
	case "SHA-256":
		h = sha256.New()
	case "SHA-384":
		h = sha512.New384()
	case "SHA-512":
		h = sha512.New()
	default:
		return nil, fmt.Errorf("unsupported hash algorithm %q (use MD5, SHA-1, SHA-256, SHA-384 or SHA-512)", alg)
	}
	h.Write([]byte(s))
	return hex.EncodeToString(h.Sum(nil)), nil
}

// fnJSONMerge merges two objects shallowly into a new object: the second wins. Neither
// input is modified.
func fnJSONMerge(_ *call, args []any) (any, error) {
	if err := wantArgs(args, 3); err != nil {
		return nil, err
	}
	a, ok := args[0].(map[string]any)
	if !ok {
		return nil, fmt.Errorf("the first argument must be an object, got %s", typeName(args[0]))
	}
	b, ok := args[1].(map[string]any)
	if !ok {
		return nil, fmt.Errorf("the second argument must be an object, got %s", typeName(args[1]))
	}
	if deep, ok := args[2].(bool); !ok || deep {
		return nil, errors.New("the third argument must be false: only shallow merging is supported")
	}
	out := make(map[string]any, len(a)+len(b))
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out, nil
}

// fnMathRandom returns an integer in [start, end). With a seed the result is
// deterministic (though not the same number AWS would return for that seed).
func fnMathRandom(_ *call, args []any) (any, error) {
	if len(args) != 2 && len(args) != 3 {
		return nil, fmt.Errorf("expected 2 or 3 arguments (start, end[, seed]), got %d", len(args))
	}
	start, err := argInteger(args, 0, "start")
	if err != nil {
		return nil, err
	}
	end, err := argInteger(args, 1, "end")
	if err != nil {
		return nil, err
	}
	if start >= end {
		return nil, fmt.Errorf("start (%d) must be less than end (%d)", start, end)
	}
	span := uint64(end - start)
	if end-start < 0 { // overflowed
		return nil, errors.New("the range between start and end is too large")
	}
	var n uint64
	if len(args) == 3 {
		seed, err := argInteger(args, 2, "seed")
		if err != nil {
			return nil, err
		}
		n = mrand.New(mrand.NewPCG(uint64(seed), 0x5eed)).Uint64N(span)
	} else {
		n = mrand.Uint64N(span)
	}
	return start + int64(n), nil
}

func fnMathAdd(_ *call, args []any) (any, error) {
	if err := wantArgs(args, 2); err != nil {
		return nil, err
	}
	a, err := argInteger(args, 0, "first number")
	if err != nil {
		return nil, err
	}
	b, err := argInteger(args, 1, "second number")
	if err != nil {
		return nil, err
	}
	sum := a + b
	if (b > 0 && sum < a) || (b < 0 && sum > a) {
		return nil, errors.New("the sum overflows a 64-bit integer")
	}
	return sum, nil
}

// fnStringSplit splits on any of the delimiter characters and drops empty pieces.
func fnStringSplit(_ *call, args []any) (any, error) {
	if err := wantArgs(args, 2); err != nil {
		return nil, err
	}
	s, err := argString(args, 0, "string")
	if err != nil {
		return nil, err
	}
	delims, err := argString(args, 1, "delimiter")
	if err != nil {
		return nil, err
	}
	// The delimiters become a set: scanning the delimiter string for every character
	// of the input would cost len(s) × len(delims).
	isDelim := delimiterSet(delims)
	parts := strings.FieldsFunc(s, isDelim)
	out := make([]any, len(parts))
	for i, p := range parts {
		out[i] = p
	}
	return out, nil
}

// delimiterSet returns a constant-time membership test for the runes of delims.
func delimiterSet(delims string) func(rune) bool {
	var ascii [128]bool
	var other map[rune]bool
	for _, r := range delims {
		if r < utf8.RuneSelf {
			ascii[r] = true
			continue
		}
		if other == nil {
			other = map[rune]bool{}
		}
		other[r] = true
	}
	return func(r rune) bool {
		if r < utf8.RuneSelf {
			return r >= 0 && ascii[r]
		}
		return other[r]
	}
}

func fnUUID(_ *call, args []any) (any, error) {
	if err := wantArgs(args, 0); err != nil {
		return nil, err
	}
	return newUUID(), nil
}

// newUUID returns a random (version 4) UUID.
func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

package sfn

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"strconv"
	"time"
)

// Page tokens are opaque to clients and keyset-based: a token holds the key
// of the last item returned (a name or a row id), so deleting items between
// pages never skips or repeats the others. The token is
// base64url(checksum ‖ issued-at ‖ key), the checksum covering the list it
// belongs to (operation and filters): a token from another list, an altered
// one or one older than 24 hours is InvalidToken, as Step Functions answers:
// "Each pagination token expires after 24 hours. Using an expired pagination
// token will return an HTTP 400 InvalidToken error."
// (https://docs.aws.amazon.com/step-functions/latest/apireference/API_ListExecutions.html).
const pageTokenLifetime = 24 * time.Hour

const pageSumLen = 12

func pageSum(scope string, payload []byte) []byte {
	h := sha256.New()
	h.Write([]byte("drsorch-sfn-page\x00" + scope + "\x00"))
	h.Write(payload)
	return h.Sum(nil)[:pageSumLen]
}

// encodePageToken issues a token for the page after key in the list scope.
func encodePageToken(scope, key string, now time.Time) string {
	payload := []byte(strconv.FormatInt(now.UnixNano(), 36) + "\x00" + key)
	return base64.RawURLEncoding.EncodeToString(append(pageSum(scope, payload), payload...))
}

// decodePageToken returns the key a token of the list scope continues after.
func decodePageToken(scope, tok string, now time.Time) (string, error) {
	bad := apiErr("InvalidToken", "Invalid Token: '%s' is not a valid pagination token for this request", tok)
	raw, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil || len(raw) <= pageSumLen {
		return "", bad
	}
	sum, payload := raw[:pageSumLen], raw[pageSumLen:]
	if !bytes.Equal(sum, pageSum(scope, payload)) {
		return "", bad
	}
	issued, key, ok := bytes.Cut(payload, []byte{0})
	if !ok {
		return "", bad
	}
	ns, err := strconv.ParseInt(string(issued), 36, 64)
	if err != nil {
		return "", bad
	}
	if now.Sub(time.Unix(0, ns)) > pageTokenLifetime {
		return "", apiErr("InvalidToken", "Invalid Token: the pagination token has expired (tokens are valid for 24 hours)")
	}
	return string(key), nil
}

// decodePageID is decodePageToken for lists keyed by a row or event id.
func decodePageID(scope, tok string, now time.Time) (int64, error) {
	key, err := decodePageToken(scope, tok, now)
	if err != nil {
		return 0, err
	}
	n, perr := strconv.ParseInt(key, 10, 64)
	if perr != nil || n < 0 {
		return 0, apiErr("InvalidToken", "Invalid Token: '%s' is not a valid pagination token for this request", tok)
	}
	return n, nil
}

func encodePageID(scope string, id int64, now time.Time) string {
	return encodePageToken(scope, strconv.FormatInt(id, 10), now)
}

func pageSize(max int32) (int, error) {
	switch {
	case max < 0 || max > 1000:
		return 0, validationErr("1 validation error detected: Value '%d' at 'maxResults' failed to satisfy constraint: Member must have value between 0 and 1000", max)
	case max == 0:
		return 100, nil
	}
	return int(max), nil
}

// keysetPage answers one page of a keyset-paged listing. The query read
// one row past the page size: when that row came back, the page ends at
// size and nextToken resumes after the last key shown.
func keysetPage[K any](member string, items []map[string]any, keys []K, size int, token func(K) string) map[string]any {
	out := map[string]any{}
	if len(items) > size {
		items = items[:size]
		out["nextToken"] = token(keys[size-1])
	}
	out[member] = items
	return out
}

package sfn

import (
	"encoding/base64"
	"strconv"
)

// Page tokens are opaque to clients: base64 of a position.
func encodePageToken(pos int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte("p" + strconv.FormatInt(pos, 10)))
}

func decodePageToken(tok string) (int64, error) {
	raw, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil || len(raw) < 2 || raw[0] != 'p' {
		return 0, apiErr("InvalidToken", "Invalid Token: '%s' is not a token this service issued", tok)
	}
	n, err := strconv.ParseInt(string(raw[1:]), 10, 64)
	if err != nil || n < 0 {
		return 0, apiErr("InvalidToken", "Invalid Token: '%s' is not a token this service issued", tok)
	}
	return n, nil
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

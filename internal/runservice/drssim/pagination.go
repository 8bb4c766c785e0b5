package drssim

import (
	"encoding/base64"
	"strconv"
	"strings"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/awswire"
)

// maxPageSize is the largest page any list operation serves.
const maxPageSize = 1000

// page cuts one page out of n filtered items. The token is an opaque
// offset bound to the operation, so a token of another list is refused.
func page(op string, n int, maxResults *int32, token *string) (from, to int, next *string, err *awswire.APIError) {
	size, err := checkMaxResults(maxResults, maxPageSize)
	if err != nil {
		return 0, 0, nil, err
	}
	if token != nil && *token != "" {
		from, err = decodeToken(op, *token)
		if err != nil {
			return 0, 0, nil, err
		}
	}
	if from > n {
		from = n
	}
	to = min(from+size, n)
	if to < n {
		t := encodeToken(op, to)
		next = &t
	}
	return from, to, next, nil
}

func encodeToken(op string, offset int) string {
	return base64.StdEncoding.EncodeToString([]byte(op + ":" + strconv.Itoa(offset)))
}

func decodeToken(op, token string) (int, *awswire.APIError) {
	raw, err := base64.StdEncoding.DecodeString(token)
	if err == nil {
		if name, off, ok := strings.Cut(string(raw), ":"); ok && name == op {
			if n, err := strconv.Atoi(off); err == nil && n >= 0 {
				return n, nil
			}
		}
	}
	return 0, invalidField("nextToken", "is not a token this operation returned: pass nextToken from the previous %s response unchanged", op)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

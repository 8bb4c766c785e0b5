package drssim

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"sort"
	"strconv"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/awswire"
)

// maxPageSize is the largest page any list operation serves. An operation
// whose model sets no upper bound on maxResults accepts any positive
// value and serves at most this many items, with a nextToken for the rest:
// a client must follow nextToken in any case.
const maxPageSize = 1000

// modelMaxResults is the upper bound the DRS model sets on an operation's
// maxResults (MaxResultsType 1000, MaxResultsReplicatingSourceServers 300,
// ListStagingAccountsRequestMaxResultsInteger 50). Operations that are not
// listed take StrictlyPositiveInteger: at least 1, no upper bound.
var modelMaxResults = map[string]int{
	"DescribeLaunchConfigurationTemplates": 1000,
	"ListLaunchActions":                    1000,
	"ListExtensibleSourceServers":          300,
	"ListStagingAccounts":                  50,
}

// page cuts one page out of n items listed in the order of key, which must
// grow strictly along the list. The token is keyset-based: it holds the key
// of the last item served, so items deleted or added between two pages
// never make the next page skip or repeat an item. Tokens are opaque and
// bound to the operation (with a checksum): a token of another list, or an
// edited one, is refused.
func page(op string, n int, key func(i int) int64, maxResults *int32, token *string) (from, to int, next *string, err *awswire.APIError) {
	size, err := checkMaxResults(maxResults, modelMaxResults[op])
	if err != nil {
		return 0, 0, nil, err
	}
	size = min(size, maxPageSize)
	if token != nil && *token != "" {
		after, err := decodeToken(op, *token)
		if err != nil {
			return 0, 0, nil, err
		}
		from = sort.Search(n, func(i int) bool { return key(i) > after })
	}
	to = min(from+size, n)
	if to < n {
		t := encodeToken(op, key(to-1))
		next = &t
	}
	return from, to, next, nil
}

// tokenSalt makes a token's checksum the simulator's own.
const tokenSalt = "drsorch-drssim-page-token-v2"

func tokenSum(op string, key int64) []byte {
	sum := sha256.Sum256([]byte(tokenSalt + "|" + op + "|" + strconv.FormatInt(key, 10)))
	return sum[:8]
}

func encodeToken(op string, key int64) string {
	b := binary.BigEndian.AppendUint64(nil, uint64(key))
	b = append(b, tokenSum(op, key)...)
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeToken(op, token string) (int64, *awswire.APIError) {
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err == nil && len(raw) == 16 {
		key := int64(binary.BigEndian.Uint64(raw[:8]))
		if string(raw[8:]) == string(tokenSum(op, key)) {
			return key, nil
		}
	}
	return 0, invalidField("nextToken", "is not a token this operation returned: pass nextToken from the previous %s response unchanged", op)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

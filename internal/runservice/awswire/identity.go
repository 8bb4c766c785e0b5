// Package awswire holds what every AWS protocol served by the run service
// shares: who is calling (account and region, read from the SigV4
// credential scope), and how errors and JSON bodies are written.
package awswire

import (
	"context"
	"net/http"
	"regexp"
	"strings"
)

// DefaultAccount is the account of any credentials the run service did not
// issue itself (for example the static local credentials).
const DefaultAccount = "123456789012"

// Identity is the caller of one request.
type Identity struct {
	AccessKeyID string
	Account     string
	Region      string
	Service     string // the signing name from the credential scope
}

type identityKey struct{}

// WithIdentity stores id in ctx.
func WithIdentity(ctx context.Context, id Identity) context.Context {
	return context.WithValue(ctx, identityKey{}, id)
}

// IdentityFrom returns the identity stored by WithIdentity.
func IdentityFrom(ctx context.Context) (Identity, bool) {
	id, ok := ctx.Value(identityKey{}).(Identity)
	return id, ok
}

var credentialScope = regexp.MustCompile(`Credential=([^/,\s]+)/\d{8}/([^/]+)/([^/]+)/aws4_request`)

// ParseIdentity reads the caller from a SigV4 Authorization header without
// verifying it: for requests the run service makes to itself, in process.
// Requests from the network go through Keyring.Authenticate.
func ParseIdentity(r *http.Request) (Identity, bool) {
	m := credentialScope.FindStringSubmatch(r.Header.Get("Authorization"))
	if m == nil {
		return Identity{}, false
	}
	return Identity{AccessKeyID: m[1], Account: AccountForAccessKey(m[1]), Region: m[2], Service: m[3]}, true
}

// Session credentials issued by the run service's STS carry their account in
// the access key: "ASIA" + 12-digit account + 4 characters.
var sessionKey = regexp.MustCompile(`^ASIA(\d{12})[A-Z0-9]{4}$`)

// AccountForAccessKey maps an access key to its simulated account.
func AccountForAccessKey(akid string) string {
	if m := sessionKey.FindStringSubmatch(akid); m != nil {
		return m[1]
	}
	return DefaultAccount
}

// DashboardKeySuffix ends the access key of the run service's dashboard
// (SessionAccessKey(account, DashboardKeySuffix)); STS names it the
// drsorch-dashboard role. Issued session keys end in hex digits, never in it.
const DashboardKeySuffix = "DASH"

// DashboardRoleName is the role STS reports for the dashboard's key.
const DashboardRoleName = "drsorch-dashboard"

// SessionAccessKey builds an access key that maps back to account.
func SessionAccessKey(account, suffix string) string {
	suffix = strings.ToUpper(suffix)
	for len(suffix) < 4 {
		suffix += "X"
	}
	return "ASIA" + account + suffix[:4]
}

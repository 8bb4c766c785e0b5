package awswire

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// AuthFailure says why a request's authentication was refused. Each wire
// protocol turns it into its own error shape (see AuthError).
type AuthFailure int

// Reasons a request is not authenticated.
const (
	AuthMissing      AuthFailure = iota + 1 // no Authorization header
	AuthIncomplete                          // the header is not a well-formed SigV4 header
	AuthUnknownKey                          // the access key (or its session token) is not known
	AuthBadSignature                        // the signature does not match
	AuthExpired                             // X-Amz-Date is outside the allowed clock skew
	AuthExpiredToken                        // the session credentials have expired
	AuthQueryString                         // presigned (query-string) authentication, always refused
)

// AuthError is a refused authentication: the reason and a message in the
// words AWS uses.
type AuthError struct {
	Failure AuthFailure
	Message string
}

func (e *AuthError) Error() string { return e.Message }

// Messages AWS sends for these failures.
const (
	msgBadSignature = "The request signature we calculated does not match the signature you provided. " +
		"Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
	msgUnknownKey   = "The security token included in the request is invalid."
	msgExpiredToken = "The security token included in the request is expired"
)

// MaxClockSkew is how far X-Amz-Date may be from the service's clock, as
// AWS allows: "the time stamp must be within 15 minutes of the AWS system
// time" (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-troubleshooting.html).
const MaxClockSkew = 15 * time.Minute

// Session is a set of temporary credentials the run service's STS issued.
type Session struct {
	SecretAccessKey string
	SessionToken    string
	Expires         time.Time
}

// Keyring holds the credentials the run service accepts: the configured
// long-term keys and the temporary ones STS hands out. With no configured
// key, signatures are not verified (the service then only listens on
// loopback).
type Keyring struct {
	mu       sync.Mutex
	static   map[string]string // access key ID -> secret access key
	sessions map[string]Session
	now      func() time.Time
}

// NewKeyring returns a keyring of the configured keys (access key ID ->
// secret access key); an empty map turns verification off.
func NewKeyring(keys map[string]string) *Keyring {
	k := &Keyring{static: map[string]string{}, sessions: map[string]Session{}, now: time.Now}
	for id, secret := range keys {
		k.static[id] = secret
	}
	return k
}

// SetNow replaces the wall clock the keyring checks dates with (tests).
func (k *Keyring) SetNow(now func() time.Time) { k.now = now }

// Verifying reports whether signatures are verified.
func (k *Keyring) Verifying() bool { return k != nil && len(k.static) > 0 }

// Len is the number of configured long-term keys.
func (k *Keyring) Len() int {
	if k == nil {
		return 0
	}
	return len(k.static)
}

// AddSession records temporary credentials issued under accessKeyID, and
// forgets the expired ones. It reports false, and records nothing, when
// a live session or a configured key already uses accessKeyID.
func (k *Keyring) AddSession(accessKeyID string, s Session) bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	now := k.now()
	for id, old := range k.sessions {
		if now.After(old.Expires) {
			delete(k.sessions, id)
		}
	}
	if _, taken := k.sessions[accessKeyID]; taken {
		return false
	}
	if _, taken := k.static[accessKeyID]; taken {
		return false
	}
	k.sessions[accessKeyID] = s
	return true
}

// CheckStatic reports whether accessKeyID/secret is a configured key pair
// (HTTP Basic authentication of the operator pages).
func (k *Keyring) CheckStatic(accessKeyID, secret string) bool {
	want, ok := k.static[accessKeyID]
	return ok && subtle.ConstantTimeCompare([]byte(want), []byte(secret)) == 1
}

// credentials returns the secret of a key, checking a session's token and
// expiry.
func (k *Keyring) credentials(accessKeyID, token string) (aws.Credentials, *AuthError) {
	if secret, ok := k.static[accessKeyID]; ok {
		if token != "" {
			return aws.Credentials{}, &AuthError{AuthUnknownKey, msgUnknownKey}
		}
		return aws.Credentials{AccessKeyID: accessKeyID, SecretAccessKey: secret}, nil
	}
	k.mu.Lock()
	s, ok := k.sessions[accessKeyID]
	k.mu.Unlock()
	if !ok || token == "" || subtle.ConstantTimeCompare([]byte(s.SessionToken), []byte(token)) != 1 {
		return aws.Credentials{}, &AuthError{AuthUnknownKey, msgUnknownKey}
	}
	if !k.now().Before(s.Expires) {
		return aws.Credentials{}, &AuthError{AuthExpiredToken, msgExpiredToken}
	}
	return aws.Credentials{AccessKeyID: accessKeyID, SecretAccessKey: s.SecretAccessKey, SessionToken: token}, nil
}

// sigV4Header is a parsed SigV4 Authorization header.
type sigV4Header struct {
	AccessKeyID   string
	Date          string // yyyymmdd of the credential scope
	Region        string
	Service       string
	SignedHeaders []string
	Signature     string
}

const (
	sigV4Algorithm = "AWS4-HMAC-SHA256"
	amzDateFormat  = "20060102T150405Z"
)

var (
	scopeDate  = regexp.MustCompile(`^\d{8}$`)
	hexSig     = regexp.MustCompile(`^[0-9a-f]{64}$`)
	headerName = regexp.MustCompile(`^[a-z0-9!#$%&'*+.^_|~-]+$`)
	// regionName is the form of AWS region names: us-east-1, us-gov-west-1,
	// ap-southeast-4, us-isob-east-1 …
	regionName = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-\d{1,2}$`)
)

// parseAuthorization parses "AWS4-HMAC-SHA256 Credential=AKID/date/region/
// service/aws4_request, SignedHeaders=a;b, Signature=hex". It checks the
// form only.
func parseAuthorization(v string) (sigV4Header, *AuthError) {
	incomplete := func(format string, a ...any) (sigV4Header, *AuthError) {
		return sigV4Header{}, &AuthError{AuthIncomplete, fmt.Sprintf(format, a...)}
	}
	alg, rest, _ := strings.Cut(strings.TrimSpace(v), " ")
	if alg != sigV4Algorithm {
		return incomplete("Authorization header must use the %s algorithm (Signature Version 4), got %q", sigV4Algorithm, alg)
	}
	fields := map[string]string{}
	for _, part := range strings.Split(rest, ",") {
		key, value, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return incomplete("Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters: %q is not key=value", part)
		}
		if _, dup := fields[key]; dup {
			return incomplete("Authorization header repeats the %q parameter", key)
		}
		fields[key] = value
	}
	for _, key := range []string{"Credential", "SignedHeaders", "Signature"} {
		if fields[key] == "" {
			return incomplete("Authorization header requires '%s' parameter. Authorization=%s", key, v)
		}
	}
	scope := strings.Split(fields["Credential"], "/")
	if len(scope) != 5 || scope[0] == "" || !scopeDate.MatchString(scope[1]) || scope[2] == "" || scope[3] == "" || scope[4] != "aws4_request" {
		return incomplete("Credential %q must have the form <access key ID>/<yyyymmdd>/<region>/<service>/aws4_request", fields["Credential"])
	}
	if !hexSig.MatchString(fields["Signature"]) {
		return incomplete("Signature must be 64 lower-case hexadecimal characters")
	}
	signed := strings.Split(fields["SignedHeaders"], ";")
	for _, h := range signed {
		if !headerName.MatchString(h) {
			return incomplete("SignedHeaders %q must list lower-case header names separated by ';'", fields["SignedHeaders"])
		}
	}
	return sigV4Header{AccessKeyID: scope[0], Date: scope[1], Region: scope[2], Service: scope[3], SignedHeaders: signed, Signature: fields["Signature"]}, nil
}

// HasQueryAuth reports whether a request tries presigned (query-string)
// SigV4 authentication, which the run service never accepts: a presigned
// URL could be replayed from any web page.
func HasQueryAuth(r *http.Request) bool {
	q := r.URL.Query()
	for key := range q {
		switch strings.ToLower(key) {
		case "x-amz-credential", "x-amz-signature", "x-amz-algorithm", "x-amz-security-token":
			return true
		}
	}
	return false
}

// QueryAuthError is the refusal of query-string authentication.
var QueryAuthError = &AuthError{AuthQueryString,
	"query-string (presigned) authentication is not accepted by the run service: sign requests with the Authorization header"}

// Authenticate reads the caller's identity from the SigV4 Authorization
// header. When the keyring verifies (credentials are configured), the
// signature must be valid: made with a known key (or STS session) at a
// date within MaxClockSkew, over the host and x-amz-date headers and the
// SHA-256 of body, for the service named (when service is not empty).
// Without configured credentials only the form is checked.
func (k *Keyring) Authenticate(r *http.Request, body []byte, service string) (Identity, *AuthError) {
	if HasQueryAuth(r) {
		return Identity{}, QueryAuthError
	}
	raw := r.Header.Get("Authorization")
	if raw == "" {
		return Identity{}, &AuthError{AuthMissing, "Missing Authentication Token"}
	}
	if !k.Verifying() {
		// Only the credential scope matters: who calls, in which region.
		if id, ok := ParseIdentity(r); ok {
			return id, nil
		}
		return Identity{}, &AuthError{AuthIncomplete, "Authorization header must be AWS Signature Version 4: " +
			"AWS4-HMAC-SHA256 Credential=<access key ID>/<yyyymmdd>/<region>/<service>/aws4_request, SignedHeaders=…, Signature=…"}
	}
	h, aerr := parseAuthorization(raw)
	if aerr != nil {
		return Identity{}, aerr
	}
	id := Identity{AccessKeyID: h.AccessKeyID, Account: AccountForAccessKey(h.AccessKeyID), Region: h.Region, Service: h.Service}
	if aerr := k.verify(r, body, service, h); aerr != nil {
		return Identity{}, aerr
	}
	return id, nil
}

func (k *Keyring) verify(r *http.Request, body []byte, service string, h sigV4Header) *AuthError {
	for _, required := range []string{"host", "x-amz-date"} {
		if !slices.Contains(h.SignedHeaders, required) {
			return &AuthError{AuthIncomplete, "SignedHeaders must include '" + required + "'"}
		}
	}
	token := r.Header.Get("X-Amz-Security-Token")
	if token != "" && !slices.Contains(h.SignedHeaders, "x-amz-security-token") {
		return &AuthError{AuthIncomplete, "SignedHeaders must include 'x-amz-security-token' when the request carries a session token"}
	}
	amzDate := r.Header.Get("X-Amz-Date")
	signedAt, err := time.Parse(amzDateFormat, amzDate)
	if err != nil {
		return &AuthError{AuthIncomplete, fmt.Sprintf("X-Amz-Date %q must be an ISO 8601 basic date-time (yyyymmddThhmmssZ)", amzDate)}
	}
	if h.Date != amzDate[:8] {
		return &AuthError{AuthBadSignature, fmt.Sprintf("Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '%s' != '%s'", h.Date, amzDate[:8])}
	}
	// One endpoint serves every region, so any region may be named, but
	// it must be one: AWS answers a malformed one the same way.
	if !regionName.MatchString(h.Region) {
		return &AuthError{AuthBadSignature, fmt.Sprintf("Credential should be scoped to a valid region, not '%s'.", h.Region)}
	}
	if service != "" && h.Service != service {
		return &AuthError{AuthBadSignature, fmt.Sprintf("Credential should be scoped to correct service: '%s'.", service)}
	}
	// The messages are worded as AWS words them.
	now := k.now().UTC()
	if signedAt.Before(now.Add(-MaxClockSkew)) {
		return &AuthError{AuthExpired, fmt.Sprintf("Signature expired: %s is now earlier than %s (%s - 15 min.)",
			amzDate, now.Add(-MaxClockSkew).Format(amzDateFormat), now.Format(amzDateFormat))}
	}
	if signedAt.After(now.Add(MaxClockSkew)) {
		return &AuthError{AuthExpired, fmt.Sprintf("Signature not yet current: %s is still later than %s (%s + 15 min.)",
			amzDate, now.Add(MaxClockSkew).Format(amzDateFormat), now.Format(amzDateFormat))}
	}
	creds, aerr := k.credentials(h.AccessKeyID, token)
	if aerr != nil {
		return aerr
	}

	// Rebuild the request from what the client signed and sign it again
	// with the secret the service knows; the signatures must be equal.
	u := *r.URL
	u.Scheme, u.Host = "http", r.Host
	if r.TLS != nil {
		u.Scheme = "https"
	}
	again, err := http.NewRequestWithContext(context.Background(), r.Method, u.String(), nil)
	if err != nil {
		return &AuthError{AuthIncomplete, "request URL cannot be signed: " + err.Error()}
	}
	again.URL = &u
	again.Host = r.Host
	for _, name := range h.SignedHeaders {
		switch name {
		case "host", "x-amz-date", "x-amz-security-token":
			// set by the signer
		case "content-length":
			n, err := strconv.ParseInt(r.Header.Get("Content-Length"), 10, 64)
			if err != nil {
				n = int64(len(body))
			}
			again.ContentLength = n
		default:
			values := r.Header.Values(name)
			if len(values) == 0 {
				return &AuthError{AuthIncomplete, fmt.Sprintf("SignedHeaders lists %q but the request has no such header", name)}
			}
			again.Header[http.CanonicalHeaderKey(name)] = values
		}
	}
	sum := sha256.Sum256(body)
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, again, hex.EncodeToString(sum[:]), h.Service, h.Region, signedAt); err != nil {
		return &AuthError{AuthIncomplete, "request cannot be signed: " + err.Error()}
	}
	want, perr := parseAuthorization(again.Header.Get("Authorization"))
	if perr != nil || subtle.ConstantTimeCompare([]byte(want.Signature), []byte(h.Signature)) != 1 {
		return &AuthError{AuthBadSignature, msgBadSignature}
	}
	return nil
}

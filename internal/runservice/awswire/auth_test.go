package awswire

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

func signedRequest(t *testing.T, creds aws.Credentials, body string, at time.Time) *http.Request {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, "http://127.0.0.1:8787/DescribeJobs", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	sum := sha256.Sum256([]byte(body))
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]), "drs", "us-east-1", at); err != nil {
		t.Fatal(err)
	}
	return req
}

// Temporary credentials verify until they expire, then answer
// ExpiredToken; a session key is never handed out twice while it lives.
func TestSessionCredentialsExpire(t *testing.T) {
	now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	k := NewKeyring(map[string]string{"AKIAOPERATOR00000001": "operator-secret-0123456789"})
	k.SetNow(func() time.Time { return now })
	session := Session{SecretAccessKey: "session-secret", SessionToken: "token-1", Expires: now.Add(time.Hour)}
	akid := SessionAccessKey("210987654321", "AB12")
	if !k.AddSession(akid, session) {
		t.Fatal("first session refused")
	}
	if k.AddSession(akid, Session{SecretAccessKey: "other", SessionToken: "token-2", Expires: now.Add(time.Hour)}) {
		t.Fatal("a live session's access key was issued again")
	}
	if k.AddSession("AKIAOPERATOR00000001", session) {
		t.Fatal("a configured access key was issued as a session key")
	}
	creds := aws.Credentials{AccessKeyID: akid, SecretAccessKey: "session-secret", SessionToken: "token-1"}
	id, aerr := k.Authenticate(signedRequest(t, creds, `{}`, now), []byte(`{}`), "drs")
	if aerr != nil || id.Account != "210987654321" || id.Region != "us-east-1" {
		t.Fatalf("live session: %+v %v", id, aerr)
	}
	later := now.Add(61 * time.Minute)
	k.SetNow(func() time.Time { return later })
	if _, aerr := k.Authenticate(signedRequest(t, creds, `{}`, later), []byte(`{}`), "drs"); aerr == nil || aerr.Failure != AuthExpiredToken {
		t.Fatalf("expired session: %v", aerr)
	}
	// Once expired, the key may be issued again.
	if !k.AddSession(akid, Session{SecretAccessKey: "new", SessionToken: "token-3", Expires: later.Add(time.Hour)}) {
		t.Fatal("an expired session's key was not reusable")
	}
}

// The skew window is 15 minutes either way, inclusive.
func TestClockSkewWindow(t *testing.T) {
	now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	k := NewKeyring(map[string]string{"AKIAOPERATOR00000001": "operator-secret-0123456789"})
	k.SetNow(func() time.Time { return now })
	creds := aws.Credentials{AccessKeyID: "AKIAOPERATOR00000001", SecretAccessKey: "operator-secret-0123456789"}
	for skew, want := range map[time.Duration]AuthFailure{
		-15 * time.Minute: 0, 15 * time.Minute: 0, 0: 0,
		-15*time.Minute - time.Second: AuthExpired, 15*time.Minute + time.Second: AuthExpired,
	} {
		_, aerr := k.Authenticate(signedRequest(t, creds, `{}`, now.Add(skew)), []byte(`{}`), "drs")
		got := AuthFailure(0)
		if aerr != nil {
			got = aerr.Failure
		}
		if got != want {
			t.Errorf("signed %v from now: failure %d (%v), want %d", skew, got, aerr, want)
		}
	}
}

// Without configured credentials the form is read, not verified: any
// static key is accepted (the service is then on loopback only).
func TestUnverifiedKeyringAcceptsAnyKey(t *testing.T) {
	k := NewKeyring(nil)
	if k.Verifying() {
		t.Fatal("an empty keyring verifies")
	}
	req := signedRequest(t, aws.Credentials{AccessKeyID: "AKIAANYTHING", SecretAccessKey: "x"}, `{}`, time.Now().Add(-48*time.Hour))
	if id, aerr := k.Authenticate(req, []byte(`{}`), "drs"); aerr != nil || id.AccessKeyID != "AKIAANYTHING" {
		t.Fatalf("%+v %v", id, aerr)
	}
	req.URL.RawQuery = "X-Amz-Credential=AKIAANYTHING%2F20260105%2Fus-east-1%2Fdrs%2Faws4_request"
	if _, aerr := k.Authenticate(req, []byte(`{}`), "drs"); aerr == nil || aerr.Failure != AuthQueryString {
		t.Fatalf("query-string auth: %v", aerr)
	}
}

// The credential scope must name a region of AWS's form.
func TestScopeRegionMustBeARegion(t *testing.T) {
	now := time.Now()
	k := NewKeyring(map[string]string{"AKIAOPERATOR00000001": "operator-secret-0123456789"})
	creds := aws.Credentials{AccessKeyID: "AKIAOPERATOR00000001", SecretAccessKey: "operator-secret-0123456789"}
	for region, ok := range map[string]bool{"us-east-1": true, "us-gov-west-1": true, "ap-southeast-4": true, "moon": false, "us-east-1x": false, "US-EAST-1": false} {
		req, err := http.NewRequest(http.MethodPost, "http://127.0.0.1:8787/DescribeJobs", strings.NewReader(`{}`))
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256([]byte(`{}`))
		if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]), "drs", region, now); err != nil {
			t.Fatal(err)
		}
		if _, aerr := k.Authenticate(req, []byte(`{}`), "drs"); (aerr == nil) != ok {
			t.Errorf("region %q: %v", region, aerr)
		}
	}
}

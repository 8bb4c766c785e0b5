package runservice_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/drs"
	drstypes "github.com/aws/aws-sdk-go-v2/service/drs/types"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	"github.com/aws/aws-sdk-go-v2/service/servicequotas"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	awssts "github.com/aws/aws-sdk-go-v2/service/sts"
	smithy "github.com/aws/smithy-go"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/runservicetest"
)

// startLocked starts a run service that verifies signatures against
// runservicetest.Keys().
func startLocked(t *testing.T) *runservicetest.Service {
	t.Helper()
	return runservicetest.Start(t, runservice.Config{Credentials: runservicetest.Keys()})
}

// withCredentials is cfg with other static credentials.
func withCredentials(cfg aws.Config, id, secret, token string) aws.Config {
	cfg = cfg.Copy()
	cfg.Credentials = credentials.NewStaticCredentialsProvider(id, secret, token)
	return cfg
}

// apiError returns the AWS error code and HTTP status of a client call.
func apiError(t *testing.T, err error) (string, int) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("want an AWS API error, got %v", err)
	}
	status := 0
	var re *awshttp.ResponseError
	if errors.As(err, &re) {
		status = re.HTTPStatusCode()
	}
	return ae.ErrorCode(), status
}

// rawRequest is an HTTP request signed like an SDK would, at a chosen
// time, so tests can sign with stale dates or tamper afterwards.
type rawRequest struct {
	method, url, host string
	header            http.Header
	body              string
}

func (r rawRequest) build(t *testing.T) *http.Request {
	t.Helper()
	req, err := http.NewRequest(r.method, r.url, strings.NewReader(r.body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range r.header {
		req.Header[k] = v
	}
	if r.host != "" {
		req.Host = r.host
	}
	return req
}

func sign(t *testing.T, req *http.Request, body, service, id, secret, token string, at time.Time) {
	t.Helper()
	sum := sha256.Sum256([]byte(body))
	err := v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: id, SecretAccessKey: secret, SessionToken: token},
		req, hex.EncodeToString(sum[:]), service, "us-east-1", at)
	if err != nil {
		t.Fatal(err)
	}
}

type answer struct {
	status    int
	errorType string // X-Amzn-ErrorType
	body      string
}

func do(t *testing.T, req *http.Request) answer {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return answer{status: resp.StatusCode, errorType: resp.Header.Get("X-Amzn-ErrorType"), body: string(b)}
}

// The three protocol families, as raw requests.
func listStateMachines(svc *runservicetest.Service) rawRequest {
	return rawRequest{method: http.MethodPost, url: svc.URL + "/", body: `{}`, header: http.Header{
		"X-Amz-Target": {"AWSStepFunctions.ListStateMachines"}, "Content-Type": {"application/x-amz-json-1.0"}}}
}

func describeSourceServers(svc *runservicetest.Service) rawRequest {
	return rawRequest{method: http.MethodPost, url: svc.URL + "/DescribeSourceServers", body: `{}`,
		header: http.Header{"Content-Type": {"application/json"}}}
}

func getCallerIdentity(svc *runservicetest.Service) rawRequest {
	return rawRequest{method: http.MethodPost, url: svc.URL + "/", body: "Action=GetCallerIdentity&Version=2011-06-15",
		header: http.Header{"Content-Type": {"application/x-www-form-urlencoded; charset=utf-8"}}}
}

// With configured credentials, correctly signed calls of every protocol
// are served, from the real SDK clients: Step Functions (awsJson1.0),
// EventBridge and Service Quotas (awsJson1.1), DRS (restJson1, including
// a path that carries an escaped ARN) and STS (awsQuery).
func TestCorrectSignaturesAreAccepted(t *testing.T) {
	ctx := context.Background()
	svc := startLocked(t)
	cfg := svc.AWSConfig("us-east-1")
	if _, err := sfn.NewFromConfig(cfg).ListStateMachines(ctx, &sfn.ListStateMachinesInput{}); err != nil {
		t.Fatalf("Step Functions: %v", err)
	}
	servers, err := drs.NewFromConfig(cfg).DescribeSourceServers(ctx, &drs.DescribeSourceServersInput{})
	if err != nil || len(servers.Items) == 0 {
		t.Fatalf("DRS: %v", err)
	}
	if _, err := drs.NewFromConfig(cfg).ListTagsForResource(ctx, &drs.ListTagsForResourceInput{ResourceArn: servers.Items[0].Arn}); err != nil {
		t.Fatalf("DRS tags of %s: %v", aws.ToString(servers.Items[0].Arn), err)
	}
	// Query strings and escaped keys are part of what is signed.
	arn := servers.Items[0].Arn
	if _, err := drs.NewFromConfig(cfg).TagResource(ctx, &drs.TagResourceInput{ResourceArn: arn, Tags: map[string]string{"drsorch:protection-group": "a b/c"}}); err != nil {
		t.Fatalf("DRS TagResource: %v", err)
	}
	if _, err := drs.NewFromConfig(cfg).UntagResource(ctx, &drs.UntagResourceInput{ResourceArn: arn, TagKeys: []string{"drsorch:protection-group", "x y"}}); err != nil {
		t.Fatalf("DRS UntagResource (tag keys in the query string): %v", err)
	}
	if _, err := drs.NewFromConfig(cfg).ListStagingAccounts(ctx, &drs.ListStagingAccountsInput{MaxResults: aws.Int32(5)}); err != nil {
		t.Fatalf("DRS ListStagingAccounts (GET with a query string): %v", err)
	}
	if _, err := servicequotas.NewFromConfig(cfg).ListServiceQuotas(ctx, &servicequotas.ListServiceQuotasInput{ServiceCode: aws.String("drs")}); err != nil {
		t.Fatalf("Service Quotas: %v", err)
	}
	if _, err := eventbridge.NewFromConfig(cfg).PutEvents(ctx, &eventbridge.PutEventsInput{Entries: []ebtypes.PutEventsRequestEntry{
		{Source: aws.String("test"), DetailType: aws.String("t"), Detail: aws.String(`{}`)}}}); err != nil {
		t.Fatalf("EventBridge: %v", err)
	}
	me, err := awssts.NewFromConfig(cfg).GetCallerIdentity(ctx, &awssts.GetCallerIdentityInput{})
	if err != nil || aws.ToString(me.UserId) != runservicetest.AccessKeyID {
		t.Fatalf("STS: %+v %v", me, err)
	}
}

// A wrong secret or an unknown access key is refused in each protocol's
// own error shape, and the refused call does nothing.
func TestWrongSignatureIsRefusedPerProtocol(t *testing.T) {
	ctx := context.Background()
	svc := startLocked(t)
	bad := withCredentials(svc.AWSConfig("us-east-1"), runservicetest.AccessKeyID, "not-the-configured-secret", "")
	unknown := withCredentials(svc.AWSConfig("us-east-1"), "AKIASOMEONEELSE00000", runservicetest.SecretAccessKey, "")
	for _, tc := range []struct {
		name       string
		call       func(aws.Config) error
		code       string
		status     int
		unknownKey string
	}{
		{"Step Functions (awsJson1.0)", func(c aws.Config) error {
			_, err := sfn.NewFromConfig(c).ListStateMachines(ctx, &sfn.ListStateMachinesInput{})
			return err
		}, "InvalidSignatureException", 400, "UnrecognizedClientException"},
		{"DRS (restJson1)", func(c aws.Config) error {
			_, err := drs.NewFromConfig(c).StartRecovery(ctx, &drs.StartRecoveryInput{IsDrill: aws.Bool(true),
				SourceServers: []drstypes.StartRecoveryRequestSourceServer{{SourceServerID: aws.String("s-00000000000000000")}}})
			return err
		}, "InvalidSignatureException", 403, "UnrecognizedClientException"},
		{"STS (awsQuery)", func(c aws.Config) error {
			_, err := awssts.NewFromConfig(c).GetCallerIdentity(ctx, &awssts.GetCallerIdentityInput{})
			return err
		}, "SignatureDoesNotMatch", 403, "InvalidClientTokenId"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, status := apiError(t, tc.call(bad))
			if code != tc.code || status != tc.status {
				t.Errorf("wrong secret: %s %d, want %s %d", code, status, tc.code, tc.status)
			}
			if code, _ := apiError(t, tc.call(unknown)); code != tc.unknownKey {
				t.Errorf("unknown access key: %s, want %s", code, tc.unknownKey)
			}
		})
	}
	if n := svc.App.DRS.Stats()["StartRecovery"]; n != 0 {
		t.Fatalf("a refused StartRecovery reached the simulator %d times", n)
	}
	// The restJson1 error carries its code in x-amzn-ErrorType, as DRS does.
	req := describeSourceServers(svc).build(t)
	sign(t, req, `{}`, "drs", runservicetest.AccessKeyID, "not-the-configured-secret", "", time.Now())
	if a := do(t, req); a.status != 403 || a.errorType != "InvalidSignatureException" || !strings.Contains(a.body, "does not match the signature you provided") {
		t.Fatalf("raw DRS call with a wrong secret: %+v", a)
	}
}

// A request is only valid as signed: a changed body, Host or target, or a
// signature scoped to another service, fails verification.
func TestTamperedRequestIsRefused(t *testing.T) {
	svc := startLocked(t)
	now := time.Now()
	req := listStateMachines(svc).build(t)
	sign(t, req, `{}`, "states", runservicetest.AccessKeyID, runservicetest.SecretAccessKey, "", now)
	if a := do(t, req); a.status != 200 {
		t.Fatalf("untampered request: %+v", a)
	}

	body := `{"maxResults": 1}`
	req = listStateMachines(svc).build(t)
	sign(t, req, `{}`, "states", runservicetest.AccessKeyID, runservicetest.SecretAccessKey, "", now)
	req.Body, req.ContentLength = io.NopCloser(strings.NewReader(body)), int64(len(body))
	if a := do(t, req); a.errorType != "InvalidSignatureException" {
		t.Errorf("changed body: %+v", a)
	}

	req = listStateMachines(svc).build(t)
	sign(t, req, `{}`, "states", runservicetest.AccessKeyID, runservicetest.SecretAccessKey, "", now)
	req.Header.Set("X-Amz-Target", "AWSStepFunctions.ListActivities")
	if a := do(t, req); a.errorType != "InvalidSignatureException" {
		t.Errorf("changed target: %+v", a)
	}

	u, _ := url.Parse(svc.URL)
	req = listStateMachines(svc).build(t)
	sign(t, req, `{}`, "states", runservicetest.AccessKeyID, runservicetest.SecretAccessKey, "", now)
	req.Host = "localhost:" + u.Port() // allowed, but not the Host that was signed
	if a := do(t, req); a.errorType != "InvalidSignatureException" {
		t.Errorf("changed Host: %+v", a)
	}

	req = listStateMachines(svc).build(t)
	sign(t, req, `{}`, "drs", runservicetest.AccessKeyID, runservicetest.SecretAccessKey, "", now)
	if a := do(t, req); a.errorType != "InvalidSignatureException" || !strings.Contains(a.body, "'states'") {
		t.Errorf("signature scoped to drs sent to Step Functions: %+v", a)
	}

	req = listStateMachines(svc).build(t)
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential="+runservicetest.AccessKeyID+"/20260105/us-east-1/states/aws4_request, SignedHeaders=host, Signature=0")
	if a := do(t, req); a.status != 400 || a.errorType != "IncompleteSignatureException" {
		t.Errorf("malformed Authorization header: %+v", a)
	}
}

// X-Amz-Date must be within 15 minutes of the service's clock, as AWS
// requires; each protocol refuses a stale or future signature its own way.
func TestSignatureOutsideClockSkewIsRefused(t *testing.T) {
	svc := startLocked(t)
	key, secret := runservicetest.AccessKeyID, runservicetest.SecretAccessKey
	for _, tc := range []struct {
		name    string
		req     rawRequest
		service string
		status  int
		code    string
	}{
		{"Step Functions", listStateMachines(svc), "states", 400, "InvalidSignatureException"},
		{"DRS", describeSourceServers(svc), "drs", 403, "InvalidSignatureException"},
		{"STS", getCallerIdentity(svc), "sts", 403, "<Code>SignatureDoesNotMatch</Code>"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, skew := range []time.Duration{-16 * time.Minute, 16 * time.Minute} {
				req := tc.req.build(t)
				sign(t, req, tc.req.body, tc.service, key, secret, "", time.Now().Add(skew))
				a := do(t, req)
				want := "Signature expired"
				if skew > 0 {
					want = "Signature not yet current"
				}
				if a.status != tc.status || !(a.errorType == tc.code || strings.Contains(a.body, tc.code)) || !strings.Contains(a.body, want) {
					t.Errorf("signed %v from now: %+v, want %d %s %q", skew, a, tc.status, tc.code, want)
				}
			}
			req := tc.req.build(t)
			sign(t, req, tc.req.body, tc.service, key, secret, "", time.Now().Add(-10*time.Minute))
			if a := do(t, req); a.status != 200 {
				t.Errorf("signed 10 minutes ago (within the window): %+v", a)
			}
		})
	}
}

// Temporary credentials from the service's STS AssumeRole verify too, in
// the role's account; the session token must be the one issued.
func TestAssumedRoleCredentialsVerify(t *testing.T) {
	ctx := context.Background()
	svc := startLocked(t)
	base := svc.AWSConfig("us-east-1")
	assumed := base.Copy()
	assumed.Credentials = aws.NewCredentialsCache(stscreds.NewAssumeRoleProvider(awssts.NewFromConfig(base), "arn:aws:iam::210987654321:role/dr"))
	me, err := awssts.NewFromConfig(assumed).GetCallerIdentity(ctx, &awssts.GetCallerIdentityInput{})
	if err != nil || aws.ToString(me.Account) != "210987654321" {
		t.Fatalf("assumed identity: %+v %v", me, err)
	}
	if _, err := drs.NewFromConfig(assumed).DescribeSourceServers(ctx, &drs.DescribeSourceServersInput{}); err != nil {
		t.Fatalf("DRS with assumed credentials: %v", err)
	}
	creds, err := assumed.Credentials.Retrieve(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for name, cfg := range map[string]aws.Config{
		"another session token":    withCredentials(base, creds.AccessKeyID, creds.SecretAccessKey, creds.SessionToken+"x"),
		"no session token":         withCredentials(base, creds.AccessKeyID, creds.SecretAccessKey, ""),
		"a session key not issued": withCredentials(base, "ASIA210987654321ZZZZ", creds.SecretAccessKey, creds.SessionToken),
	} {
		_, err := drs.NewFromConfig(cfg).DescribeSourceServers(ctx, &drs.DescribeSourceServersInput{})
		if code, _ := apiError(t, err); code != "UnrecognizedClientException" {
			t.Errorf("%s: %s, want UnrecognizedClientException", name, code)
		}
	}
}

// A web page that rebinds its DNS name to the run service sends its own
// name as Host: API calls (even correctly signed), pages and dashboard
// actions are refused, with or without configured credentials.
func TestRebindingHostIsRefused(t *testing.T) {
	for name, cfg := range map[string]runservice.Config{
		"without credentials": {},
		"with credentials":    {Credentials: runservicetest.Keys()},
	} {
		t.Run(name, func(t *testing.T) {
			svc := runservicetest.Start(t, cfg)
			u, _ := url.Parse(svc.URL)
			evil := "rebind.attacker.example:" + u.Port()
			for _, tc := range []struct {
				req     rawRequest
				service string
				code    string
			}{
				{listStateMachines(svc), "states", "AccessDeniedException"},
				{describeSourceServers(svc), "drs", "AccessDeniedException"},
				{getCallerIdentity(svc), "sts", "<Code>AccessDenied</Code>"},
			} {
				tc.req.host = evil
				req := tc.req.build(t)
				sign(t, req, tc.req.body, tc.service, runservicetest.AccessKeyID, runservicetest.SecretAccessKey, "", time.Now())
				if a := do(t, req); a.status != 403 || !(a.errorType == tc.code || strings.Contains(a.body, tc.code)) || !strings.Contains(a.body, "rebind.attacker.example") {
					t.Errorf("%s from a rebinding page: %+v", tc.service, a)
				}
			}
			before := svc.App.Clock.Now()
			for _, req := range []rawRequest{
				{method: http.MethodGet, url: svc.URL + "/ui/", host: evil},
				{method: http.MethodPost, url: svc.URL + "/ui/executions/x/resume", host: evil, body: "wave=web",
					header: http.Header{"Content-Type": {"application/x-www-form-urlencoded"}, "Origin": {"http://" + evil}}},
				{method: http.MethodPost, url: svc.URL + "/_sim/advance", host: evil, body: `{"seconds": 31536000}`,
					header: http.Header{"Content-Type": {"application/json"}, "Origin": {"http://" + evil}}},
			} {
				if a := do(t, req.build(t)); a.status != 403 || !strings.Contains(a.body, "not allowed") {
					t.Errorf("%s %s with Host %s: %+v", req.method, req.url, evil, a)
				}
			}
			if !svc.App.Clock.Now().Equal(before) {
				t.Errorf("a refused /_sim/advance moved the clock")
			}
		})
	}
	svc := runservicetest.Start(t, runservice.Config{AllowedHosts: []string{"drsorch.internal"}})
	u, _ := url.Parse(svc.URL)
	req := rawRequest{method: http.MethodGet, url: svc.URL + "/ui/", host: "drsorch.internal:" + u.Port()}
	if a := do(t, req.build(t)); a.status != 200 {
		t.Fatalf("an --allowed-host name: %+v", a)
	}
}

// /_sim/ takes only JSON from the same origin or from non-browser clients:
// a cross-site form (text/plain) or fetch cannot drive the simulator.
func TestCrossSiteSimControlIsRefused(t *testing.T) {
	svc := runservicetest.Start(t, runservice.Config{})
	advance := func(contentType string, header http.Header) answer {
		req := rawRequest{method: http.MethodPost, url: svc.URL + "/_sim/advance", body: `{"seconds": 31536000}`, header: header}.build(t)
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		return do(t, req)
	}
	before := svc.App.Clock.Now()
	for name, a := range map[string]answer{
		"text/plain (a cross-site form)":  advance("text/plain", http.Header{"Origin": {"https://evil.example"}}),
		"text/plain without Origin":       advance("text/plain", nil),
		"form encoded":                    advance("application/x-www-form-urlencoded", nil),
		"no content type":                 advance("", nil),
		"JSON from another origin":        advance("application/json", http.Header{"Origin": {"https://evil.example"}}),
		"JSON from an opaque origin":      advance("application/json", http.Header{"Origin": {"null"}}),
		"JSON, Sec-Fetch-Site cross-site": advance("application/json", http.Header{"Sec-Fetch-Site": {"cross-site"}}),
	} {
		if a.status != http.StatusForbidden && a.status != http.StatusUnsupportedMediaType {
			t.Errorf("%s: %+v", name, a)
		}
		if !strings.HasPrefix(a.body, `{"error":`) {
			t.Errorf("%s: refusal is not JSON: %s", name, a.body)
		}
	}
	if !svc.App.Clock.Now().Equal(before) {
		t.Fatalf("a refused /_sim/advance moved the clock from %s to %s", before, svc.App.Clock.Now())
	}
	if a := advance("application/json", http.Header{"Origin": {svc.URL}}); a.status != 200 {
		t.Fatalf("same-origin JSON: %+v", a)
	}
	if a := advance("application/json; charset=utf-8", nil); a.status != 200 {
		t.Fatalf("JSON without Origin (curl, scripts): %+v", a)
	}
	if got := svc.App.Clock.Now().Sub(before); got != 2*365*24*time.Hour {
		t.Fatalf("the accepted advances moved the clock by %s", got)
	}
}

// With configured credentials the operator pages need them too: HTTP
// Basic with a configured key, or a SigV4-signed request. /healthz stays
// open for readiness probes.
func TestOperatorPagesNeedCredentials(t *testing.T) {
	svc := startLocked(t)
	get := func(path string, auth func(*http.Request)) answer {
		req := rawRequest{method: http.MethodGet, url: svc.URL + path}.build(t)
		if auth != nil {
			auth(req)
		}
		return do(t, req)
	}
	basic := func(id, secret string) func(*http.Request) {
		return func(r *http.Request) { r.SetBasicAuth(id, secret) }
	}
	for _, path := range []string{"/ui/", "/_sim/state", "/metrics"} {
		if a := get(path, nil); a.status != http.StatusUnauthorized {
			t.Errorf("%s without credentials: %+v", path, a)
		}
		if a := get(path, basic(runservicetest.AccessKeyID, "wrong-secret-0000000")); a.status != http.StatusUnauthorized {
			t.Errorf("%s with a wrong secret: %+v", path, a)
		}
		if a := get(path, basic(runservicetest.AccessKeyID, runservicetest.SecretAccessKey)); a.status != http.StatusOK {
			t.Errorf("%s with a configured key: %+v", path, a)
		}
	}
	if a := get("/healthz", nil); a.status != http.StatusOK {
		t.Errorf("/healthz: %+v", a)
	}
	body := `{"seconds": 60}`
	req := rawRequest{method: http.MethodPost, url: svc.URL + "/_sim/advance", body: body, header: http.Header{"Content-Type": {"application/json"}}}
	signed := req.build(t)
	sign(t, signed, body, "drsorch", runservicetest.AccessKeyID, runservicetest.SecretAccessKey, "", time.Now())
	if a := do(t, signed); a.status != http.StatusOK {
		t.Fatalf("SigV4-signed /_sim/advance: %+v", a)
	}
	signed = req.build(t)
	sign(t, signed, body, "drsorch", runservicetest.AccessKeyID, "wrong-secret-0000000", "", time.Now())
	if a := do(t, signed); a.status != http.StatusForbidden {
		t.Fatalf("/_sim/advance signed with a wrong secret: %+v", a)
	}
}

// Presigned (query-string) authentication is refused everywhere: a URL
// that carries its own credentials could be replayed by any web page.
func TestQueryStringAuthIsRefused(t *testing.T) {
	svc := runservicetest.Start(t, runservice.Config{})
	q := "?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=" + url.QueryEscape(runservicetest.AccessKeyID+"/20260105/us-east-1/drs/aws4_request") +
		"&X-Amz-Date=20260105T090000Z&X-Amz-SignedHeaders=host&X-Amz-Signature=" + strings.Repeat("0", 64)
	for _, tc := range []struct {
		req  rawRequest
		code string
	}{
		{rawRequest{method: http.MethodPost, url: svc.URL + "/DescribeSourceServers" + q, body: `{}`, header: http.Header{"Content-Type": {"application/json"}}}, "AccessDeniedException"},
		{rawRequest{method: http.MethodPost, url: svc.URL + "/" + q, body: `{}`, header: http.Header{
			"X-Amz-Target": {"AWSStepFunctions.ListStateMachines"}, "Content-Type": {"application/x-amz-json-1.0"}}}, "AccessDeniedException"},
		{rawRequest{method: http.MethodGet, url: svc.URL + "/_sim/state" + q}, "query-string"},
	} {
		if a := do(t, tc.req.build(t)); a.status != 403 || !(a.errorType == tc.code || strings.Contains(a.body, tc.code)) {
			t.Errorf("%s %s: %+v", tc.req.method, tc.req.url, a)
		}
	}
	// Also next to a valid Authorization header.
	req := describeSourceServers(svc)
	req.url += q
	signed := req.build(t)
	sign(t, signed, req.body, "drs", runservicetest.AccessKeyID, runservicetest.SecretAccessKey, "", time.Now())
	if a := do(t, signed); a.status != 403 || a.errorType != "AccessDeniedException" {
		t.Errorf("signed request with query-string credentials: %+v", a)
	}
}

// Listening beyond loopback, or forwarding to AWS, needs credentials.
func TestUnsafeConfigurationsAreRefused(t *testing.T) {
	creds := runservicetest.Keys()
	for _, tc := range []struct {
		cfg     runservice.Config
		wantErr string
	}{
		{runservice.Config{Listen: "127.0.0.1:8787"}, ""},
		{runservice.Config{Listen: "[::1]:8787"}, ""},
		{runservice.Config{Listen: "localhost:8787"}, ""},
		{runservice.Config{}, ""},
		{runservice.Config{Listen: "0.0.0.0:8787"}, "--credentials-file"},
		{runservice.Config{Listen: ":8787"}, "--credentials-file"},
		{runservice.Config{Listen: "192.0.2.10:8787"}, "--credentials-file"},
		{runservice.Config{Listen: "0.0.0.0:8787", Credentials: creds}, ""},
		{runservice.Config{DRSMode: runservice.DRSAWS}, "--credentials-file"},
		{runservice.Config{DRSMode: runservice.DRSAWS, Credentials: creds}, ""},
		{runservice.Config{Credentials: map[string]string{"AKIASHORTSECRET00000": "short"}}, "shorter than 16"},
		{runservice.Config{Credentials: map[string]string{"ASIA123456789012ABCD": "long-enough-secret-000"}}, "reserved"},
	} {
		err := tc.cfg.Check()
		if (tc.wantErr == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tc.wantErr)) {
			t.Errorf("Check(listen %q, drs %q, %d keys) = %v, want error containing %q", tc.cfg.Listen, tc.cfg.DRSMode, len(tc.cfg.Credentials), err, tc.wantErr)
		}
	}
	if _, err := runservice.New(runservice.Config{Listen: "0.0.0.0:0"}); err == nil || !strings.Contains(err.Error(), "--credentials-file") {
		t.Fatalf("New on all interfaces without credentials: %v", err)
	}
}

func TestCredentialsFile(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string, mode os.FileMode) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), mode); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(p, mode); err != nil {
			t.Fatal(err)
		}
		return p
	}
	keys, err := runservice.LoadCredentialsFile(write("ok", "# operators\nAKIAOPERATOR00000001  operator-secret-0123456789\n\nAKIAOPERATOR00000002\tsecond-secret-0123456789\n", 0o600))
	if err != nil || len(keys) != 2 || keys["AKIAOPERATOR00000002"] != "second-secret-0123456789" {
		t.Fatalf("keys %v, %v", keys, err)
	}
	for name, tc := range map[string]struct {
		content string
		mode    os.FileMode
		want    string
	}{
		"world-readable": {"AKIAOPERATOR00000001 operator-secret-0123456789\n", 0o644, "chmod 600"},
		"one field":      {"AKIAOPERATOR00000001\n", 0o600, "line 1"},
		"empty":          {"# nothing\n", 0o600, "holds no key"},
		"duplicate":      {"AKIAOPERATOR00000001 operator-secret-0123456789\nAKIAOPERATOR00000001 operator-secret-0123456789\n", 0o600, "twice"},
	} {
		if _, err := runservice.LoadCredentialsFile(write(name, tc.content, tc.mode)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", name, err, tc.want)
		}
	}
}

// An unsigned STS call gets the awsQuery error document, as STS answers.
func TestUnsignedSTSRequestIsRefusedAsXML(t *testing.T) {
	svc := runservicetest.Start(t, runservice.Config{})
	a := do(t, getCallerIdentity(svc).build(t))
	if a.status != http.StatusForbidden || !strings.Contains(a.body, "<Code>MissingAuthenticationToken</Code>") || !strings.Contains(a.body, "<ErrorResponse") {
		t.Fatalf("unsigned GetCallerIdentity: %+v", a)
	}
}

// AWS serves some STS actions unsigned (AssumeRoleWithWebIdentity): the run
// service, which does not serve them, says so rather than asking for a
// signature; an action it serves still needs one.
func TestUnsignedSTSActionNotServedIsInvalidAction(t *testing.T) {
	svc := runservicetest.Start(t, runservice.Config{})
	req := getCallerIdentity(svc)
	req.body = "Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fr&RoleSessionName=s&WebIdentityToken=t"
	a := do(t, req.build(t))
	if a.status != http.StatusBadRequest || !strings.Contains(a.body, "<Code>InvalidAction</Code>") || !strings.Contains(a.body, "<ErrorResponse") {
		t.Fatalf("unsigned AssumeRoleWithWebIdentity: %+v", a)
	}
	req.body = "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fr&RoleSessionName=s"
	if a := do(t, req.build(t)); a.status != http.StatusForbidden || !strings.Contains(a.body, "<Code>MissingAuthenticationToken</Code>") {
		t.Fatalf("unsigned AssumeRole: %+v", a)
	}
}

// Package awsforward lets the run service drive real AWS services instead
// of its simulator (`drsorch serve --drs aws`): requests that arrive signed
// with local credentials are re-signed with the service's own credentials
// (the default AWS credential chain) and sent to the real endpoint of the
// caller's region. Step Functions tasks use the same path through Invoke.
package awsforward

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/hashicorp/go-retryablehttp"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/awswire"
)

// Forwarder sends one AWS service's requests to AWS.
type Forwarder struct {
	// Service is the SigV4 signing name, e.g. "drs".
	Service string
	// Endpoint returns the service's base URL in a region.
	Endpoint    func(region string) string
	Credentials aws.CredentialsProvider
	// Logger records every forwarded and every refused call; nil logs
	// nothing.
	Logger *slog.Logger
	client *retryablehttp.Client
	signer *v4.Signer
	now    func() time.Time
}

// New returns a forwarder. Reads (Describe*, Get*, List*) are retried with
// backoff on network errors, throttling and 5xx; anything else is sent
// once, since a write such as StartRecovery must never run twice.
func New(service string, endpoint func(string) string, creds aws.CredentialsProvider) *Forwarder {
	f := &Forwarder{Service: service, Endpoint: endpoint, Credentials: creds, signer: v4.NewSigner(), now: time.Now}
	c := retryablehttp.NewClient()
	c.Logger = nil
	c.RetryMax = 6
	c.RetryWaitMin, c.RetryWaitMax = 200*time.Millisecond, 20*time.Second
	c.CheckRetry = func(ctx context.Context, resp *http.Response, err error) (bool, error) {
		if s, ok := ctx.Value(signingKey{}).(*signing); ok && !isRead(s.operation) {
			return false, err
		}
		return retryablehttp.DefaultRetryPolicy(ctx, resp, err)
	}
	// Every attempt is signed afresh: a retry must not reuse an old date.
	c.PrepareRetry = f.sign
	// Hand back the last answer (a throttling error, say) rather than a bare "giving up".
	c.ErrorHandler = retryablehttp.PassthroughErrorHandler
	f.client = c
	return f
}

// signing is what a request needs to be signed again on a retry.
type signing struct {
	creds       aws.Credentials
	region      string
	payloadHash string
	operation   string
}

type signingKey struct{}

func (f *Forwarder) sign(r *http.Request) error {
	s, ok := r.Context().Value(signingKey{}).(*signing)
	if !ok {
		return fmt.Errorf("request to %s carries no signing data", f.Service)
	}
	for _, h := range []string{"Authorization", "X-Amz-Date", "X-Amz-Security-Token"} {
		r.Header.Del(h)
	}
	return f.signer.SignHTTP(r.Context(), s.creds, r, s.payloadHash, f.Service, s.region, f.now())
}

func isRead(op string) bool {
	for _, p := range []string{"Describe", "Get", "List"} {
		if strings.HasPrefix(op, p) {
			return true
		}
	}
	return false
}

// Forward sends a request to the service in region and returns the
// response and its body. op names the operation (for the retry policy).
func (f *Forwarder) Forward(ctx context.Context, region, method, path, rawQuery string, header http.Header, body []byte, op string) (*http.Response, []byte, error) {
	if !slices.Contains(Allowed[f.Service], op) {
		// Callers check first (and log who asked); this guards any other path.
		return nil, nil, fmt.Errorf("%s %s is not on the forwarding allowlist", f.Service, op)
	}
	creds, err := f.Credentials.Retrieve(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("AWS credentials for %s: %w", f.Service, err)
	}
	sum := sha256.Sum256(body)
	s := &signing{creds: creds, region: region, payloadHash: hex.EncodeToString(sum[:]), operation: op}
	url := strings.TrimSuffix(f.Endpoint(region), "/") + path
	if rawQuery != "" {
		url += "?" + rawQuery
	}
	req, err := retryablehttp.NewRequestWithContext(context.WithValue(ctx, signingKey{}, s), method, url, body)
	if err != nil {
		return nil, nil, err
	}
	for _, h := range []string{"Content-Type", "X-Amz-Target"} {
		if v := header.Get(h); v != "" {
			req.Header.Set(h, v)
		}
	}
	req.Header.Set("X-Amz-Content-Sha256", s.payloadHash)
	if err := f.sign(req.Request); err != nil {
		return nil, nil, err
	}
	resp, err := f.client.Do(req)
	if err != nil {
		return nil, nil, fmt.Errorf("%s %s in %s: %w", f.Service, op, region, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	return resp, data, err
}

// Invoke calls a restJson1 operation served at POST /<Operation> (every
// DRS operation a compiled plan or the engine uses) and maps AWS errors
// to *awswire.APIError, as the simulator does.
func (f *Forwarder) Invoke(ctx context.Context, id awswire.Identity, operation string, body []byte) ([]byte, error) {
	if len(body) == 0 {
		body = []byte("{}")
	}
	if err := f.permit(id, operation, "", body); err != nil {
		return nil, err
	}
	resp, data, err := f.Forward(ctx, id.Region, http.MethodPost, "/"+operation, "", http.Header{"Content-Type": {"application/json"}}, body, operation)
	if err != nil {
		return nil, err
	}
	f.logForwarded(id, operation, "", body, resp.StatusCode)
	if resp.StatusCode >= 300 {
		return nil, apiError(resp, data)
	}
	return data, nil
}

// InvokeTarget calls an awsJson operation (POST / with X-Amz-Target
// <targetPrefix>.<Operation>, such as Service Quotas') and maps AWS errors
// to *awswire.APIError.
func (f *Forwarder) InvokeTarget(ctx context.Context, id awswire.Identity, targetPrefix, contentType, operation string, body []byte) ([]byte, error) {
	if len(body) == 0 {
		body = []byte("{}")
	}
	if err := f.permit(id, operation, "", body); err != nil {
		return nil, err
	}
	header := http.Header{"Content-Type": {contentType}, "X-Amz-Target": {targetPrefix + "." + operation}}
	resp, data, err := f.Forward(ctx, id.Region, http.MethodPost, "/", "", header, body, operation)
	if err != nil {
		return nil, err
	}
	f.logForwarded(id, operation, "", body, resp.StatusCode)
	if resp.StatusCode >= 300 {
		return nil, apiError(resp, data)
	}
	return data, nil
}

// apiError reads an AWS JSON error: the code from X-Amzn-ErrorType (before
// any ':'), else the body's __type or code.
func apiError(resp *http.Response, data []byte) *awswire.APIError {
	var body struct {
		Type    string `json:"__type"`
		Code    string `json:"code"`
		Message string `json:"message"`
		Upper   string `json:"Message"`
	}
	_ = json.Unmarshal(data, &body)
	code := resp.Header.Get("X-Amzn-ErrorType")
	if code == "" {
		code = body.Type
	}
	if code == "" {
		code = body.Code
	}
	code, _, _ = strings.Cut(code, ":")
	if i := strings.LastIndex(code, "#"); i >= 0 {
		code = code[i+1:]
	}
	if code == "" {
		code = http.StatusText(resp.StatusCode)
	}
	msg := body.Message
	if msg == "" {
		msg = body.Upper
	}
	return awswire.NewError(resp.StatusCode, code, msg)
}

// Handler forwards the requests the run service receives for this service
// (already authenticated by the router) and copies the answer back.
func (f *Forwarder) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, _ := awswire.IdentityFrom(r.Context())
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		op, resource := Operation(r)
		if aerr := f.permit(id, op, resource, body); aerr != nil {
			f.writeError(w, aerr)
			return
		}
		resp, data, err := f.Forward(r.Context(), id.Region, r.Method, r.URL.EscapedPath(), r.URL.RawQuery, r.Header, body, op)
		if err != nil {
			f.writeError(w, awswire.NewError(http.StatusBadGateway, "InternalServerException", err.Error()))
			return
		}
		f.logForwarded(id, op, resource, body, resp.StatusCode)
		for _, h := range []string{"Content-Type", "X-Amzn-ErrorType", "X-Amzn-Requestid", "Retry-After"} {
			if v := resp.Header.Get(h); v != "" {
				w.Header().Set(h, v)
			}
		}
		w.WriteHeader(resp.StatusCode)
		_, _ = io.Copy(w, bytes.NewReader(data))
	})
}

package awsclient

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/drs"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// flakyDRS answers the first failures requests with status and then
// succeeds, counting every request.
func flakyDRS(t *testing.T, failures int, status int, code string) (*drs.Client, *atomic.Int32) {
	t.Helper()
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := calls.Add(1)
		w.Header().Set("Content-Type", "application/json")
		if int(n) <= failures {
			w.Header().Set("X-Amzn-ErrorType", code)
			w.Header().Set("Retry-After", "0")
			w.WriteHeader(status)
			w.Write([]byte(`{"message":"slow down"}`))
			return
		}
		w.Write([]byte(`{"items":[]}`))
	}))
	t.Cleanup(srv.Close)
	cfg := aws.Config{
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider("AKID", "SECRET", ""),
		BaseEndpoint: aws.String(srv.URL),
		Retryer:      func() aws.Retryer { return newRetryer(4, 5*time.Millisecond) },
	}
	return drs.NewFromConfig(cfg), &calls
}

func TestRetryerSurvivesThrottlingAndServerErrors(t *testing.T) {
	for _, tc := range []struct {
		status int
		code   string
	}{
		{429, "ThrottlingException"},
		{429, "SomethingUnmodelled"},
		{500, "InternalServerException"},
		{503, "ServiceUnavailable"},
	} {
		client, calls := flakyDRS(t, 3, tc.status, tc.code)
		if _, err := client.DescribeSourceServers(context.Background(), &drs.DescribeSourceServersInput{}); err != nil {
			t.Fatalf("%d %s: not survived: %v", tc.status, tc.code, err)
		}
		if calls.Load() != 4 {
			t.Fatalf("%d %s: %d calls, want 4 (3 failures + 1 success)", tc.status, tc.code, calls.Load())
		}
	}
}

func TestRetryerStopsAtMaxAttempts(t *testing.T) {
	client, calls := flakyDRS(t, 100, 429, "ThrottlingException")
	_, err := client.DescribeSourceServers(context.Background(), &drs.DescribeSourceServersInput{})
	if err == nil {
		t.Fatal("want an error after the attempts run out")
	}
	if calls.Load() != 4 {
		t.Fatalf("%d calls, want exactly 4: one retry layer, never more", calls.Load())
	}
}

func TestRetryerDoesNotRetryClientErrors(t *testing.T) {
	client, calls := flakyDRS(t, 100, 400, "ValidationException")
	if _, err := client.DescribeSourceServers(context.Background(), &drs.DescribeSourceServersInput{}); err == nil {
		t.Fatal("want the validation error")
	}
	if calls.Load() != 1 {
		t.Fatalf("%d calls, want 1", calls.Load())
	}
}

func responseError(header http.Header) error {
	return &smithyhttp.ResponseError{Response: &smithyhttp.Response{Response: &http.Response{StatusCode: 429, Header: header}}}
}

func TestRetryDelayHonoursRetryAfterWithinTheCap(t *testing.T) {
	r := newRetryer(10, 20*time.Second)
	d, err := r.RetryDelay(1, responseError(http.Header{"Retry-After": []string{"7"}}))
	if err != nil || d != 7*time.Second {
		t.Fatalf("delay = %v, %v; want Retry-After's 7s", d, err)
	}
	d, _ = r.RetryDelay(1, responseError(http.Header{"Retry-After": []string{"600"}}))
	if d != 20*time.Second {
		t.Fatalf("delay = %v; want the 20s cap", d)
	}
	d, _ = r.RetryDelay(30, responseError(http.Header{}))
	if d > 20*time.Second {
		t.Fatalf("exponential delay %v exceeds the cap", d)
	}
}

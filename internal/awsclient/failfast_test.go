package awsclient_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/drs"

	"github.com/drsorch/terraform-provider-drsorch/internal/awsclient"
)

// closedPort is a loopback address nothing listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// With the default 25 retries a refused connection used to take about
// three minutes; an endpoint that never answered now fails at once,
// naming the endpoint and how to start the run service.
func TestUnreachableRunServiceFailsFast(t *testing.T) {
	isolate(t)
	addr := closedPort(t)
	c, err := awsclient.New(context.Background(), awsclient.Settings{Region: "us-east-1", RunServiceEndpoint: "http://" + addr}, nil)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err = c.DRS.DescribeSourceServers(context.Background(), &drs.DescribeSourceServersInput{})
	took := time.Since(start)
	t.Logf("connection refused failed after %.2fs: %v", took.Seconds(), err)
	var u *awsclient.UnreachableError
	if !errors.As(err, &u) {
		t.Fatalf("want an UnreachableError, got %v", err)
	}
	for _, want := range []string{"http://" + addr, "connection refused", "drsorch serve --listen " + addr, "DRSORCH_RUN_SERVICE_ENDPOINT"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q: %v", want, err)
		}
	}
	if took > 10*time.Second {
		t.Errorf("took %s, want at most 10s", took)
	}
}

func TestUnresolvableEndpointFailsFast(t *testing.T) {
	isolate(t)
	// .invalid never resolves (RFC 2606).
	c, err := awsclient.New(context.Background(), awsclient.Settings{Region: "us-east-1", RunServiceEndpoint: "http://drsorch.invalid:8787"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err = c.DRS.DescribeSourceServers(context.Background(), &drs.DescribeSourceServersInput{})
	took := time.Since(start)
	t.Logf("unresolvable host failed after %.2fs: %v", took.Seconds(), err)
	var dns *net.DNSError
	if errors.As(err, &dns) && !dns.IsNotFound {
		t.Skipf("this machine's resolver does not answer NXDOMAIN: %v", err)
	}
	var u *awsclient.UnreachableError
	if !errors.As(err, &u) || !strings.Contains(err.Error(), "drsorch.invalid:8787") || !strings.Contains(err.Error(), "host not found") {
		t.Fatalf("want an UnreachableError naming the endpoint, got %v", err)
	}
	if took > 10*time.Second {
		t.Errorf("took %s, want at most 10s", took)
	}
}

// An endpoint that answered before is retried: a run service restarting
// (or a network blip) must not fail a long apply.
func TestEndpointThatAnsweredIsRetried(t *testing.T) {
	isolate(t)
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"items":[]}`))
	}))
	retries := 2
	c, err := awsclient.New(context.Background(), awsclient.Settings{Region: "us-east-1", RunServiceEndpoint: srv.URL,
		MaxRetries: &retries, MaxBackoff: 10 * time.Millisecond}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.DRS.DescribeSourceServers(context.Background(), &drs.DescribeSourceServersInput{}); err != nil {
		t.Fatal(err)
	}
	srv.Close()
	_, err = c.DRS.DescribeSourceServers(context.Background(), &drs.DescribeSourceServersInput{})
	var u *awsclient.UnreachableError
	if err == nil || errors.As(err, &u) || !strings.Contains(err.Error(), "exceeded maximum number of attempts, 3") {
		t.Fatalf("want the refused connection retried 3 times, got %v", err)
	}
}

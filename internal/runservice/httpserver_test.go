package runservice_test

import (
	"bufio"
	"context"
	"errors"
	"net"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/smithy-go"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/runservicetest"
)

// serveWithLimits serves the run service's handler through NewHTTPServer.
func serveWithLimits(t *testing.T, limits runservice.ServerLimits) (*runservicetest.Service, *httptest.Server) {
	t.Helper()
	svc := runservicetest.Start(t, runservice.Config{})
	srv := httptest.NewUnstartedServer(nil)
	srv.Config = runservice.NewHTTPServer(svc.App.Handler(), limits)
	srv.Start()
	t.Cleanup(srv.Close)
	return svc, srv
}

// A client that sends headers and part of a body, then stalls, is
// disconnected once the read timeout passes instead of being held open.
func TestStalledUploadIsClosed(t *testing.T) {
	limits := runservice.DefaultServerLimits
	limits.ReadTimeout = 300 * time.Millisecond
	limits.ReadHeaderTimeout = 300 * time.Millisecond
	_, srv := serveWithLimits(t, limits)
	for _, stall := range []string{
		"POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-amz-json-1.0\r\nContent-Length: 100000\r\n\r\n{\"a\":", // mid-body
		"POST / HTTP/1.1\r\nHost: x\r\n", // mid-headers
	} {
		conn, err := net.Dial("tcp", srv.Listener.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := conn.Write([]byte(stall)); err != nil {
			t.Fatal(err)
		}
		_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
		start := time.Now()
		r := bufio.NewReader(conn)
		for {
			if _, err := r.ReadByte(); err != nil {
				var ne net.Error
				if errors.As(err, &ne) && ne.Timeout() {
					t.Fatalf("the server still holds a stalled upload open after %v", time.Since(start))
				}
				break // closed by the server
			}
		}
		conn.Close()
	}
}

// A request body above the limit is refused, not read into memory.
func TestOversizedRequestIsRefused(t *testing.T) {
	limits := runservice.DefaultServerLimits
	limits.MaxBodyBytes = 64 << 10
	svc, srv := serveWithLimits(t, limits)
	cfg := svc.AWSConfig("us-east-1")
	cfg.BaseEndpoint = aws.String(srv.URL)
	c := sfn.NewFromConfig(cfg)
	def := `{"StartAt":"A","Comment":"` + strings.Repeat("x", 100<<10) + `","States":{"A":{"Type":"Succeed"}}}`
	_, err := c.CreateStateMachine(context.Background(), &sfn.CreateStateMachineInput{
		Name: aws.String("big"), Definition: aws.String(def), RoleArn: aws.String("arn:aws:iam::123456789012:role/r")})
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("CreateStateMachine with a %d-byte body: err = %v, want an API error", len(def), err)
	}
	t.Logf("refused with %s: %s", ae.ErrorCode(), ae.ErrorMessage())
	if _, err := c.ListStateMachines(context.Background(), &sfn.ListStateMachinesInput{}); err != nil {
		t.Fatalf("a normal request after the refused one: %v", err)
	}
	// The default limit takes the largest definition Step Functions accepts.
	if runservice.DefaultServerLimits.MaxBodyBytes < 2<<20 || runservice.DefaultServerLimits.ReadTimeout <= 0 || runservice.DefaultServerLimits.IdleTimeout <= 0 {
		t.Fatalf("default limits %+v", runservice.DefaultServerLimits)
	}
}

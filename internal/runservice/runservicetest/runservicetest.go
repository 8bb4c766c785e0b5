// Package runservicetest starts a run service inside a test process, on an
// httptest listener, with an in-memory store and a frozen simulated clock
// that the test advances by hand.
package runservicetest

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/drsorch/terraform-provider-drsorch/internal/awsclient"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/store"
)

// Epoch is where simulated time starts in tests.
var Epoch = time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)

// Service is a run service started for one test.
type Service struct {
	App *runservice.App
	URL string
}

// Start starts a run service and stops it when the test ends. cfg may
// leave every field zero: the data dir defaults to memory, time is frozen
// at Epoch unless TimeScale is set, and the demo estate is served.
func Start(t testing.TB, cfg runservice.Config) *Service {
	t.Helper()
	if cfg.DataDir == "" {
		cfg.DataDir = store.Memory
	}
	if cfg.StartTime.IsZero() && cfg.TimeScale == 0 {
		cfg.StartTime = Epoch
	}
	app, err := runservice.New(cfg)
	if err != nil {
		t.Fatalf("start run service: %v", err)
	}
	srv := httptest.NewServer(app.Handler())
	t.Cleanup(func() {
		srv.Close()
		_ = app.Close()
	})
	return &Service{App: app, URL: srv.URL}
}

// Static credentials for the default simulated account.
const (
	AccessKeyID     = "AKIADRSORCHLOCAL0000"
	SecretAccessKey = "drsorch-local-secret"
)

// Keys are the static credentials of AWSConfig in the form of
// runservice.Config.Credentials: a service started with them verifies the
// signature of every request, and AWSConfig's clients pass.
func Keys() map[string]string { return map[string]string{AccessKeyID: SecretAccessKey} }

// AWSConfig is an aws-sdk-go-v2 configuration pointing every client at the
// service, in region, with static credentials of the default account.
func (s *Service) AWSConfig(region string) aws.Config {
	return aws.Config{
		Region:       region,
		Credentials:  credentials.NewStaticCredentialsProvider(AccessKeyID, SecretAccessKey, ""),
		BaseEndpoint: aws.String(s.URL),
		// Tests talk to loopback: fail fast rather than back off for seconds.
		RetryMaxAttempts: 1,
		// The production HTTP client: without its guard, large responses
		// read back to back sometimes lose their connection.
		HTTPClient: awsclient.NewHTTPClient(),
	}
}

// Drive runs simulated time forward until done reports true: it lets the
// Step Functions engine settle, then jumps the frozen clock to the next
// timer (a Wait state, a retry, a task timeout), and so on. It fails the
// test when nothing is left to happen or after maxSteps jumps.
func (s *Service) Drive(t testing.TB, maxSteps int, done func() bool) {
	t.Helper()
	ctx := context.Background()
	for step := 0; step <= maxSteps; step++ {
		if err := s.App.SFN.Engine().Settle(ctx); err != nil {
			t.Fatalf("settle engine: %v", err)
		}
		if done() {
			return
		}
		next, ok := s.App.Clock.NextDeadline()
		if !ok {
			t.Fatalf("simulated time is stuck at %s: nothing is scheduled and the awaited condition is not met", s.App.Clock.Now().Format(time.RFC3339))
		}
		s.App.Clock.AdvanceTo(next)
	}
	t.Fatalf("condition not met after %d clock jumps (simulated time %s)", maxSteps, s.App.Clock.Now().Format(time.RFC3339))
}

package drssim_test

import (
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/drs"
	"github.com/aws/aws-sdk-go-v2/service/drs/types"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/drssim"
)

// noBackoff retries at once: the run service's throttling is simulated,
// so tests need not wait on the wall clock.
type noBackoff struct{}

func (noBackoff) BackoffDelay(int, error) (time.Duration, error) { return 0, nil }

func TestThrottlingIsSurvivedByTheSDKRetryer(t *testing.T) {
	svc := start(t, &drssim.Inventory{Estates: []drssim.EstateSpec{{Region: "us-east-1",
		Generate: &drssim.GenerateSpec{Count: 250}, Faults: &drssim.Faults{ThrottlePercent: 50}}}})

	// Without retries every second request is throttled, with Retry-After.
	c := drsClient(svc, "us-east-1")
	var throttled int
	for i := 0; i < 4; i++ {
		_, err := c.DescribeSourceServers(ctx, &drs.DescribeSourceServersInput{MaxResults: aws.Int32(10)})
		var te *types.ThrottlingException
		if errors.As(err, &te) {
			throttled++
			var re *smithyhttp.ResponseError
			if !errors.As(err, &re) || re.HTTPStatusCode() != http.StatusTooManyRequests || re.Response.Header.Get("Retry-After") == "" ||
				aws.ToString(te.RetryAfterSeconds) == "" {
				t.Fatalf("throttling response: %v", err)
			}
		} else if err != nil {
			t.Fatal(err)
		}
	}
	if throttled != 2 {
		t.Fatalf("%d of 4 requests throttled at 50%%, want 2", throttled)
	}

	// The SDK's standard retryer gets every page through.
	cfg := awsConfig(svc, "us-east-1")
	cfg.RetryMaxAttempts = 0 // let the retryer below decide
	cfg.Retryer = func() aws.Retryer {
		return retry.NewStandard(func(o *retry.StandardOptions) {
			o.MaxAttempts = 5
			o.Backoff = noBackoff{}
			o.RateLimiter = ratelimit.None
		})
	}
	svc.App.DRS.ResetStats()
	servers, pages := allServers(t, drs.NewFromConfig(cfg), 50)
	if len(servers) != 250 || pages != 5 {
		t.Fatalf("%d servers in %d pages through throttling, want 250 in 5", len(servers), pages)
	}
	if calls := svc.App.DRS.Stats()["DescribeSourceServers"]; calls != 9 {
		t.Errorf("%d DescribeSourceServers calls, want 9 (5 pages; requests 6, 8, 10 and 12 of the estate throttled)", calls)
	}

	if err := svc.App.DRS.SetFaults(drssim.Estate{}, drssim.Faults{}); err != nil {
		t.Fatal(err)
	}
	if _, pages := allServers(t, c, 50); pages != 5 {
		t.Fatal("faults not cleared")
	}
}

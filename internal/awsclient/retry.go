package awsclient

import (
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// newRetryer is the only retry layer: the SDK's standard retryer with more
// attempts, a 20 s backoff cap, 429 and 5xx retried, Retry-After
// honoured, and an endpoint that never answered not retried at all
// (failfast.go). Nothing above it retries again.
func newRetryer(maxAttempts int, maxBackoff time.Duration) aws.Retryer {
	std := retry.NewStandard(func(o *retry.StandardOptions) {
		o.MaxAttempts = maxAttempts
		o.MaxBackoff = maxBackoff
		o.Retryables = append([]retry.IsErrorRetryable{notRetryingUnreachable}, o.Retryables...)
		o.Retryables = append(o.Retryables, retry.RetryableHTTPStatusCode{
			Codes: map[int]struct{}{429: {}, 500: {}, 502: {}, 503: {}, 504: {}},
		})
		o.Throttles = append(o.Throttles, retry.IsErrorThrottleFunc(func(err error) aws.Ternary {
			if statusCode(err) == 429 {
				return aws.TrueTernary
			}
			return aws.UnknownTernary
		}))
		// A discovery across many regions can meet many throttles at once;
		// the client-side retry quota would then fail calls that patient
		// backoff saves. The attempt cap bounds the work instead.
		o.RateLimiter = ratelimit.None
	})
	return &retryAfterRetryer{Standard: std, maxBackoff: maxBackoff}
}

// retryAfterRetryer waits at least as long as the server asks.
type retryAfterRetryer struct {
	*retry.Standard
	maxBackoff time.Duration
}

func (r *retryAfterRetryer) RetryDelay(attempt int, err error) (time.Duration, error) {
	d, derr := r.Standard.RetryDelay(attempt, err)
	if derr != nil {
		return d, derr
	}
	if after, ok := retryAfter(err); ok && after > d {
		d = after
	}
	if d > r.maxBackoff {
		d = r.maxBackoff
	}
	return d, nil
}

func statusCode(err error) int {
	var re *smithyhttp.ResponseError
	if errors.As(err, &re) && re.Response != nil {
		return re.Response.StatusCode
	}
	return 0
}

// retryAfter reads the Retry-After header (seconds) of a failed response.
func retryAfter(err error) (time.Duration, bool) {
	var re *smithyhttp.ResponseError
	if !errors.As(err, &re) || re.Response == nil {
		return 0, false
	}
	v := strings.TrimSpace(re.Response.Header.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	secs, perr := strconv.ParseFloat(v, 64)
	if perr != nil || secs < 0 {
		return 0, false
	}
	return time.Duration(secs * float64(time.Second)), true
}

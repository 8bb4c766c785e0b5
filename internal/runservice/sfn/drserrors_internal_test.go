package sfn

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/awswire"
)

type failingDRS struct{ err error }

func (f failingDRS) Invoke(context.Context, awswire.Identity, string, []byte) ([]byte, error) {
	return nil, f.err
}

// Errors DRS's model lists keep their name; others are Drs.DrsException;
// a call that never got an answer is Drs.SdkClientException.
func TestDRSErrorNamesInTasks(t *testing.T) {
	e := &Engine{}
	for _, c := range []struct {
		err  error
		want string
	}{
		{awswire.NewError(http.StatusTooManyRequests, "ThrottlingException", "slow down"), "Drs.ThrottlingException"},
		{awswire.NewError(http.StatusServiceUnavailable, "ServiceUnavailable", "try later"), "Drs.DrsException"},
		{awswire.NewError(http.StatusBadRequest, "UnrecognizedClientException", "bad token"), "Drs.DrsException"},
		{errors.New("connection reset by peer"), "Drs.SdkClientException"},
	} {
		e.opts.DRS = failingDRS{c.err}
		_, got := e.callDRS(context.Background(), awswire.Identity{Account: "123456789012", Region: "us-east-1"}, "DescribeJobs", map[string]any{})
		if got == nil || got.Name != c.want {
			t.Fatalf("%v surfaced as %+v, want %s", c.err, got, c.want)
		}
		if c.want == "Drs.DrsException" && !strings.Contains(got.Cause, "Status Code: 503") && !strings.Contains(got.Cause, "Status Code: 400") {
			t.Fatalf("cause = %q", got.Cause)
		}
	}
}

package runservice_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/drs"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/runservicetest"
)

func TestMetricsCountAPIRequests(t *testing.T) {
	svc := runservicetest.Start(t, runservice.Config{})
	client := drs.NewFromConfig(svc.AWSConfig("us-east-1"))
	for i := 0; i < 3; i++ {
		if _, err := client.DescribeSourceServers(context.Background(), &drs.DescribeSourceServersInput{}); err != nil {
			t.Fatal(err)
		}
	}
	resp, err := http.Get(svc.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	want := `drsorch_api_requests_total{code="200",operation="DescribeSourceServers",service="drs"} 3`
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), want) {
		t.Fatalf("status %d, /metrics lacks %s:\n%s", resp.StatusCode, want, body)
	}
}

// An API request without SigV4 credentials is never served as an AWS call.
func TestUnsignedAPIRequestIsRefused(t *testing.T) {
	svc := runservicetest.Start(t, runservice.Config{})
	resp, err := http.Post(svc.URL+"/DescribeSourceServers", "application/json", strings.NewReader(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	// restJson1, as DRS answers: the code in x-amzn-ErrorType, a JSON body.
	if resp.StatusCode != http.StatusForbidden || resp.Header.Get("X-Amzn-ErrorType") != "MissingAuthenticationTokenException" ||
		resp.Header.Get("Content-Type") != "application/json" || !strings.Contains(string(body), `"message"`) {
		t.Fatalf("unsigned DRS request answered %d %s %q %s, want 403 MissingAuthenticationTokenException as restJson1",
			resp.StatusCode, resp.Header.Get("X-Amzn-ErrorType"), resp.Header.Get("Content-Type"), body)
	}
	req, _ := http.NewRequest(http.MethodPost, svc.URL, strings.NewReader(`{}`))
	req.Header.Set("X-Amz-Target", "AWSStepFunctions.ListStateMachines")
	req.Header.Set("Content-Type", "application/x-amz-json-1.0")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(string(body), "MissingAuthenticationTokenException") {
		t.Fatalf("unsigned Step Functions request: %d %s", resp.StatusCode, body)
	}
}

package awsclient_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/drs"

	"github.com/drsorch/terraform-provider-drsorch/internal/awsclient"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/runservicetest"
)

// Large responses read back to back, with retries off so that a dropped
// connection fails the test instead of being retried away.
func TestHTTPClientKeepsConnectionsAcrossLargeResponses(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 60 large pages")
	}
	inventory := filepath.Join(t.TempDir(), "inventory.json")
	estate := `{"estates":[{"account":"123456789012","region":"us-east-1","generate":{"count":900,"hostnamePrefix":"big"}}]}`
	if err := os.WriteFile(inventory, []byte(estate), 0o600); err != nil {
		t.Fatal(err)
	}
	svc := runservicetest.Start(t, runservice.Config{Inventory: inventory})
	cfg := svc.AWSConfig("us-east-1")
	cfg.HTTPClient = awsclient.NewHTTPClient()
	cfg.RetryMaxAttempts = 1
	client := drs.NewFromConfig(cfg)
	for i := range 60 {
		out, err := client.DescribeSourceServers(context.Background(), &drs.DescribeSourceServersInput{MaxResults: aws.Int32(1000)})
		if err != nil {
			t.Fatalf("read %d: %v", i, err)
		}
		if len(out.Items) != 900 {
			t.Fatalf("read %d: %d servers", i, len(out.Items))
		}
	}
}

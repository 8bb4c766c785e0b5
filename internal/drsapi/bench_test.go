package drsapi_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/drsorch/terraform-provider-drsorch/internal/awsclient"
	"github.com/drsorch/terraform-provider-drsorch/internal/drsapi"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/runservicetest"
)

// BenchmarkListSourceServers4000 reads an estate of 4,000 servers through
// the real DRS client and the run service, and reports how many
// DescribeSourceServers calls (pages) each read takes.
func BenchmarkListSourceServers4000(b *testing.B) {
	inventory := filepath.Join(b.TempDir(), "inventory.json")
	estate := `{"estates":[{"account":"123456789012","region":"us-east-1","generate":{"count":4000,"hostnamePrefix":"bench","tags":{"app":"bench"}}}]}`
	if err := os.WriteFile(inventory, []byte(estate), 0o600); err != nil {
		b.Fatal(err)
	}
	svc := runservicetest.Start(b, runservice.Config{Inventory: inventory})
	// The provider's own configuration: run-service endpoint, local
	// credentials, the tuned retryer.
	clients, err := awsclient.New(context.Background(), awsclient.Settings{Region: "us-east-1", RunServiceEndpoint: svc.URL},
		func(string) (string, bool) { return "", false })
	if err != nil {
		b.Fatal(err)
	}
	client := clients.DRS
	filter := drsapi.ServerFilter{Tags: map[string]string{"app": "bench"}}
	svc.App.DRS.ResetStats()
	b.ResetTimer()
	for range b.N {
		servers, err := drsapi.ListSourceServers(context.Background(), client, nil)
		if err != nil {
			b.Fatal(err)
		}
		matched := 0
		for _, s := range servers {
			if filter.Match(s) {
				matched++
			}
		}
		if matched != 4000 {
			b.Fatalf("matched %d servers, want 4000", matched)
		}
	}
	b.StopTimer()
	calls := svc.App.DRS.Stats()["DescribeSourceServers"]
	b.ReportMetric(float64(calls)/float64(b.N), "calls/op")
	b.ReportMetric(4000, "servers/op")
}

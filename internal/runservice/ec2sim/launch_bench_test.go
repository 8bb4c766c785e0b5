package ec2sim_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/drs"
	drstypes "github.com/aws/aws-sdk-go-v2/service/drs/types"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/runservicetest"
)

// BenchmarkDrill100: a 100-server drill (SQLite on disk), its instances
// placed from their launch templates or, for comparison, not.
func BenchmarkDrill100(b *testing.B) {
	b.Run("templates", func(b *testing.B) { benchDrill(b, true) })
	b.Run("no-templates", func(b *testing.B) { benchDrill(b, false) })
}

func benchDrill(b *testing.B, templates bool) {
	inv := filepath.Join(b.TempDir(), "inventory.json")
	if err := os.WriteFile(inv, []byte(`{"estates": [{"region": "us-east-1", "quotas": {"L-B827C881": 5000}, "generate": {"count": 100}}]}`), 0o600); err != nil {
		b.Fatal(err)
	}
	svc := runservicetest.Start(b, runservice.Config{DataDir: b.TempDir(), Inventory: inv})
	if !templates {
		svc.App.DRS.SetLaunchPlacer(nil)
	}
	d := drs.NewFromConfig(svc.AWSConfig("us-east-1"))
	ctx := context.Background()
	out, err := d.DescribeSourceServers(ctx, &drs.DescribeSourceServersInput{})
	if err != nil {
		b.Fatal(err)
	}
	var servers []drstypes.StartRecoveryRequestSourceServer
	for _, s := range out.Items {
		servers = append(servers, drstypes.StartRecoveryRequestSourceServer{SourceServerID: s.SourceServerID})
	}
	drill := true
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := d.StartRecovery(ctx, &drs.StartRecoveryInput{IsDrill: &drill, SourceServers: servers}); err != nil {
			b.Fatal(err)
		}
		svc.App.DRS.RunUntilIdle()
	}
}

package provider

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/drsorch/terraform-provider-drsorch/internal/awsclient"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/runservicetest"
)

// BenchmarkSourceServersRead4000 is the provider-side cost of one read of
// drsorch_source_servers (tag filter) over 4,000 servers: the API pages,
// the filter, and the conversion into Terraform state. It reports the
// DescribeSourceServers calls per read.
func BenchmarkSourceServersRead4000(b *testing.B) {
	inventory := filepath.Join(b.TempDir(), "inventory.json")
	estate := `{"estates":[{"account":"123456789012","region":"us-east-1","generate":{"count":4000,"hostnamePrefix":"bench","tags":{"app":"bench"}}}]}`
	if err := os.WriteFile(inventory, []byte(estate), 0o600); err != nil {
		b.Fatal(err)
	}
	svc := runservicetest.Start(b, runservice.Config{Inventory: inventory})
	ctx := context.Background()
	clients, err := awsclient.New(ctx, awsclient.Settings{Region: "us-east-1", RunServiceEndpoint: svc.URL},
		func(string) (string, bool) { return "", false })
	if err != nil {
		b.Fatal(err)
	}
	ds := &sourceServersDataSource{clients: clients}
	var sr datasource.SchemaResponse
	ds.Schema(ctx, datasource.SchemaRequest{}, &sr)
	typ := sr.Schema.Type().TerraformType(ctx).(tftypes.Object)
	values := map[string]tftypes.Value{}
	for name, t := range typ.AttributeTypes {
		values[name] = tftypes.NewValue(t, nil)
	}
	values["tags"] = tftypes.NewValue(typ.AttributeTypes["tags"], map[string]tftypes.Value{"app": tftypes.NewValue(tftypes.String, "bench")})
	config := tfsdk.Config{Schema: sr.Schema, Raw: tftypes.NewValue(typ, values)}

	svc.App.DRS.ResetStats()
	b.ResetTimer()
	for range b.N {
		resp := datasource.ReadResponse{State: tfsdk.State{Schema: sr.Schema, Raw: tftypes.NewValue(typ, nil)}}
		ds.Read(ctx, datasource.ReadRequest{Config: config}, &resp)
		if resp.Diagnostics.HasError() {
			b.Fatal(resp.Diagnostics)
		}
		var ids []string
		resp.State.GetAttribute(ctx, path.Root("server_ids"), &ids)
		if len(ids) != 4000 {
			b.Fatalf("%d servers read, want 4000", len(ids))
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(svc.App.DRS.Stats()["DescribeSourceServers"])/float64(b.N), "calls/op")
}

package provider

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/drs"
	"github.com/aws/aws-sdk-go-v2/service/servicequotas"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/drsorch/terraform-provider-drsorch/internal/acctest"
	"github.com/drsorch/terraform-provider-drsorch/internal/awsclient"
	"github.com/drsorch/terraform-provider-drsorch/internal/drsapi"
	"github.com/drsorch/terraform-provider-drsorch/internal/protectiongroup"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/runservicetest"
)

// BenchmarkRecoveryPlanValidateAndCompile measures what the provider does
// at plan time for a plan of 100 waves over 1,000 servers (10 levels of 10
// parallel waves of 10 servers): offline structure checks, one read of the
// estate, membership, quotas and usage, and the compilation to ASL. It
// reports the DRS calls per plan: pages, never one per server.
func BenchmarkRecoveryPlanValidateAndCompile(b *testing.B) {
	ctx := context.Background()
	file := acctest.WriteInventory(b, acctest.Inventory{Estates: []acctest.Estate{
		acctest.GeneratedEstate("123456789012", "us-east-1", 1000, map[string]string{"app": "bench"}),
	}})
	svc := runservicetest.Start(b, runservice.Config{Inventory: file})
	cfg := svc.AWSConfig("us-east-1")
	cfg.HTTPClient = awsclient.NewHTTPClient()
	clients := &awsclient.Clients{Region: "us-east-1", DRS: drs.NewFromConfig(cfg), SFN: sfn.NewFromConfig(cfg), ServiceQuotas: servicequotas.NewFromConfig(cfg)}

	servers, err := drsapi.ListSourceServers(ctx, clients.DRS, nil)
	if err != nil || len(servers) != 1000 {
		b.Fatalf("%d servers: %v", len(servers), err)
	}
	model := recoveryPlanModel{Name: types.StringValue("bench")}
	var waves []waveModel
	for w := 0; w < 100; w++ {
		group := fmt.Sprintf("g%03d", w)
		if err := protectiongroup.Apply(ctx, clients.DRS, group, nil, servers[w*10:w*10+10]); err != nil {
			b.Fatal(err)
		}
		wave := waveModel{Name: types.StringValue(fmt.Sprintf("w%03d", w)), ProtectionGroup: types.StringValue(group),
			PauseBefore: types.BoolValue(false), Timeout: timetypes.NewGoDurationValue(90 * time.Minute), PollInterval: timetypes.NewGoDurationNull(), RTO: timetypes.NewGoDurationNull()}
		if w%10 == 0 && w > 0 { // first wave of each level depends on the previous level
			var deps []string
			for d := w - 10; d < w; d++ {
				deps = append(deps, fmt.Sprintf("w%03d", d))
			}
			wave.DependsOn, _ = types.ListValueFrom(ctx, types.StringType, deps)
		} else if w%10 != 0 { // the others run beside it
			first := w - w%10
			if first == 0 {
				wave.DependsOn, _ = types.ListValueFrom(ctx, types.StringType, []string{})
			} else {
				var deps []string
				for d := first - 10; d < first; d++ {
					deps = append(deps, fmt.Sprintf("w%03d", d))
				}
				wave.DependsOn, _ = types.ListValueFrom(ctx, types.StringType, deps)
			}
		} else {
			wave.DependsOn = types.ListNull(types.StringType)
		}
		waves = append(waves, wave)
	}
	model.Waves, _ = types.ListValueFrom(ctx, waveObjectType, waves)
	r := &recoveryPlanResource{data: &providerData{clients: clients}}
	svc.App.DRS.ResetStats()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var diags diag.Diagnostics
		domain, known := model.domainPlan(ctx, &diags)
		if !known {
			b.Fatal("plan not known")
		}
		if ps := domain.ValidateStructure(); ps.HasErrors() {
			b.Fatal(ps.Err())
		}
		m := model
		compiled, ok, _ := r.resolveAndCompile(ctx, &m, domain, "arn:aws:states:us-east-1:000000000000:stateMachine:drsorch-wave-runner:1", true, &diags)
		if !ok || diags.HasError() {
			b.Fatalf("compile: %v", diags)
		}
		if len(compiled.Levels) != 10 || m.ServerCount.ValueInt64() != 1000 {
			b.Fatalf("levels %d servers %d", len(compiled.Levels), m.ServerCount.ValueInt64())
		}
	}
	b.StopTimer()
	calls := int64(0)
	for _, n := range svc.App.DRS.Stats() {
		calls += n
	}
	b.ReportMetric(float64(calls)/float64(b.N), "drs-calls/op")
}

package provider

import (
	"testing"
	"time"

	"github.com/drsorch/terraform-provider-drsorch/internal/acctest"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/runservicetest"
)

const benchLaunchHCL = `
terraform {
  required_providers {
    drsorch = { source = "drsorch/drsorch" }
  }
}
provider "drsorch" {}

variable "copy_tags" {
  type    = bool
  default = true
}

data "drsorch_source_servers" "bench" {
  tags = { bench = "launch-settings" }
}

resource "drsorch_launch_settings" "all" {
  for_each                                 = toset(data.drsorch_source_servers.bench.server_ids)
  source_server_id                         = each.key
  launch_disposition                       = "STOPPED"
  target_instance_type_right_sizing_method = "NONE"
  copy_tags                                = var.copy_tags
}
`

// BenchmarkLaunchSettings300 plans and applies 300 drsorch_launch_settings
// with for_each through the terraform CLI against an in-process run
// service, and reports per phase the wall time and the DRS API calls per
// resource (targets: one read per refresh, at most one read and one update
// per change).
//
//	go test ./internal/provider -run '^$' -bench LaunchSettings300 -benchtime 1x
func BenchmarkLaunchSettings300(b *testing.B) {
	if testing.Short() {
		b.Skip("drives terraform over 300 resources")
	}
	const n = 300
	inv := acctest.Inventory{Estates: []acctest.Estate{acctest.GeneratedEstate("", "us-east-1", n, map[string]string{"bench": "launch-settings"})}}
	svc := runservicetest.Start(b, runservice.Config{Inventory: acctest.WriteInventory(b, inv)})
	b.Setenv("DRSORCH_RUN_SERVICE_ENDPOINT", svc.URL)
	b.Setenv("AWS_REGION", "us-east-1")
	sim := svc.App.DRS
	tf := newTerraformCLI(b, map[string]string{"main.tf": benchLaunchHCL})

	phase := func(name string, args ...string) {
		sim.ResetStats()
		start := time.Now()
		tf.must(args...)
		elapsed := time.Since(start)
		stats := sim.Stats()
		var total int64
		for _, c := range stats {
			total += c
		}
		b.ReportMetric(elapsed.Seconds(), name+"-s")
		b.ReportMetric(float64(total)/n, name+"-calls/res")
		b.Logf("%-8s %6.2fs  %.2f calls/resource  %v", name, elapsed.Seconds(), float64(total)/n, stats)
		if reads := stats["GetLaunchConfiguration"]; reads > n {
			b.Errorf("%s: %d GetLaunchConfiguration calls for %d resources", name, reads, n)
		}
		if writes := stats["UpdateLaunchConfiguration"]; writes > n {
			b.Errorf("%s: %d UpdateLaunchConfiguration calls for %d resources", name, writes, n)
		}
	}
	for i := 0; i < b.N; i++ {
		phase("create", "apply", "-auto-approve", "-input=false", "-no-color")
		phase("refresh", "plan", "-input=false", "-no-color")
		phase("update", "apply", "-auto-approve", "-input=false", "-no-color", "-var", "copy_tags=false")
		phase("destroy", "destroy", "-auto-approve", "-input=false", "-no-color", "-var", "copy_tags=false")
	}
}

package provider

import (
	"testing"
	"time"

	"github.com/drsorch/terraform-provider-drsorch/internal/acctest"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/runservicetest"
)

// benchPlanHCL is 300 resources and data sources of every kind that reads
// source servers at plan: 50 protection groups, 50 recovery plans (one
// wave each), 100 launch settings, 50 source-server tag sets and 50
// source-server data sources, over 300 generated servers.
const benchPlanHCL = `
terraform {
  required_providers {
    drsorch = { source = "drsorch/drsorch" }
  }
}
provider "drsorch" {
  execution_role_arn = "arn:aws:iam::123456789012:role/drsorch-orchestrator"
}

data "drsorch_source_servers" "all" {
  tags = { bench = "plan" }
}

locals {
  ids = data.drsorch_source_servers.all.server_ids
}

resource "drsorch_protection_group" "g" {
  count             = 50
  name              = "bench-${count.index}"
  source_server_ids = slice(local.ids, 2 * count.index, 2 * count.index + 2)
}

resource "drsorch_recovery_plan" "p" {
  count = 50
  name  = "bench-${count.index}"
  wave {
    name             = "only"
    protection_group = drsorch_protection_group.g[count.index].id
  }
}

resource "drsorch_launch_settings" "l" {
  for_each           = toset(slice(local.ids, 100, 200))
  source_server_id   = each.key
  launch_disposition = "STARTED"
}

resource "drsorch_source_server_tags" "t" {
  for_each         = toset(slice(local.ids, 200, 250))
  source_server_id = each.key
  tags             = { owner = "bench" }
}

data "drsorch_source_server" "s" {
  for_each = toset(slice(local.ids, 250, 300))
  id       = each.key
}
`

// BenchmarkPlanSourceServerCalls300 runs `terraform plan` (the terraform
// binary, the provider served from this process) of 300 resources and
// data sources against an in-process run service, first with nothing
// created and then after an apply, and reports the DescribeSourceServers
// requests per resource that reached the service (counted by the
// runservicetest front door, not estimated). Target: at most 0.05.
//
//	go test ./internal/provider -run '^$' -bench PlanSourceServerCalls300 -benchtime 1x
func BenchmarkPlanSourceServerCalls300(b *testing.B) {
	if testing.Short() {
		b.Skip("drives terraform over 300 resources")
	}
	const n = 300
	inv := acctest.Inventory{Estates: []acctest.Estate{acctest.GeneratedEstate("", "us-east-1", n, map[string]string{"bench": "plan"})}}
	svc := runservicetest.Start(b, runservice.Config{Inventory: acctest.WriteInventory(b, inv)})
	front := svc.Front(b)
	b.Setenv("DRSORCH_RUN_SERVICE_ENDPOINT", front.URL)
	b.Setenv("AWS_REGION", "us-east-1")
	tf := newTerraformCLI(b, map[string]string{"main.tf": benchPlanHCL})

	measure := func(phase string, args ...string) float64 {
		before := front.Calls("DescribeSourceServers")
		start := time.Now()
		tf.must(args...)
		calls := front.Calls("DescribeSourceServers") - before
		perResource := float64(calls) / n
		b.ReportMetric(perResource, phase+"-DescribeSourceServers/res")
		b.Logf("%-12s %6.2fs  %d DescribeSourceServers for %d resources = %.3f per resource",
			phase, time.Since(start).Seconds(), calls, n, perResource)
		return perResource
	}
	for i := 0; i < b.N; i++ {
		measure("plan-create", "plan", "-input=false", "-no-color")
		measure("apply", "apply", "-auto-approve", "-input=false", "-no-color")
		if got := measure("plan-refresh", "plan", "-input=false", "-no-color"); got > 0.05 {
			b.Errorf("plan of existing resources: %.3f DescribeSourceServers per resource, want at most 0.05", got)
		}
		measure("destroy", "destroy", "-auto-approve", "-input=false", "-no-color")
	}
}

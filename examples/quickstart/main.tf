# drsorch quick start: read the demo estate of a local run service.
#
#   drsorch serve &                                     # demo estate on 127.0.0.1:8787
#   export DRSORCH_RUN_SERVICE_ENDPOINT=http://127.0.0.1:8787
#   export AWS_REGION=us-east-1
#   terraform init && terraform apply
#
# The provider block is empty on purpose: the endpoint and region come from
# the environment, so the same configuration runs against AWS when they
# point there instead.

terraform {
  required_version = ">= 1.10"
  required_providers {
    drsorch = {
      source = "drsorch/drsorch"
    }
  }
}

provider "drsorch" {}

# The three-tier "shop" application.
data "drsorch_source_servers" "shop" {
  tags = { app = "shop" }
}

data "drsorch_quotas" "this" {}

output "shop_servers" {
  description = "Source servers of app=shop: hostname => tier, replication state, ready for recovery."
  value = {
    for s in data.drsorch_source_servers.shop.servers :
    s.hostname => "${s.tags["tier"]}  ${s.replication_state}  ready=${s.ready_for_recovery}"
  }
}

output "quotas" {
  description = "DRS quotas: name => limit, usage and headroom (usage is n/a for per-job and per-server quotas)."
  value = {
    for q in data.drsorch_quotas.this.quotas :
    q.name => "limit ${q.limit}, usage ${q.usage == null ? "n/a" : q.usage}, headroom ${q.headroom == null ? "n/a" : q.headroom} (${q.source})"
  }
}

# A plan with parallel waves: the database and the cache come back
# together (level 1), the application after both (level 2), then the web
# tier and the batch workers together (level 3).
#
#   levels = [["db", "cache"], ["app"], ["web", "batch"]]

terraform {
  required_version = ">= 1.10"
  required_providers {
    drsorch = {
      source = "drsorch/drsorch"
    }
  }
}

provider "drsorch" {
  execution_role_arn = "arn:aws:iam::123456789012:role/drsorch-orchestrator"
}

resource "drsorch_protection_group" "tier" {
  for_each       = toset(["db", "cache", "app", "web", "batch"])
  name           = "store-${each.key}"
  selection_tags = { app = "store", tier = each.key }
}

resource "drsorch_recovery_plan" "store" {
  name = "store"

  wave {
    name             = "db"
    protection_group = drsorch_protection_group.tier["db"].id
  }
  wave {
    name             = "cache"
    protection_group = drsorch_protection_group.tier["cache"].id
    depends_on       = [] # starts with the first level, beside db
  }
  wave {
    name             = "app"
    protection_group = drsorch_protection_group.tier["app"].id
    depends_on       = ["db", "cache"]
  }
  wave {
    name             = "web"
    protection_group = drsorch_protection_group.tier["web"].id
    depends_on       = ["app"]
    pause_before     = true
  }
  wave {
    name             = "batch"
    protection_group = drsorch_protection_group.tier["batch"].id
    depends_on       = ["app"]
  }
}

output "levels" {
  value = drsorch_recovery_plan.store.levels
}

output "estimated_state_transitions" {
  description = "State transitions per run (Step Functions bills about $0.025 per 1,000)."
  value       = drsorch_recovery_plan.store.estimated_state_transitions
}

# A reusable DR module: one protection group per tier of an application,
# and a recovery plan that brings the tiers back in the order given.
# Apply it once per account and region with a provider alias each.

terraform {
  required_version = ">= 1.10"
  required_providers {
    drsorch = {
      source = "drsorch/drsorch"
    }
  }
}

variable "app" {
  type        = string
  description = "Value of the `app` tag that selects the application's source servers."
}

variable "tiers" {
  type        = list(string)
  description = "Tiers (values of the `tier` tag) in recovery order."
}

variable "pause_before" {
  type        = set(string)
  description = "Tiers to pause before, for a person to approve."
  default     = []
}

resource "drsorch_protection_group" "tier" {
  for_each       = toset(var.tiers)
  name           = "${var.app}-${each.key}"
  description    = "${var.app} ${each.key} tier"
  selection_tags = { app = var.app, tier = each.key }
}

resource "drsorch_recovery_plan" "this" {
  name        = var.app
  description = "${var.app}: ${join(" then ", var.tiers)}"

  dynamic "wave" {
    for_each = var.tiers
    content {
      name             = wave.value
      protection_group = drsorch_protection_group.tier[wave.value].id
      pause_before     = contains(var.pause_before, wave.value)
    }
  }
}

output "plan_arn" {
  description = "ARN of the plan's state machine, to start it from the CLI, the console or EventBridge."
  value       = drsorch_recovery_plan.this.arn
}

output "server_count" {
  value = drsorch_recovery_plan.this.server_count
}

# A drill from CI: `terraform test` deploys the shop's recovery plan, runs a
# drill with the ephemeral drsorch_drill, checks that every server came back
# running, and tears it all down again (the drill's instances are
# terminated when Terraform closes it).
#
# Against the local run service:
#   drsorch serve --data-dir :memory: --time-scale 600 &
#   export DRSORCH_RUN_SERVICE_ENDPOINT=http://127.0.0.1:8787 AWS_REGION=us-east-1
#   terraform test

terraform {
  required_version = ">= 1.10"
  required_providers {
    drsorch = {
      source = "drsorch/drsorch"
    }
  }
}

provider "drsorch" {
  execution_role_arn = var.execution_role_arn
}

variable "execution_role_arn" {
  type        = string
  description = "Role the plan's state machine runs as."
  default     = "arn:aws:iam::123456789012:role/drsorch-orchestrator"
}

variable "drill" {
  type        = bool
  description = "Run a drill of the plan in this apply."
  default     = false
}

resource "drsorch_protection_group" "tier" {
  for_each       = toset(["db", "app", "web"])
  name           = "ci-shop-${each.key}"
  selection_tags = { app = "shop", tier = each.key }
}

resource "drsorch_recovery_plan" "shop" {
  name = "ci-shop"
  wave {
    name             = "db"
    protection_group = drsorch_protection_group.tier["db"].id
  }
  wave {
    name             = "app"
    protection_group = drsorch_protection_group.tier["app"].id
  }
  wave {
    name             = "web"
    protection_group = drsorch_protection_group.tier["web"].id
    pause_before     = true # the drill approves it; a real recovery waits for a person
  }
}

# Terraform opens an ephemeral resource in plan and in apply; launch =
# terraform.applying drills in the apply only (one drill per run), and the
# plan's checks on the drill wait for it. Closed (instances terminated)
# right after the apply.
ephemeral "drsorch_drill" "ci" {
  count         = var.drill ? 1 : 0
  recovery_plan = drsorch_recovery_plan.shop.id
  launch        = terraform.applying
  timeout       = "45m"
}

# Fails the run unless every server of the plan came back running.
resource "terraform_data" "drill_verified" {
  count = var.drill ? 1 : 0
  lifecycle {
    precondition {
      condition     = length(ephemeral.drsorch_drill.ci[0].instances) == drsorch_recovery_plan.shop.server_count
      error_message = "The drill did not recover every server of the plan."
    }
    precondition {
      condition     = alltrue([for i in ephemeral.drsorch_drill.ci[0].instances : i.ec2_instance_state == "RUNNING"])
      error_message = "Some recovered instances are not running."
    }
  }
}

output "plan_arn" {
  value = drsorch_recovery_plan.shop.arn
}

output "plan_levels" {
  value = drsorch_recovery_plan.shop.levels
}

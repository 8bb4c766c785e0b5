# drsorch quick start: protect the three-tier "shop" application of the demo
# estate and prove it comes back — databases, then application servers,
# then (after an approval) web.
#
#   drsorch serve --time-scale 60 &                     # demo estate on 127.0.0.1:8787
#   export DRSORCH_RUN_SERVICE_ENDPOINT=http://127.0.0.1:8787
#   export AWS_REGION=us-east-1
#   terraform init && terraform apply                   # drill runs, pauses before web
#   terraform apply -var 'approved_waves=["web"]'       # approve web: the drill completes
#   terraform destroy                                   # drill instances are terminated
#
# Optionally pin where the web servers come back (instance type, subnet,
# security groups of the recovery region), e.g. in a terraform.tfvars:
#
#   web_launch_template = {
#     instance_type      = "c6i.large"
#     subnet_id          = "subnet-…"   # aws ec2 describe-subnets
#     security_group_ids = ["sg-…"]     # groups of that subnet's VPC
#   }
#
# The provider block holds no endpoint or region on purpose: they come from
# the environment, so the same configuration runs against AWS when they
# point there instead. `make demo` runs all of this for you.

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
  description = "IAM role the plan's state machine runs as (data.drsorch_orchestrator_policy gives its policy)."
  default     = "arn:aws:iam::123456789012:role/drsorch-orchestrator"
}

variable "approved_waves" {
  type        = set(string)
  description = "Waves whose pause gate the drill may pass."
  default     = []
}

variable "web_launch_template" {
  type = object({
    instance_type      = string
    subnet_id          = string
    security_group_ids = list(string)
  })
  description = "Where the web servers come back: when set, each web server's EC2 launch template pins this instance type, subnet and security groups (of the subnet's VPC). Unset, DRS's templates are kept."
  default     = null
}

# Discovery: the shop's source servers and the region's DRS quotas.
data "drsorch_source_servers" "shop" {
  tags = { app = "shop" }
}

data "drsorch_quotas" "this" {}

locals {
  web_servers = { for s in data.drsorch_source_servers.shop.servers : s.id => s if s.tags.tier == "web" }
  # The web servers whose launch template var.web_launch_template pins.
  pinned = var.web_launch_template == null ? {} : local.web_servers
}

# One protection group per tier, selected by tags.
resource "drsorch_protection_group" "tier" {
  for_each       = toset(["db", "app", "web"])
  name           = "shop-${each.key}"
  description    = "shop ${each.key} tier"
  selection_tags = { app = "shop", tier = each.key }
}

# How every shop server is launched when recovered.
resource "drsorch_launch_settings" "shop" {
  for_each = { for s in data.drsorch_source_servers.shop.servers : s.id => s }

  # A pinned web server (var.web_launch_template) needs right-sizing off,
  # or DRS replaces the pinned type at launch, and takes an address of the
  # pinned subnet rather than the source server's.
  source_server_id                         = each.key
  launch_disposition                       = "STARTED"
  target_instance_type_right_sizing_method = contains(keys(local.pinned), each.key) ? "NONE" : "BASIC"
  copy_private_ip                          = !contains(keys(local.pinned), each.key)
  copy_tags                                = true
  # DRS runs launch actions (below) only where this is on.
  post_launch_enabled = each.value.tags.tier == "web"
}

# After a web server is recovered DRS runs this SSM document on it; the
# job reports the run (aws drs describe-jobs: launchActionsStatus).
resource "drsorch_launch_action" "web_smoke_test" {
  for_each = local.web_servers

  resource_id = drsorch_launch_settings.shop[each.key].source_server_id
  action_code = "AWS-RunShellScript"
  name        = "smoke test"
  order       = 10
  category    = "VALIDATION"
  description = "check the web server answers"
  # The commands live in SSM Parameter Store.
  parameters = {
    commands = { value = "shop-web-smoke-test", type = "SSM_STORE" }
  }
}

# With var.web_launch_template set: the EC2 launch template each web server
# is recovered from (a new default version; destroy restores DRS's).
resource "drsorch_launch_template_settings" "web" {
  for_each = local.pinned

  # Referencing the launch settings turns right-sizing off first.
  source_server_id   = drsorch_launch_settings.shop[each.key].source_server_id
  instance_type      = var.web_launch_template.instance_type
  subnet_id          = var.web_launch_template.subnet_id
  security_group_ids = var.web_launch_template.security_group_ids
  private_ip_address = "" # EC2 picks one in the subnet
}

# The recovery plan: a Step Functions state machine anyone can run.
resource "drsorch_recovery_plan" "shop" {
  name        = "shop"
  description = "Shop: databases then application servers then web"
  # The recovery time objective drill reports are measured against.
  rto = "2h"

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
    pause_before     = true

    # Once the web servers run: start the web server on each of them, then
    # check from each instance that it answers (SSM Run Command, so private
    # subnets need no Lambda). Later waves would start only after both pass.
    post_launch {
      type       = "command"
      document   = "AWS-RunShellScript"
      parameters = { commands = ["systemctl start nginx"] }
      timeout    = "5m"
    }
    health_check {
      type = "http"
      port = 80
      path = "/"
    }
  }

  depends_on = [drsorch_launch_settings.shop]
}

# A drill of the plan. Destroying it terminates the drill's instances.
resource "drsorch_execution" "drill" {
  recovery_plan  = drsorch_recovery_plan.shop.id
  type           = "DRILL"
  approved_waves = var.approved_waves

  # The drill launches from the settings above: they are in place first.
  depends_on = [drsorch_launch_action.web_smoke_test, drsorch_launch_template_settings.web]
}

output "plan_levels" {
  description = "Waves per level, in run order."
  value       = drsorch_recovery_plan.shop.levels
}

output "drill" {
  description = "The drill's execution ARN and where it stands."
  value       = { arn = drsorch_execution.drill.arn, phase = drsorch_execution.drill.phase }
}

output "recovered_instances" {
  description = "Recovered instances: source server => wave, EC2 instance and state."
  value = merge([
    for w in drsorch_execution.drill.waves : {
      for s in w.servers : s.source_server_id => "${w.name}  ${coalesce(s.ec2_instance_id, "-")}  ${coalesce(s.ec2_instance_state, s.launch_status, "PENDING")}"
    }
  ]...)
}

output "quotas" {
  description = "DRS quotas: name => limit, usage and headroom."
  value = {
    for q in data.drsorch_quotas.this.quotas :
    q.name => "limit ${q.limit}, usage ${q.usage == null ? "n/a" : q.usage}, headroom ${q.headroom == null ? "n/a" : q.headroom}"
  }
}

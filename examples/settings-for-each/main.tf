# Launch and replication settings for every server of a tag selection.
#
#   drsorch serve &                                     # demo estate on 127.0.0.1:8787
#   export DRSORCH_RUN_SERVICE_ENDPOINT=http://127.0.0.1:8787
#   export AWS_REGION=us-east-1
#   terraform init && terraform apply
#
# A server that joins the selection (gets the tags) is adopted on the next
# apply; one that leaves it gets the DRS defaults back.

terraform {
  required_version = ">= 1.10"
  required_providers {
    drsorch = {
      source = "drsorch/drsorch"
    }
  }
}

provider "drsorch" {}

variable "selection" {
  description = "Tags that select the servers."
  type        = map(string)
  default     = { app = "shop" }
}

variable "staging_subnet_id" {
  description = "Staging area subnet of the selected servers."
  type        = string
  default     = "subnet-0123456789abcdef0"
}

data "drsorch_source_servers" "selected" {
  tags = var.selection
}

locals {
  servers = { for s in data.drsorch_source_servers.selected.servers : s.id => s }
}

resource "drsorch_launch_settings" "selected" {
  for_each = local.servers

  source_server_id                         = each.key
  launch_disposition                       = "STARTED"
  target_instance_type_right_sizing_method = "BASIC"
  copy_private_ip                          = true
  copy_tags                                = true
}

resource "drsorch_replication_settings" "selected" {
  for_each = local.servers

  source_server_id       = each.key
  staging_area_subnet_id = var.staging_subnet_id
  bandwidth_throttling   = 0
  staging_area_tags      = merge(var.selection, { server = each.value.hostname })
  pit_policy = [
    { rule_id = 1, units = "MINUTE", interval = 10, retention_duration = 60 },
    { rule_id = 2, units = "HOUR", interval = 1, retention_duration = 24 },
    { rule_id = 3, units = "DAY", interval = 1, retention_duration = 14 },
  ]
}

output "configured" {
  value = { for id, s in local.servers : s.hostname => drsorch_launch_settings.selected[id].ec2_launch_template_id }
}

variable "staging_subnet_id" {
  description = "Subnet of the recovery region for replication servers and staging disks (e.g. aws_subnet.staging.id)."
  type        = string
}

# Replication settings DRS gives every source server added from now on.
resource "drsorch_replication_configuration_template" "new_servers" {
  staging_area_subnet_id           = var.staging_subnet_id
  replication_server_instance_type = "t3.small"
  default_large_staging_disk_type  = "GP3"
  ebs_encryption                   = "DEFAULT"
  staging_area_tags                = { cost-center = "dr" }
  pit_policy = [
    { rule_id = 1, units = "MINUTE", interval = 10, retention_duration = 60 },
    { rule_id = 2, units = "HOUR", interval = 1, retention_duration = 24 },
    { rule_id = 3, units = "DAY", interval = 1, retention_duration = 14 },
  ]
  tags = {
    team = "platform"
  }
}

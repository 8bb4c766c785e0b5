data "drsorch_source_servers" "db1" {
  hostname_regex = "^shop-db-1$"
}

variable "recovery_subnet_id" {
  description = "Subnet of the recovery region the database comes back in (e.g. aws_subnet.recovery_a.id)."
  type        = string
}

variable "recovery_security_group_ids" {
  description = "Security groups of the recovered database, in the subnet's VPC."
  type        = list(string)
}

# A pinned instance type needs DRS right-sizing off, or DRS replaces it at launch.
resource "drsorch_launch_settings" "db1" {
  source_server_id                         = data.drsorch_source_servers.db1.server_ids[0]
  target_instance_type_right_sizing_method = "NONE"
}

resource "drsorch_launch_template_settings" "db1" {
  # Referencing the launch settings applies them first.
  source_server_id   = drsorch_launch_settings.db1.source_server_id
  instance_type      = "r6i.large"
  subnet_id          = var.recovery_subnet_id
  security_group_ids = var.recovery_security_group_ids
  private_ip_address = "10.20.1.50"
  tags = {
    team = "shop"
    role = "database"
  }
}

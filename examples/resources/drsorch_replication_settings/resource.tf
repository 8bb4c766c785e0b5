data "drsorch_source_servers" "db1" {
  hostname_regex = "^shop-db-1$"
}

resource "drsorch_replication_settings" "db1" {
  source_server_id                        = data.drsorch_source_servers.db1.server_ids[0]
  staging_area_subnet_id                  = "subnet-0123456789abcdef0"
  replication_servers_security_groups_ids = ["sg-0123456789abcdef0"]
  replication_server_instance_type        = "m5.large"
  ebs_encryption                          = "CUSTOM"
  ebs_encryption_key_arn                  = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
  bandwidth_throttling                    = 500 # Mbps; 0 = no limit
  staging_area_tags                       = { cost-center = "dr" }

  # When set, list every disk of the server.
  replicated_disks = [
    { device_name = "/dev/sda1", is_boot_disk = true, staging_disk_type = "GP3", iops = 4000, throughput = 250 },
    { device_name = "/dev/sdb", staging_disk_type = "IO1", iops = 10000 },
  ]

  pit_policy = [
    { rule_id = 1, units = "MINUTE", interval = 10, retention_duration = 60 },
    { rule_id = 2, units = "HOUR", interval = 1, retention_duration = 24 },
    { rule_id = 3, units = "DAY", interval = 1, retention_duration = 30 },
  ]
}

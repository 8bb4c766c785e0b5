# Every database server of the "shop" application that can be recovered now.
data "drsorch_source_servers" "shop_db" {
  tags               = { app = "shop", tier = "db" }
  ready_for_recovery = true
}

# Servers whose replication needs attention, in two regions at once.
data "drsorch_source_servers" "unhealthy" {
  regions            = ["us-east-1", "us-west-2"]
  replication_states = ["STALLED", "DISCONNECTED", "BACKLOG"]
}

# Servers by hostname.
data "drsorch_source_servers" "web" {
  hostname_regex = "^shop-web-[0-9]+$"
}

output "shop_db_ids" {
  value = data.drsorch_source_servers.shop_db.server_ids
}

output "unhealthy" {
  value = { for s in data.drsorch_source_servers.unhealthy.servers : s.hostname => "${s.region}: ${s.replication_state} (lag ${s.lag_duration})" }
}

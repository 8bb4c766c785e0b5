data "drsorch_source_servers" "db1" {
  hostname_regex = "^shop-db-1$"
}

# Manages these two keys only: the server's other tags stay as they are.
resource "drsorch_source_server_tags" "db1" {
  source_server_id = data.drsorch_source_servers.db1.server_ids[0]
  tags = {
    owner       = "dr-team"
    cost-center = "42"
  }
}

data "drsorch_source_servers" "db1" {
  hostname_regex = "^shop-db-1$"
}

# Only the attributes written here change; the others keep what DRS has.
resource "drsorch_launch_settings" "db1" {
  source_server_id                         = data.drsorch_source_servers.db1.server_ids[0]
  launch_disposition                       = "STARTED"
  target_instance_type_right_sizing_method = "BASIC"
  copy_private_ip                          = true
  copy_tags                                = true
  licensing                                = { os_byol = false }
}

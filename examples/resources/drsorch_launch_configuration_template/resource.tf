# Launch settings DRS gives every source server added from now on.
resource "drsorch_launch_configuration_template" "new_servers" {
  launch_disposition                       = "STARTED"
  target_instance_type_right_sizing_method = "BASIC"
  copy_private_ip                          = true
  copy_tags                                = true
  licensing                                = { os_byol = true }
  tags = {
    team = "platform"
  }
}

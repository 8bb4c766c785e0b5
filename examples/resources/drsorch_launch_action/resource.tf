data "drsorch_source_servers" "web1" {
  hostname_regex = "^shop-web-1$"
}

# DRS runs launch actions only on servers whose launch settings enable them.
resource "drsorch_launch_settings" "web" {
  source_server_id    = data.drsorch_source_servers.web1.server_ids[0]
  post_launch_enabled = true
}

# After the recovery instance launches, run a smoke test whose commands are
# kept in SSM Parameter Store; a failure fails the launch.
resource "drsorch_launch_action" "smoke_test" {
  resource_id = drsorch_launch_settings.web.source_server_id
  action_code = "AWS-RunShellScript"
  name        = "smoke test"
  order       = 10
  category    = "VALIDATION"
  optional    = false
  description = "check the web server answers on port 80"
  parameters = {
    commands = { value = "drs.web-smoke-test", type = "SSM_STORE" }
  }
}

# On a launch configuration template: every source server added later
# inherits the action.
resource "drsorch_launch_configuration_template" "new_servers" {
  post_launch_enabled = true
}

resource "drsorch_launch_action" "dns" {
  resource_id = drsorch_launch_configuration_template.new_servers.id
  action_code = "AWS-RunPowerShellScript"
  name        = "register in DNS"
  order       = 20
  category    = "CONFIGURATION"
}

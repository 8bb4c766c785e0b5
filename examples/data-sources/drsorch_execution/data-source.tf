# The run of the shop plan in progress (a paused run is RUNNING too), with
# its progress per wave: e.g. to show what an approval would release.
data "drsorch_executions" "shop_running" {
  plan     = "shop"
  statuses = ["RUNNING"]
}

data "drsorch_execution" "current" {
  arn = data.drsorch_executions.shop_running.executions[0].arn
}

# For example "PAUSED before wave web".
output "phase" {
  value = data.drsorch_execution.current.phase
}

output "waves" {
  value = { for w in data.drsorch_execution.current.waves : w.name => w.status }
}

# Servers already launched, with their recovery instances.
output "launched" {
  value = flatten([for w in data.drsorch_execution.current.waves : [
    for s in w.servers : "${w.name}: ${s.source_server_id} → ${s.ec2_instance_id}" if s.launch_status == "LAUNCHED"
  ]])
}

# A run can also be named by plan and execution name:
#
# data "drsorch_execution" "nightly" {
#   plan = "shop"
#   name = "nightly-2026-01-05"
# }

data "drsorch_executions" "shop_running" {
  plan     = "shop"
  statuses = ["RUNNING"]
}

# The instances a drill's jobs launched: feed them to smoke tests, DNS or
# monitoring in other providers.
data "drsorch_recovery_instances" "drill" {
  execution_arn = data.drsorch_executions.shop_running.executions[0].arn
  is_drill      = true
}

output "drill_ec2_instances" {
  value = { for ri in data.drsorch_recovery_instances.drill.recovery_instances : ri.source_server_id => ri.ec2_instance_id }
}

# Recovery (not drill) instances anywhere in the region: what runs in
# production after a failover.
data "drsorch_recovery_instances" "recovered" {
  is_drill = false
}

data "drsorch_source_server" "db1" {
  id = "s-1234567890abcdef0"
}

output "db1_disks" {
  value = [for d in data.drsorch_source_server.db1.disks : "${d.device_name}: ${d.bytes} bytes"]
}

output "db1_last_launch" {
  value = data.drsorch_source_server.db1.launch.last_result
}

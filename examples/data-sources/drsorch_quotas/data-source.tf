data "drsorch_quotas" "this" {}

# How many servers fit in one recovery job (L-B827C881), and how many more
# jobs may start now (L-D88FAC3A).
output "servers_per_job" {
  value = data.drsorch_quotas.this.by_code["L-B827C881"].limit
}

output "jobs_headroom" {
  value = data.drsorch_quotas.this.by_code["L-D88FAC3A"].headroom
}

# Quotas whose limit is a published default rather than the live value.
output "defaulted_quotas" {
  value = [for q in data.drsorch_quotas.this.quotas : q.name if q.source != "service_quotas"]
}

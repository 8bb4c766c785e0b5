data "drsorch_quotas" "this" {}

locals {
  quotas = { for q in data.drsorch_quotas.this.quotas : q.code => q }
}

# How many more servers fit in one recovery job (L-B827C881), and how many
# more jobs may run now (L-D88FAC3A).
output "servers_per_job" {
  value = local.quotas["L-B827C881"].limit
}

output "jobs_headroom" {
  value = local.quotas["L-D88FAC3A"].headroom
}

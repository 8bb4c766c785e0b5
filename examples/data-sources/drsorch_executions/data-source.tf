# The audit trail of the shop plan this year: who ran which drill or
# recovery, and how it ended.
data "drsorch_executions" "shop_2026" {
  plan          = "shop"
  started_after = "2026-01-01T00:00:00Z"
}

output "audit_trail" {
  value = [for e in data.drsorch_executions.shop_2026.executions :
    "${e.started_at} ${coalesce(e.type, "?")} ${e.status} by ${coalesce(e.invoked_by, "unknown")}"
  ]
}

# Runs of any plan that did not succeed.
data "drsorch_executions" "unsuccessful" {
  statuses = ["FAILED", "TIMED_OUT", "ABORTED"]
}

output "unsuccessful_runs" {
  value = [for e in data.drsorch_executions.unsuccessful.executions : "${e.plan}/${e.name}: ${e.status}"]
}

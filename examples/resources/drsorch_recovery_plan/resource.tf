# Three tiers, one after the other, with a pause before the web tier: the
# run waits there until someone resumes it (approved_waves of a
# drsorch_execution, `drsorch resume`, or SendTaskSuccess).
resource "drsorch_recovery_plan" "shop" {
  name               = "shop"
  description        = "Shop: databases then application servers then web"
  execution_role_arn = "arn:aws:iam::123456789012:role/drsorch-orchestrator"

  # Every run is logged to /aws/vendedlogs/states/drsorch-plan-shop, kept
  # when the plan is destroyed: the audit trail for the auditors' 2 years.
  log_retention_days = 731

  # Recovery time objectives: `drsorch report` and the console measure
  # every run against them (the run is not stopped when it passes one).
  rto = "4h"

  wave {
    name             = "db"
    protection_group = drsorch_protection_group.db.id
    timeout          = "90m"
    rto              = "45m"
  }
  wave {
    name             = "app"
    protection_group = drsorch_protection_group.app.id
  }
  wave {
    name             = "web"
    protection_group = drsorch_protection_group.web.id
    pause_before     = true
    poll_interval    = "1m"
  }
}

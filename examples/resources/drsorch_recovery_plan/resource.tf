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

  # On the state machine, over the provider's default_tags (see tags_all).
  tags = {
    app = "shop"
  }

  timeouts {
    create = "20m" # a new execution role may take minutes to propagate
  }

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

    # After the web servers launch: a runbook, then a check that each one
    # answers on port 8080 (run on the instance through SSM Run Command).
    # The run fails here, with the check's output, if they do not.
    post_launch {
      type               = "automation"
      document           = "AWS-RestartEC2Instance"
      instance_parameter = "InstanceId"
      timeout            = "15m"
    }
    health_check {
      type          = "http"
      port          = 8080
      path          = "/health"
      expect_status = 200
      retries       = 5
      interval      = "20s"
    }
  }
}

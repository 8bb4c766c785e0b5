# A drill of the shop plan. Apply starts it and follows it; it pauses before
# the web wave until "web" is added to approved_waves and applied again.
# Destroy terminates the drill's recovery instances.
resource "drsorch_execution" "drill" {
  recovery_plan  = drsorch_recovery_plan.shop.id
  type           = "DRILL"
  approved_waves = [] # add "web" and apply to resume

  timeouts {
    create = "2h"
  }
}

# A real recovery must be confirmed, and its instances are never
# terminated by destroy. While it runs or waits at a pause gate, setting
# disaster back to false (destroy) or changing recovery_plan or type
# (replace) fails at plan and leaves it running: cancel it first
# (drsorch cancel), or set allow_abort_running_recovery = true and apply
# before destroying.
resource "drsorch_execution" "recovery" {
  count            = var.disaster ? 1 : 0
  recovery_plan    = drsorch_recovery_plan.shop.id
  type             = "RECOVERY"
  confirm_recovery = true
  approved_waves   = ["web"]
}

variable "disaster" {
  type    = bool
  default = false
}

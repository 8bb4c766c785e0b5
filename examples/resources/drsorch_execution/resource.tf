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

# Ransomware: recover every server from its latest DRS recovery snapshot
# taken at or before the moment before the attack. The snapshots are chosen
# when the run starts (and checked at plan): a server without one fails
# the plan, naming it and its oldest snapshot, and nothing is launched.
# waves[*].servers[*].recovery_snapshot_id shows what each server used.
# recovery_snapshots pins single servers to a snapshot of your choice.
resource "drsorch_execution" "before_attack" {
  count            = var.attack_detected_at == null ? 0 : 1
  recovery_plan    = drsorch_recovery_plan.shop.id
  type             = "RECOVERY"
  confirm_recovery = true
  approved_waves   = ["web"]
  point_in_time    = timeadd(var.attack_detected_at, "-15m")
  # recovery_snapshots = { "s-0123456789abcdef0" = "pit-0123456789abcdefg" }
}

variable "attack_detected_at" {
  type        = string
  default     = null
  description = "When the encryption was first seen (RFC 3339)."
}

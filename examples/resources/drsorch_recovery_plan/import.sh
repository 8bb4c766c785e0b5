# A recovery plan is imported by its name (its state machine is drsorch-plan-<name>).
terraform import drsorch_recovery_plan.shop shop

# A recovery plan is imported by its name (its state machine is drsorch-plan-<name>),
terraform import drsorch_recovery_plan.shop shop
# by its state machine ARN,
terraform import drsorch_recovery_plan.shop arn:aws:states:us-east-1:123456789012:stateMachine:drsorch-plan-shop
# or by the ARN of one of its versions (the region must be the provider's).
terraform import drsorch_recovery_plan.shop arn:aws:states:us-east-1:123456789012:stateMachine:drsorch-plan-shop:7

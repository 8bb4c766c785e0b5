# A recovery plan is imported by its name (its state machine is drsorch-plan-<name>),
terraform import drsorch_recovery_plan.shop shop
# by its state machine ARN,
terraform import drsorch_recovery_plan.shop arn:aws:states:us-east-1:123456789012:stateMachine:drsorch-plan-shop
# or by the ARN of one of its versions; an ARN carries its region.
terraform import drsorch_recovery_plan.shop arn:aws:states:us-east-1:123456789012:stateMachine:drsorch-plan-shop:7
# A plan in another region than the provider's (its `region` argument): name@region.
terraform import drsorch_recovery_plan.shop shop@us-west-2

# An execution is imported by its ARN,
terraform import drsorch_execution.drill arn:aws:states:us-east-1:123456789012:execution:drsorch-plan-shop:0f8d3c52-7c0e-4c1f-9f1a-5b4e0d2a9c11
# or by its name, looked for among the executions of every recovery plan
# in the provider's region (as `drsorch status <name>` does), or of another
# region with @region.
terraform import drsorch_execution.drill 0f8d3c52-7c0e-4c1f-9f1a-5b4e0d2a9c11
terraform import drsorch_execution.drill 0f8d3c52-7c0e-4c1f-9f1a-5b4e0d2a9c11@us-west-2

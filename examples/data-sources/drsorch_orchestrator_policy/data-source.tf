# The execution role of recovery plans: least privilege for what the
# compiled state machines call, trusted by Step Functions only for
# drsorch-plan-* state machines of this account and region.
data "drsorch_orchestrator_policy" "this" {
  region     = "us-east-1"
  account_id = "123456789012"
}

resource "aws_iam_role" "drsorch" {
  name               = "drsorch-orchestrator"
  assume_role_policy = data.drsorch_orchestrator_policy.this.assume_role_policy
}

resource "aws_iam_role_policy" "drsorch" {
  name   = "drsorch-orchestrator"
  role   = aws_iam_role.drsorch.id
  policy = data.drsorch_orchestrator_policy.this.json
}

# Then: provider "drsorch" { execution_role_arn = aws_iam_role.drsorch.arn }

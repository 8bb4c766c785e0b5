# One DR module applied in two accounts and regions: "billing" lives in
# account 210987654321 (reached by assuming a role), "edge" in us-west-2 of
# the current account. Against the run service's demo estate:
#
#   drsorch serve &
#   export DRSORCH_RUN_SERVICE_ENDPOINT=http://127.0.0.1:8787
#   terraform init && terraform apply

terraform {
  required_version = ">= 1.10"
  required_providers {
    drsorch = {
      source = "drsorch/drsorch"
    }
  }
}

provider "drsorch" {
  alias              = "billing"
  region             = "us-east-1"
  execution_role_arn = "arn:aws:iam::210987654321:role/drsorch-orchestrator"

  assume_role {
    role_arn     = "arn:aws:iam::210987654321:role/drsorch"
    session_name = "terraform-dr"
  }
}

provider "drsorch" {
  alias              = "edge"
  region             = "us-west-2"
  execution_role_arn = "arn:aws:iam::123456789012:role/drsorch-orchestrator"
}

module "billing" {
  source    = "../modules/dr-app"
  providers = { drsorch = drsorch.billing }

  app   = "billing"
  tiers = ["db", "app"]
}

module "edge" {
  source    = "../modules/dr-app"
  providers = { drsorch = drsorch.edge }

  app          = "edge"
  tiers        = ["cache", "web"]
  pause_before = ["web"]
}

output "plans" {
  value = {
    billing = { arn = module.billing.plan_arn, servers = module.billing.server_count }
    edge    = { arn = module.edge.plan_arn, servers = module.edge.server_count }
  }
}

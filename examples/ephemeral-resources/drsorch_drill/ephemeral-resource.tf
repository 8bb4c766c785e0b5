# A drill for the length of one Terraform run. Its recovered instances can
# configure other providers (here: a smoke test of the recovered database
# through the PostgreSQL provider), and they are terminated when Terraform
# closes the drill. launch = terraform.applying: `terraform plan` launches
# nothing (the drill's results are unknown there), `terraform apply` drills.
ephemeral "drsorch_drill" "smoke" {
  recovery_plan = drsorch_recovery_plan.shop.id
  launch        = terraform.applying
  timeout       = "45m"
}

locals {
  recovered_db = [for i in ephemeral.drsorch_drill.smoke.instances : i if i.wave == "db"][0]
}

provider "postgresql" {
  host     = local.recovered_db.ec2_instance_id # resolve to an address in your network setup
  username = "smoke"
  password = var.smoke_password
}

variable "smoke_password" {
  type      = string
  sensitive = true
}

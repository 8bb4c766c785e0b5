# terraform test: deploy the plan, then prove it recovers the shop.

run "deploy_plan" {
  command = apply

  assert {
    condition     = drsorch_recovery_plan.shop.server_count == 9
    error_message = "The shop plan should recover 9 servers."
  }
  assert {
    condition     = length(drsorch_recovery_plan.shop.levels) == 3
    error_message = "db, app and web should run one after the other."
  }
}

run "drill_recovers_the_shop" {
  command = apply

  variables {
    drill = true
  }

  assert {
    condition     = length(terraform_data.drill_verified) == 1
    error_message = "The drill was not verified."
  }
}

data "drsorch_executions" "shop_running" {
  plan     = "shop"
  statuses = ["RUNNING"]
}

# Every DRS job log item of the run's recovery jobs, in time order.
data "drsorch_job_events" "run" {
  execution_arn = data.drsorch_executions.shop_running.executions[0].arn
}

output "timeline" {
  value = [for e in data.drsorch_job_events.run.events :
    "${e.log_date_time} ${coalesce(e.wave, "-")} ${e.event} ${e.event_data.source_server_id != null ? e.event_data.source_server_id : ""}"
  ]
}

# Launch failures with the error DRS reported, per wave and server.
output "launch_failures" {
  value = [for e in data.drsorch_job_events.run.events : {
    wave   = e.wave
    server = e.event_data.source_server_id
    error  = e.event_data.raw_error
  } if e.event == "LAUNCH_FAILED"]
}

# The log of one job, drsorch's or not:
#
# data "drsorch_job_events" "job" {
#   job_id = "drsjob-1234567890abcdef0"
# }

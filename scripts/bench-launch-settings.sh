#!/usr/bin/env bash
# Benchmark: plan and apply of N (default 300) drsorch_launch_settings with
# for_each against a local `drsorch serve`, through the real terraform CLI
# and provider binary. Prints the wall time of each phase and the DRS API
# calls it made (from the simulator's /_sim/stats), per resource.
#
#   scripts/bench-launch-settings.sh            # 300 servers
#   BENCH_SERVERS=50 scripts/bench-launch-settings.sh
#   BENCH_DATA_DIR=:memory: scripts/bench-launch-settings.sh   # no SQLite file
#
# Targets (issue 3): one read per refresh, at most one read and one
# update per changed resource.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
./scripts/check-terraform.sh >/dev/null

n="${BENCH_SERVERS:-300}"
port="${BENCH_PORT:-8797}"
parallelism="${BENCH_PARALLELISM:-10}"
listen="127.0.0.1:${port}"
endpoint="http://${listen}"
work=$(mktemp -d)
# shellcheck source=lib/runservice.sh
. "$root/scripts/lib/runservice.sh"

echo "==> building the provider and drsorch"
go build -o "$work/bin/terraform-provider-drsorch" .
go build -o "$work/bin/drsorch" ./cmd/drsorch

cat >"$work/inventory.json" <<JSON
{"estates": [{"region": "us-east-1",
  "generate": {"count": $n, "hostnamePrefix": "bench", "tags": {"bench": "launch-settings"}}}]}
JSON
start_run_service "$work/bin/drsorch" "$listen" "set BENCH_PORT" \
  --data-dir "${BENCH_DATA_DIR:-$work/data}" --inventory "$work/inventory.json"
use_provider_from "$work/bin"
export DRSORCH_RUN_SERVICE_ENDPOINT="$endpoint" AWS_REGION=us-east-1

mkdir -p "$work/tf"
cat >"$work/tf/main.tf" <<'TF'
terraform {
  required_providers {
    drsorch = { source = "drsorch/drsorch" }
  }
}
provider "drsorch" {}

variable "copy_tags" {
  type    = bool
  default = true
}

data "drsorch_source_servers" "bench" {
  tags = { bench = "launch-settings" }
}

resource "drsorch_launch_settings" "all" {
  for_each                                 = toset(data.drsorch_source_servers.bench.server_ids)
  source_server_id                         = each.key
  launch_disposition                       = "STOPPED"
  target_instance_type_right_sizing_method = "NONE"
  copy_tags                                = var.copy_tags
}
TF
cd "$work/tf"

reset_stats() { curl -fsS -X DELETE -H "Content-Type: application/json" "$endpoint/_sim/stats" >/dev/null; }
report() { # phase seconds
  local stats
  stats=$(curl -fsS "$endpoint/_sim/stats")
  printf '%-34s %7.2f s' "$1" "$2"
  if command -v jq >/dev/null; then
    echo "$stats" | jq -r --argjson n "$n" '"   total \(.total) calls = \((.total / $n * 100 | round) / 100) per resource:  " +
      ([.calls | to_entries[] | select(.value > 0) | "\(.key) \(.value) (\((.value / $n * 100 | round) / 100)/res)"] | join(", "))'
  else
    echo "   $stats"
  fi
}
phase() { # name, terraform args...
  local name=$1; shift
  reset_stats
  local start end
  start=$(date +%s.%N)
  terraform "$@" -input=false -no-color -parallelism="$parallelism" >"$work/$name.log" 2>&1 || { cat "$work/$name.log" >&2; echo "error: terraform $* failed" >&2; exit 1; }
  end=$(date +%s.%N)
  report "$name" "$(echo "$end - $start" | bc -l 2>/dev/null || python3 -c "print($end-$start)")"
}

echo "==> $n drsorch_launch_settings, parallelism $parallelism"
phase "apply (create, adopt)" apply -auto-approve
phase "plan (no change, refresh)" plan -detailed-exitcode
phase "apply (update every resource)" apply -auto-approve -var copy_tags=false
phase "plan after update (refresh)" plan -detailed-exitcode -var copy_tags=false
phase "destroy (restore defaults)" destroy -auto-approve -var copy_tags=false

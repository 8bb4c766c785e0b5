#!/usr/bin/env bash
# The main job on one machine: start `drsorch serve` with the demo estate,
# apply examples/quickstart with the freshly built provider, show the
# result, destroy it and stop the service. Any failure exits non-zero.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
./scripts/check-terraform.sh >/dev/null

port="${DRSORCH_DEMO_PORT:-8787}"
listen="127.0.0.1:${port}"
endpoint="http://${listen}"
work=$(mktemp -d)
# shellcheck source=lib/runservice.sh
. "$root/scripts/lib/runservice.sh"

echo "==> starting drsorch serve on $endpoint (demo estate)"
start_run_service "$root/bin/drsorch" "$listen" "set DRSORCH_DEMO_PORT" \
  --data-dir "$work/data" --time-scale "${DRSORCH_DEMO_TIME_SCALE:-60}"
head -n 1 "$work/serve.log"

# Use the provider just built, without a registry.
use_provider_from "$root/bin"
export DRSORCH_RUN_SERVICE_ENDPOINT="$endpoint"
export AWS_REGION="${AWS_REGION:-us-east-1}"

cp -r "$root/examples/quickstart" "$work/quickstart"
cd "$work/quickstart"
drsorch() { "$root/bin/drsorch" "$@"; }

# hide_dev_overrides_notice drops Terraform's warning block about the
# development override that makes it use the provider just built.
hide_dev_overrides_notice() {
  awk '/Warning: Provider development overrides are in effect/ {skip=1}
       skip && /releases\.[[:space:]]*$/ {skip=0; next}
       !skip {print; fflush()}'
}

# apply runs terraform apply (or destroy), hiding the dev_overrides notice;
# it fails the demo when terraform fails. With SKIP_PLAN=1 the plan itself
# is not shown, only what terraform does.
apply() {
  set +o pipefail
  terraform "$@" -auto-approve -input=false -no-color 2>&1 | hide_dev_overrides_notice |
    if [ "${SKIP_PLAN:-}" = 1 ]; then awk '/: (Destroying|Creating|Modifying)\.\.\./ {on=1} on {print; fflush()}'; else cat; fi
  local status=${PIPESTATUS[0]}
  set -o pipefail
  [ "$status" -eq 0 ] || { echo "error: terraform $1 failed (exit $status)" >&2; exit 1; }
}

echo
echo "==> terraform apply: protection groups, launch settings, recovery plan, and a drill"
echo "    (the drill recovers db, then app, and pauses before web)"
apply apply
exec_arn=$(terraform output -json drill | sed -n 's/.*"arn":"\([^"]*\)".*/\1/p')
[ -n "$exec_arn" ] || { echo "error: no drill execution in the outputs" >&2; exit 1; }

echo
echo "==> the drill waits at the pause gate before web"
drsorch status "$exec_arn"

echo
echo "==> approving web: terraform apply -var 'approved_waves=[\"web\"]', followed live"
apply apply -var 'approved_waves=["web"]' >"$work/approve.log" 2>&1 &
apply_pid=$!
drsorch status "$exec_arn" --watch || true
wait "$apply_pid" || { cat "$work/approve.log"; echo "error: approving apply failed" >&2; exit 1; }
tail -n 3 "$work/approve.log"

echo
echo "==> recovered instances"
terraform output -no-color recovered_instances
phase=$(terraform output -json drill | sed -n 's/.*"phase":"\([^"]*\)".*/\1/p')
[ "$phase" = "SUCCEEDED" ] || { echo "error: the drill ended $phase" >&2; exit 1; }

echo
echo "==> drill report (HTML with the timeline, JSON, JUnit XML) in artifacts/quickstart-report/"
drsorch report "$exec_arn" --out "$root/artifacts/quickstart-report" --check  # against the plan's rto

echo
echo "==> dashboard: $endpoint/ui/ (live while drsorch serve runs)"

echo
echo "==> terraform destroy: the drill's recovery instances are terminated"
SKIP_PLAN=1 apply destroy
echo "==> demo finished: the drill recovered every tier and cleaned up; stopping drsorch serve"

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
serve_pid=""
cleanup() {
  if [ -n "$serve_pid" ] && kill -0 "$serve_pid" 2>/dev/null; then
    kill -TERM "$serve_pid" 2>/dev/null || true
    wait "$serve_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

if curl -fsS "$endpoint/healthz" >/dev/null 2>&1; then
  echo "error: something already answers on $listen; stop it or set DRSORCH_DEMO_PORT" >&2
  exit 1
fi

echo "==> starting drsorch serve on $endpoint (demo estate)"
"$root/bin/drsorch" serve --listen "$listen" --data-dir "$work/data" \
  --time-scale "${DRSORCH_DEMO_TIME_SCALE:-120}" >"$work/serve.log" 2>&1 &
serve_pid=$!
for _ in $(seq 1 100); do
  curl -fsS "$endpoint/healthz" >/dev/null 2>&1 && break
  kill -0 "$serve_pid" 2>/dev/null || { cat "$work/serve.log" >&2; echo "error: drsorch serve exited" >&2; exit 1; }
  sleep 0.1
done
curl -fsS "$endpoint/healthz" >/dev/null || { cat "$work/serve.log" >&2; echo "error: drsorch serve did not become healthy" >&2; exit 1; }
head -n 1 "$work/serve.log"

# Use the provider just built, without a registry.
cat >"$work/terraform.rc" <<RC
provider_installation {
  dev_overrides {
    "registry.terraform.io/drsorch/drsorch" = "$root/bin"
  }
  direct {}
}
RC
export TF_CLI_CONFIG_FILE="$work/terraform.rc"
export TF_IN_AUTOMATION=1
export DRSORCH_RUN_SERVICE_ENDPOINT="$endpoint"
export AWS_REGION="${AWS_REGION:-us-east-1}"

cp -r "$root/examples/quickstart" "$work/quickstart"
cd "$work/quickstart"
echo "==> terraform apply (examples/quickstart)"
set +o pipefail
terraform apply -auto-approve -input=false -no-color 2>&1 | grep --line-buffered -v -e 'Provider development overrides' -e 'dev_overrides' -e 'The following provider' -e 'drsorch/drsorch in'
status=${PIPESTATUS[0]}
set -o pipefail
[ "$status" -eq 0 ] || { echo "error: terraform apply failed (exit $status)" >&2; exit 1; }
echo "==> outputs"
terraform output -no-color
echo "==> terraform destroy"
terraform destroy -auto-approve -input=false -no-color 2>&1 | tail -n 1
echo "==> demo finished; stopping drsorch serve"

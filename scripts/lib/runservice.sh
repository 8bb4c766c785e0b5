# Shared by the scripts that run terraform against a local `drsorch serve`
# with a freshly built provider (demo.sh, bench-launch-settings.sh).
# Source it after setting $work (a scratch directory); it installs an EXIT
# trap that stops the service and removes $work.

serve_pid=""
cleanup_run_service() {
  if [ -n "$serve_pid" ] && kill -0 "$serve_pid" 2>/dev/null; then
    kill -TERM "$serve_pid" 2>/dev/null || true
    wait "$serve_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup_run_service EXIT

# start_run_service DRSORCH_BIN LISTEN HINT [serve flags...]: starts the
# service in the background and waits until /healthz answers. HINT says
# how to pick another port when LISTEN is taken.
start_run_service() {
  local bin=$1 listen=$2 hint=$3
  shift 3
  local endpoint="http://$listen"
  if curl -fsS "$endpoint/healthz" >/dev/null 2>&1; then
    echo "error: something already answers on $listen; stop it or $hint" >&2
    exit 1
  fi
  "$bin" serve --listen "$listen" "$@" >"$work/serve.log" 2>&1 &
  serve_pid=$!
  for _ in $(seq 1 100); do
    curl -fsS "$endpoint/healthz" >/dev/null 2>&1 && return 0
    kill -0 "$serve_pid" 2>/dev/null || { cat "$work/serve.log" >&2; echo "error: drsorch serve exited" >&2; exit 1; }
    sleep 0.1
  done
  cat "$work/serve.log" >&2
  echo "error: drsorch serve did not become healthy" >&2
  exit 1
}

# use_provider_from DIR: makes terraform use the provider binary in DIR
# (dev_overrides in a private CLI configuration; nothing is installed).
use_provider_from() {
  cat >"$work/terraform.rc" <<RC
provider_installation {
  dev_overrides {
    "registry.terraform.io/drsorch/drsorch" = "$1"
  }
  direct {}
}
RC
  export TF_CLI_CONFIG_FILE="$work/terraform.rc" TF_IN_AUTOMATION=1
}

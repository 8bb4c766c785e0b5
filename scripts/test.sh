#!/usr/bin/env bash
# The whole test suite: unit tests, acceptance tests through the terraform
# CLI (TF_ACC=1), the ASL conformance suite and the wire-fidelity suite
# (both need node + npm).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/check-terraform.sh
if [ -f internal/runservice/sfn/conformance/setup.sh ]; then
  bash internal/runservice/sfn/conformance/setup.sh
fi
if [ -f internal/runservice/wirefidelity/setup.sh ]; then
  bash internal/runservice/wirefidelity/setup.sh
fi
export TF_ACC=1
go vet ./...
# go test hides a passing package's output: the wire-fidelity suite runs
# on its own, verbose, so that its per-service figures show in the log.
wire=./internal/runservice/wirefidelity
go test -count=1 -timeout 45m $(go list ./... | grep -vx "$(go list "$wire")")
go test -count=1 -timeout 10m -v "$wire"

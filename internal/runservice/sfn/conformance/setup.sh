#!/usr/bin/env bash
# Installs the conformance suite's independent tools (aws-local-stepfunctions,
# asl-validator) at the versions pinned in package-lock.json.
set -euo pipefail
cd "$(dirname "$0")"
command -v node >/dev/null || { echo "error: Node.js 20 or later is needed for the ASL conformance suite" >&2; exit 2; }
# aws-local-stepfunctions declares node>=22; run.mjs polyfills what it needs on 20.
npm ci --no-audit --no-fund --engine-strict=false

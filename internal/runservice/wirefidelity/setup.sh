#!/usr/bin/env bash
# Installs the wire-fidelity suite's SDK (the AWS SDK for JavaScript v3
# clients) at the versions pinned in package-lock.json.
set -euo pipefail
cd "$(dirname "$0")"
command -v node >/dev/null || { echo "error: Node.js 20 or later is needed for the wire-fidelity suite" >&2; exit 2; }
npm ci --no-audit --no-fund

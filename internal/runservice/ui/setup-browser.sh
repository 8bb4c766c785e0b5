#!/bin/sh
# Installs Debian's chromium for the dashboard's headless-browser test
# (TestBrowser* in this package) when no chromium binary is on the machine.
# Run as root (or with sudo) on Debian or Ubuntu. The test skips without a
# browser unless DRSORCH_REQUIRE_BROWSER=1.
set -eu

for b in chromium chromium-browser google-chrome; do
	if command -v "$b" >/dev/null 2>&1; then
		echo "browser found: $(command -v "$b")"
		exit 0
	fi
done

SUDO=""
if [ "$(id -u)" != 0 ]; then
	SUDO="sudo"
fi
$SUDO apt-get update
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends chromium fonts-dejavu-core
command -v chromium

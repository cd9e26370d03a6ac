#!/usr/bin/env bash
# Debian packages cutout's test suite needs beyond npm: Chromium, for the web page's browser tests
# (driven by playwright-core with executablePath /usr/bin/chromium; never `npx playwright install`).
# Idempotent: does nothing when Chromium is already there. Needs root (or sudo) on a Debian-like system.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  echo "chromium: already installed ($(/usr/bin/chromium --version 2>/dev/null | head -1))"
  exit 0
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq chromium

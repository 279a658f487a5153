#!/usr/bin/env bash
# Runs the whole test suite. On a fresh machine it first installs what the browser tests need
# (Debian's chromium; no browser download) and the Python environment (uv sync --locked).
set -euo pipefail
cd "$(dirname "$0")"

if ! command -v chromium >/dev/null 2>&1; then
  echo "Installing Debian chromium for the browser tests…"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium libharfbuzz-subset0 poppler-utils >/dev/null
fi
command -v uv >/dev/null 2>&1 || python3 -m pip install -q uv
uv sync --locked -q
exec uv run pytest "$@"

#!/usr/bin/env bash
# Runs the whole test suite. On a fresh machine it first installs what the browser tests need
# (Debian's chromium; no browser download), Debian's nginx for the deployment tests, and the Python environment
# (uv sync --locked).
set -euo pipefail
cd "$(dirname "$0")"

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium libharfbuzz-subset0 poppler-utils)
[ -x /usr/sbin/nginx ] || missing+=(nginx)  # tests/deploy: the shipped nginx site (not started as a service)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing Debian ${missing[*]} for the tests…"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO .ci/apt-install "${missing[@]}"
fi
command -v uv >/dev/null 2>&1 || python3 -m pip install -q uv
uv sync --locked -q
exec uv run pytest "$@"

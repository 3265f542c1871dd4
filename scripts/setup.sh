#!/usr/bin/env bash
# Installs what a fresh machine of this kind lacks: Debian dev packages, supervisord, benchmark tools.
# Idempotent and quiet when everything is present.
set -euo pipefail

packages=(libsqlite3-dev libcurl4-openssl-dev libssl-dev libnghttp2-dev libopenblas-dev wrk)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if ! command -v supervisord >/dev/null 2>&1; then
  echo "setup: installing supervisor (pip)"
  python3 -m pip install -q supervisor
fi

if [ -x scripts/install-models.sh ]; then
  bash scripts/install-models.sh
fi

#!/usr/bin/env bash
# Starts the six services under supervisord in the foreground. Every variable of ARCHITECTURE.md §4 is honoured
# from the environment; defaults are filled in here so supervisord.conf can refer to them.
# SIGTERM or Ctrl-C stops supervisord, which stops every service with SIGTERM.
set -euo pipefail
cd "$(dirname "$0")/.."

: "${CRYPTODT_BIN:?CRYPTODT_BIN must point at the directory holding the built executables}"
export CRYPTODT_BIN
export PORT="${PORT:-7860}"
export DATA_DIR="${DATA_DIR:-./data}"
mkdir -p "$DATA_DIR"
DATA_DIR="$(cd "$DATA_DIR" && pwd)"
export DATA_DIR
export SOCKET_DIR="${SOCKET_DIR:-$DATA_DIR/run}"
export SUPERVISOR_RUN_DIR="${SUPERVISOR_RUN_DIR:-$DATA_DIR/supervisor}"
export LOG_LEVEL="${LOG_LEVEL:-info}"
export ENVIRONMENT="${ENVIRONMENT:-development}"
mkdir -p "$SOCKET_DIR" "$SUPERVISOR_RUN_DIR"

exec supervisord -n -c "${SUPERVISORD_CONF:-supervisord.conf}"

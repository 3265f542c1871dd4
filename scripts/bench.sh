#!/usr/bin/env bash
# `make bench`: runs the benchmarks with the release binaries in $CRYPTODT_BIN. Each prints Markdown rows with its
# in-run baseline; the figures and this command go in docs/BENCHMARKS.md (one heading per benchmark).
set -euo pipefail
cd "$(dirname "$0")/.."
: "${CRYPTODT_BIN:?CRYPTODT_BIN must point at the directory holding the release executables}"

echo "## Store"
"$CRYPTODT_BIN/cryptodt-bench" store

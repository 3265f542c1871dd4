#!/usr/bin/env bash
# The benchmarks behind `make bench`; each prints Markdown for docs/BENCHMARKS.md with its in-run baseline.
# CRYPTODT_BIN is the directory of the release executables (the Makefile sets it).
set -euo pipefail
cd "$(dirname "$0")/.."
: "${CRYPTODT_BIN:?CRYPTODT_BIN must point at the release executables}"

# Sentiment: the native engine vs PyTorch on the product model and the same headlines, and news-sentiment-svc's RSS.
models="$(bash scripts/install-models.sh --print-models-dir)"
echo "## Sentiment (cryptodt-bench sentiment)"
"$CRYPTODT_BIN/cryptodt-bench" sentiment --model "$models/sentiment" --crypto-model "$models/crypto-sentiment"

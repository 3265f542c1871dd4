#!/usr/bin/env bash
# `make bench`: runs every benchmark with its in-run baseline and prints Markdown tables (copy them into
# docs/BENCHMARKS.md with the date and the machine's load). Needs CRYPTODT_BIN (the release build directory).
set -euo pipefail
cd "$(dirname "$0")/.."
: "${CRYPTODT_BIN:?CRYPTODT_BIN must point at the release build directory}"
bench="$CRYPTODT_BIN/cryptodt-bench"

echo "# make bench — $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
for suite in $("$bench" --help | awk '/SUBCOMMANDS:/{f=1;next} f && /^$/{exit} f && /^  [a-z]/{print $1}'); do
  echo "## $suite"
  if [ "$suite" = ws ]; then
    # 1,000 WebSocket clients through the real gateway; WS_BENCH_DURATION=60 for a quick run (memory growth is
    # judged over the whole duration, 5 minutes by default).
    "$bench" ws --clients "${WS_BENCH_CLIENTS:-1000}" --duration "${WS_BENCH_DURATION:-300}" 2>/dev/null
  else
    "$bench" "$suite" 2>/dev/null
  fi
  echo
done

echo "## http"
bash scripts/bench-http.sh

#!/usr/bin/env bash
# HTTP benchmark through the real gateway (issue 3): cached GET /api/prices?symbols=BTC,ETH next to the gateway's
# /health, measured with wrk in the same run (64 connections, 2 threads). Upstreams are the replay upstream serving
# the captured CoinGecko response, so the route's data path (gateway → RPC → market-svc cache) is the real one.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${CRYPTODT_BIN:?CRYPTODT_BIN must point at the release build directory}"
DURATION="${BENCH_HTTP_DURATION:-8s}"
work=$(mktemp -d /tmp/cdt-http-bench.XXXX)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

"$CRYPTODT_BIN/replay-upstream" --host 127.0.0.1 --port 0 --fixtures Tests/Fixtures > "$work/replay.out" 2> "$work/replay.log" &
pids+=($!)
for _ in $(seq 1 100); do grep -q "listening on" "$work/replay.out" 2>/dev/null && break; sleep 0.1; done
replay="http://$(sed -n 's/^listening on //p' "$work/replay.out" | head -1)"
# The captured /simple/price body (bitcoin) plus ethereum, served for the two-coin request the route makes.
curl -s -X POST "$replay/_control/routes" -H 'content-type: application/json' -d '{"path": "/coingecko/api/v3/simple/price", "query": {"ids": "bitcoin,ethereum"}, "body": "{\"bitcoin\":{\"usd\":67187.3358936566,\"last_updated_at\":1711356300},\"ethereum\":{\"usd\":3590.12,\"last_updated_at\":1711356300}}"}' > /dev/null

port=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
export DATA_DIR="$work/data" SOCKET_DIR="$work/run" PORT="$port" LOG_LEVEL=warning ACCESS_LOG=false \
  MARKET_COLLECTOR_ENABLED=false MARKET_HISTORY=off MARKET_TTL_PRICES=3600 \
  COINGECKO_BASE_URL="$replay/coingecko/api/v3" BINANCE_BASE_URL="$replay/binance" KRAKEN_BASE_URL="$replay/kraken" \
  CRYPTOCOMPARE_BASE_URL="$replay/cryptocompare"
mkdir -p "$SOCKET_DIR" "$DATA_DIR"
"$CRYPTODT_BIN/market-svc" > "$work/market.log" 2>&1 & pids+=($!)
"$CRYPTODT_BIN/gateway" > "$work/gateway.log" 2>&1 & pids+=($!)
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/api/prices?symbols=BTC,ETH" > /dev/null && break; sleep 0.1; done

row() { # label path
  local out rps p50 p99
  out=$(wrk -t2 -c64 -d"$DURATION" --latency "http://127.0.0.1:$port$2")
  rps=$(awk '/Requests\/sec/{print $2}' <<< "$out")
  p50=$(awk '$1=="50%"{print $2}' <<< "$out")
  p99=$(awk '$1=="99%"{print $2}' <<< "$out")
  echo "| $1 | $rps | $p50 | $p99 |"
}
echo "Gateway over HTTP/1.1, wrk -t2 -c64 -d$DURATION --latency (command: make bench, scripts/bench-http.sh)"
echo
echo "| route | req/s | p50 | p99 |"
echo "|---|---:|---:|---:|"
row "GET /health (baseline)" "/health"
row "GET /api/prices?symbols=BTC,ETH (cached)" "/api/prices?symbols=BTC,ETH"
row "GET /health (baseline, again)" "/health"
row "GET /api/prices?symbols=BTC,ETH (cached, again)" "/api/prices?symbols=BTC,ETH"
echo
echo "upstream requests during the run: $(curl -s "$replay/_control/hits" | python3 -c 'import json,sys;print(sum(json.load(sys.stdin)["by_path"].values()))')"

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
# Limits high enough never to refuse during the run, so the limiter's accounting is measured, not 429s.
export RATE_LIMIT_ANONYMOUS_PER_MINUTE=1000000000 RATE_LIMIT_ANONYMOUS_PER_DAY=unlimited \
  RATE_LIMIT_PRO_PER_MINUTE=1000000000 RATE_LIMIT_PRO_PER_DAY=1000000000
export DATA_DIR="$work/data" SOCKET_DIR="$work/run" PORT="$port" LOG_LEVEL=warning ACCESS_LOG=false \
  MARKET_COLLECTOR_ENABLED=false MARKET_HISTORY=off MARKET_TTL_PRICES=3600 \
  COINGECKO_BASE_URL="$replay/coingecko/api/v3" BINANCE_BASE_URL="$replay/binance" KRAKEN_BASE_URL="$replay/kraken" \
  CRYPTOCOMPARE_BASE_URL="$replay/cryptocompare"
mkdir -p "$SOCKET_DIR" "$DATA_DIR"
"$CRYPTODT_BIN/store-svc" > "$work/store.log" 2>&1 & pids+=($!)
"$CRYPTODT_BIN/market-svc" > "$work/market.log" 2>&1 & pids+=($!)
"$CRYPTODT_BIN/gateway" > "$work/gateway.log" 2>&1 & pids+=($!)
# A second gateway on the same services with authentication, limits and audit off: the in-run baseline.
port_off=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
PORT="$port_off" GATEWAY_AUTH=off "$CRYPTODT_BIN/gateway" > "$work/gateway-off.log" 2>&1 & pids+=($!)
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/api/prices?symbols=BTC,ETH" > /dev/null && break; sleep 0.1; done
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port_off/api/prices?symbols=BTC,ETH" > /dev/null && break; sleep 0.1; done

row() { # label path [port] [wrk header args...]
  local out rps p50 p99 target="${3:-$port}"
  out=$(wrk -t2 -c64 -d"$DURATION" --latency "${@:4}" "http://127.0.0.1:$target$2")
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

# Auth and limits on vs off (issue 5): the same cached route through the gateway with authentication, limits and
# the request audit (gateway :$port) and through the second gateway with GATEWAY_AUTH=off (:$port_off), interleaved.
key_json=$("$CRYPTODT_BIN/cryptodt-admin" keys create --tier pro --name bench --json)
key=$(python3 -c 'import json,sys;print(json.load(sys.stdin)["key"])' <<< "$key_json")
token=$(curl -sf -X POST "http://127.0.0.1:$port/api/auth/token" -H "X-API-Key: $key" | python3 -c 'import json,sys;print(json.load(sys.stdin)["data"]["access_token"])')
auth_rows=()
auth_row() { # label port [header]
  local out rps p50 p99
  if [ -n "${3:-}" ]; then out=$(wrk -t2 -c64 -d"$DURATION" --latency -H "$3" "http://127.0.0.1:$2/api/prices?symbols=BTC,ETH")
  else out=$(wrk -t2 -c64 -d"$DURATION" --latency "http://127.0.0.1:$2/api/prices?symbols=BTC,ETH"); fi
  rps=$(awk '/Requests\/sec/{print $2}' <<< "$out")
  p50=$(awk '$1=="50%"{print $2}' <<< "$out")
  p99=$(awk '$1=="99%"{print $2}' <<< "$out")
  non2xx=$(awk '/Non-2xx/{print $4}' <<< "$out")
  auth_rows+=("$1|$rps")
  echo "| $1 | $rps | $p50 | $p99 | ${non2xx:-0} |"
}
echo "Auth and limits: GET /api/prices?symbols=BTC,ETH (cached), wrk -t2 -c64 -d$DURATION; 'off' is a second gateway with GATEWAY_AUTH=off on the same services"
echo
echo "| gateway | req/s | p50 | p99 | non-2xx |"
echo "|---|---:|---:|---:|---:|"
for round in 1 2; do
  auth_row "off (round $round)" "$port_off"
  auth_row "on, anonymous (round $round)" "$port"
  auth_row "on, X-API-Key pro (round $round)" "$port" "X-API-Key: $key"
  auth_row "on, Bearer JWT (round $round)" "$port" "Authorization: Bearer $token"
done
echo
printf '%s\n' "${auth_rows[@]}" | python3 -c '
import sys, statistics
rows = [line.rsplit("|", 1) for line in sys.stdin.read().split("\n") if line]
groups = {}
for label, rps in rows:
    groups.setdefault(label.split(" (round")[0], []).append(float(rps))
off = statistics.median(groups.pop("off"))
for name, values in groups.items():
    on = statistics.median(values)
    print(f"- {name}: median {on:,.0f} req/s vs off {off:,.0f} → {on / off:.3f}× ({(1 - on / off) * 100:+.1f}% loss), "
          f"{(1e6 / on - 1e6 / off):+.1f} µs of gateway time per request")
'
audited=$("$CRYPTODT_BIN/cryptodt-admin" stats --json | python3 -c 'import json,sys;print(next((t["rows"] for t in json.load(sys.stdin)["tables"] if t["table"]=="user_requests"), 0))')
echo "- audit rows written to user_requests during the run: $audited"
echo
echo "upstream requests during the run: $(curl -s "$replay/_control/hits" | python3 -c 'import json,sys;print(sum(json.load(sys.stdin)["by_path"].values()))')"

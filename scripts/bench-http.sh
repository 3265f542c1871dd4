#!/usr/bin/env bash
# HTTP benchmark through the real gateway (issue 3): cached GET /api/prices?symbols=BTC,ETH next to the gateway's
# /health, measured with wrk in the same run (64 connections, 2 threads). Upstreams are the replay upstream serving
# the captured CoinGecko response, so the route's data path (gateway → RPC → market-svc cache) is the real one.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${CRYPTODT_BIN:?CRYPTODT_BIN must point at the release build directory}"
DURATION="${BENCH_HTTP_DURATION:-8s}"
ROUNDS="${BENCH_HTTP_ROUNDS:-2}" # interleaved rounds of the auth on/off rows (medians are taken over them)
source scripts/bench-upstream.sh

port=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
# Limits high enough never to refuse during the run, so the limiter's accounting is measured, not 429s.
export RATE_LIMIT_ANONYMOUS_PER_MINUTE=1000000000 RATE_LIMIT_ANONYMOUS_PER_DAY=unlimited \
  RATE_LIMIT_PRO_PER_MINUTE=1000000000 RATE_LIMIT_PRO_PER_DAY=1000000000
export DATA_DIR="$work/data" SOCKET_DIR="$work/run" PORT="$port" LOG_LEVEL=warning ACCESS_LOG=false \
  MARKET_COLLECTOR_ENABLED=false MARKET_HISTORY=off MARKET_TTL_PRICES=3600 \
  COINGECKO_BASE_URL="$replay/coingecko/api/v3" BINANCE_BASE_URL="$replay/binance" KRAKEN_BASE_URL="$replay/kraken" \
  CRYPTOCOMPARE_BASE_URL="$replay/cryptocompare"
mkdir -p "$SOCKET_DIR" "$DATA_DIR"
"$CRYPTODT_BIN/store-svc" > "$work/store.log" 2>&1 & pids+=($!); pid_store=$!
"$CRYPTODT_BIN/market-svc" > "$work/market.log" 2>&1 & pids+=($!)
"$CRYPTODT_BIN/gateway" > "$work/gateway.log" 2>&1 & pids+=($!); pid_on=$!
# A second gateway on the same services with authentication, limits and audit off: the in-run baseline.
port_off=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
PORT="$port_off" GATEWAY_AUTH=off "$CRYPTODT_BIN/gateway" > "$work/gateway-off.log" 2>&1 & pids+=($!); pid_off=$!
# A third with authentication and limits on but the request audit off, to show what the audit itself costs.
port_noaudit=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
PORT="$port_noaudit" AUDIT_REQUESTS=off "$CRYPTODT_BIN/gateway" > "$work/gateway-noaudit.log" 2>&1 & pids+=($!); pid_noaudit=$!
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/api/prices?symbols=BTC,ETH" > /dev/null && break; sleep 0.1; done
for p in "$port_off" "$port_noaudit"; do
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$p/api/prices?symbols=BTC,ETH" > /dev/null && break; sleep 0.1; done
done

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
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; } # user + system clock ticks of a process
tick_us=$((1000000 / $(getconf CLK_TCK)))
auth_row() { # label port pid [header]
  local out rps p50 p99 requests before after store_before store_after cpu store_cpu
  before=$(cpu_ticks "$3"); store_before=$(cpu_ticks "$pid_store")
  if [ -n "${4:-}" ]; then out=$(wrk -t2 -c64 -d"$DURATION" --latency -H "$4" "http://127.0.0.1:$2/api/prices?symbols=BTC,ETH")
  else out=$(wrk -t2 -c64 -d"$DURATION" --latency "http://127.0.0.1:$2/api/prices?symbols=BTC,ETH"); fi
  after=$(cpu_ticks "$3"); store_after=$(cpu_ticks "$pid_store")
  rps=$(awk '/Requests\/sec/{print $2}' <<< "$out")
  requests=$(awk '/requests in/{print $1}' <<< "$out")
  p50=$(awk '$1=="50%"{print $2}' <<< "$out")
  p99=$(awk '$1=="99%"{print $2}' <<< "$out")
  non2xx=$(awk '/Non-2xx/{print $4}' <<< "$out")
  cpu=$(python3 -c "print(f'{($after - $before) * $tick_us / $requests:.1f}')")
  store_cpu=$(python3 -c "print(f'{($store_after - $store_before) * $tick_us / $requests:.1f}')")
  auth_rows+=("$1|$rps|$cpu|$store_cpu")
  echo "| $1 | $rps | $p50 | $p99 | $cpu | $store_cpu | ${non2xx:-0} |"
}
echo "Auth and limits: GET /api/prices?symbols=BTC,ETH (cached), wrk -t2 -c64 -d$DURATION; 'off' is a second gateway with GATEWAY_AUTH=off,"
echo "'on without audit' a third with AUDIT_REQUESTS=off, on the same services"
echo
echo "| gateway | req/s | p50 | p99 | gateway CPU µs/req | store-svc CPU µs/req | non-2xx |"
echo "|---|---:|---:|---:|---:|---:|---:|"
for round in $(seq 1 "$ROUNDS"); do
  auth_row "off (round $round)" "$port_off" "$pid_off"
  auth_row "on, anonymous (round $round)" "$port" "$pid_on"
  auth_row "on, X-API-Key pro (round $round)" "$port" "$pid_on" "X-API-Key: $key"
  auth_row "on, Bearer JWT (round $round)" "$port" "$pid_on" "Authorization: Bearer $token"
  auth_row "on without audit, X-API-Key pro (round $round)" "$port_noaudit" "$pid_noaudit" "X-API-Key: $key"
done
echo
printf '%s\n' "${auth_rows[@]}" | python3 -c '
import sys, statistics
groups = {}
for line in sys.stdin.read().split("\n"):
    if not line:
        continue
    label, rps, cpu, store = line.split("|")
    groups.setdefault(label.split(" (round")[0], []).append((float(rps), float(cpu), float(store)))
def median(values, i):
    return statistics.median(v[i] for v in values)
off = groups.pop("off")
off_rps, off_cpu = median(off, 0), median(off, 1)
for name, values in groups.items():
    rps, cpu, store = median(values, 0), median(values, 1), median(values, 2)
    print(f"- {name}: median {rps:,.0f} req/s vs off {off_rps:,.0f} → {rps / off_rps:.3f}× ({(1 - rps / off_rps) * 100:+.1f}% loss); "
          f"gateway CPU {cpu:.1f} vs {off_cpu:.1f} µs/request ({cpu - off_cpu:+.1f} µs added); store-svc {store:.1f} µs/request; "
          f"CPU-cost ratio off ÷ (gateway + store-svc) {off_cpu / (cpu + store):.3f}×")
'
audited=$("$CRYPTODT_BIN/cryptodt-admin" stats --json | python3 -c 'import json,sys;print(next((t["rows"] for t in json.load(sys.stdin)["tables"] if t["table"]=="user_requests"), 0))')
echo "- audit rows written to user_requests during the run: $audited"
echo
echo "upstream requests during the run: $(curl -s "$replay/_control/hits" | python3 -c 'import json,sys;print(sum(json.load(sys.stdin)["by_path"].values()))')"

#!/usr/bin/env bash
# Instruction counts of the auth middleware (issue 5), free of the wall-clock noise of a shared machine: the release
# gateway runs under valgrind callgrind next to real store-svc and market-svc (started as scripts/bench-http.sh does),
# and a keep-alive client sends a fixed number of GET /api/prices?symbols=BTC,ETH. Counters are zeroed after a
# warm-up and dumped after the measured requests; instructions per request = Ir of that dump / requests.
# Cases: GATEWAY_AUTH=off; on, anonymous; on, X-API-Key (pro); on, Authorization: Bearer JWT.
# Usage: CRYPTODT_BIN=<release dir> scripts/profile-auth.sh [out-dir]   (PROFILE_REQUESTS, PROFILE_WARMUP)
set -euo pipefail
cd "$(dirname "$0")/.."
: "${CRYPTODT_BIN:?CRYPTODT_BIN must point at the release build directory}"
REQUESTS="${PROFILE_REQUESTS:-2000}"
WARMUP="${PROFILE_WARMUP:-200}"
out="${1:-$(mktemp -d /tmp/cdt-profile-auth.XXXX)}"
mkdir -p "$out"
source scripts/bench-upstream.sh

# valgrind 3.19 cannot read Swift 6.3's DWARF 5 debug info (profile a copy without it: symbols stay) and writes into
# the signal mask libdispatch passes to sigsuspend, which is read-only (a preloaded sigsuspend copies it first).
objcopy --strip-debug "$CRYPTODT_BIN/gateway" "$work/gateway"
printf '%s\n' '#define _GNU_SOURCE' '#include <signal.h>' '#include <unistd.h>' '#include <sys/syscall.h>' \
  'int sigsuspend(const sigset_t *mask) { sigset_t copy = *mask; return (int)syscall(SYS_rt_sigsuspend, &copy, 8); }' > "$work/shim.c"
cc -shared -fPIC -O2 -o "$work/sigsuspend-shim.so" "$work/shim.c"

free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
export RATE_LIMIT_ANONYMOUS_PER_MINUTE=1000000000 RATE_LIMIT_ANONYMOUS_PER_DAY=unlimited \
  RATE_LIMIT_PRO_PER_MINUTE=1000000000 RATE_LIMIT_PRO_PER_DAY=1000000000
export DATA_DIR="$work/data" SOCKET_DIR="$work/run" LOG_LEVEL=warning ACCESS_LOG=false \
  MARKET_COLLECTOR_ENABLED=false MARKET_HISTORY=off MARKET_TTL_PRICES=3600 \
  COINGECKO_BASE_URL="$replay/coingecko/api/v3" BINANCE_BASE_URL="$replay/binance" KRAKEN_BASE_URL="$replay/kraken" \
  CRYPTOCOMPARE_BASE_URL="$replay/cryptocompare"
mkdir -p "$SOCKET_DIR" "$DATA_DIR"
"$CRYPTODT_BIN/store-svc" > "$work/store.log" 2>&1 & pids+=($!)
"$CRYPTODT_BIN/market-svc" > "$work/market.log" 2>&1 & pids+=($!)

# A plain (unprofiled) gateway to mint the key's token.
port_plain=$(free_port)
PORT="$port_plain" "$CRYPTODT_BIN/gateway" > "$work/gateway-plain.log" 2>&1 & pids+=($!); pid_plain=$!
for _ in $(seq 1 200); do curl -sf "http://127.0.0.1:$port_plain/api/prices?symbols=BTC,ETH" > /dev/null && break; sleep 0.1; done
key=$("$CRYPTODT_BIN/cryptodt-admin" keys create --tier pro --name profile --json | python3 -c 'import json,sys;print(json.load(sys.stdin)["key"])')
token=$(curl -sf -X POST "http://127.0.0.1:$port_plain/api/auth/token" -H "X-API-Key: $key" | python3 -c 'import json,sys;print(json.load(sys.stdin)["data"]["access_token"])')
kill "$pid_plain"; wait "$pid_plain" 2>/dev/null || true

# Sends N keep-alive requests, checks every status is 200.
drive() { # port count [header]
  python3 - "$@" <<'PY'
import http.client, sys
port, count = int(sys.argv[1]), int(sys.argv[2])
headers = {}
if len(sys.argv) > 3:
    name, value = sys.argv[3].split(": ", 1)
    headers[name] = value
c = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
bad = 0
for _ in range(count):
    c.request("GET", "/api/prices?symbols=BTC,ETH", headers=headers)
    r = c.getresponse(); r.read()
    if r.status != 200: bad += 1
if bad: print(f"{bad} non-200 responses", file=sys.stderr); sys.exit(1)
PY
}

profile() { # label auth header
  local label="$1" auth="$2" header="${3:-}" port pid
  port=$(free_port)
  # The route's answer stays in the gateway's cache for the whole run: no market-svc round trip (whose count would
  # depend on the run's wall time under valgrind) in the measured window, only the gateway's own work per request.
  # The audit is flushed when a batch of AUDIT_BATCH_SIZE (2,000) rows fills, not every second: one store-svc write
  # per 2,000 requests as at full load, instead of a number that grows with valgrind's slow wall time.
  PORT="$port" GATEWAY_AUTH="$auth" GATEWAY_MARKET_CACHE_S=3600 AUDIT_FLUSH_INTERVAL="${PROFILE_AUDIT_FLUSH_INTERVAL:-3600}" LD_PRELOAD="$work/sigsuspend-shim.so" \
    valgrind --tool=callgrind --callgrind-out-file="$out/$label.%p" "$work/gateway" > "$work/gateway-$label.log" 2>&1 & pid=$!; pids+=($pid)
  for _ in $(seq 1 600); do curl -sf -m 30 "http://127.0.0.1:$port/api/prices?symbols=BTC,ETH" > /dev/null && break; sleep 0.5; done
  drive "$port" "$WARMUP" ${header:+"$header"}
  sleep 1; callgrind_control -z "$pid" > /dev/null
  drive "$port" "$REQUESTS" ${header:+"$header"}
  callgrind_control -d "$label" "$pid" > /dev/null; sleep 1
  kill "$pid"; wait "$pid" 2>/dev/null || true
  local file ir
  file="$out/$label.$pid.1" # the first dump (callgrind_control -d); the exit dump is $out/$label.$pid
  ir=$(awk '/^summary:/{print $2}' "$file")
  echo "$label|$ir|$((ir / REQUESTS))|$file"
}
echo "| case | Ir (measured) | Ir / request | dump |"
echo "|---|---:|---:|---|"
for row in "off|off|" "anonymous|on|" "api-key|on|X-API-Key: $key" "jwt|on|Authorization: Bearer $token"; do
  IFS='|' read -r label auth header <<< "$row"
  IFS='|' read -r l ir per file <<< "$(profile "$label" "$auth" "$header")"
  echo "| $l | $ir | $per | $file |"
done

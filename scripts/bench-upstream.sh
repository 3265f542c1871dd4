# Sourced by scripts/bench-http.sh and scripts/profile-auth.sh: a work directory with cleanup of every process
# listed in `pids`, and the replay upstream serving Tests/Fixtures plus the two-coin /simple/price body the cached
# /api/prices?symbols=BTC,ETH route asks for. Sets `work`, `pids` and `replay` (the upstream's base URL).
work=$(mktemp -d /tmp/cdt-bench.XXXX)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

"$CRYPTODT_BIN/replay-upstream" --host 127.0.0.1 --port 0 --fixtures Tests/Fixtures > "$work/replay.out" 2> "$work/replay.log" &
pids+=($!)
for _ in $(seq 1 100); do grep -q "listening on" "$work/replay.out" 2>/dev/null && break; sleep 0.1; done
replay="http://$(sed -n 's/^listening on //p' "$work/replay.out" | head -1)"
# The captured /simple/price body (bitcoin) plus ethereum, served for the two-coin request the route makes.
curl -s -X POST "$replay/_control/routes" -H 'content-type: application/json' -d '{"path": "/coingecko/api/v3/simple/price", "query": {"ids": "bitcoin,ethereum"}, "body": "{\"bitcoin\":{\"usd\":67187.3358936566,\"last_updated_at\":1711356300},\"ethereum\":{\"usd\":3590.12,\"last_updated_at\":1711356300}}"}' > /dev/null

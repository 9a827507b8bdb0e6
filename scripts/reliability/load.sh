#!/usr/bin/env bash
# Load (issue #7): wrk (Debian's package) drives a mix of patient requests at hundreds of
# connections on loopback against a release `relink` on a seeded SQLite file, twice in a row:
# 80% page views, 10% forms with mistakes, 9.8% replacement identity checks that do not match
# (throttle and audit writes), 0.2% PIN checks (Argon2). Reports throughput, latency percentiles,
# status classes and errors (5xx and socket errors must be 0), and the server's resident memory
# before, between and after the runs (growth from the first run to the second shows a leak).
# Usage: load.sh [seconds per run, default 120] [connections, default 400] [runs, default 2]
source "$(dirname "$0")/../lib.sh"
seconds="${1:-120}"
connections="${2:-400}"
runs="${3:-2}"
port="${RELINK_DRILL_PORT:-3920}"
patients=2000

apt_install wrk curl
build_drill

work="$(mktemp -d)"
server=""
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null; wait 2>/dev/null || true; }
trap cleanup EXIT

database="sqlite://$work/load.db"
say "Seeding $patients patients"
"$drill" seed --database "$database" --patients "$patients"
"$drill" nhs-numbers --count "$patients" >"$work/numbers.txt"
ulimit -n 65536 2>/dev/null || true
DATABASE_URL="$database" LEPTOS_SITE_ADDR="127.0.0.1:$port" RELINK_TRUSTED_PROXIES=127.0.0.1 \
  LEPTOS_SITE_ROOT="$ROOT/target/site" RUST_LOG=warn "$relink" >"$work/server.log" 2>&1 &
server=$!
wait_ready "127.0.0.1:$port"

rss() { awk '/^VmRSS/ { printf "%.1f MB", $2 / 1024 }' "/proc/$server/status"; }
echo "resident memory at start: $(rss)"
failed=0
for run in $(seq 1 "$runs"); do
  say "Run $run: $seconds s, $connections connections"
  RELINK_LOAD_PATIENTS="$patients" RELINK_LOAD_NUMBERS="$work/numbers.txt" \
    wrk -t2 -c"$connections" -d"${seconds}s" --timeout 10s --latency \
    -s "$ROOT/scripts/reliability/load.lua" "http://127.0.0.1:$port" | tee "$work/run$run.txt"
  result="$(grep '^RESULT' "$work/run$run.txt")"
  echo "resident memory after run $run: $(rss)"
  for field in s5xx connect_errors read_errors write_errors timeouts; do
    value="$(sed -E "s/.* $field=([0-9]+).*/\1/" <<<"$result")"
    [ "$value" = 0 ] || { echo "run $run: $field=$value (must be 0)" >&2; failed=1; }
  done
  sleep 5
  echo "resident memory 5 s after run $run: $(rss)"
done
grep -c ' ERROR ' "$work/server.log" | xargs echo "server error log lines:"
exit "$failed"

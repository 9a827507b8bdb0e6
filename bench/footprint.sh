#!/usr/bin/env bash
# Issue #8, items 6 and 7: start-up time (process start to /healthz 200 on an existing SQLite
# file; 20 starts, median and worst) and resident memory (idle, and the peak while wrk holds
# 500 concurrent connections on the reset page for 20 s). Loopback only.
# Usage: bench/footprint.sh
source "$(dirname "$0")/../scripts/lib.sh"
port="${RELINK_BENCH_PORT:-3945}"
apt_install wrk curl
"$ROOT/scripts/build.sh" >/dev/null
relink="$ROOT/target/release/relink"
work="$(mktemp -d)"
server=""
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null; wait 2>/dev/null || true; }
trap cleanup EXIT
export DATABASE_URL="sqlite://$work/existing.db" LEPTOS_SITE_ADDR="127.0.0.1:$port" RUST_LOG=warn
export LEPTOS_SITE_ROOT="$ROOT/target/site"

# The file exists (created and migrated, with the demo data) before the measured starts.
"$relink" --demo >/dev/null 2>&1 & server=$!
wait_ready "127.0.0.1:$port"; kill "$server"; wait "$server" 2>/dev/null || true; server=""

say "Start-up: process start to /healthz 200, 20 times"
for _ in $(seq 1 20); do
  start=$(date +%s%N)
  "$relink" >/dev/null 2>&1 & server=$!
  until curl -fsS -o /dev/null "http://127.0.0.1:$port/healthz" 2>/dev/null; do sleep 0.005; done
  echo $(( ($(date +%s%N) - start) / 1000000 ))
  kill "$server"; wait "$server" 2>/dev/null || true; server=""
done | sort -n | awk '{ t[NR] = $1 } END { printf "start-up: median %d ms, worst %d ms (budget 500 ms)\n", t[int((NR + 1) / 2)], t[NR] }'

say "Memory: idle, and under 500 concurrent connections"
ulimit -n 65536 2>/dev/null || true
"$relink" >/dev/null 2>&1 & server=$!
wait_ready "127.0.0.1:$port"
for _ in $(seq 1 20); do curl -fsS -o /dev/null "http://127.0.0.1:$port/reset-passphrase"; done
sleep 1
rss() { awk '/^VmRSS/ { print $2 }' "/proc/$server/status"; }
idle=$(rss)
wrk -t2 -c500 -d20s "http://127.0.0.1:$port/reset-passphrase" >"$work/wrk.txt" &
load=$!
peak=0
while kill -0 "$load" 2>/dev/null; do r=$(rss); [ "$r" -gt "$peak" ] && peak=$r; sleep 0.1; done
sleep 2
after=$(rss)
grep -E "Requests/sec|Socket errors|Non-2xx" "$work/wrk.txt" || true
awk -v i="$idle" -v p="$peak" -v a="$after" 'BEGIN {
  printf "resident memory: idle %.1f MB (budget 64 MB); peak under 500 connections %.1f MB (budget 256 MB); 2 s after %.1f MB\n", i / 1024, p / 1024, a / 1024 }'

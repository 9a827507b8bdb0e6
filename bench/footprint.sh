#!/usr/bin/env bash
# Issue #8, items 6 and 7: start-up time (process start to /healthz 200 on an existing SQLite
# file; 20 starts, median and worst) and resident memory (idle, and the peak while wrk holds
# 500 concurrent connections on the reset page for 20 s), then just after a burst of PIN checks
# (Argon2: each hashing slot keeps a 19 MiB working memory) and once 40 s have passed without a
# hash (the slots give their memory back 30 to 37.5 s after the last one). Loopback only.
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

# The file exists (created and migrated) before the measured starts. Not by `--demo`: a demo
# database is served only in demo mode, and the starts measured are not demo starts.
"$relink" purge >/dev/null

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
RELINK_TRUSTED_PROXIES=127.0.0.1 "$relink" >/dev/null 2>&1 & server=$!
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
# PIN checks for unknown accounts, each from its own address (so no throttle refuses them):
# they do the same Argon2 work as a real one.
check_pin() {
  curl -sS -o /dev/null -w '%{http_code}\n' -H "X-Forwarded-For: 10.9.$(( $1 / 250 )).$(( $1 % 250 + 1 ))" \
    --data "account_id=$((8000000000 + $1))&ods_code=T00001&pin_passphrase=not-the-pin&date_of_birth_day=1&date_of_birth_month=1&date_of_birth_year=1980" \
    "http://127.0.0.1:$port/reset-passphrase"
}
export -f check_pin; export port
seq 1 64 | xargs -P 8 -I{} bash -c 'check_pin {}' | sort | uniq -c | sed 's/^/PIN checks answered: /'
hashed=$(rss)
sleep 40
quiet=$(rss)
awk -v i="$idle" -v p="$peak" -v a="$after" -v h="$hashed" -v q="$quiet" 'BEGIN {
  printf "resident memory: idle %.1f MB (budget 64 MB); peak under 500 connections %.1f MB (budget 256 MB); 2 s after %.1f MB\n", i / 1024, p / 1024, a / 1024
  printf "after 64 PIN checks %.1f MB; 40 s later %.1f MB\n", h / 1024, q / 1024 }'

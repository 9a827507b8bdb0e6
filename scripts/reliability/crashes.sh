#!/usr/bin/env bash
# Crash consistency (issue #7): a stream of resets (with sign-in) and account replacements runs
# against one relink instance while it is killed with SIGKILL at random moments (every 0.3 to
# 2 s) and restarted; afterwards the invariants are checked: a PIN document is used if and only
# if the passphrase changed (with its audit entry), no patient has two active accounts or a
# replaced account without its request, confirmation and alert, every outbox message is sent and
# received, everything the server confirmed to a patient is there, and the audit chain verifies.
# Runs on SQLite and on PostgreSQL. Usage: crashes.sh [patients per backend, default 300]
source "$(dirname "$0")/../lib.sh"
patients="${1:-300}"
port="${RELINK_DRILL_PORT:-3910}"

apt_install curl
ensure_postgres
build_drill

work="$(mktemp -d)"
pids=()
server=""
cleanup() { kill -9 $server 2>/dev/null || true; kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; }
trap cleanup EXIT

start_server() {
  DATABASE_URL="$1" LEPTOS_SITE_ADDR="127.0.0.1:$port" SMTP_URL="smtp://127.0.0.1:$((port + 9))" \
    RELINK_TRUSTED_PROXIES=127.0.0.1 \
    LEPTOS_SITE_ROOT="$ROOT/target/site" "$relink" >>"$work/server.log" 2>&1 &
  server=$!
  wait_ready "127.0.0.1:$port"
}

"$drill" smtp-sink --listen "127.0.0.1:$((port + 9))" --log "$work/mail.log" >/dev/null &
pids+=($!)

for backend in sqlite postgres; do
  case $backend in
    sqlite) database="sqlite://$work/crashes.db" ;;
    postgres) database="postgres://postgres@127.0.0.1:5432/relink_crashes" ;;
  esac
  say "$backend: seeding $patients patients"
  "$drill" seed --database "$database" --patients "$patients"
  : >"$work/mail.log"
  : >"$work/acks"
  start_server "$database"
  "$drill" journeys --base "http://127.0.0.1:$port" --mail-log "$work/mail.log" \
    --acks "$work/acks" --count "$patients" --workers 4 --mode crashes >"$work/journeys.txt" &
  journeys=$!
  kills=0
  while kill -0 "$journeys" 2>/dev/null; do
    sleep "$(awk -v r="$RANDOM" 'BEGIN { printf "%.2f", 0.3 + 1.7 * r / 32767 }')"
    kill -0 "$journeys" 2>/dev/null || break
    kill -9 "$server"
    wait "$server" 2>/dev/null || true
    kills=$((kills + 1))
    start_server "$database"
  done
  wait "$journeys"
  say "$backend: $kills kills with SIGKILL"
  cat "$work/journeys.txt"
  "$drill" check --database "$database" --mail-log "$work/mail.log" --acks "$work/acks" \
    --drain-seconds 150
  DATABASE_URL="$database" "$relink" audit verify
  kill -9 "$server"
  wait "$server" 2>/dev/null || true
  server=""
done

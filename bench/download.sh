#!/usr/bin/env bash
# Issue #8, item 4: bytes over the wire for a phone's first visit to /reset-passphrase (HTML,
# CSS, JS, wasm), as served by the release server to a browser that accepts brotli and gzip.
# Usage: bench/download.sh
source "$(dirname "$0")/../scripts/lib.sh"
port="${RELINK_BENCH_PORT:-3946}"
apt_install curl bc
"$ROOT/scripts/build.sh" >/dev/null
work="$(mktemp -d)"
DATABASE_URL="sqlite://$work/bench.db" LEPTOS_SITE_ADDR="127.0.0.1:$port" RUST_LOG=warn \
  LEPTOS_SITE_ROOT="$ROOT/target/site" "$ROOT/target/release/relink" >/dev/null 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
wait_ready "127.0.0.1:$port"

printf '| file | brotli (what Chromium gets) | gzip | raw |\n|---|---|---|---|\n'
total_br=0
for path in /reset-passphrase /pkg/relink.css /assets/js/init.js /assets/js/nhsuk-frontend.min.js \
  /pkg/relink.js /pkg/relink.wasm; do
  size() { curl -fsS -H "Accept-Encoding: $1" -o /dev/null -w '%{size_download}' "http://127.0.0.1:$port$path"; }
  br=$(size "br, gzip") gz=$(size gzip) raw=$(size identity)
  total_br=$((total_br + br))
  [ "$path" = /pkg/relink.wasm ] && wasm_br=$br
  printf '| `%s` | %.1f KB | %.1f KB | %.1f KB |\n' "$path" "$(bc -l <<<"$br/1000")" "$(bc -l <<<"$gz/1000")" "$(bc -l <<<"$raw/1000")"
done
printf '\nfirst visit, brotli: %.1f KB in all (budget 150 KB), wasm %.1f KB (budget 100 KB)\n' \
  "$(bc -l <<<"$total_br/1000")" "$(bc -l <<<"$wasm_br/1000")"

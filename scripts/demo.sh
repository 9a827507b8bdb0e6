#!/usr/bin/env bash
# Builds Relink and serves it in demo mode at http://127.0.0.1:3000 on a SQLite file
# (relink.db in this folder, created on first start). Extra arguments go to relink.
source "$(dirname "$0")/lib.sh"
"$ROOT/scripts/build.sh"
say "Serving the demo at http://${LEPTOS_SITE_ADDR:-127.0.0.1:3000} (Ctrl-C to stop)"
exec "$ROOT/target/release/relink" --demo "$@"

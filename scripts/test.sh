#!/usr/bin/env bash
# Runs every test: formatting and lints, unit and property tests, repository tests on SQLite
# and PostgreSQL, HTTP tests of the router, and Playwright end-to-end tests (JavaScript on and
# off, axe on every page) in Debian's Chromium, short reliability drills (several instances
# behind nginx, SIGKILL during journeys), the PDS rate drill (alongside Playwright) and a short
# fuzzing run. Installs and starts what it needs first.
source "$(dirname "$0")/lib.sh"
"$ROOT/scripts/setup.sh" --test

say "Checking formatting and lints"
cargo fmt --all -- --check
cargo clippy --quiet --all-targets -p relink -p app -- -D warnings

"$ROOT/scripts/build.sh" --debug-server

say "Unit, property, repository (SQLite and PostgreSQL) and HTTP tests"
cargo test -p relink -p app --features app/ssr

say "Fuzzing every domain parser, 10 s each (scripts/fuzz.sh 300 for the long run)"
"$ROOT/scripts/fuzz.sh" 10

say "Reliability drills, short: three instances behind nginx; SIGKILL during journeys"
RELINK_DRILL_PROFILE=dev "$ROOT/scripts/reliability/instances.sh" 30
RELINK_DRILL_PROFILE=dev "$ROOT/scripts/reliability/crashes.sh" 60

# About 205 s of mostly waiting (1,000 patients at 5 a second), so it runs alongside Playwright.
say "PDS rate drill (1,000 patients at 5 a second) in the background, log in target/pds-rate.log"
RELINK_DRILL_PROFILE=dev build_pds_drill
"$pds_drill" >"$ROOT/target/pds-rate.log" 2>&1 &
pds_drill_pid=$!
trap 'kill "$pds_drill_pid" 2>/dev/null || true' EXIT

say "End-to-end tests in Chromium, JavaScript on and off"
npx playwright test --config end2end/playwright.config.ts

say "Waiting for the PDS rate drill"
if ! wait "$pds_drill_pid"; then
  cat "$ROOT/target/pds-rate.log" >&2
  echo "the PDS rate drill failed (log above)" >&2
  exit 1
fi
tail -n 4 "$ROOT/target/pds-rate.log"

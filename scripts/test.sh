#!/usr/bin/env bash
# Runs every test: formatting and lints, unit and property tests, repository tests on SQLite
# and PostgreSQL, HTTP tests of the router, and Playwright end-to-end tests (JavaScript on and
# off, axe on every page) in Debian's Chromium, short reliability drills (several instances
# behind nginx, SIGKILL during journeys) and a short fuzzing run. Installs and starts what it
# needs first.
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

say "End-to-end tests in Chromium, JavaScript on and off"
npx playwright test --config end2end/playwright.config.ts

#!/usr/bin/env bash
# Issue #8, item 5: time to usable and to hydrated on a slow phone (CPU ×4, slow 4G), with
# JavaScript off and on, in Debian's Chromium. Usage: bench/slow-phone.sh
source "$(dirname "$0")/../scripts/lib.sh"
"$ROOT/scripts/setup.sh" --test >/dev/null
"$ROOT/scripts/build.sh" >/dev/null
npx playwright test --config bench/phone/playwright.config.ts 2>&1 | grep -E "RESULT|passed|failed|Error"

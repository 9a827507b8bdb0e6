#!/usr/bin/env bash
# The PDS rate drill (issue #21): N patients (default 1,000) refreshed by the background refresh
# from a local PDS that counts every request's arrival, at a limit of R a second (default 5, as
# PDS allows); fails if any sliding one-second window holds more than R, if a request lacks an
# X-Request-ID, if the round reports a failure or if a patient ends without a stored record.
# 1,000 at 5 a second takes about 205 s, nearly all of it waiting.
# Usage: pds-rate.sh [patients, default 1000] [rate, default 5] [further drill options, such
# as --429-every 50]
source "$(dirname "$0")/../lib.sh"
patients="${1:-1000}"
rate="${2:-5}"
shift $(($# < 2 ? $# : 2))

build_pds_drill
say "PDS rate drill: $patients patients at $rate a second"
"$pds_drill" --patients "$patients" --rate "$rate" "$@"

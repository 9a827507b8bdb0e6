#!/usr/bin/env bash
# Fuzzes every domain parser (NHS number, ODS code, Account ID, PIN passphrase, postcode, email,
# date of birth, reference number, security code, staff username) and the import readers (CSV and
# FHIR Bundle) with cargo-fuzz and libFuzzer. Every [[bin]] of fuzz/Cargo.toml is a target
# (`cargo fuzz list`), so a new target runs without changing this script.
#
#   scripts/fuzz.sh            10 s per target: the short run scripts/test.sh does
#   scripts/fuzz.sh 300        5 minutes per target: the longer run, before a release
#   scripts/fuzz.sh 60 postcode email_address    only some targets
#
# Prints one line per target: executions and whether it crashed. Exits non-zero if any did; the
# input that crashed is saved in fuzz/artifacts/<target>/ (replay: see the line printed).
#
# cargo-fuzz needs nightly-only flags (-Zsanitizer, sanitizer coverage); RUSTC_BOOTSTRAP=1 lets
# the stable toolchain take them, so no nightly is needed. Each target runs on a scratch copy of
# its seeds in fuzz/corpus/<target>/, under fuzz/target/, so what libFuzzer adds stays out of git.
source "$(dirname "$0")/lib.sh"

seconds="${1:-10}"
shift || true
[[ "$seconds" =~ ^[1-9][0-9]*$ ]] || { echo "usage: $0 [seconds per target] [target...]" >&2; exit 2; }

export RUSTC_BOOTSTRAP=1
command -v c++ >/dev/null || apt_install g++ # libfuzzer-sys compiles libFuzzer (C++)
if ! cargo fuzz --version >/dev/null 2>&1; then
  say "Installing cargo-fuzz"
  cargo install cargo-fuzz --locked --quiet
fi

cd "$ROOT/fuzz"
if (($#)); then targets=("$@"); else mapfile -t targets < <(cargo fuzz list); fi

# The same flags for build and run, so `run` does not rebuild. The default build: optimised, with
# debug assertions and overflow checks on, and AddressSanitizer.
flags=(--sanitizer address)
say "Building the fuzz targets"
cargo fuzz build "${flags[@]}"

say "Fuzzing each target for ${seconds} s"
failed=0
summary=()
for target in "${targets[@]}"; do
  scratch="$ROOT/fuzz/target/corpus-run/$target"
  log="$ROOT/fuzz/target/fuzz-$target.log"
  rm -rf "$scratch"
  mkdir -p "$scratch"
  cp "$ROOT/fuzz/corpus/$target/"* "$scratch/" 2>/dev/null || true
  status=0
  cargo fuzz run "${flags[@]}" "$target" "$scratch" -- \
    -max_total_time="$seconds" -timeout=10 -print_final_stats=1 \
    >"$log" 2>&1 || status=$?
  runs="$(sed -n 's/^Done \([0-9]*\) runs in \([0-9]*\) second.*/\1 runs in \2 s/p' "$log" | tail -n1)"
  if ((status == 0)) && [ -n "$runs" ]; then
    line="$(printf '%-22s %-26s no crash' "$target" "$runs")"
  else
    failed=1
    crash="$(grep -o "Test unit written to [^ ]*" "$log" | tail -n1 | sed 's/Test unit written to //')"
    line="$(printf '%-22s %-26s CRASH (exit %s)' "$target" "${runs:-stopped}" "$status")"
    [ -n "$crash" ] && line+=", input: fuzz/${crash#"$ROOT/fuzz/"}; replay: cd fuzz && RUSTC_BOOTSTRAP=1 cargo fuzz run $target ${crash#"$ROOT/fuzz/"}"
    grep -m1 -A3 -E "panicked at|ERROR: libFuzzer|ERROR: AddressSanitizer" "$log" | sed 's/^/    /' >&2 || true
    echo "    full log: $log" >&2
  fi
  echo "$line"
  summary+=("$line")
done

say "Fuzzing summary (${seconds} s per target)"
printf '%s\n' "${summary[@]}"
exit "$failed"

#!/usr/bin/env bash
# Issue #20, "Speed": importing patients from CSV and from a FHIR Bundle into SQLite and
# PostgreSQL (100,000 rows each, a real import then the same file again), then CSV at 10,000
# and 100,000 rows on each backend, to show the peak memory does not grow with the file. Each
# case runs in its own process (benches/import.rs), so each peak is its own. Release build.
# Usage: bench/import.sh [rows, default 100000]
source "$(dirname "$0")/../scripts/lib.sh"
rows="${1:-100000}"
ensure_postgres

say "Building the import benchmark (release)"
# The bench's own executable: cargo also lists the relink binary it builds, in no fixed order.
bin="$(cargo bench --bench import --no-run --message-format=json 2>/dev/null \
  | grep '"kind":\["bench"\]' | sed -n 's/.*"executable":"\([^"]*\)".*/\1/p' | tail -n1)"
[ -x "$bin" ] || { echo "could not build benches/import.rs" >&2; exit 1; }

results=()
run() {
  say "import $*"
  local out
  out="$("$bin" "$@")"
  printf '%s\n' "$out" | grep -v '^RESULT ' >&2
  results+=("$(printf '%s\n' "$out" | grep '^RESULT ')")
}
for backend in sqlite postgres; do
  for format in csv bundle; do
    run --rows "$rows" --format "$format" --backend "$backend"
  done
done
for backend in sqlite postgres; do
  say "peak memory against file size: CSV on $backend at $((rows / 10)) and $rows rows"
  scale="$("$bin" --scale-check --rows "$rows" --format csv --backend "$backend")" || scale_failed=1
  printf '%s\n' "$scale" | grep -v '^RESULT \|^ \|into' >&2
  while read -r line; do results+=("$line"); done < <(printf '%s\n' "$scale" | grep '^RESULT ')
done

field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$2"; }
printf '\n| %-6s | %-8s | %7s | %8s | %9s | %9s | %9s | %9s | %9s |\n' \
  format backend rows "file MB" "1st s" "1st rows/s" "2nd s" "2nd rows/s" "peak MB"
printf '|%s|\n' "--------|----------|---------|----------|-----------|------------|-----------|------------|-----------"
for r in "${results[@]}"; do
  printf '| %-6s | %-8s | %7s | %8.1f | %9s | %10s | %9s | %10s | %9.1f |\n' \
    "$(field format "$r")" "$(field backend "$r")" "$(field rows "$r")" \
    "$(awk "BEGIN{print $(field file_bytes "$r")/1e6}")" \
    "$(field first_secs "$r")" "$(field first_rows_per_sec "$r")" \
    "$(field second_secs "$r")" "$(field second_rows_per_sec "$r")" \
    "$(awk "BEGIN{print $(field import_peak_kb "$r")/1024}")"
done
[ -z "${scale_failed:-}" ] || { echo "memory grew with the file" >&2; exit 1; }

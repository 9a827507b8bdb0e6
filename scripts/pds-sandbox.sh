#!/usr/bin/env bash
# NHS England's own PDS FHIR sandbox (vendored, read-only, in ../shared/vendor/pds-sandbox),
# copied to target/pds-sandbox and its packages installed there (again only when its lockfile
# changes). Used by the integration tests (tests/it/common/pds_sandbox.rs) and Playwright.
#   scripts/pds-sandbox.sh prepare       copy and install, then exit
#   scripts/pds-sandbox.sh serve PORT    prepare, then run it on 127.0.0.1:PORT (in the foreground)
source "$(dirname "$0")/lib.sh"

source_dir="$ROOT/../shared/vendor/pds-sandbox"
work_dir="${CARGO_TARGET_DIR:-$ROOT/target}/pds-sandbox"

prepare() {
  [ -f "$source_dir/package.json" ] || { echo "$source_dir is missing (the vendored sandbox, ../shared/vendor)" >&2; exit 1; }
  mkdir -p "$work_dir"
  find "$work_dir" -mindepth 1 -maxdepth 1 ! -name node_modules -exec rm -rf {} +
  (cd "$source_dir" && tar --exclude=node_modules -cf - .) | (cd "$work_dir" && tar -xf -)
  chmod -R u+w "$work_dir"
  local marker="$work_dir/node_modules/.relink-installed-from"
  if ! cmp -s "$source_dir/package-lock.json" "$marker"; then
    (cd "$work_dir" && npm ci --omit=dev --no-audit --no-fund --loglevel=error >&2)
    cp "$source_dir/package-lock.json" "$marker"
  fi
}

case "${1:-}" in
  prepare) prepare ;;
  serve)
    [ -n "${2:-}" ] || { echo "usage: $0 serve PORT" >&2; exit 2; }
    prepare
    cd "$work_dir"
    PDS_SANDBOX_PORT="$2" PDS_SANDBOX_HOST=127.0.0.1 exec node src/app.js
    ;;
  *) echo "usage: $0 prepare | serve PORT" >&2; exit 2 ;;
esac

#!/usr/bin/env bash
# The test OpenID Connect provider (scripts/oidc-provider: `oidc-provider` with CIS2-like
# claims), copied to target/oidc-provider and its packages installed there (again only when its
# lockfile changes). Used by the integration tests (tests/it/common/oidc_provider.rs) and
# Playwright's staff sign-in with CIS2.
#   scripts/oidc-provider.sh prepare       copy and install, then exit
#   scripts/oidc-provider.sh serve PORT    prepare, then run it on 127.0.0.1:PORT (in the foreground)
source "$(dirname "$0")/lib.sh"

source_dir="$ROOT/scripts/oidc-provider"
work_dir="${CARGO_TARGET_DIR:-$ROOT/target}/oidc-provider"

prepare() {
  mkdir -p "$work_dir"
  cp "$source_dir/package.json" "$source_dir/package-lock.json" "$source_dir/provider.mjs" "$work_dir/"
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
    OIDC_PORT="$2" OIDC_HOST=127.0.0.1 exec node provider.mjs
    ;;
  *) echo "usage: $0 prepare | serve PORT" >&2; exit 2 ;;
esac

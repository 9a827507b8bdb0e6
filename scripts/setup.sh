#!/usr/bin/env bash
# Installs what building and serving Relink needs, skipping what is already there:
# a wasm32 toolchain, wasm-bindgen-cli matching Cargo.lock, and the npm packages.
# With --test it also installs Chromium and makes sure PostgreSQL is running.
source "$(dirname "$0")/lib.sh"

with_tests=false
[ "${1:-}" = "--test" ] && with_tests=true

# 1. A compiler for wasm32-unknown-unknown (see README, "The WebAssembly toolchain").
# RELINK_WASM_ROUTE=debian|rustup forces a route (the Debian one is tested that way).
mkdir -p target
[ -n "${RELINK_WASM_ROUTE:-}" ] && echo "$RELINK_WASM_ROUTE" > target/.wasm-route
if [ ! -s target/.wasm-route ]; then
  if rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
    echo rustup > target/.wasm-route
  elif timeout 60 rustup target add wasm32-unknown-unknown >/dev/null 2>&1; then
    echo rustup > target/.wasm-route
  else
    say "rustup cannot add the wasm32 target here: using Debian's rustc-web and building std from source"
    echo debian > target/.wasm-route
  fi
fi
if [ "$(cat target/.wasm-route)" = debian ]; then
  # rust-web-llvm provides /usr/bin/rust-lld (a link to lld-22), the wasm linker rustc expects.
  apt_install rustc-web cargo-web rust-web-src lld-22 rust-web-llvm
fi

# 2. wasm-bindgen-cli, the exact version of the wasm-bindgen crate in Cargo.lock.
want="$(wasm_bindgen_version)"
have="$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)"
if [ "$have" != "$want" ]; then
  say "Installing wasm-bindgen-cli $want (a few minutes, once)"
  cargo install wasm-bindgen-cli --version "$want" --quiet
fi

# 3. npm packages from the committed lockfile: nhsuk-frontend, binaryen (wasm-opt), Playwright, axe.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "Installing npm packages"
  npm ci --no-audit --no-fund --loglevel=error
fi

if $with_tests; then
  # 4. Debian's Chromium for Playwright (Playwright's own browser download is not used).
  apt_install chromium fonts-liberation
  # 5. PostgreSQL on 127.0.0.1:5432 for the repository tests.
  ensure_postgres
  # 6. The test OpenID provider (oidc-provider) the staff sign-in tests run, into target/.
  bash "$ROOT/scripts/oidc-provider.sh" prepare
fi

#!/usr/bin/env bash
# Builds the site (wasm bundle, CSS, JS, images into target/site) and the relink server.
# The same four steps cargo-leptos takes, without its 20-minute install:
#   1. cargo build of the frontend crate for wasm32 (profile wasm-release)
#   2. wasm-bindgen --target web, named relink.js / relink.wasm
#   3. wasm-opt -Oz (binaryen from npm: Debian's binaryen 108 breaks Leptos' wasm)
#   4. CSS, JS and images into target/site, precompressed with brotli and gzip
# then cargo build of the server. Usage: build.sh [--debug-server]
source "$(dirname "$0")/lib.sh"
"$ROOT/scripts/setup.sh"

server_profile=release
[ "${1:-}" = "--debug-server" ] && server_profile=dev

SITE="$ROOT/target/site"
PKG="$SITE/pkg"
mkdir -p "$PKG" "$SITE/assets/js"

say "Building the browser bundle (wasm)"
if [ "$(cat target/.wasm-route)" = debian ]; then
  RUSTC_BOOTSTRAP=1 RUSTC=/usr/bin/rustc /usr/bin/cargo build --quiet --profile wasm-release \
    -Zbuild-std=std,panic_abort --target wasm32-unknown-unknown -p frontend
else
  cargo build --quiet --profile wasm-release --target wasm32-unknown-unknown -p frontend
fi
wasm-bindgen --target web --no-typescript --out-dir "$PKG" --out-name relink \
  target/wasm32-unknown-unknown/wasm-release/frontend.wasm
mv "$PKG/relink_bg.wasm" "$PKG/relink.wasm"
node_modules/.bin/wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int \
  --enable-sign-ext --enable-mutable-globals --enable-reference-types --enable-multivalue \
  "$PKG/relink.wasm" -o "$PKG/relink.wasm"

say "Copying styles, scripts and images"
NHSUK=node_modules/nhsuk-frontend/dist/nhsuk
# nhsuk-frontend loads the Frutiger font from assets.nhs.uk; Relink uses no CDN, so those
# @font-face rules are dropped and the stack falls back to Arial, as the NHS CSS intends.
node -e '
  const fs = require("fs");
  const css = fs.readFileSync(process.argv[1], "utf8").replace(/@font-face\{[^}]*assets\.nhs\.uk[^}]*\}/g, "");
  fs.writeFileSync(process.argv[3], css + "\n" + fs.readFileSync(process.argv[2], "utf8"));
' "$NHSUK/nhsuk-frontend.min.css" style/main.css "$PKG/relink.css"
cp "$NHSUK/nhsuk-frontend.min.js" "$SITE/assets/js/"
rm -rf "$SITE/assets/images" && cp -r "$NHSUK/assets/images" "$SITE/assets/images"
cp -r public/. "$SITE/"
node scripts/precompress.mjs "$SITE"

say "Building the server ($server_profile)"
cargo build --quiet --profile "$server_profile" -p relink

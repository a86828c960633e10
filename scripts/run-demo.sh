#!/usr/bin/env bash
#! Builds Kontor (only what changed), starts a local demo portal (SQLite, seeded, loopback only) and launches
#! the app against it. The portal keeps its address across runs (127.0.0.1:$KONTOR_DEMO_PORT, default 47310,
#! or any free port if that one is taken), so "Stay signed in" holds when the demo is started again.
#! The demo portal sends installers slowly (2 MB/s) and has one large one, so pause and resume can be tried,
#! and offers a newer release signed with the demo updater key (demo/updater/), marked as a demo, so the
#! update can be seen; installing it writes only $data/installed-demo-update.AppImage, never the app.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PATH="$HOME/.cargo/bin:$PATH"

bash scripts/build-ui.sh
cargo build -p kontor-server --bin kontor-server
cargo build -p kontor --bin kontor --features custom-protocol

data="${KONTOR_DEMO_DIR:-${XDG_DATA_HOME:-$HOME/.local/share}/kontor-demo}"
mkdir -p "$data"
db="sqlite://$data/portal.db"
if [ ! -f "$data/portal.db" ]; then
  ./target/debug/kontor-server seed-demo --database-url "$db" --large-installer > "$data/demo-account.json"
elif [ ! -d "$data/installers" ]; then
  echo "note: $data was seeded before the demo had installers; remove it to get the Downloads page's demo files" >&2
fi

# A newer app release, signed with the demo key and clearly a demo (its "bundle" is a tiny ELF program).
demo_version="0.1.1-demo"
if [ ! -f "$data/releases/$demo_version/release.json" ]; then
  bundle="$(mktemp -d)/Kontor_${demo_version}_amd64.AppImage"
  cp "$(type -P true)" "$bundle"
  notes_de="$(dirname "$bundle")/notes.de.txt"
  echo "DEMO-Version: zeigt, wie ein Update angeboten und installiert wird. Es ist kein echtes Update; die Installation schreibt nur eine Platzhalterdatei in den Datenordner der Demo." > "$notes_de"
  ./target/debug/kontor-server release publish --releases-dir "$data/releases" --version "$demo_version" \
    --notes "DEMO release: shows how an update is offered and installed. It is not a real update; installing it writes only a stand-in file in the demo's data folder." \
    --notes-de "$notes_de" \
    --platform linux-x86_64 --file "$bundle" --key demo/updater/kontor-updater.key >/dev/null
  rm -rf "$(dirname "$bundle")"
fi

log="$data/server.log"
port="${KONTOR_DEMO_PORT:-47310}"
server=""
trap '[ -n "$server" ] && { kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; }' EXIT
url=""
# The fixed port first; if it is taken (another demo, another program), any free one.
for bind in "127.0.0.1:$port" "127.0.0.1:0"; do
  ./target/debug/kontor-server serve --database-url "$db" --bind "$bind" --demo \
    --download-limit "${KONTOR_DEMO_DOWNLOAD_LIMIT:-2000000}" >"$log" 2>&1 &
  server=$!
  for _ in $(seq 1 100); do
    url=$(sed -n 's/^listening on \(http:\/\/[^ ]*\).*/\1/p' "$log" | head -n 1)
    [ -n "$url" ] && break
    kill -0 "$server" 2>/dev/null || break
    sleep 0.1
  done
  [ -n "$url" ] && break
  wait "$server" 2>/dev/null || true
  server=""
  if [ "$bind" != "127.0.0.1:0" ]; then
    echo "note: port $port is taken; the demo portal uses another one this time (\"Stay signed in\" will not carry over)" >&2
  fi
done
[ -n "$url" ] || { cat "$log" >&2; echo "the demo portal did not start; see $log" >&2; exit 1; }

echo
echo "Demo portal: $url   (data: $data)"
if [ -n "${KONTOR_SMTP_URL:-}" ]; then
  echo "Mails go through SMTP: $KONTOR_SMTP_URL"
else
  echo "Mails (forgotten password, temporary passwords) are written as .eml files into: $data/outbox/"
fi
echo "Sign in with:  $(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["owner_email"], "/", d["owner_password"], " or license token", d["license_token"])' "$data/demo-account.json")"
echo
if [ -n "${KONTOR_DEMO_NO_APP:-}" ]; then
  echo "KONTOR_DEMO_NO_APP is set: the portal runs until Ctrl+C; start the app yourself with KONTOR_PORTAL_URL=$url"
  wait "$server"
  exit 0
fi
if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  echo "No display found: set DISPLAY (or run under xvfb-run) to see the app window." >&2
fi
KONTOR_PORTAL_URL="$url" KONTOR_TEST_UPDATE_EXE="$data/installed-demo-update.AppImage" ./target/debug/kontor

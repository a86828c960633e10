#!/usr/bin/env bash
#! Builds Kontor, starts a local demo portal (SQLite, seeded, loopback only) and launches the app against it.
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
  ./target/debug/kontor-server seed-demo --database-url "$db" > "$data/demo-account.json"
elif [ ! -d "$data/installers" ]; then
  echo "note: $data was seeded before the demo had installers; remove it to get the Downloads page's demo files" >&2
fi

log="$data/server.log"
./target/debug/kontor-server serve --database-url "$db" --bind 127.0.0.1:0 --demo >"$log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true' EXIT
url=""
for _ in $(seq 1 100); do
  url=$(sed -n 's/^listening on \(http:\/\/[^ ]*\).*/\1/p' "$log" | head -n 1)
  [ -n "$url" ] && break
  kill -0 "$server" 2>/dev/null || { cat "$log" >&2; exit 1; }
  sleep 0.1
done
[ -n "$url" ] || { echo "the demo portal did not start; see $log" >&2; exit 1; }

echo
echo "Demo portal: $url   (data: $data)"
echo "Sign in with:  $(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["owner_email"], "/", d["owner_password"], " or license token", d["license_token"])' "$data/demo-account.json")"
echo
if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  echo "No display found: set DISPLAY (or run under xvfb-run) to see the app window." >&2
fi
KONTOR_PORTAL_URL="$url" ./target/debug/kontor

#!/usr/bin/env bash
#! Runs a command in a private desktop session as the app needs one: a D-Bus session bus with an unlocked GNOME
#! keyring (Secret Service; its data under DIR/keyring-data) and a virtual display (Xvfb, 1280x800x24).
#! Usage: desktop-session.sh DIR PASSWORD COMMAND [ARG...]   (used by the tests, the packages test and the benches)
set -euo pipefail
[ $# -ge 3 ] || { echo "usage: $0 DIR PASSWORD COMMAND [ARG...]" >&2; exit 2; }
export KONTOR_SESSION_DIR="$1" KONTOR_SESSION_PASSWORD="$2"
shift 2
exec dbus-run-session -- bash -c '
  set -euo pipefail
  export XDG_DATA_HOME="$KONTOR_SESSION_DIR/keyring-data"; mkdir -p "$XDG_DATA_HOME"
  while IFS= read -r line; do [ -n "$line" ] && export "$line"; done \
    < <(printf "%s" "$KONTOR_SESSION_PASSWORD" | gnome-keyring-daemon --unlock --components=secrets)
  unset XDG_DATA_HOME KONTOR_SESSION_DIR KONTOR_SESSION_PASSWORD
  exec xvfb-run -a -s "-screen 0 1280x800x24" "$@"
' bash "$@"

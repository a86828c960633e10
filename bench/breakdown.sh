#!/usr/bin/env bash
#! Where Kontor's start-up time goes: launches an already built app (ideally with bench/startup-trace.patch
#! applied, so the shell logs its steps) like scripts/bench.sh does, to the sign-in form and to the dashboard, and
#! prints each step's median time since the app process's exec (bench/measure.py breakdown).
#
# Usage: bash bench/breakdown.sh APP_BIN SERVER_BIN [RUNS]    (SERVER_BIN: a kontor-server build, e.g. the
#        bench's debug one; RUNS default 5 + 1 warm-up). Not part of the tests or CI; builds nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
if [ "${1:-}" != "--inner" ]; then
  [ -x "${1:-}" ] && [ -x "${2:-}" ] || { echo "usage: bash bench/breakdown.sh APP_BIN SERVER_BIN [RUNS]" >&2; exit 2; }
  export PATH="$HOME/.cargo/bin:$PATH"
  work=$(mktemp -d /tmp/kontor-breakdown.XXXXXX)
  trap 'for f in "$work"/driver.*.pid; do [ -f "$f" ] && kill -TERM "$(cat "$f")" 2>/dev/null; done; true' EXIT
  export KONTOR_BENCH_WORK="$work" KONTOR_BENCH_RUNS="${3:-5}" \
    KONTOR_BENCH_KONTOR="$(realpath "$1")" KONTOR_BENCH_SERVER="$(realpath "$2")"
  bash scripts/desktop-session.sh "$work" kontor-bench bash bench/breakdown.sh --inner >&2
  cat "$work/login.md" "$work/dashboard.md"
  cp "$work"/*.json "$work"/*.md /tmp/ 2>/dev/null || true
  exit 0
fi

work="$KONTOR_BENCH_WORK"
server=""
trap 'if [ -n "$server" ]; then kill -TERM "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi' EXIT
db="sqlite://$work/portal.db"
"$KONTOR_BENCH_SERVER" seed-demo --database-url "$db" >"$work/demo-account.json"
"$KONTOR_BENCH_SERVER" serve --database-url "$db" --bind 127.0.0.1:0 --demo >"$work/server.log" 2>&1 &
server=$!
. scripts/portal-url.sh
url=$(portal_url "$work/server.log" "$server")
home="$work/home"
mkdir -p "$home/config" "$home/data" "$home/cache"
export HOME="$home" XDG_CONFIG_HOME="$home/config" XDG_DATA_HOME="$home/data" XDG_CACHE_HOME="$home/cache" \
  KONTOR_PORTAL_URL="$url" KONTOR_KEYRING_SERVICE="de.kontor.breakdown.$$"
unset KONTOR_DATA_DIR
m="$root/bench/measure.py"
timeout 900 python3 "$m" breakdown --app "$KONTOR_BENCH_KONTOR" --selector '#login-email' --label sign-in-form \
  --runs "$KONTOR_BENCH_RUNS" --trace "$work/trace-login.txt" --out "$work/breakdown-login.json" >"$work/login.md"
timeout 300 python3 "$m" signin --app "$KONTOR_BENCH_KONTOR" --account "$work/demo-account.json"
timeout 900 python3 "$m" breakdown --app "$KONTOR_BENCH_KONTOR" --selector '#seats-used' --label dashboard \
  --runs "$KONTOR_BENCH_RUNS" --trace "$work/trace-dashboard.txt" --out "$work/breakdown-dashboard.json" \
  >"$work/dashboard.md"

#!/usr/bin/env bash
#! Benchmarks a filter keystroke in the users list until repaint, on a 100,000-user account against a 1,000-user
#! baseline (release app under tauri-driver + Xvfb, release portal server on loopback); prints a Markdown table.
#
# Usage: bash scripts/bench-filter.sh     (BENCH_ROUNDS=N keystrokes per query kind, default 15;
#                                          BENCH_REUSE_SNAPSHOT=1 as in scripts/bench.sh)
# Not part of the tests or CI. Like scripts/bench.sh: builds are nice'd (19), go to $BENCH_TARGET_DIR (default
# target-bench/) from a snapshot of the working tree in $BENCH_TARGET_DIR/snapshot, so scripts/build-ui.sh never
# touches ./dist/. The measuring itself is bench/filter.py (see its doc for the exact method). Results: the table
# on stdout, raw JSON in $BENCH_TARGET_DIR/bench-filter-last/; progress on stderr.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
export CARGO_TARGET_DIR="${BENCH_TARGET_DIR:-$root/target-bench}"
ROUNDS="${BENCH_ROUNDS:-15}"
log() { printf '\n[bench-filter] %s\n' "$*" >&2; }

if [ "${1:-}" != "--inner" ]; then
  started=$(date +%s)
  bash scripts/setup.sh >&2
  export PATH="$HOME/.cargo/bin:$PATH"
  work=$(mktemp -d /tmp/kontor-bench-filter.XXXXXX)
  cleanup_outer() {
    for f in "$work"/driver.*.pid; do
      if [ -f "$f" ]; then kill -TERM "$(cat "$f")" 2>/dev/null || true; fi
    done
    rm -rf "$work"
  }
  trap cleanup_outer EXIT
  snap="$CARGO_TARGET_DIR/snapshot"

  if [ "${BENCH_REUSE_SNAPSHOT:-0}" = 1 ] && [ -f "$snap/Cargo.toml" ]; then
    log "reusing the snapshot in $snap (taken $(cat "$snap/.snapshot-time" 2>/dev/null || echo '?'))"
  else
    log "snapshot of the working tree -> $snap"
    mkdir -p "$snap"
    find "$snap" -mindepth 1 -maxdepth 1 ! -name target -exec rm -rf {} +
    git ls-files -co --exclude-standard -z | grep -zv '^bench/' \
      | while IFS= read -r -d '' f; do if [ -e "$f" ]; then printf '%s\0' "$f"; fi; done \
      | tar --null -T - -cf - | tar -xf - -C "$snap"
    echo "$(date -u +%FT%TZ), HEAD $(git rev-parse --short HEAD) + uncommitted changes" >"$snap/.snapshot-time"
  fi
  mkdir -p "$snap/target" "$CARGO_TARGET_DIR/wasm32-unknown-unknown"
  ln -sfn "$CARGO_TARGET_DIR/wasm32-unknown-unknown" "$snap/target/wasm32-unknown-unknown"

  log "builds (nice 19): UI, release app with the UI embedded, release portal server"
  (cd "$snap" && nice -n 19 bash scripts/build-ui.sh >&2)
  (cd "$snap" && nice -n 19 cargo build --release -p kontor --bin kontor --features custom-protocol >&2)
  (cd "$snap" && nice -n 19 cargo build --release -p kontor-server --bin kontor-server >&2)
  kontor_bin="$CARGO_TARGET_DIR/release/kontor"
  server_bin="$CARGO_TARGET_DIR/release/kontor-server"
  for b in "$kontor_bin" "$server_bin"; do
    [ -x "$b" ] || { echo "bench-filter: $b was not built" >&2; exit 1; }
  done

  # Two portals: the demo seed (12 users) plus 100,000 or 1,000 imported users (no licenses, so seats do not
  # matter). The import runs before `serve`: the server holds the SQLite file.
  for n in 100000 1000; do
    log "portal with $n imported users"
    db="sqlite://$work/portal-$n.db"
    nice -n 19 "$server_bin" seed-demo --database-url "$db" >"$work/demo-account-$n.json"
    python3 bench/filter.py csv --count "$n" --out "$work/users-$n.csv"
    account=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["account_id"])' "$work/demo-account-$n.json")
    t=$(date +%s.%N)
    nice -n 19 "$server_bin" users import --database-url "$db" --account "$account" \
      --passwords-out "$work/passwords-$n.csv" "$work/users-$n.csv" >"$work/import-$n.json"
    log "imported in $(python3 -c "import sys; print(round($(date +%s.%N) - $t, 1))") s: $(head -c 300 "$work/import-$n.json")"
    rm -f "$work/passwords-$n.csv" "$work/users-$n.csv"
  done

  export KONTOR_BENCH_WORK="$work" KONTOR_BENCH_ROUNDS="$ROUNDS" \
    KONTOR_BENCH_KONTOR="$kontor_bin" KONTOR_BENCH_SERVER="$server_bin"
  log "measuring in a private D-Bus session (unlocked GNOME keyring) under Xvfb; $ROUNDS rounds per list"
  bash scripts/desktop-session.sh "$work" kontor-bench bash scripts/bench-filter.sh --inner >&2
  mkdir -p "$CARGO_TARGET_DIR/bench-filter-last"
  cp "$work"/filter-*.json "$work"/import-*.json "$work/table.md" "$CARGO_TARGET_DIR/bench-filter-last/"
  cat "$work/table.md"
  log "done in $(( $(date +%s) - started )) s; raw results in $CARGO_TARGET_DIR/bench-filter-last/"
  exit 0
fi

# ---------------------------------------------------------------- inner: D-Bus session + keyring + Xvfb
work="$KONTOR_BENCH_WORK"
server=""
cleanup_inner() {
  if [ -n "$server" ]; then kill -TERM "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
}
trap cleanup_inner EXIT
unset KONTOR_DATA_DIR

. "$root/scripts/portal-url.sh"
for n in 100000 1000; do
  db="sqlite://$work/portal-$n.db"
  : >"$work/server-$n.log"
  "$KONTOR_BENCH_SERVER" serve --database-url "$db" --bind 127.0.0.1:0 --demo >"$work/server-$n.log" 2>&1 &
  server=$!
  url=$(portal_url "$work/server-$n.log" "$server" 30)
  log "portal with $n imported users at $url"
  home="$work/home-$n"
  mkdir -p "$home/config" "$home/data" "$home/cache"
  env HOME="$home" XDG_CONFIG_HOME="$home/config" XDG_DATA_HOME="$home/data" XDG_CACHE_HOME="$home/cache" \
    KONTOR_PORTAL_URL="$url" KONTOR_KEYRING_SERVICE="de.kontor.bench.$$.$n" \
    timeout 1500 python3 "$root/bench/filter.py" measure --app "$KONTOR_BENCH_KONTOR" --portal "$url" \
    --account "$work/demo-account-$n.json" --users "$n" --rounds "$KONTOR_BENCH_ROUNDS" --label "users-$n" \
    --out "$work/filter-$n.json"
  kill -TERM "$server"; wait "$server" 2>/dev/null || true
  server=""
done

python3 "$root/bench/filter.py" report --results "$work/filter-100000.json" "$work/filter-1000.json" >"$work/table.md"

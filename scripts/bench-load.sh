#!/usr/bin/env bash
#! Load benchmark of the portal server (issue 12): 64 concurrent clients against an account with 100,000 users
#! — users list page with a filter, dashboard summary, sign-in, installer catalog — on one replica on SQLite, one
#! replica on PostgreSQL and three replicas on PostgreSQL, each behind the same nginx load balancer; prints a
#! Markdown table (requests/s, p50, p99, errors, CPU shares).
#
# Usage: bash scripts/bench-load.sh
#   BENCH_DURATION=15s   each measurement (wrk -d)            BENCH_RUNS=2       runs of each (interleaved)
#   BENCH_CLIENTS=64     concurrent connections (wrk -c)      BENCH_THREADS=2    wrk threads
#   BENCH_USERS=100000   imported users                       BENCH_SIGNIN_USERS=2000  users the sign-ins rotate over
#   BENCH_CASES="sqlite pg1 pg3"   BENCH_REQUESTS="list summary catalog signin health"
#   BENCH_THINK_MS="0 250"  think times: 0 is the closed loop at full speed (every request); with N > 0 each
#                        connection waits N ms after an answer (BENCH_THINK_REQUESTS, default "list summary");
#                        with eN a wait drawn from an exponential distribution with mean N ms (independent users;
#                        a fixed N keeps the 64 connections in step, so they arrive in bursts of 64)
#   BENCH_TARGET_DIR     cargo's target dir (default: ./target; the server is built there in release)
#   BENCH_SERVER_BIN     a kontor-server binary to measure instead of building one (e.g. a copy of an earlier
#                        commit's release build, for a before/after comparison in the same conditions)
# Not part of the tests or CI. Installs what it needs (wrk, nginx, PostgreSQL from Debian). Everything runs on
# this machine: the portal, PostgreSQL (a throw-away cluster, scripts/pg.sh), nginx and wrk share its cores.
# Results: the table on stdout, the raw results in $BENCH_TARGET_DIR/bench-load-last/; progress on stderr.
#
# The load generator is wrk (Debian) with bench/load.lua: sign-in needs a different user and client address
# per request (the sign-in throttle counts per address and per address + e-mail), which wrk's Lua can do and
# oha's fixed headers cannot. The portal trusts X-Forwarded-For from 127.0.0.1 (--trusted-proxy), where nginx
# and wrk run; nginx appends the address wrk sent, so each sign-in comes from its user's own address.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
DURATION="${BENCH_DURATION:-15s}"
RUNS="${BENCH_RUNS:-2}"
CLIENTS="${BENCH_CLIENTS:-64}"
THREADS="${BENCH_THREADS:-2}"
USERS="${BENCH_USERS:-100000}"
SIGNIN_USERS="${BENCH_SIGNIN_USERS:-2000}"
CASES="${BENCH_CASES:-sqlite pg1 pg3}"
REQUESTS="${BENCH_REQUESTS:-list summary catalog signin health}"
THINK="${BENCH_THINK_MS:-0 250}"
THINK_REQUESTS="${BENCH_THINK_REQUESTS:-list summary}"
export CARGO_TARGET_DIR="${BENCH_TARGET_DIR:-$root/target}"
log() { printf '[bench-load] %s\n' "$*" >&2; }
started=$(date +%s)
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

# ---------------------------------------------------------------- tools
missing=()
command -v wrk >/dev/null || missing+=(wrk)
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx-light)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
command -v python3 >/dev/null || missing+=(python3)
if [ ${#missing[@]} -gt 0 ]; then
  log "installing ${missing[*]} (apt-get)"
  sudo=""
  [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
export PATH="$HOME/.cargo/bin:$PATH"

if [ -n "${BENCH_SERVER_BIN:-}" ]; then
  server_bin="$BENCH_SERVER_BIN"
  log "measuring $server_bin (BENCH_SERVER_BIN; nothing is built)"
else
  log "release build of kontor-server (nice 10) into $CARGO_TARGET_DIR"
  CARGO_INCREMENTAL=0 nice -n 10 cargo build --release -p kontor-server --bin kontor-server >&2
  server_bin="$CARGO_TARGET_DIR/release/kontor-server"
fi
[ -x "$server_bin" ] || { echo "bench-load: $server_bin was not built" >&2; exit 1; }

# ---------------------------------------------------------------- work dir, cleanup
work=$(mktemp -d /tmp/kontor-bench-load.XXXXXX)
chmod 755 "$work" # the postgres OS user (pg.sh as root) must reach $work/pg
pids=()
nginx_pid=""
pg_started=0
stop_servers() {
  if [ -n "$nginx_pid" ]; then kill -QUIT "$nginx_pid" 2>/dev/null || true; wait "$nginx_pid" 2>/dev/null || true; fi
  nginx_pid=""
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  pids=()
}
cleanup() {
  stop_servers
  if [ "$pg_started" = 1 ]; then bash scripts/pg.sh stop "$work/pg" || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}
elapsed() { python3 -c "import sys; print(round($(date +%s.%N) - $1, 1))"; }

# ---------------------------------------------------------------- data: the demo account + 100,000 users
python3 bench/filter.py csv --count "$USERS" --out "$work/users.csv"

# setup_portal NAME DATABASE_URL [--data-dir DIR]: seeds the demo account (with its installers), imports the
# users through the CLI (one transaction per batch, as the app's import does), writes the sign-in users.
setup_portal() {
  local name=$1 url=$2
  shift 2
  local dir="$work/$name"
  mkdir -p -m 700 "$dir"
  nice -n 10 "$server_bin" seed-demo --database-url "$url" "$@" >"$dir/account.json" 2>"$dir/seed.log" \
    || { cat "$dir/seed.log" >&2; exit 1; }
  local account
  account=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["account_id"])' "$dir/account.json")
  local t
  t=$(date +%s.%N)
  nice -n 10 "$server_bin" users import --database-url "$url" --account "$account" \
    --passwords-out "$dir/passwords.csv" "$work/users.csv" >"$dir/import.json" 2>"$dir/import.log" \
    || { tail -n 20 "$dir/import.log" >&2; exit 1; }
  log "$name: $USERS users imported in $(elapsed "$t") s"
  python3 bench/load.py signin-users --passwords "$dir/passwords.csv" --count "$SIGNIN_USERS" --out "$dir/signin.tsv"
  rm -f "$dir/passwords.csv"
  echo "$account" >"$dir/account_id"
}

need_sqlite=0
need_pg=0
for c in $CASES; do
  case "$c" in
    sqlite) need_sqlite=1 ;;
    pg1 | pg3) need_pg=1 ;;
    *) echo "bench-load: unknown case $c (sqlite, pg1, pg3)" >&2; exit 2 ;;
  esac
done
sqlite_url="sqlite://$work/sqlite/portal.db"
if [ "$need_sqlite" = 1 ]; then
  log "SQLite portal: demo account + $USERS users"
  setup_portal sqlite "$sqlite_url"
fi
pg_url=""
if [ "$need_pg" = 1 ]; then
  log "PostgreSQL: throw-away cluster (scripts/pg.sh: fsync off, synchronous_commit off)"
  admin_url=$(bash scripts/pg.sh start "$work/pg")
  pg_started=1
  psql -q "$admin_url" -c 'CREATE DATABASE kontor_bench' >&2
  pg_url="${admin_url%/postgres}/kontor_bench"
  mkdir -p -m 700 "$work/pgshared"
  setup_portal pg "$pg_url" --data-dir "$work/pgshared"
fi

# ---------------------------------------------------------------- one case
# start_replicas N DATABASE_URL NAME OWN_DATA_DIR [serve options]: N `serve` processes on free ports (each
# with a data directory of its own if OWN_DATA_DIR is 1); sets `ports`.
start_replicas() {
  local n=$1 url=$2 name=$3 own=$4
  shift 4
  ports=()
  local i
  for i in $(seq 1 "$n"); do
    local d="$work/$name-r$i"
    mkdir -p -m 700 "$d"
    local dd=()
    [ "$own" = 1 ] && dd=(--data-dir "$d/data")
    "$server_bin" serve --database-url "$url" --bind 127.0.0.1:0 --trusted-proxy 127.0.0.1/32 "${dd[@]}" "$@" \
      >"$d/stdout" 2>"$d/stderr" &
    pids+=($!)
    local port=""
    for _ in $(seq 1 600); do
      port=$(sed -n 's/^listening on http:\/\/127\.0\.0\.1:\([0-9]*\).*/\1/p' "$d/stdout" | head -n 1)
      [ -n "$port" ] && break
      kill -0 "${pids[-1]}" 2>/dev/null || { cat "$d/stderr" >&2; exit 1; }
      sleep 0.1
    done
    [ -n "$port" ] || { echo "bench-load: replica $i did not start" >&2; cat "$d/stderr" >&2; exit 1; }
    ports+=("$port")
  done
}

# start_nginx: the load balancer (round robin, keep-alive to the replicas) in front of `ports`; sets lb_url.
start_nginx() {
  local d="$work/nginx"
  mkdir -p "$d/tmp"
  local lb_port
  lb_port=$(free_port)
  {
    [ "$(id -u)" = 0 ] && echo "user root;"
    echo "worker_processes auto;"
    echo "pid $d/nginx.pid;"
    echo "error_log $d/error.log warn;"
    echo "daemon off;"
    echo "events { worker_connections 4096; }"
    echo "http {"
    echo "  access_log off;"
    echo "  client_body_temp_path $d/tmp/body; proxy_temp_path $d/tmp/proxy;"
    echo "  fastcgi_temp_path $d/tmp/fcgi; uwsgi_temp_path $d/tmp/uwsgi; scgi_temp_path $d/tmp/scgi;"
    echo "  upstream kontor {"
    for p in "${ports[@]}"; do echo "    server 127.0.0.1:$p;"; done
    echo "    keepalive 128;"
    echo "  }"
    echo "  server {"
    echo "    listen 127.0.0.1:$lb_port;"
    echo "    keepalive_requests 1000000;"
    echo "    location / {"
    echo "      proxy_pass http://kontor;"
    echo "      proxy_http_version 1.1;"
    echo "      proxy_set_header Connection \"\";"
    echo "      proxy_set_header Host \$host;"
    echo "      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;"
    echo "      proxy_buffer_size 16k; proxy_buffers 16 16k; proxy_max_temp_file_size 0;"
    echo "    }"
    echo "  }"
    echo "}"
  } >"$d/nginx.conf"
  "$nginx_bin" -p "$d" -c "$d/nginx.conf" -e "$d/error.log" &
  nginx_pid=$!
  lb_url="http://127.0.0.1:$lb_port"
  python3 bench/load.py wait-ready --url "$lb_url" --timeout 60
}

results="$work/results.jsonl"
: >"$results"

# measure CASE NAME: warm-up, then RUNS rounds of every request through lb_url.
measure() {
  local case=$1 name=$2 db_pid=""
  local dir="$work/$name"
  local token account
  token=$(python3 bench/load.py token --url "$lb_url" --account "$dir/account.json")
  account=$(cat "$dir/account_id")
  local cpu=(--cpu "server=$(IFS=,; echo "${pids[*]}")" --cpu "lb=$nginx_pid")
  if [ "$name" = pg ]; then
    db_pid=$(head -n 1 "$work/pg/data/postmaster.pid")
    cpu+=(--cpu "db=$db_pid")
  fi
  export LOAD_ACCOUNT="$account" LOAD_TOKEN="$token" LOAD_USERS="$dir/signin.tsv" LOAD_THREADS="$THREADS"
  log "$case: warm-up (3 s of each request)"
  for req in $REQUESTS; do
    [ "$req" = signin ] && continue # a warm-up of sign-ins would only fill the hash pool's queue
    [ "$req" = health ] && continue
    LOAD_MODE=$req LOAD_LABEL=warmup wrk -t "$THREADS" -c "$CLIENTS" -d 3s --timeout 10s -s bench/load.lua \
      "$lb_url" >/dev/null
  done
  local run
  local think reqs
  for run in $(seq 1 "$RUNS"); do
    for think in $THINK; do
      reqs=$REQUESTS
      [ "$think" = 0 ] || reqs=$THINK_REQUESTS
      for req in $reqs; do
        LOAD_MODE=$req LOAD_THINK_MS=${think#e} LOAD_THINK_EXP=$([ "${think#e}" = "$think" ] && echo 0 || echo 1) \
          LOAD_LABEL="$case" python3 bench/load.py run --case "$case" --run "$run" --out "$results" \
          --raw "$work/wrk-raw.txt" "${cpu[@]}" -- \
          wrk -t "$THREADS" -c "$CLIENTS" -d "$DURATION" --timeout 10s -s bench/load.lua "$lb_url"
      done
    done
  done
}

for c in $CASES; do
  case "$c" in
    sqlite)
      log "case sqlite: one replica on SQLite behind nginx"
      start_replicas 1 "$sqlite_url" sqlite-serve 0
      start_nginx
      measure "1 replica, SQLite" sqlite
      ;;
    pg1 | pg3)
      n=1
      [ "$c" = pg3 ] && n=3
      log "case $c: $n replica(s) on PostgreSQL behind nginx"
      start_replicas "$n" "$pg_url" "$c" 1 --signing-key-file "$work/pgshared/license-signing.key" \
        --installers-dir "$work/pgshared/installers"
      start_nginx
      measure "$n replica$([ "$n" = 1 ] || echo s), PostgreSQL" pg
      ;;
  esac
  stop_servers
done

load_after=$(cut -d' ' -f1-3 /proc/loadavg)
out="$CARGO_TARGET_DIR/bench-load-last"
mkdir -p "$out"
cp "$results" "$work/wrk-raw.txt" "$out/"
{
  echo "Load benchmark, $(date -u +%FT%TZ), commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')${BENCH_SERVER_BIN:+ (server: $BENCH_SERVER_BIN)}, $(nproc) cores;"
  echo "$CLIENTS connections, $THREADS wrk threads, $DURATION per run, $RUNS runs; load average before: $load_before, after: $load_after."
  echo
  python3 bench/load.py table --results "$results"
} | tee "$out/table.md"
log "done in $(($(date +%s) - started)) s; raw results in $out/"

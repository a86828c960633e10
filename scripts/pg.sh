#!/usr/bin/env bash
#! Throw-away PostgreSQL cluster for tests: `pg.sh start DIR` prints a superuser URL, `pg.sh stop DIR` stops it.
set -euo pipefail

usage() { echo "usage: $0 start|stop DIR" >&2; exit 2; }
[ $# -eq 2 ] || usage
cmd="$1"
dir="$(mkdir -p "$2" && cd "$2" && pwd)"
data="$dir/data"

bindir=""
for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
  if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then bindir="$d"; break; fi
done
[ -n "$bindir" ] || { echo "pg.sh: PostgreSQL not found under /usr/lib/postgresql (apt-get install postgresql)" >&2; exit 1; }

# initdb and postgres refuse to run as root: use the postgres OS user then.
as_pg() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

case "$cmd" in
  start)
    if [ "$(id -u)" = 0 ]; then
      chown -R postgres: "$dir"
      runuser -u postgres -- test -x "$dir" \
        || { echo "pg.sh: the postgres user cannot reach $dir (a parent directory is private)" >&2; exit 1; }
    fi
    if [ ! -f "$data/PG_VERSION" ]; then
      as_pg "$bindir/initdb" -D "$data" -U postgres --auth=trust --encoding=UTF8 --locale=C >"$dir/initdb.log" 2>&1 \
        || { cat "$dir/initdb.log" >&2; exit 1; }
    fi
    if as_pg "$bindir/pg_ctl" -D "$data" status >/dev/null 2>&1; then
      port="$(cat "$dir/port")"
    else
      port="$(free_port)"
      echo "$port" >"$dir/port"
      as_pg "$bindir/pg_ctl" -D "$data" -l "$dir/server.log" -w -t 30 \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
        start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
    fi
    echo "postgres://postgres@127.0.0.1:$port/postgres"
    ;;
  stop)
    if [ -f "$data/PG_VERSION" ]; then
      as_pg "$bindir/pg_ctl" -D "$data" -m fast -w stop >/dev/null 2>&1 || true
    fi
    ;;
  *) usage ;;
esac

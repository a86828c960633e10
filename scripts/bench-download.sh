#!/usr/bin/env bash
#! Benchmarks an installer download through the app's engine (stream to a file + SHA-256 + fsync + verify +
#! rename) against `curl` from the same release portal server, alternating, in the same run:
#!   curl → /dev/null            the issue's baseline
#!   engine → tmpfs (/dev/shm)   network + SHA-256 + write, no disk: the issue's comparison
#!   curl → disk, then `sync FILE`   a durable copy with curl
#!   engine → disk               what the app does (the file must be durable before it gets its name)
#
# Usage: bash scripts/bench-download.sh   (BENCH_SIZE_MB=512 file size, BENCH_ROUNDS=5 downloads each,
#                                          BENCH_DISK_DIR=/tmp where the disk runs write)
# Not part of the tests or CI. Release builds go to $BENCH_TARGET_DIR (default target-bench/), nice'd.
# Prints a Markdown table (medians, MB/s, ratio engine/curl); raw times on stderr.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
export CARGO_TARGET_DIR="${BENCH_TARGET_DIR:-$(pwd)/target-bench}"
SIZE_MB="${BENCH_SIZE_MB:-512}"
ROUNDS="${BENCH_ROUNDS:-5}"
log() { printf '[bench-download] %s\n' "$*" >&2; }

log "release builds (kontor-server, kontor-client example download_bench)"
nice -n 19 cargo build --release -q -p kontor-server --bin kontor-server
nice -n 19 cargo build --release -q -p kontor-client --example download_bench
srv="$CARGO_TARGET_DIR/release/kontor-server"
engine="$CARGO_TARGET_DIR/release/examples/download_bench"

work=$(mktemp -d "${BENCH_DISK_DIR:-/tmp}/kontor-bench-download.XXXXXX")
shm=$(mktemp -d /dev/shm/kontor-bench-download.XXXXXX)
server=""
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null; wait 2>/dev/null; rm -rf "$work" "$shm"; }
trap cleanup EXIT
data="$work/data"; mkdir -p "$data"
db="sqlite://$data/portal.db"
"$srv" seed-demo --database-url "$db" > "$work/seed.json"
log "a ${SIZE_MB} MB installer of random bytes"
head -c "${SIZE_MB}M" /dev/urandom > "$work/big.bin"
"$srv" installers add --database-url "$db" --product cmdb --version 9.0.0 --platform linux --arch x86_64 \
  --file "$work/big.bin" --file-name bench.bin >/dev/null
rm "$work/big.bin"
"$srv" serve --database-url "$db" --bind 127.0.0.1:0 > "$work/server.log" 2>&1 &
server=$!
. scripts/portal-url.sh
url=$(portal_url "$work/server.log" "$server" 10)

read -r email password < <(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["owner_email"], d["owner_password"])' "$work/seed.json")
login=$(curl -sf -X POST "$url/api/v1/auth/login" -H 'content-type: application/json' \
  -d "{\"email\":\"$email\",\"password\":\"$password\",\"remember\":false}")
token=$(printf '%s' "$login" | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
account=$(printf '%s' "$login" | python3 -c 'import json,sys; print(json.load(sys.stdin)["user"]["account_id"])')
id=$(curl -sf -H "Authorization: Bearer $token" "$url/api/v1/accounts/$account/installers" \
  | python3 -c 'import json,sys; print([i["id"] for i in json.load(sys.stdin)["installers"] if i["file_name"]=="bench.bin"][0])')

file_url="$url/api/v1/accounts/$account/installers/$id/file"
null=(); shm_engine=(); disk_curl=(); disk_engine=()
for r in $(seq 1 "$ROUNDS"); do
  t=$(curl -sf -o /dev/null -w '%{time_total}' -H "Authorization: Bearer $token" "$file_url")
  null+=("$t")
  e=$("$engine" "$url" "$token" "$account" bench.bin "$shm/out.bin")
  shm_engine+=("$e"); rm -f "$shm/out.bin"
  start=$EPOCHREALTIME
  curl -sf -o "$work/curl.bin" -H "Authorization: Bearer $token" "$file_url"
  sync "$work/curl.bin"
  d=$(python3 -c "print(round($EPOCHREALTIME - $start, 4))")
  disk_curl+=("$d"); rm -f "$work/curl.bin"
  de=$("$engine" "$url" "$token" "$account" bench.bin "$work/out.bin")
  disk_engine+=("$de"); rm -f "$work/out.bin"
  log "round $r: curl→null ${t}s, engine→tmpfs ${e}s, curl→disk+sync ${d}s, engine→disk ${de}s"
done

python3 - "$SIZE_MB" "${null[*]}" "${shm_engine[*]}" "${disk_curl[*]}" "${disk_engine[*]}" <<'PY'
import statistics, sys
mb = int(sys.argv[1]) * 1.048576
med = [statistics.median(float(x) for x in a.split()) for a in sys.argv[2:6]]
names = ["curl → /dev/null (baseline)", "Kontor engine → tmpfs: SHA-256, write, verify, rename",
         "curl → disk, then sync FILE", "Kontor engine → disk: SHA-256, write, fsync, verify, rename"]
print("| client | median time | throughput |")
print("|---|---|---|")
for n, m in zip(names, med):
    print(f"| {n} | {m:.3f} s | {mb / m:.0f} MB/s |")
print(f"\nengine → tmpfs / curl → /dev/null: {med[0] / med[1] * 100:.0f} %")
print(f"engine → disk / curl → disk + sync: {med[2] / med[3] * 100:.0f} %")
print(f"engine → disk / curl → /dev/null: {med[0] / med[3] * 100:.0f} %")
PY

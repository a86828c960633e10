#!/usr/bin/env bash
#! Runs every test of Kontor: formatting, clippy, unit and server tests (SQLite and a real PostgreSQL),
#! the OS-keyring test (Secret Service) and the end-to-end tests in the real app (tauri-driver, Xvfb).
#! Installs what a fresh Debian/Ubuntu machine lacks first (scripts/setup.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

if [ "${1:-}" != "--inner" ]; then
  # Each step's heading says how long the run has taken so far (CI's budget: a fresh clone within 45 minutes).
  KONTOR_TEST_START=$(date +%s); export KONTOR_TEST_START
  bash scripts/setup.sh
  echo "[test] setup took $(($(date +%s) - KONTOR_TEST_START)) s"
  export PATH="$HOME/.cargo/bin:$PATH"
  # Clippy and the tests share one compile: clippy-driver wraps rustc for the workspace's own crates (what
  # `cargo clippy` does, here with code generation), so the dependency graph is built once instead of checked
  # for clippy and then built again for the tests (the clippy step took 7 of a fresh run's minutes). Every
  # cargo build of the workspace below (the tests, the package test's app) lints with -D warnings; the wasm UI
  # and the fuzz targets are built without it, as before. Set for the whole run: a build without it would see
  # other fingerprints and rebuild the workspace's crates.
  RUSTC_WORKSPACE_WRAPPER=$(rustup which clippy-driver 2>/dev/null || command -v clippy-driver)
  export RUSTC_WORKSPACE_WRAPPER CLIPPY_ARGS="-D__CLIPPY_HACKERY__warnings__CLIPPY_HACKERY__"
  work=$(mktemp -d /tmp/kontor-test.XXXXXX)
  chmod 711 "$work"   # the PostgreSQL cluster below runs as the postgres user when we are root
  export KONTOR_TEST_WORK="$work"
  # A private D-Bus session with an unlocked GNOME keyring (Secret Service) and a virtual display.
  rc=0
  bash scripts/desktop-session.sh "$work" kontor-test bash scripts/test.sh --inner || rc=$?
  rm -rf "$work"
  # The package test (issue 11): the app binary built above bundled as .deb/.rpm, installed with apt-get,
  # launched to its sign-in page and dashboard, uninstalled (root: it installs system-wide).
  if [ $rc -eq 0 ]; then
    bash scripts/test-packages.sh --binary target/debug/kontor || rc=$?
  fi
  t=$(($(date +%s) - KONTOR_TEST_START))
  echo "[test] exit code $rc after $((t / 60))m$((t % 60))s"
  exit $rc
fi

step() {
  local t=$(($(date +%s) - ${KONTOR_TEST_START:-$(date +%s)}))
  printf '\n=== %s [%dm%02ds] ===\n' "$*" $((t / 60)) $((t % 60))
}
work="$KONTOR_TEST_WORK"

step "format"
cargo fmt --all -- --check

step "build the UI (wasm)"
env -u RUSTC_WORKSPACE_WRAPPER -u CLIPPY_ARGS bash scripts/build-ui.sh

step "clippy and the test build (one compile: clippy-driver is the workspace's rustc, -D warnings)"
[ -n "${RUSTC_WORKSPACE_WRAPPER:-}" ] || { echo "RUSTC_WORKSPACE_WRAPPER is not set: run scripts/test.sh" >&2; exit 1; }
# Every target, as `cargo clippy --all-targets` lints them (benches and examples too); the run below needs a subset.
cargo test --workspace --all-targets --features kontor/custom-protocol --no-run

step "PostgreSQL on loopback"
pg_dir="$work/pg"
KONTOR_TEST_POSTGRES_URL=$(bash scripts/pg.sh start "$pg_dir")
export KONTOR_TEST_POSTGRES_URL
trap 'bash "$root/scripts/pg.sh" stop "$pg_dir" >/dev/null 2>&1 || true' EXIT

step "unit, server (SQLite + PostgreSQL) and keyring tests"
# A hung test (e.g. a native dialog waiting for a person) fails the run instead of eating CI's time.
timeout 2400 cargo test --workspace --features kontor/custom-protocol

step "end-to-end tests in the real app (the test binaries cargo test just built)"
# Run the e2e test executables of the build above directly: a second `cargo test --test …` resolves other
# artifact hashes and rebuilds the whole dependency graph (CI ran out of disk on that once).
mapfile -t e2e_bins < <(cargo test --workspace --features kontor/custom-protocol --no-run \
  --message-format=json 2>/dev/null | python3 -c '
import json, sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m["target"]["name"].startswith("e2e") \
            and m["target"]["kind"] == ["test"] and m.get("executable"):
        print(m["executable"])
')
# Every top-level tests/e2e*.rs is an e2e suite; fewer than the four known ones means the build went wrong.
want=$(ls tests/e2e*.rs | wc -l)
if [ "${#e2e_bins[@]}" -ne "$want" ] || [ "$want" -lt 4 ]; then
  echo "expected $want e2e test executables (tests/e2e*.rs), found ${#e2e_bins[@]}: ${e2e_bins[*]}" >&2
  exit 1
fi
# Two suites at a time (KONTOR_E2E_JOBS): each test has its own app, tauri-driver ports, home and keyring
# entry, and most of a test's time is the app and WebKit starting and the portal answering, not one core's
# work. Each suite's output is printed when it ends, whole; a failed suite's with FAILED before it.
e2e_one() {
  local bin=$1 log
  log="$KONTOR_TEST_WORK/$(basename "$bin").log"
  local s=$(date +%s) rc=0
  timeout 900 "$bin" --ignored --test-threads=1 >"$log" 2>&1 || rc=$?
  if [ $rc -eq 0 ]; then
    echo "--- $(basename "$bin"): ok in $(($(date +%s) - s)) s"; grep '^test ' "$log" || true
  else
    echo "--- $(basename "$bin"): FAILED (exit code $rc after $(($(date +%s) - s)) s)"; cat "$log"
  fi
  return $rc
}
export -f e2e_one
printf '%s\n' "${e2e_bins[@]}" | xargs -P "${KONTOR_E2E_JOBS:-2}" -I{} bash -c 'e2e_one "$1"' _ {}

# ci10 (issue 10): the tools that keep the hardening fixed. The memory test (200 concurrent sign-ins under an
# RSS ceiling) is crates/kontor-server/tests/signin_memory.rs, run by the cargo test step above.
step "cargo deny: licenses, bans, sources (advisories need the network, which CI has not)"
# `cargo metadata` (which cargo deny reads) needs the crates of every platform in Cargo.lock, and a fresh machine has
# only those its own build downloaded (session 8: windows-sys was missing): fetch them from the registry first.
cargo fetch --locked
cargo deny --all-features --offline check licenses bans sources

step "schemathesis against a running portal (SQLite, seeded; at most 180 s)"
timeout 600 bash scripts/schemathesis.sh 180

step "fuzz targets from their seed corpus, 30 s each (scripts/fuzz.sh SECONDS runs longer)"
timeout 1500 env -u RUSTC_WORKSPACE_WRAPPER -u CLIPPY_ARGS bash scripts/fuzz.sh 30

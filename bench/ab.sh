#!/usr/bin/env bash
#! A/B start-up of two Kontor builds against each other (no hello): one demo portal, one keyring, the two apps
#! alternating in rounds, to the sign-in form and to the dashboard, each case with its own HOME and keyring entry.
#! Prints each case's medians and B/A. Run it once with the same binary twice to see the machine's noise floor.
#
# Usage: bash bench/ab.sh A_BIN B_BIN SERVER_BIN [ROUNDS [RUNS]]   (default 6 rounds of 5 launches per case and
#        build; SERVER_BIN e.g. target-bench/debug/kontor-server). Not part of the tests or CI; builds nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x "${1:-}" ] && [ -x "${2:-}" ] && [ -x "${3:-}" ] || {
  echo "usage: bash bench/ab.sh A_BIN B_BIN SERVER_BIN [ROUNDS [RUNS]]" >&2; exit 2; }
work=$(mktemp -d /tmp/kontor-ab.XXXXXX)
export AB_WORK="$work" AB_A="$(realpath "$1")" AB_B="$(realpath "$2")" AB_SERVER="$(realpath "$3")" \
  AB_ROUNDS="${4:-6}" AB_RUNS="${5:-5}"
bash scripts/desktop-session.sh "$work" kontor-ab bash bench/ab-inner.sh >&2
python3 - "$work" <<'PY'
import json, sys
w = sys.argv[1]
for case, label in (("login", "sign-in form"), ("dashboard", "dashboard")):
    a = json.load(open(f"{w}/A-{case}.json"))
    b = json.load(open(f"{w}/B-{case}.json"))
    print(f"{label}: A median {a['median_ms']:.0f} ms (n={a['runs']}), B median {b['median_ms']:.0f} ms "
          f"(n={b['runs']}), B/A {b['median_ms'] / a['median_ms']:.3f}")
PY
echo "raw per-launch results: $work"

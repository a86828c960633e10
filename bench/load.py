#!/usr/bin/env python3
"""Helpers of scripts/bench-load.sh (standard library only).

Subcommands:
  signin-users --passwords FILE --count N --out FILE   the first N users of an import's --passwords-out file as
                                                       lines "address<TAB>login body" for bench/load.lua; each
                                                       user gets an address of its own in 127.1.0.0/16
  token --url URL --account demo-account.json          signs the demo owner in, prints the access token
  wait-ready --url URL [--timeout S]                   waits until GET /api/ready answers 200
  run --case C --run N --out F [--cpu NAME=PIDS]… -- wrk …
                                                       runs wrk, appends its RESULT line with the case, the run,
                                                       the 1-minute load average before it and the CPU share of
                                                       wrk and of each named process group (with its children)
  table --results FILE.jsonl                           the Markdown tables of the recorded results
"""

import argparse
import csv
import json
import os
import resource
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request


def die(msg):
    print(f"load.py: {msg}", file=sys.stderr)
    sys.exit(1)


def cmd_signin_users(a):
    out = []
    with open(a.passwords, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            pw = row["temporary_password"]
            # users import defuses spreadsheet formulas with a leading ' (see import.rs).
            if pw.startswith("'") and pw[1:2] in ("=", "+", "-", "@", "\t", "\r"):
                pw = pw[1:]
            n = len(out) + 1
            ip = f"127.1.{n // 250}.{n % 250 + 1}"
            body = json.dumps({"email": row["email"], "password": pw, "remember": False})
            out.append(f"{ip}\t{body}\n")
            if len(out) >= a.count:
                break
    if len(out) < a.count:
        die(f"{a.passwords} has {len(out)} users, {a.count} wanted")
    with open(a.out, "w", encoding="utf-8") as f:
        f.writelines(out)


def post_json(url, body, timeout=30):
    req = urllib.request.Request(url, data=json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(req, timeout=timeout) as r:
        return json.load(r)


def cmd_token(a):
    with open(a.account) as f:
        acct = json.load(f)
    last = None
    for _ in range(10):
        try:
            v = post_json(a.url.rstrip("/") + "/api/v1/auth/login",
                          {"email": acct["owner_email"], "password": acct["owner_password"], "remember": False})
            print(v["access_token"])
            return
        except urllib.error.HTTPError as e:  # 503 while the hash pool is busy: try again
            last = f"HTTP {e.code}: {e.read()[:200]!r}"
            time.sleep(2)
    die(f"cannot sign the owner in: {last}")


def cmd_wait_ready(a):
    deadline = time.time() + a.timeout
    last = None
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(a.url.rstrip("/") + "/api/ready", timeout=5) as r:
                if r.status == 200:
                    return
        except (urllib.error.URLError, OSError) as e:
            last = e
        time.sleep(0.2)
    die(f"{a.url} is not ready after {a.timeout} s: {last}")


def proc_children(pid):
    """The pids whose parent is pid."""
    out = []
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/stat") as f:
                    st = f.read()
            except OSError:
                continue
            if int(st[st.rindex(")") + 2:].split()[1]) == pid:
                out.append(int(d))
    return out


def cpu_ticks(pids):
    """utime + stime of these processes (and of their children that have ended), in clock ticks."""
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                st = f.read()
        except OSError:
            continue
        fields = st[st.rindex(")") + 2:].split()
        total += sum(int(x) for x in fields[11:15])  # utime stime cutime cstime
    return total


def groups_of(specs):
    """--cpu NAME=PID[,PID…] (with their children: nginx workers, PostgreSQL backends)."""
    groups = {}
    for spec in specs:
        name, _, pids = spec.partition("=")
        tops = [int(p) for p in pids.split(",") if p]
        groups[name] = tops
    return groups


def expand(tops):
    pids = list(tops)
    for p in tops:
        pids += proc_children(p)
    return pids


def cmd_run(a):
    """Runs wrk (the arguments after --), its CPU and that of the named process groups measured around it."""
    groups = groups_of(a.cpu)
    wrk = a.wrk[1:] if a.wrk[:1] == ["--"] else a.wrk
    with open("/proc/loadavg") as f:
        loadavg = f.read().split()[0]
    before = {n: cpu_ticks(expand(t)) for n, t in groups.items()}
    t0 = time.monotonic()
    self_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.run(wrk, capture_output=True, text=True)
    self_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall = time.monotonic() - t0
    after = {n: cpu_ticks(expand(t)) for n, t in groups.items()}
    if a.raw:
        with open(a.raw, "a", encoding="utf-8") as f:
            f.write(proc.stdout + proc.stderr)
    found = [l[len("RESULT "):] for l in proc.stdout.splitlines() if l.startswith("RESULT ")]
    if proc.returncode != 0 or not found:
        die(f"wrk failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    r = json.loads(found[-1])
    tck = os.sysconf("SC_CLK_TCK")
    cpu = {n: round(100 * (after[n] - before[n]) / tck / wall) for n in groups}
    cpu["wrk"] = round(100 * ((self_after.ru_utime - self_before.ru_utime)
                              + (self_after.ru_stime - self_before.ru_stime)) / wall)
    r.update(case=a.case, run=a.run, loadavg=loadavg, cpu=cpu)
    with open(a.out, "a", encoding="utf-8") as f:
        f.write(json.dumps(r) + "\n")
    print(f"{a.case} {r['mode']} run {a.run}: {r['rps']:.0f} req/s, p50 {r['p50_ms']:.1f} ms, "
          f"p99 {r['p99_ms']:.1f} ms, statuses {r['statuses']}, socket errors {r['socket_errors']}, "
          f"CPU % {cpu}", file=sys.stderr)


MODES = {
    "list": "users list, filter (page of 200)",
    "summary": "dashboard summary",
    "signin": "sign-in (Argon2id)",
    "catalog": "installer catalog",
    "health": "health (no database)",
}


def cmd_table(a):
    rows = []
    with open(a.results, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line:
                rows.append(json.loads(line))
    if not rows:
        die("no results")

    def errors(r):
        bad = {k: v for k, v in r["statuses"].items() if not k.startswith("2")}
        sock = {k: v for k, v in r["socket_errors"].items() if v}
        parts = [f"{v}× {k}" for k, v in sorted(bad.items())] + [f"{v} {k}" for k, v in sorted(sock.items())]
        return ", ".join(parts) if parts else "0"

    def mode_name(r):
        m = MODES.get(r["mode"], r["mode"])
        if not r.get("think_ms"):
            return m
        if r.get("think_exp"):
            return f"{m}, think time exponential, mean {r['think_ms']} ms"
        return f"{m}, {r['think_ms']} ms think time"

    def ok(r):
        return sum(v for k, v in r["statuses"].items() if k.startswith("2"))

    def cpu(r):
        return " / ".join(f"{r['cpu'].get(k, '–')}" for k in ("server", "db", "lb", "wrk"))

    print("| case | request | run | load avg | requests/s | 2xx/s | p50 | p99 | max | errors (non-2xx, socket) "
          "| CPU % server / db / lb / wrk |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---|---|")
    for r in rows:
        print(f"| {r['case']} | {mode_name(r)} | {r['run']} | {r['loadavg']} "
              f"| {r['rps']:.0f} | {ok(r) / r['seconds']:.0f} | {r['p50_ms']:.1f} ms | {r['p99_ms']:.1f} ms "
              f"| {r['max_ms']:.0f} ms | {errors(r)} | {cpu(r)} |")

    # The spread per case and request: median requests/s and p99 over the runs, min–max.
    print()
    print("| case | request | runs | requests/s (min–max) | p99 (min–max) |")
    print("|---|---|---:|---:|---:|")
    seen = []
    for r in rows:
        k = (r["case"], r["mode"], r.get("think_ms", 0), r.get("think_exp", False))
        if k not in seen:
            seen.append(k)
    for case, mode, think, exp in seen:
        rs = [r for r in rows if r["case"] == case and r["mode"] == mode and r.get("think_ms", 0) == think
              and r.get("think_exp", False) == exp]
        rps = [r["rps"] for r in rs]
        p99 = [r["p99_ms"] for r in rs]
        print(f"| {case} | {mode_name(rs[0])} | {len(rs)} | {statistics.median(rps):.0f} "
              f"({min(rps):.0f}–{max(rps):.0f}) | {statistics.median(p99):.1f} ms "
              f"({min(p99):.1f}–{max(p99):.1f}) |")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("signin-users")
    s.add_argument("--passwords", required=True)
    s.add_argument("--count", type=int, required=True)
    s.add_argument("--out", required=True)
    t = sub.add_parser("token")
    t.add_argument("--url", required=True)
    t.add_argument("--account", required=True)
    w = sub.add_parser("wait-ready")
    w.add_argument("--url", required=True)
    w.add_argument("--timeout", type=float, default=60)
    c = sub.add_parser("run")
    c.add_argument("--case", required=True)
    c.add_argument("--run", type=int, required=True)
    c.add_argument("--out", required=True)
    c.add_argument("--raw", help="append wrk's output here")
    c.add_argument("--cpu", action="append", default=[], metavar="NAME=PID[,PID]")
    c.add_argument("wrk", nargs=argparse.REMAINDER)
    r = sub.add_parser("table")
    r.add_argument("--results", required=True)
    a = ap.parse_args()
    {"signin-users": cmd_signin_users, "token": cmd_token, "wait-ready": cmd_wait_ready,
     "run": cmd_run, "table": cmd_table}[a.cmd](a)


if __name__ == "__main__":
    main()

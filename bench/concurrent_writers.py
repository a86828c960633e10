#!/usr/bin/env python3
"""Issue 10, defect 2, measured again: W concurrent writers each creating users on a SQLite portal.

Usage: bench/concurrent_writers.py SERVER_BINARY [--writers 16] [--requests 16] [--users-per-request 1]

Seeds a fresh SQLite database (`seed-demo`), starts `serve` on a free loopback port, signs in as the demo
owner, then runs the writers at once (threads, one keep-alive connection each) and prints per-request
latency p50/p90/p99/max, throughput and every non-2xx answer. Only the standard library is used.
"""
import argparse
import http.client
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def call(conn, method, path, body=None, token=None):
    headers = {"content-type": "application/json"}
    if token:
        headers["authorization"] = f"Bearer {token}"
    conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
    resp = conn.getresponse()
    data = resp.read()
    return resp.status, data


def pct(sorted_ms, p):
    if not sorted_ms:
        return float("nan")
    i = min(len(sorted_ms) - 1, max(0, round(p / 100 * len(sorted_ms)) - 1))
    return sorted_ms[i]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("server")
    ap.add_argument("--writers", type=int, default=16)
    ap.add_argument("--requests", type=int, default=16)
    ap.add_argument("--users-per-request", type=int, default=1)
    a = ap.parse_args()

    work = tempfile.mkdtemp(prefix="kontor-writers-")
    db = f"sqlite://{work}/bench.db"
    seed = json.loads(
        subprocess.run(
            [a.server, "seed-demo", "--database-url", db, "--password", "Bench-Passw0rd!"],
            check=True, capture_output=True, text=True,
        ).stdout.strip().splitlines()[-1]
    )
    port = free_port()
    log = open(f"{work}/serve.log", "w")
    srv = subprocess.Popen(
        [a.server, "serve", "--database-url", db, "--bind", f"127.0.0.1:{port}", "--data-dir", work],
        stdout=log, stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.time() + 30
        while True:
            try:
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                if call(c, "GET", "/api/health")[0] == 200:
                    break
            except OSError:
                pass
            if time.time() > deadline:
                sys.exit("serve did not start")
            time.sleep(0.1)
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        st, body = call(c, "POST", "/api/v1/auth/login",
                        {"email": seed["owner_email"], "password": "Bench-Passw0rd!", "remember": False})
        assert st == 200, (st, body)
        token = json.loads(body)["access_token"]
        account = seed["account_id"]

        results = []  # (ms, status, body)
        lock = threading.Lock()
        start = threading.Barrier(a.writers + 1)

        def writer(w):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            start.wait()
            for i in range(a.requests):
                users = [{"email": f"w{w}-{i}-{k}@bench.example", "display_name": f"Writer {w} {i} {k}",
                          "role": "user", "location_id": None, "licenses": []}
                         for k in range(a.users_per_request)]
                t0 = time.perf_counter()
                try:
                    st, body = call(conn, "POST", f"/api/v1/accounts/{account}/users", {"users": users}, token)
                except Exception as e:  # noqa: BLE001 - a failure is a result here
                    st, body = 0, str(e).encode()
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
                ms = (time.perf_counter() - t0) * 1000
                with lock:
                    results.append((ms, st, body[:200]))

        threads = [threading.Thread(target=writer, args=(w,)) for w in range(a.writers)]
        for t in threads:
            t.start()
        t0 = time.perf_counter()
        start.wait()
        for t in threads:
            t.join()
        wall = time.perf_counter() - t0
        ms = sorted(r[0] for r in results)
        bad = [r for r in results if not 200 <= r[1] < 300]
        print(json.dumps({
            "writers": a.writers, "requests": len(results), "users_per_request": a.users_per_request,
            "errors": len(bad), "statuses": sorted({r[1] for r in results}),
            "p50_ms": round(pct(ms, 50), 1), "p90_ms": round(pct(ms, 90), 1),
            "p99_ms": round(pct(ms, 99), 1), "max_ms": round(ms[-1], 1),
            "wall_s": round(wall, 2), "requests_per_s": round(len(results) / wall, 1),
        }))
        for r in bad[:5]:
            print("non-2xx:", r[1], r[2], file=sys.stderr)
        log.flush()
        locked = sum("database is locked" in line for line in open(f"{work}/serve.log"))
        print(f"'database is locked' in the server log: {locked}", file=sys.stderr)
    finally:
        srv.terminate()
        srv.wait(10)
        subprocess.run(["rm", "-rf", work])


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Measuring half of scripts/bench.sh: cold start to first paint and RSS, through tauri-driver + WebKitWebDriver.

Subcommands (plain HTTP to the W3C WebDriver port; standard library only):
  run     --app BIN --selector CSS --runs N --out FILE.json   warm-up launch, then N measured launches
          [--append]                                           adds them to FILE.json's launches (rounds)
  signin  --app BIN --account demo-account.json                signs in with "stay signed in" (fills the keyring)
  report  --sizes sizes.json --results a.json b.json ...       prints the Markdown table
  breakdown --app BIN --selector CSS --runs N --trace FILE --out FILE.json
                                                               where the start-up time goes (see cmd_breakdown)

Each `run`/`signin` starts its own tauri-driver on free ports with the environment it was given (HOME, XDG_*,
KONTOR_* are set by scripts/bench.sh; WebKitWebDriver passes them to the app) and stops it with SIGTERM.

One measured launch: t0 just before the WebDriver new-session request (which spawns the app), then the element
is looked up every 10 ms; t1 when the lookup first succeeds. Right then the RSS (VmRSS) of the app process and of
its WebKit*Process descendants is summed. The session is then deleted and the app awaited before the next launch.
"""

import argparse
import http.client
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request

ELEMENT_KEY = "element-6066-11e4-a52e-4f735466cecf"
TRANSPORT_ERRORS = [0]  # commands tauri-driver dropped (connection closed without a response) and wd() repeated
TIMEOUT_S = 60.0


def die(msg):
    print(f"measure.py: {msg}", file=sys.stderr)
    sys.exit(1)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class WebDriverError(Exception):
    def __init__(self, status, body):
        super().__init__(f"HTTP {status}: {body}")
        self.status = status
        self.body = body


def wd(port, method, path, body=None, timeout=TIMEOUT_S):
    """One WebDriver command. tauri-driver now and then closes a connection without an answer while the app is
    busy starting: commands other than new-session are then repeated (up to 5 times, counted)."""
    for attempt in range(5):
        try:
            return wd_once(port, method, path, body, timeout)
        except (ConnectionError, http.client.HTTPException) as e:
            if path == "/session" or attempt == 4:
                raise
            TRANSPORT_ERRORS[0] += 1
            print(f"measure.py: {method} {path} dropped ({e!r}); repeating", file=sys.stderr)
            time.sleep(0.05)


def wd_once(port, method, path, body=None, timeout=TIMEOUT_S):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}",
        data=data,
        method=method,
        headers={"Content-Type": "application/json; charset=utf-8"},
    )
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return json.loads(r.read() or b"{}").get("value")
    except urllib.error.HTTPError as e:
        raw = e.read()
        try:
            parsed = json.loads(raw).get("value")
        except Exception:
            parsed = raw.decode(errors="replace")
        raise WebDriverError(e.code, parsed) from None


# ---------------------------------------------------------------- processes (/proc)

def children_map():
    kids = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        # comm may contain spaces and parentheses: the ppid is the 2nd field after the last ')'
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        kids.setdefault(ppid, []).append(int(d))
    return kids


def descendants(pid, kids=None):
    kids = kids if kids is not None else children_map()
    out, stack = [], [pid]
    while stack:
        p = stack.pop()
        for c in kids.get(p, []):
            out.append(c)
            stack.append(c)
    return out


def proc_name(pid):
    """argv[0]'s basename (not truncated like comm), else the status Name."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            argv0 = f.read().split(b"\0")[0].decode(errors="replace")
        if argv0:
            return os.path.basename(argv0)
    except OSError:
        pass
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("Name:"):
                    return line.split(None, 1)[1].strip()
    except OSError:
        pass
    return "?"


def vm_rss_kib(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return 0  # kernel threads / zombies have no VmRSS line


def exe_of(pid):
    try:
        return os.path.realpath(f"/proc/{pid}/exe")
    except OSError:
        return None


def find_app_pid(driver_pid, app_real):
    for p in descendants(driver_pid):
        if exe_of(p) == app_real:
            return p
    return None


def rss_snapshot(app_pid):
    """App + its WebKit*Process descendants (through bwrap etc. if the WebKit sandbox is used)."""
    kids = children_map()
    counted = [(app_pid, proc_name(app_pid), vm_rss_kib(app_pid) or 0)]
    others = []
    for p in descendants(app_pid, kids):
        name = proc_name(p)
        rss = vm_rss_kib(p) or 0
        (counted if name.startswith("WebKit") else others).append((p, name, rss))
    return {
        "total_kib": sum(r for _, _, r in counted),
        "counted": [{"pid": p, "name": n, "rss_kib": r} for p, n, r in counted],
        "not_counted": [{"pid": p, "name": n, "rss_kib": r} for p, n, r in others],
    }


# ---------------------------------------------------------------- tauri-driver

class Driver:
    def __init__(self):
        self.port = free_port()
        self.native_port = free_port()
        self.proc = subprocess.Popen(
            ["tauri-driver", "--port", str(self.port), "--native-port", str(self.native_port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        # Recorded so scripts/bench.sh's trap can SIGTERM it if this script dies first; removed on a clean stop.
        work = os.environ.get("KONTOR_BENCH_WORK")
        self.pidfile = os.path.join(work, f"driver.{self.proc.pid}.pid") if work else None
        if self.pidfile:
            with open(self.pidfile, "w") as f:
                f.write(str(self.proc.pid))
        # tauri-driver's own port, then WebKitWebDriver's (tauri-driver drops requests until that one listens).
        deadline = time.monotonic() + 20
        for port in (self.port, self.native_port):
            while True:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    if self.proc.poll() is not None:
                        die(f"tauri-driver exited with {self.proc.returncode}")
                    if time.monotonic() > deadline:
                        self.stop()
                        die(f"tauri-driver / WebKitWebDriver did not open port {port} within 20 s")
                    time.sleep(0.1)

    def stop(self):
        """SIGTERM only: SIGKILL would orphan WebKitWebDriver, which keeps the native port."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                print("measure.py: tauri-driver ignored SIGTERM for 15 s; leaving it to the bench's trap",
                      file=sys.stderr)
                return
        if self.pidfile and os.path.exists(self.pidfile):
            os.remove(self.pidfile)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def new_session(driver, app):
    caps = {"capabilities": {"alwaysMatch": {"browserName": "wry", "tauri:options": {"application": app}}}}
    v = wd(driver.port, "POST", "/session", caps)
    return v["sessionId"]


def find(driver, sid, selector):
    v = wd(driver.port, "POST", f"/session/{sid}/element", {"using": "css selector", "value": selector})
    return v[ELEMENT_KEY]


def wait_for(driver, sid, selector, timeout=TIMEOUT_S, interval=0.010):
    deadline = time.monotonic() + timeout
    while True:
        try:
            return find(driver, sid, selector)
        except WebDriverError as e:
            err = e.body.get("error") if isinstance(e.body, dict) else None
            if err != "no such element":
                raise
        if time.monotonic() > deadline:
            raise TimeoutError(f"{selector} did not appear within {timeout} s")
        time.sleep(interval)


def close_session(driver, sid, app_pid):
    try:
        wd(driver.port, "DELETE", f"/session/{sid}", timeout=20)
    except Exception as e:  # the app may already be gone
        print(f"measure.py: delete session: {e}", file=sys.stderr)
    deadline = time.monotonic() + 15
    while app_pid and os.path.exists(f"/proc/{app_pid}") and time.monotonic() < deadline:
        try:
            with open(f"/proc/{app_pid}/stat") as f:
                if f.read().rsplit(")", 1)[1].split()[0] == "Z":
                    break
        except OSError:
            break
        time.sleep(0.05)
    if app_pid and os.path.exists(f"/proc/{app_pid}"):
        try:
            with open(f"/proc/{app_pid}/stat") as f:
                if f.read().rsplit(")", 1)[1].split()[0] != "Z":
                    die(f"the app (pid {app_pid}) did not exit after the session was deleted")
        except OSError:
            pass


def one_launch(driver, app, app_real, selector):
    # Retried like tests/support/mod.rs does (5 x 500 ms); the clock restarts with each attempt.
    TRANSPORT_ERRORS[0] = 0
    for attempt in range(5):
        t0 = time.monotonic()
        try:
            sid = new_session(driver, app)
            break
        except (OSError, http.client.HTTPException) as e:
            if attempt == 4:
                die(f"no WebDriver session after 5 attempts: {e}")
            print(f"measure.py: new session failed ({e}); retrying", file=sys.stderr)
            time.sleep(0.5)
    t_session = time.monotonic()
    wait_for(driver, sid, selector)
    t1 = time.monotonic()
    dropped = TRANSPORT_ERRORS[0]
    TRANSPORT_ERRORS[0] = 0
    app_pid = find_app_pid(driver.proc.pid, app_real)
    if app_pid is None:
        close_session(driver, sid, None)
        die(f"could not find the app process ({app_real}) under tauri-driver (pid {driver.proc.pid})")
    rss = rss_snapshot(app_pid)
    close_session(driver, sid, app_pid)
    time.sleep(0.5)  # let WebKitWebDriver settle before the next launch
    return {
        "ms": round((t1 - t0) * 1000, 1),
        "new_session_ms": round((t_session - t0) * 1000, 1),
        "dropped_lookups": dropped,
        "rss": rss,
    }


def cmd_run(a):
    app = os.path.abspath(a.app)
    app_real = os.path.realpath(app)
    if not os.access(app, os.X_OK):
        die(f"{app} is not an executable")
    runs = []
    with open("/proc/loadavg") as f:
        load_before = f.read().split()[0]
    with Driver() as driver:
        for i in range(a.warmup + a.runs):
            r = one_launch(driver, app, app_real, a.selector)
            r["warmup"] = i < a.warmup
            runs.append(r)
            tag = "warm-up" if r["warmup"] else f"run {i - a.warmup + 1}/{a.runs}"
            print(f"  {a.label}: {tag}: {a.selector} after {r['ms']:.0f} ms "
                  f"(new session {r['new_session_ms']:.0f} ms), RSS {r['rss']['total_kib'] / 1024:.1f} MiB "
                  f"[{', '.join(c['name'] for c in r['rss']['counted'])}]", file=sys.stderr)
    with open("/proc/loadavg") as f:
        load_after = f.read().split()[0]
    previous = []
    if a.append and os.path.exists(a.out):
        # scripts/bench.sh measures in rounds (hello, sign-in, dashboard, hello, ...): a slow stretch of the
        # machine then falls on every case alike instead of on one case's block.
        with open(a.out) as f:
            old = json.load(f)
        previous = old["all"]
        load_before = old["loadavg_1m_before"]
    runs = previous + runs
    measured = [r for r in runs if not r["warmup"]]
    out = {
        "label": a.label,
        "app": app,
        "selector": a.selector,
        "runs": len(measured),
        "warmup": sum(1 for r in runs if r["warmup"]),
        "median_ms": statistics.median(r["ms"] for r in measured),
        "min_ms": min(r["ms"] for r in measured),
        "max_ms": max(r["ms"] for r in measured),
        "median_new_session_ms": statistics.median(r["new_session_ms"] for r in measured),
        "median_rss_kib": statistics.median(r["rss"]["total_kib"] for r in measured),
        "loadavg_1m_before": load_before,
        "loadavg_1m_after": load_after,
        "all": runs,
    }
    with open(a.out, "w") as f:
        json.dump(out, f, indent=1)


def cmd_signin(a):
    with open(a.account) as f:
        acct = json.load(f)
    app = os.path.abspath(a.app)
    app_real = os.path.realpath(app)
    with Driver() as driver:
        sid = new_session(driver, app)
        wait_for(driver, sid, "#login-email")
        # The password form is the default; the e2e tests fill it the same way.
        for sel, text in (("#login-email", acct["owner_email"]), ("#login-password", acct["owner_password"])):
            el = find(driver, sid, sel)
            for _ in range(3):  # a repeated (dropped) command could have typed twice: check and refill
                wd(driver.port, "POST", f"/session/{sid}/element/{el}/clear", {})
                wd(driver.port, "POST", f"/session/{sid}/element/{el}/value", {"text": text})
                if wd(driver.port, "GET", f"/session/{sid}/element/{el}/property/value") == text:
                    break
            else:
                die(f"could not fill {sel}")
        remember = find(driver, sid, "#login-remember")
        for _ in range(3):  # a repeated (dropped) click could have toggled twice: check
            if wd(driver.port, "GET", f"/session/{sid}/element/{remember}/selected"):
                break
            wd(driver.port, "POST", f"/session/{sid}/element/{remember}/click", {})
        else:
            die("could not tick 'stay signed in'")
        wd(driver.port, "POST", f"/session/{sid}/element/{find(driver, sid, '#login-submit')}/click", {})
        wait_for(driver, sid, "#seats-used")
        print("  kontor: signed in with 'stay signed in'; the dashboard is shown", file=sys.stderr)
        close_session(driver, sid, find_app_pid(driver.proc.pid, app_real))


# ---------------------------------------------------------------- breakdown

# Collected from the webview once the element is there: its clock origin, navigation and resource timing (the
# wasm and its glue, and, where WebKit reports them, the IPC requests), paint entries and performance.mark()s.
PERF_SCRIPT = """
const p = performance;
const pick = (e, keys) => Object.fromEntries(keys.map(k => [k, e[k]]));
const nav = p.getEntriesByType('navigation')[0];
return {
  timeOrigin: p.timeOrigin,
  now: p.now(),
  nav: nav ? pick(nav, ['startTime', 'fetchStart', 'responseStart', 'responseEnd', 'domInteractive',
                        'domContentLoadedEventStart', 'domContentLoadedEventEnd', 'loadEventEnd']) : null,
  resources: p.getEntriesByType('resource').map(e => pick(e, ['name', 'initiatorType', 'startTime',
                                                              'responseStart', 'responseEnd', 'transferSize',
                                                              'encodedBodySize', 'decodedBodySize'])),
  paint: p.getEntriesByType('paint').map(e => pick(e, ['name', 'startTime'])),
  marks: p.getEntriesByType('mark').map(e => pick(e, ['name', 'startTime'])),
};
"""


def proc_start_epoch_ms(pid):
    """The process's exec time from /proc (clock ticks since boot, so 10 ms resolution). The boot time comes
    from /proc/uptime read next to the wall clock: /proc/stat's btime is rounded to whole seconds."""
    with open(f"/proc/{pid}/stat") as f:
        ticks = int(f.read().rsplit(")", 1)[1].split()[19])
    with open("/proc/uptime") as f:
        boot = time.time() - float(f.read().split()[0])
    return (boot + ticks / os.sysconf("SC_CLK_TCK")) * 1000.0


def one_breakdown(driver, app, app_real, selector, trace):
    """One launch: every event as epoch ms, from the shell's trace file (KONTOR_TRACE_STARTUP, which the app
    appends to when built with the trace instrumentation), the webview's performance entries and this script."""
    t0 = time.time() * 1000.0
    sid = new_session(driver, app)
    t_session = time.time() * 1000.0
    wait_for(driver, sid, selector)
    t1 = time.time() * 1000.0
    app_pid = find_app_pid(driver.proc.pid, app_real)
    perf = wd(driver.port, "POST", f"/session/{sid}/execute/sync", {"script": PERF_SCRIPT, "args": []})
    exec_ms = proc_start_epoch_ms(app_pid) if app_pid else None
    close_session(driver, sid, app_pid)
    time.sleep(0.5)
    ev = [("bench: WebDriver new-session request sent", t0),
          ("bench: new-session answered", t_session),
          (f"bench: {selector} found by the 10 ms poll", t1)]
    if exec_ms is not None:
        ev.append(("app process exec (/proc, 10 ms resolution)", exec_ms))
    if app_pid and os.path.exists(trace):
        with open(trace) as f:
            for line in f:
                parts = line.rstrip("\n").split(" ", 3)
                if len(parts) == 4 and parts[0] == str(app_pid):
                    ev.append((f"shell: {parts[3]}", float(parts[1])))
    origin = perf["timeOrigin"]
    ev.append(("webview: navigation start (timeOrigin)", origin))
    nav = perf.get("nav") or {}
    for k in ("responseEnd", "domInteractive", "domContentLoadedEventEnd", "loadEventEnd"):
        if nav.get(k):
            ev.append((f"webview: index.html {k}", origin + nav[k]))
    for r in perf["resources"]:
        name = r["name"].rsplit("/", 1)[-1] or r["name"]
        ev.append((f"webview: {name} fetch start", origin + r["startTime"]))
        ev.append((f"webview: {name} fetched ({r.get('decodedBodySize') or 0} B)", origin + r["responseEnd"]))
    for pnt in perf["paint"]:
        ev.append((f"webview: {pnt['name']}", origin + pnt["startTime"]))
    for m in perf["marks"]:
        ev.append((f"webview: mark {m['name']}", origin + m["startTime"]))
    run_line = next((t for n, t in ev if n == "shell: run"), None)
    base = run_line if run_line is not None else (exec_ms if exec_ms is not None else t0)
    ev.sort(key=lambda e: e[1])
    return {"ms": round(t1 - t0, 1), "timeline": [(n, round(t - base, 1)) for n, t in ev], "perf": perf}


def cmd_breakdown(a):
    """Runs the app N times (plus a warm-up) like `run`, and prints each event's median time since the shell's
    first trace line (`run`, the top of `kontor_app::run`), or since the process's exec without the trace. Needs the app built with the start-up trace (bench/startup-trace.patch) for the shell's
    events; the webview's come from performance entries in any build."""
    app = os.path.abspath(a.app)
    app_real = os.path.realpath(app)
    trace = os.path.abspath(a.trace)
    os.environ["KONTOR_TRACE_STARTUP"] = trace  # WebKitWebDriver passes it on to the app
    runs = []
    with Driver() as driver:
        for i in range(a.warmup + a.runs):
            r = one_breakdown(driver, app, app_real, a.selector, trace)
            r["warmup"] = i < a.warmup
            runs.append(r)
            print(f"  {a.label}: {'warm-up' if r['warmup'] else f'run {i - a.warmup + 1}/{a.runs}'}: "
                  f"{a.selector} after {r['ms']:.0f} ms", file=sys.stderr)
    measured = [r for r in runs if not r["warmup"]]
    # An event's median over the runs where it occurred; repeated names (e.g. two fetches) keep their order.
    samples = {}
    order = {}
    for r in measured:
        seen = {}
        for pos, (name, t) in enumerate(r["timeline"]):
            k = seen.get(name, 0)
            seen[name] = k + 1
            key = name if k == 0 else f"{name} #{k + 1}"
            samples.setdefault(key, []).append(t)
            order.setdefault(key, []).append(pos)
    rows = sorted(((statistics.median(v), k, len(v)) for k, v in samples.items()), key=lambda x: x[0])
    with open(a.out, "w") as f:
        json.dump({"label": a.label, "selector": a.selector, "runs": runs,
                   "median_ms": statistics.median(r["ms"] for r in measured),
                   "rows": rows}, f, indent=1)
    print(f"| Event ({a.label}, median of {len(measured)} launches) | ms since the shell's `run` (else exec) | Δ ms |")
    print("|---|---:|---:|")
    prev = None
    for t, k, n in rows:
        note = "" if n == len(measured) else f" (in {n} of {len(measured)} runs)"
        print(f"| {k}{note} | {t:.0f} | {'' if prev is None else f'{t - prev:+.0f}'} |")
        prev = t


# ---------------------------------------------------------------- report

def mib(b):
    return b / (1024 * 1024)


def kib(b):
    return b / 1024


def ratio(a, b):
    return f"{a / b:.2f}×" if b else "n/a"


def cmd_report(a):
    with open(a.sizes) as f:
        s = json.load(f)
    res = {}
    for p in a.results:
        with open(p) as f:
            r = json.load(f)
        res[r["label"]] = r
    k, h = s["kontor"], s["hello"]
    rows = []

    def size_row(name, kb, hb):
        rows.append((name, f"{kb:,} B ({mib(kb):.2f} MiB)", f"{hb:,} B ({mib(hb):.2f} MiB)", ratio(kb, hb)))

    size_row("Release binary, after `strip`", k["bin_stripped"], h["bin_stripped"])
    size_row("Release binary, as built (`strip = \"debuginfo\"`)", k["bin_built"], h["bin_built"])
    no_wasm = f"n/a (no wasm; its whole frontend is one {h['frontend_bytes']} B HTML file)"
    for key, name in (("wasm_raw", "UI wasm main module `kontor_ui_bg.wasm` (all the first screen loads), raw"),
                      ("wasm_gzip", "UI wasm main module, `gzip -9`"),
                      ("wasm_brotli", "UI wasm main module, `brotli -q 11`")):
        rows.append((name, f"{k[key]:,} B ({kib(k[key]):.1f} KiB)", no_wasm, "n/a"))
    if k.get("chunks"):
        for key, name in (("chunks_raw", f"UI wasm chunks loaded later ({k['chunks']} files), raw, summed"),
                          ("chunks_brotli", "UI wasm chunks loaded later, `brotli -q 11` each, summed")):
            rows.append((name, f"{k[key]:,} B ({kib(k[key]):.1f} KiB)", no_wasm, "n/a"))
    rows.append(("Frontend `dist/`, all files, raw", f"{k['frontend_bytes']:,} B ({kib(k['frontend_bytes']):.1f} KiB)",
                 f"{h['frontend_bytes']:,} B", "n/a (not meaningful)"))

    hello = res["hello"]

    def t(r):
        return f"{r['median_ms']:.0f} ms (min {r['min_ms']:.0f}, max {r['max_ms']:.0f})"

    n = hello["runs"]
    for label, what in (("kontor-login", "sign-in form `#login-email` (no session)"),
                        ("kontor-dashboard", "dashboard `#seats-used` (session resumed from the keyring)")):
        if label not in res:
            continue
        r = res[label]
        rows.append((f"Cold start → Kontor {what} vs hello `#hello`, median of {r['runs']}",
                     t(r), t(hello), ratio(r["median_ms"], hello["median_ms"])))
    for label, what in (("kontor-login", "at the sign-in form"), ("kontor-dashboard", "at the dashboard")):
        if label not in res:
            continue
        r = res[label]
        rows.append((f"RSS after first paint (app + WebKitWebProcess + WebKitNetworkProcess), Kontor {what}, "
                     f"median of {r['runs']}",
                     f"{r['median_rss_kib'] / 1024:.1f} MiB", f"{hello['median_rss_kib'] / 1024:.1f} MiB",
                     ratio(r["median_rss_kib"], hello["median_rss_kib"])))

    print("| Figure | Kontor | Baseline (bare Tauri hello) | Kontor / baseline |")
    print("|---|---:|---:|---:|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    print()
    # Per-process breakdown of the median-ish run, for the notes.
    for label in ("hello", "kontor-login", "kontor-dashboard"):
        if label not in res:
            continue
        r = res[label]
        meas = sorted((x for x in r["all"] if not x["warmup"]), key=lambda x: x["rss"]["total_kib"])
        mid = meas[len(meas) // 2]["rss"]
        parts = ", ".join(f"{c['name']} {c['rss_kib'] / 1024:.0f}" for c in mid["counted"])
        extra = ", ".join(f"{c['name']} {c['rss_kib'] / 1024:.0f}" for c in mid["not_counted"]) or "none"
        dropped = sum(x.get("dropped_lookups", 0) for x in r["all"])
        print(f"- `{label}`: runs (ms) {', '.join(f'{x:.0f}' for x in (y['ms'] for y in r['all'] if not y['warmup']))}; "
              f"WebDriver commands dropped by tauri-driver and repeated: {dropped}; "
              f"median new-session request {r['median_new_session_ms']:.0f} ms; RSS of the median run (MiB): {parts}; "
              f"other descendants not counted: {extra}; 1-min load average {r['loadavg_1m_before']} before, "
              f"{r['loadavg_1m_after']} after.")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run")
    r.add_argument("--app", required=True)
    r.add_argument("--selector", required=True)
    r.add_argument("--label", required=True)
    r.add_argument("--runs", type=int, default=7)
    r.add_argument("--warmup", type=int, default=1)
    r.add_argument("--append", action="store_true")
    r.add_argument("--out", required=True)
    s = sub.add_parser("signin")
    s.add_argument("--app", required=True)
    s.add_argument("--account", required=True)
    p = sub.add_parser("report")
    p.add_argument("--sizes", required=True)
    p.add_argument("--results", nargs="+", required=True)
    b = sub.add_parser("breakdown")
    b.add_argument("--app", required=True)
    b.add_argument("--selector", required=True)
    b.add_argument("--label", required=True)
    b.add_argument("--runs", type=int, default=5)
    b.add_argument("--warmup", type=int, default=1)
    b.add_argument("--trace", required=True)
    b.add_argument("--out", required=True)
    a = ap.parse_args()
    {"run": cmd_run, "signin": cmd_signin, "report": cmd_report, "breakdown": cmd_breakdown}[a.cmd](a)


if __name__ == "__main__":
    main()

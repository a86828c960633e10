#!/usr/bin/env python3
"""Measuring half of scripts/bench-filter.sh: a filter keystroke in the users list until repaint.

Subcommands (standard library only; WebDriver helpers are reused from bench/measure.py):
  csv      --count N --out FILE                       N users in Kontor's import template (no licenses)
  measure  --app BIN --portal URL --account demo-account.json --users N --rounds R --out FILE.json
  report   --results a.json b.json ...                prints the Markdown table

`measure` starts its own tauri-driver (environment from the caller: HOME, XDG_*, KONTOR_PORTAL_URL, ...), signs
in through the form, opens the users page and waits until `#user-total-count` shows the whole list. Then, per
round, it measures these keystrokes, each from a settled list (the preceding value was typed, unmeasured, and its
result shown):
  rare    "Vorname1234"  -> "Vorname12345"   exactly 1 match          (1,000-user list: "Vorname12" -> "Vorname123")
  common  "Vorname"      -> "Vorname1"       1/9 of the list          (digit varies per round)
  email   "user77"       -> "user777"        111 matches, e-mail part  (1,000-user list: "user" -> "user7")
  clear   "user777"      -> ""               the whole list again
(the numbers vary per round so no two rounds send the same query).

One keystroke, in the page (one async WebDriver script): t0 = performance.now(); the input's value is set and an
`input` event dispatched (what a keystroke does for Leptos' `bind:value`); a MutationObserver on `#users` checks
after every mutation whether the DOM shows the expected result (total text, number of rendered rows, e-mail of the
row at top 0, all taken from the portal's own answer to the same query beforehand); from the first match, and
again after every later mutation, a double requestAnimationFrame is armed; t1 = performance.now() in the second
frame callback of the last one armed ("painted": the frame after the DOM settled was produced).

Besides: the IPC path alone (`window.__TAURI__.core.invoke('users', ...)` from the page: webview -> Rust app ->
HTTP to the portal -> JSON back into JS, no DOM) and the portal alone (GET .../users with a bearer token over a
kept-alive HTTP/1.1 connection from this script), for the same queries.
"""

import argparse
import http.client
import json
import os
import statistics
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import measure  # noqa: E402  (bench/measure.py: Driver, wd, find, wait_for, new_session, close_session)

from measure import Driver, WebDriverError, die, find, find_app_pid, new_session, wait_for, wd  # noqa: E402

PAGE = 200  # src-ui/src/pages/users.rs PAGE
WINDOW_ROWS = 21  # window(0, 480, len): rows rendered at scroll top 0 = min(ceil(480/40) + 1 + 8, len)


def log(msg):
    print(f"filter.py: {msg}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------- csv

def cmd_csv(a):
    with open(a.out, "w", encoding="utf-8", newline="") as f:
        f.write("E-mail;Name;Rolle;Lizenzen\n")
        for i in range(a.count):  # 0..N-1: every N/10..N-1 number matches only itself as a substring
            f.write(f"user{i}@muster.example;Vorname{i} Nachname{i};Benutzer;\n")


# ---------------------------------------------------------------- queries

def rounds_plan(n_users, rounds):
    """[(kind, prep value or None, measured value)] per round; see the module doc."""
    digits = len(str(n_users)) - 1  # 100000 -> 5, 1000 -> 3
    de = digits - 2  # e-mail digits: 3 (100k) -> 111 matches, 1 (1k) -> 111 matches
    plan = []
    for i in range(rounds):
        lo = 10 ** (digits - 1)
        rare = f"Vorname{lo + (i * 7919 + 2345) % (9 * lo)}"
        common = f"Vorname{1 + i % 9}"
        elo = 10 ** (de - 1)
        email = f"user{elo + (i * 37 + 677) % (9 * elo)}"
        plan.append([
            ("rare", rare[:-1], rare),
            ("common", "Vorname", common),
            ("email", email[:-1], email),
            ("clear", None, ""),
        ])
    return plan


class Portal:
    def __init__(self, base, account_file):
        u = urllib.parse.urlsplit(base)
        self.host, self.port = u.hostname, u.port
        with open(account_file) as f:
            self.acct = json.load(f)
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
        self.token = None

    def request(self, method, path, body=None, token=None):
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        data = None if body is None else json.dumps(body).encode()
        for attempt in range(2):
            try:
                self.conn.request(method, path, body=data, headers=headers)
                r = self.conn.getresponse()
                raw = r.read()
                break
            except (ConnectionError, http.client.HTTPException):
                if attempt:
                    raise
                self.conn.close()
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
        if r.status >= 300:
            die(f"{method} {path}: HTTP {r.status}: {raw[:300]!r}")
        return json.loads(raw)

    def login(self):
        v = self.request("POST", "/api/v1/auth/login", {
            "email": self.acct["owner_email"], "password": self.acct["owner_password"], "remember": False})
        self.token = v["access_token"]

    def users_path(self, q):
        # The query string the app's PortalClient sends for the UI's UserQuery (serde_urlencoded field order).
        params = []
        if q.strip():
            params.append(("q", q))
        params += [("sort", "name"), ("desc", "false"), ("limit", str(PAGE))]
        return f"/api/v1/accounts/{self.acct['account_id']}/users?{urllib.parse.urlencode(params)}"

    def users(self, q):
        return self.request("GET", self.users_path(q), token=self.token)

    def timed(self, q):
        t0 = time.perf_counter()
        v = self.users(q)
        return (time.perf_counter() - t0) * 1000, v


def expected(page):
    users = page["users"]
    return {"total": page["total"], "first": users[0]["email"] if users else None,
            "rows": min(WINDOW_ROWS, len(users))}


# ---------------------------------------------------------------- in-page scripts

KEYSTROKE_JS = r"""
const [value, expTotal, expFirst, expRows, timeoutMs, done] = arguments;
const root = document.querySelector('#users');
const input = document.querySelector('#user-search');
const total = document.querySelector('#user-total-count');
const list = document.querySelector('#user-list');
function matches() {
  if (total.textContent.trim() !== String(expTotal)) return false;
  const rows = list.querySelectorAll('.grid-row');
  if (rows.length !== expRows) return false;
  if (expRows === 0) return true;
  for (const r of rows) if (r.style.top === '0px') return r.dataset.email === expFirst;
  return false;
}
let mutations = 0, batches = 0, tMatch = null, tLast = null, armed = 0, finished = false;
function finish(res) {
  if (finished) return;
  finished = true; obs.disconnect(); done(res);
}
function arm() {
  const g = ++armed;
  requestAnimationFrame(() => {
    const tRaf1 = performance.now();
    requestAnimationFrame(() => {
      if (g !== armed) return;
      const t1 = performance.now();
      finish({ok: true, ms: t1 - t0, match_ms: tMatch - t0, last_mutation_ms: tLast - t0, raf1_ms: tRaf1 - t0,
              mutations, batches});
    });
  });
}
const obs = new MutationObserver((recs) => {
  const now = performance.now();
  mutations += recs.length; batches += 1; tLast = now;
  if (tMatch === null && matches()) tMatch = now;
  if (tMatch !== null) arm();
});
obs.observe(root, {subtree: true, childList: true, characterData: true, attributes: true});
const t0 = performance.now();
input.value = value;
input.dispatchEvent(new Event('input', {bubbles: true}));
setTimeout(() => finish({ok: false, ms: performance.now() - t0, mutations, batches,
  total: total.textContent.trim(), rows: list.querySelectorAll('.grid-row').length}), timeoutMs);
"""

IDLE_FRAMES_JS = r"""
const [n, done] = arguments;
const out = [];
function one() {
  if (out.length === n) return done(out);
  const t0 = performance.now();
  requestAnimationFrame(() => requestAnimationFrame(() => { out.push(performance.now() - t0); setTimeout(one, 50); }));
}
one();
"""

INVOKE_JS = r"""
const [q, n, done] = arguments;
(async () => {
  const req = {sort: 'name', desc: false, limit: %d};
  if (q.trim()) req.q = q;
  const out = [];
  let total = null;
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const page = await window.__TAURI__.core.invoke('users', {req});
    out.push(performance.now() - t0);
    total = page.total;
  }
  done({ms: out, total});
})().catch((e) => done({error: String(e && e.message || JSON.stringify(e))}));
""" % PAGE


def execute_async(port, sid, script, args, timeout_s=60):
    return wd(port, "POST", f"/session/{sid}/execute/async", {"script": script, "args": args},
              timeout=timeout_s + 10)


def execute(port, sid, script, args=()):
    return wd(port, "POST", f"/session/{sid}/execute/sync", {"script": script, "args": list(args)})


def wait_text(port, sid, selector, want, timeout=120):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = execute(port, sid, "const e = document.querySelector(arguments[0]); return e && e.textContent.trim();",
                       [selector])
        if last == want:
            return
        time.sleep(0.05)
    err = execute(port, sid, "const e = document.querySelector('[role=alert]'); return e && e.textContent.trim();")
    die(f"{selector} shows {last!r}, not {want!r}, after {timeout} s (alert on the page: {err!r})")


def fill(driver, sid, selector, text):
    port = driver.port
    el = find(driver, sid, selector)
    for _ in range(3):
        wd(port, "POST", f"/session/{sid}/element/{el}/clear", {})
        wd(port, "POST", f"/session/{sid}/element/{el}/value", {"text": text})
        if wd(port, "GET", f"/session/{sid}/element/{el}/property/value") == text:
            return
    die(f"could not fill {selector}")


def click(driver, sid, selector):
    el = wait_for(driver, sid, selector)
    wd(driver.port, "POST", f"/session/{sid}/element/{el}/click", {})


# ---------------------------------------------------------------- measure

def cmd_measure(a):
    portal = Portal(a.portal, a.account)
    portal.login()
    n_expected = a.users + 12  # the demo seed's 12 users
    first = portal.users("")
    if first["total"] != n_expected:
        log(f"the portal lists {first['total']} users, expected {n_expected}; using the portal's figure")
        n_expected = first["total"]
    plan = rounds_plan(a.users, a.rounds)
    # Expected results (and a warm-up of the portal's caches for every query).
    exp = {}
    for rnd in plan:
        for _, prep, q in rnd:
            for v in ([prep] if prep is not None else []) + [q]:
                if v not in exp:
                    exp[v] = expected(portal.users(v))
    with open("/proc/loadavg") as f:
        load_before = f.read().split()[0]

    app = os.path.abspath(a.app)
    results = {"label": a.label, "users": n_expected, "rounds": a.rounds, "keystrokes": [], "invoke": {},
               "server": {}, "expected": exp}
    with Driver() as driver:
        port = driver.port
        sid = new_session(driver, app)
        try:
            wait_for(driver, sid, "#login-email")
            fill(driver, sid, "#login-email", portal.acct["owner_email"])
            fill(driver, sid, "#login-password", portal.acct["owner_password"])
            click(driver, sid, "#login-submit")
            wait_for(driver, sid, "#seats-used")
            t = time.monotonic()
            click(driver, sid, "#nav-users")
            wait_for(driver, sid, "#user-total-count")
            wait_text(port, sid, "#user-total-count", str(n_expected))
            log(f"{a.label}: users page shows {n_expected} users ({(time.monotonic() - t) * 1000:.0f} ms after the "
                "click, WebDriver polling included)")
            size = execute(port, sid, "return [window.innerWidth, window.innerHeight, document.visibilityState];")
            log(f"{a.label}: window {size}")

            def keystroke(value, kind, measured):
                e = exp[value]
                r = execute_async(port, sid, KEYSTROKE_JS, [value, e["total"], e["first"], e["rows"], 30000], 30)
                if not r.get("ok"):
                    die(f"{a.label}: typing {value!r} did not show the expected result {e}: {r}")
                if measured:
                    r.update(kind=kind, value=value, matches=e["total"])
                    results["keystrokes"].append(r)
                    log(f"  {a.label}: {kind:6} {value!r:16} -> {e['total']:>6} users: {r['ms']:7.1f} ms "
                        f"(DOM right at {r['match_ms']:.1f}, last mutation {r['last_mutation_ms']:.1f}, "
                        f"1st frame callback {r['raf1_ms']:.1f}, "
                        f"{r['mutations']} mutations)")
                return r

            # Warm-up round (not counted): the first keystrokes compile/warm code paths in the webview.
            for kind, prep, q in rounds_plan(a.users, 1)[0]:
                if prep is not None:
                    keystroke(prep, kind, False)
                keystroke(q, kind, False)
            for rnd in plan:
                for kind, prep, q in rnd:
                    if prep is not None:
                        keystroke(prep, kind, False)
                    keystroke(q, kind, True)

            # Control: a double requestAnimationFrame with no DOM change (the frame clock's floor).
            results["idle_double_raf"] = execute_async(port, sid, IDLE_FRAMES_JS, [20], 30)
            log(f"  {a.label}: idle double rAF: median {statistics.median(results['idle_double_raf']):.1f} ms")

            # IPC path alone, from the page (no DOM), for the same queries.
            for kind in ("rare", "common", "email", "clear"):
                qs = [q for rnd in plan for k, _, q in rnd if k == kind]
                ms = []
                for q in qs:
                    r = execute_async(port, sid, INVOKE_JS, [q, 1], 30)
                    if "error" in r:
                        die(f"invoke('users') failed: {r['error']}")
                    if r["total"] != exp[q]["total"]:
                        die(f"invoke('users', {q!r}) gave {r['total']} users, expected {exp[q]['total']}")
                    ms += r["ms"]
                results["invoke"][kind] = ms
                log(f"  {a.label}: invoke {kind:6}: median {statistics.median(ms):.1f} ms")
        finally:
            try:
                wd(port, "DELETE", f"/session/{sid}", timeout=20)
            except Exception as e:  # the app may already be gone
                log(f"delete session: {e}")
            time.sleep(0.5)

    # The portal alone (the app is closed), same queries, fresh token.
    portal.login()
    for kind in ("rare", "common", "email", "clear"):
        qs = [q for rnd in plan for k, _, q in rnd if k == kind]
        ms = []
        for q in qs:
            t, v = portal.timed(q)
            if v["total"] != exp[q]["total"]:
                die(f"GET users {q!r}: {v['total']} users, expected {exp[q]['total']}")
            ms.append(t)
        results["server"][kind] = ms
        log(f"  {a.label}: server {kind:6}: median {statistics.median(ms):.1f} ms")
    with open("/proc/loadavg") as f:
        results["loadavg_1m"] = [load_before, f.read().split()[0]]
    results["dropped_webdriver_commands"] = measure.TRANSPORT_ERRORS[0]
    with open(a.out, "w") as f:
        json.dump(results, f, indent=1)


# ---------------------------------------------------------------- report

def pct(xs, p):
    xs = sorted(xs)
    if not xs:
        return float("nan")
    k = (len(xs) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


KINDS = {
    "rare": "rare match (`Vorname1234` → `Vorname12345`)",
    "common": "common prefix (`Vorname` → `Vorname1`)",
    "email": "e-mail fragment (`user77` → `user777`)",
    "clear": "clear the filter (`user777` → empty)",
}


def cmd_report(a):
    res = []
    for p in a.results:
        with open(p) as f:
            res.append(json.load(f))
    big = max(res, key=lambda r: r["users"])
    small = min(res, key=lambda r: r["users"])

    def ks(r, kind, field="ms"):
        return [k[field] for k in r["keystrokes"] if k["kind"] == kind]

    def mp(xs):
        return f"{statistics.median(xs):.1f} / {pct(xs, 0.9):.1f}"

    print(f"| Keystroke | matches ({big['users']:,} / {small['users']:,} list) | n | **keystroke → repaint**, "
          f"{big['users']:,} users, median / p90 (ms) | DOM right / 1st frame callback, medians | IPC alone `invoke('users')`, median / p90 "
          f"| portal alone `GET …/users`, median / p90 | baseline {small['users']:,} users: keystroke → repaint, "
          f"median / p90 | ratio of medians | goal ≤ 50 ms: median; p90 |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for kind, name in KINDS.items():
        b, s = ks(big, kind), ks(small, kind)
        if not b:
            continue
        matches = sorted({k["matches"] for k in big["keystrokes"] if k["kind"] == kind})
        smatches = sorted({k["matches"] for k in small["keystrokes"] if k["kind"] == kind})
        mtxt = ", ".join(f"{m:,}" for m in matches) if len(matches) <= 3 else f"{matches[0]:,}–{matches[-1]:,}"
        stxt = ", ".join(f"{m:,}" for m in smatches) if len(smatches) <= 3 else f"{smatches[0]:,}–{smatches[-1]:,}"
        med, p90 = statistics.median(b), pct(b, 0.9)
        goal = ("met" if med <= 50 else "**not met**") + "; " + ("met" if p90 <= 50 else "**not met**")
        print(f"| {name} | {mtxt} / {stxt} | {len(b)} | **{mp(b)}** | {statistics.median(ks(big, kind, 'match_ms')):.0f} / {statistics.median(ks(big, kind, 'raf1_ms')):.0f} | "
              f"{mp(big['invoke'][kind])} | {mp(big['server'][kind])} | {mp(s)} | "
              f"{statistics.median(b) / statistics.median(s):.2f}× | {goal} |")
    print()
    for r in res:
        print(f"- {r['users']:,} users: keystrokes (ms, in order: rare, common, e-mail, clear per round): "
              + "; ".join(", ".join(f"{k['ms']:.0f}" for k in r["keystrokes"][i:i + 4])
                          for i in range(0, len(r["keystrokes"]), 4))
              + f". Portal alone (median / p90 ms): "
              + ", ".join(f"{k} {mp(r['server'][k])}" for k in KINDS)
              + f"; IPC alone: " + ", ".join(f"{k} {mp(r['invoke'][k])}" for k in KINDS)
              + f". DOM right / 1st frame callback (medians, ms): "
              + ", ".join(f"{k} {statistics.median(ks(r, k, 'match_ms')):.0f} / {statistics.median(ks(r, k, 'raf1_ms')):.0f}"
                          for k in KINDS)
              + f". Idle double rAF (no DOM change), median of {len(r['idle_double_raf'])}: "
              f"{statistics.median(r['idle_double_raf']):.0f} ms (min {min(r['idle_double_raf']):.0f}, "
              f"max {max(r['idle_double_raf']):.0f}). WebDriver commands dropped and repeated: {r['dropped_webdriver_commands']}; "
              f"1-min load average {r['loadavg_1m'][0]} before, {r['loadavg_1m'][1]} after.")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("csv")
    c.add_argument("--count", type=int, required=True)
    c.add_argument("--out", required=True)
    m = sub.add_parser("measure")
    m.add_argument("--app", required=True)
    m.add_argument("--portal", required=True)
    m.add_argument("--account", required=True)
    m.add_argument("--users", type=int, required=True, help="imported users (without the 12 demo users)")
    m.add_argument("--rounds", type=int, default=15)
    m.add_argument("--label", required=True)
    m.add_argument("--out", required=True)
    p = sub.add_parser("report")
    p.add_argument("--results", nargs="+", required=True)
    a = ap.parse_args()
    {"csv": cmd_csv, "measure": cmd_measure, "report": cmd_report}[a.cmd](a)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Turns a vendor.toml (or, without one, the demo defaults) into what scripts/package.sh needs.

Writes, into OUT_DIR:
  tauri.overlay.json  merged by `cargo tauri build --config` over tauri.conf.json (tracked files stay as they are)
  build.env           NAME=VALUE lines package.sh exports for the build (compile-time settings of the app)
Refuses (exit 2, reason on stderr) a vendor build that would ship the demo updater key.

usage: vendor_config.py ROOT OUT_DIR [VENDOR_TOML]
"""
import json
import os
import re
import sys
import tomllib

ROOT, OUT = sys.argv[1], sys.argv[2]
VENDOR = sys.argv[3] if len(sys.argv) > 3 else None
DEMO_PUBKEY_FILE = os.path.join(ROOT, "demo", "updater", "kontor-updater.key.pub")


def fail(msg):
    print(f"package: {msg}", file=sys.stderr)
    sys.exit(2)


def slug(name):
    s = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    if not s:
        fail(f"product_name {name!r} has no letters or digits to name the binary and package after")
    return s


def read_text(path):
    try:
        with open(path, encoding="utf-8") as f:
            return f.read().strip()
    except OSError as e:
        fail(f"cannot read {path}: {e.strerror}")


demo_pubkey = read_text(DEMO_PUBKEY_FILE)

if VENDOR is None:
    # The repository's default build: the demo. Named so that nobody mistakes it for a vendor's app.
    product, ident = "Kontor Demo", "de.kontor.demo"
    overlay = {
        "productName": product,
        "mainBinaryName": slug(product),
        "identifier": ident,
        "app": {"windows": [{"label": "main", "title": "Kontor (demo build)", "width": 1100, "height": 760,
                             "minWidth": 720, "minHeight": 520}]},
        "bundle": {
            "publisher": "Kontor demo",
            "shortDescription": "Kontor demo build (demo updater key, not for customers)",
            "longDescription": "The demo build of Kontor. It trusts the demo updater key, whose private half is "
                               "public; vendors build their own app with scripts/package.sh --vendor FILE.",
        },
        "plugins": {"updater": {"pubkey": demo_pubkey}},
    }
    env = {"KONTOR_BUILD_KIND": "demo"}
else:
    base = os.path.dirname(os.path.abspath(VENDOR))
    try:
        with open(VENDOR, "rb") as f:
            v = tomllib.load(f)
    except OSError as e:
        fail(f"cannot read {VENDOR}: {e.strerror}")
    except tomllib.TOMLDecodeError as e:
        fail(f"{VENDOR} is not valid TOML: {e}")

    def need(key, table=v, where=""):
        val = table.get(key)
        if not isinstance(val, str) or not val.strip():
            fail(f"{VENDOR}: `{where}{key}` is missing (a non-empty string)")
        return val.strip()

    product = need("product_name")
    ident = need("identifier")
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9-]*(\.[A-Za-z][A-Za-z0-9-]*)+", ident):
        fail(f"{VENDOR}: identifier {ident!r} must be reverse-DNS, e.g. com.example.portal")
    if ident.startswith("de.kontor."):
        fail(f"{VENDOR}: identifier {ident!r} is Kontor's own; use one of your domain")
    portal = need("portal_url")
    if not re.fullmatch(r"https://[^\s/]+(/\S*)?", portal):
        fail(f"{VENDOR}: portal_url {portal!r} must be an https:// address (the updater refuses plain http)")
    icon = os.path.join(base, need("icon"))
    if not os.path.isfile(icon) or not icon.lower().endswith(".png"):
        fail(f"{VENDOR}: icon {icon} must be an existing square PNG (1024x1024 or 512x512)")
    upd = v.get("updater", {})
    if "pubkey" in upd:
        pubkey = need("pubkey", upd, "updater.")
    else:
        pubkey = read_text(os.path.join(base, need("pubkey_file", upd, "updater.")))
    if pubkey == demo_pubkey:
        fail(f"{VENDOR}: the updater key is the DEMO key (its private half is public). Make your own: "
             "kontor-server release keygen --out-dir ~/.kontor-keys")
    sup = v.get("support", {})
    support_url = sup.get("url", "")
    support_email = sup.get("email", "")
    overlay = {
        "productName": product,
        "mainBinaryName": slug(product),
        "identifier": ident,
        "app": {"windows": [{"label": "main", "title": product, "width": 1100, "height": 760,
                             "minWidth": 720, "minHeight": 520}]},
        "bundle": {
            "publisher": v.get("publisher", product),
            "homepage": support_url or portal,
            "shortDescription": v.get("description", f"{product}: your customer account"),
            "longDescription": v.get("description", f"{product}: your customer account")
            + (f"\nSupport: {support_url}" if support_url else "")
            + (f"\nSupport e-mail: {support_email}" if support_email else ""),
        },
        "plugins": {"updater": {"pubkey": pubkey}},
    }
    if v.get("copyright"):
        overlay["bundle"]["copyright"] = v["copyright"]
    # package.sh makes these from the vendor's PNG (`cargo tauri icon`) before the build.
    overlay["bundle"]["icon"] = [os.path.join(os.path.abspath(OUT), "icons", n) for n in
                                 ("32x32.png", "128x128.png", "128x128@2x.png", "icon.png", "icon.ico", "icon.icns")]
    if "version" in v:
        overlay["version"] = need("version")
    env = {
        "KONTOR_BUILD_KIND": "vendor",
        "KONTOR_VENDOR_PORTAL_URL": portal,
        "KONTOR_VENDOR_ICON": icon,
    }

env["KONTOR_PACKAGE_NAME"] = slug(product)
os.makedirs(OUT, exist_ok=True)
with open(os.path.join(OUT, "tauri.overlay.json"), "w", encoding="utf-8") as f:
    json.dump(overlay, f, indent=2)
with open(os.path.join(OUT, "build.env"), "w", encoding="utf-8", newline="\n") as f:
    for k, val in env.items():
        if "\n" in val:
            fail(f"{k} must be one line")
        f.write(f"{k}={val}\n")

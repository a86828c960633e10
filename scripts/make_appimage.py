#!/usr/bin/env python3
"""Makes Kontor's AppImage (type 2) without linuxdeploy or anything from GitHub (pkg11b; scripts/package.sh runs it).

The AppImage is the runtime of crates/kontor-appimage-runtime (an ELF program; the magic `AI\\x02` is written at
its offset 8) followed by a SquashFS image (`mksquashfs -comp gzip`, Debian's squashfs-tools) of this AppDir:

  AppRun -> usr/bin/<binary>          <identifier>.desktop     <binary>.png     .DirIcon -> <binary>.png
  usr/bin/<binary>                    usr/share/applications/<identifier>.desktop
  usr/share/icons/hicolor/{32x32,128x128,256x256@2,512x512}/apps/<binary>.png

WebKitGTK, GTK and their libraries are NOT bundled: the system's libwebkit2gtk-4.1-0 is needed (README says so).
The app binary's bundle-type marker is set to AppImage, so tauri-plugin-updater replaces the AppImage file itself
(`$APPIMAGE`) on an update, as it would for the Tauri bundler's AppImage.

usage: make_appimage.py --runtime FILE --binary FILE --config tauri.conf.json [--overlay JSON] --icons DIR
                        --out DIR [--version V]        prints the AppImage's path
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

UNKNOWN_MARKER = b"__TAURI_BUNDLE_TYPE_VAR_UNK"
APPIMAGE_MARKER = b"__TAURI_BUNDLE_TYPE_VAR_APP"


def merged(base, over):
    for k, v in over.items():
        if isinstance(v, dict) and isinstance(base.get(k), dict):
            merged(base[k], v)
        else:
            base[k] = v
    return base


def mark_as_appimage(binary):
    """tauri-utils reads the bundle type from a static string the bundlers patch, as the Tauri bundler does: the
    first `__TAURI_BUNDLE_TYPE_VAR_UNK` becomes `..._APP`. Only that one: the `..._DEB`/`_RPM`/`_APP` strings
    after it are what `bundle_type()` compares with (patching those too makes every type read as Deb)."""
    with open(binary, "rb") as f:
        data = bytearray(f.read())
    at = data.find(UNKNOWN_MARKER)
    if at == -1:
        sys.exit(f"make_appimage: {binary} has no unpatched Tauri bundle-type marker (not a Tauri 2 app, or a "
                 "binary a bundler already patched)")
    data[at:at + len(UNKNOWN_MARKER)] = APPIMAGE_MARKER
    with open(binary, "wb") as f:
        f.write(data)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runtime", required=True)
    ap.add_argument("--binary", required=True)
    ap.add_argument("--config", required=True)
    ap.add_argument("--overlay")
    ap.add_argument("--icons", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--version")
    a = ap.parse_args()

    with open(a.config, encoding="utf-8") as f:
        conf = json.load(f)
    if a.overlay:
        with open(a.overlay, encoding="utf-8") as f:
            merged(conf, json.load(f))
    product = conf["productName"]
    ident = conf["identifier"]
    version = a.version or conf["version"]
    binary_name = conf.get("mainBinaryName") or product.lower()
    comment = conf.get("bundle", {}).get("shortDescription", product)

    work = tempfile.mkdtemp(prefix="kontor-appimage.")
    try:
        appdir = os.path.join(work, "AppDir")
        bindir = os.path.join(appdir, "usr", "bin")
        os.makedirs(bindir)
        app = os.path.join(bindir, binary_name)
        shutil.copyfile(a.binary, app)
        mark_as_appimage(app)
        os.chmod(app, 0o755)
        os.symlink(f"usr/bin/{binary_name}", os.path.join(appdir, "AppRun"))

        desktop = (f"[Desktop Entry]\nType=Application\nName={product}\nComment={comment}\n"
                   f"Exec={binary_name}\nIcon={binary_name}\nTerminal=false\nCategories=Office;\n")
        apps = os.path.join(appdir, "usr", "share", "applications")
        os.makedirs(apps)
        for d in (appdir, apps):
            with open(os.path.join(d, f"{ident}.desktop"), "w", encoding="utf-8") as f:
                f.write(desktop)
        sizes = {"32x32.png": "32x32", "128x128.png": "128x128", "128x128@2x.png": "256x256@2",
                 "icon.png": "512x512"}
        for src, size in sizes.items():
            path = os.path.join(a.icons, src)
            if os.path.isfile(path):
                d = os.path.join(appdir, "usr", "share", "icons", "hicolor", size, "apps")
                os.makedirs(d, exist_ok=True)
                shutil.copyfile(path, os.path.join(d, f"{binary_name}.png"))
        top_icon = next(os.path.join(a.icons, n) for n in ("128x128@2x.png", "128x128.png", "icon.png")
                        if os.path.isfile(os.path.join(a.icons, n)))
        shutil.copyfile(top_icon, os.path.join(appdir, f"{binary_name}.png"))
        os.symlink(f"{binary_name}.png", os.path.join(appdir, ".DirIcon"))

        image = os.path.join(work, "image.squashfs")
        subprocess.run(["mksquashfs", appdir, image, "-comp", "gzip", "-all-root", "-noappend", "-no-progress",
                        "-quiet"], check=True, stdout=subprocess.DEVNULL)

        os.makedirs(a.out, exist_ok=True)
        out = os.path.join(a.out, f"{product.replace(' ', '_')}_{version}_amd64.AppImage")
        with open(out, "wb") as f:
            with open(a.runtime, "rb") as r:
                runtime = bytearray(r.read())
            if runtime[:4] != b"\x7fELF":
                sys.exit(f"make_appimage: {a.runtime} is not an ELF program")
            runtime[8:11] = b"AI\x02"   # AppImage type 2 (the ELF header's padding bytes)
            f.write(runtime)
            with open(image, "rb") as s:
                shutil.copyfileobj(s, f)
        os.chmod(out, 0o755)
        print(out)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

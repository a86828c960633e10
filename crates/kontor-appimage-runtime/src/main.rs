//! The AppImage runtime's command line, as the official runtime's: `--appimage-offset`,
//! `--appimage-extract [PATTERN]`, `--appimage-extract-and-run [ARGS]`, `--appimage-help`,
//! `--appimage-version`; anything else goes to the app (extracted to the per-user cache and run, see `run`).

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use kontor_appimage_runtime::{elf, extract, run};

fn fail(what: impl std::fmt::Display) -> ExitCode {
    eprintln!("kontor-appimage-runtime: {what}");
    ExitCode::from(1)
}

fn offset(image: &Path) -> Result<u64, String> {
    let mut file = std::fs::File::open(image).map_err(|e| format!("{}: {e}", image.display()))?;
    elf::squashfs_offset(&mut file).map_err(|e| format!("{}: {e}", image.display()))
}

const HELP: &str = "Kontor AppImage runtime (type 2, no FUSE needed)

  (no option)                     extract to ~/.cache/kontor-appimage/<digest> once and run the app
  --appimage-extract-and-run ...  the same (the official runtime's name for it)
  --appimage-extract [PATTERN]    extract the AppDir (or the paths matching PATTERN) into ./squashfs-root
  --appimage-offset               print the offset of the SquashFS image
  --appimage-help                 this text
  --appimage-version              the runtime's version
";

fn main() -> ExitCode {
    let mut args: Vec<OsString> = std::env::args_os().collect();
    let argv0 = if args.is_empty() {
        OsString::new()
    } else {
        args.remove(0)
    };
    let image: PathBuf = match std::env::current_exe() {
        Ok(p) => p,
        Err(e) => return fail(format!("cannot find its own file: {e}")),
    };
    let option = args.first().and_then(|a| a.to_str()).map(str::to_owned);
    match option.as_deref() {
        Some("--appimage-offset") => match offset(&image) {
            Ok(at) => {
                println!("{at}");
                ExitCode::SUCCESS
            }
            Err(e) => fail(e),
        },
        Some("--appimage-extract") => {
            let pattern = args.get(1).map(|p| p.to_string_lossy().into_owned());
            let at = match offset(&image) {
                Ok(at) => at,
                Err(e) => return fail(e),
            };
            let dest = Path::new("squashfs-root");
            match extract::extract(&image, at, dest, pattern.as_deref()) {
                Ok(n) => {
                    println!("{n} files extracted into {}", dest.display());
                    ExitCode::SUCCESS
                }
                Err(e) => fail(e),
            }
        }
        Some("--appimage-help") => {
            print!("{HELP}");
            ExitCode::SUCCESS
        }
        Some("--appimage-version") => {
            println!("kontor-appimage-runtime {}", env!("CARGO_PKG_VERSION"));
            ExitCode::SUCCESS
        }
        Some(o) if o.starts_with("--appimage-") && o != "--appimage-extract-and-run" => {
            fail(format!("unknown option {o} (see --appimage-help)"))
        }
        _ => {
            if option.as_deref() == Some("--appimage-extract-and-run") {
                args.remove(0);
            }
            let at = match offset(&image) {
                Ok(at) => at,
                Err(e) => return fail(e),
            };
            let Some(root) = run::cache_root() else {
                return fail("neither XDG_CACHE_HOME nor HOME is set: nowhere to extract the app");
            };
            let appdir = match run::prepare(&image, at, &root) {
                Ok(d) => d,
                Err(e) => return fail(e),
            };
            let e = run::exec_apprun(&appdir, &image, &argv0, &args);
            fail(format!("cannot run {}/AppRun: {e}", appdir.display()))
        }
    }
}

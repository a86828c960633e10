//! The default mode (and `--appimage-extract-and-run`): the AppDir is extracted once into a per-user cache,
//! `$XDG_CACHE_HOME/kontor-appimage/<digest>` (else `~/.cache/...`), keyed by the SHA-256 of the whole AppImage
//! file, and `AppRun` is exec'd from there with the variables the official runtime sets (`APPIMAGE`, `APPDIR`,
//! `ARGV0`, `OWD`). No FUSE is needed or used: the official runtime mounts the image with FUSE instead and falls
//! back to extracting only when asked; this one always extracts (a few seconds on first start, nothing after).
//!
//! An extraction goes to a temp directory beside its target and is renamed into place, so a crash or a second
//! start at the same time never leaves a half AppDir behind. Each AppDir has a `<digest>.source` file naming the
//! AppImage it came from; when an AppImage at the same path is extracted with another digest (it was updated),
//! the older AppDir is removed.

use std::ffi::OsString;
use std::fs;
use std::io::{self, Read};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use sha2::{Digest, Sha256};

use crate::extract::{extract, ExtractError};

/// Hex characters of the digest naming a cache directory (128 bits).
const KEY_LEN: usize = 32;

/// The SHA-256 of the file, lowercase hex.
pub fn digest(path: &Path) -> io::Result<String> {
    let mut file = fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}

/// `$XDG_CACHE_HOME/kontor-appimage` (when absolute), else `$HOME/.cache/kontor-appimage`.
pub fn cache_root() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| {
            std::env::var_os("HOME")
                .map(PathBuf::from)
                .filter(|p| p.is_absolute())
                .map(|h| h.join(".cache"))
        })?;
    Some(base.join("kontor-appimage"))
}

/// The AppDir of `image` under `root`, extracted if it is not there yet. Returns its path.
pub fn prepare(image: &Path, offset: u64, root: &Path) -> Result<PathBuf, ExtractError> {
    let at = |p: &Path| {
        let p = p.to_path_buf();
        move |e| ExtractError::Io(p, e)
    };
    let digest = digest(image).map_err(at(image))?;
    let key = &digest[..KEY_LEN];
    let dir = root.join(key);
    if fs::symlink_metadata(dir.join("AppRun")).is_ok() {
        return Ok(dir);
    }
    fs::create_dir_all(root).map_err(at(root))?;
    let tmp = root.join(format!(".{key}.{}.partial", std::process::id()));
    if tmp.exists() {
        fs::remove_dir_all(&tmp).map_err(at(&tmp))?;
    }
    if let Err(e) = extract(image, offset, &tmp, None) {
        let _ = fs::remove_dir_all(&tmp);
        return Err(e);
    }
    if let Err(e) = fs::rename(&tmp, &dir) {
        // Another start of the same image finished first: use its AppDir.
        let _ = fs::remove_dir_all(&tmp);
        if fs::symlink_metadata(dir.join("AppRun")).is_err() {
            return Err(ExtractError::Io(dir, e));
        }
    }
    let source = image.as_os_str().as_encoded_bytes();
    let _ = fs::write(root.join(format!("{key}.source")), source);
    prune_older(root, key, source);
    Ok(dir)
}

/// Removes the AppDirs extracted earlier from the same AppImage path (older versions of an updated image).
fn prune_older(root: &Path, key: &str, source: &[u8]) {
    let Ok(entries) = fs::read_dir(root) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(other) = name.to_str().and_then(|n| n.strip_suffix(".source")) else {
            continue;
        };
        if other == key || other.len() != KEY_LEN {
            continue;
        }
        if fs::read(entry.path()).is_ok_and(|s| s == source) {
            let _ = fs::remove_dir_all(root.join(other));
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// Runs `AppRun` of `appdir` in place of this process, as the official runtime does. Returns only on failure.
pub fn exec_apprun(appdir: &Path, image: &Path, argv0: &OsString, args: &[OsString]) -> io::Error {
    let mut cmd = Command::new(appdir.join("AppRun"));
    cmd.args(args)
        .env("APPIMAGE", image)
        .env("APPDIR", appdir)
        .env("ARGV0", argv0);
    if let Ok(cwd) = std::env::current_dir() {
        cmd.env("OWD", cwd);
    }
    cmd.exec()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::tests::squashfs_image;

    #[test]
    fn the_appdir_is_extracted_once_and_keyed_by_the_digest() {
        let dir = tempfile::tempdir().unwrap();
        let image = dir.path().join("a.AppImage");
        fs::write(&image, squashfs_image(&[1u8; 100])).unwrap();
        let root = dir.path().join("cache");
        let appdir = prepare(&image, 100, &root).unwrap();
        assert_eq!(
            appdir,
            root.join(&digest(&image).unwrap()[..KEY_LEN]),
            "the directory is named by the image's digest"
        );
        assert!(appdir.join("usr/bin/hello").is_file());
        // A second start reuses it (a file changed inside stays changed: nothing was extracted again).
        fs::write(appdir.join("hello.desktop"), "kept").unwrap();
        assert_eq!(prepare(&image, 100, &root).unwrap(), appdir);
        assert_eq!(
            fs::read_to_string(appdir.join("hello.desktop")).unwrap(),
            "kept"
        );
        let leftovers: Vec<_> = fs::read_dir(&root)
            .unwrap()
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().ends_with(".partial"))
            .collect();
        assert!(leftovers.is_empty(), "no partial extraction is left");
    }

    #[test]
    fn an_updated_image_gets_a_new_appdir_and_the_old_one_goes() {
        let dir = tempfile::tempdir().unwrap();
        let image = dir.path().join("a.AppImage");
        let other = dir.path().join("b.AppImage");
        fs::write(&image, squashfs_image(&[1u8; 100])).unwrap();
        fs::write(&other, squashfs_image(&[3u8; 100])).unwrap();
        let root = dir.path().join("cache");
        let old = prepare(&image, 100, &root).unwrap();
        let unrelated = prepare(&other, 100, &root).unwrap();
        // The same path, new content (what the updater does).
        fs::write(&image, squashfs_image(&[2u8; 100])).unwrap();
        let new = prepare(&image, 100, &root).unwrap();
        assert_ne!(old, new);
        assert!(new.join("AppRun").symlink_metadata().is_ok());
        assert!(
            !old.exists(),
            "the older AppDir of the same image is removed"
        );
        assert!(unrelated.exists(), "another image's AppDir stays");
    }

    #[test]
    fn a_broken_image_leaves_nothing_behind() {
        let dir = tempfile::tempdir().unwrap();
        let image = dir.path().join("a.AppImage");
        fs::write(&image, b"not an image at all").unwrap();
        let root = dir.path().join("cache");
        assert!(prepare(&image, 0, &root).is_err());
        assert_eq!(fs::read_dir(&root).unwrap().count(), 0);
    }

    #[test]
    fn the_digest_is_sha256() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("abc");
        fs::write(&f, b"abc").unwrap();
        assert_eq!(
            digest(&f).unwrap(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}

//! Extracting the AppImage's SquashFS image (the AppDir) into a directory: everything, or what matches a
//! pattern (`--appimage-extract PATTERN`, matched as the official runtime does: `fnmatch` without flags on the
//! path inside the image, so `*` also matches `/`).

use std::fs;
use std::io::{self, BufReader};
use std::os::unix::fs::PermissionsExt;
use std::path::{Component, Path, PathBuf};

use backhand::{FilesystemReader, InnerNode};

/// Why an extraction failed.
#[derive(Debug)]
pub enum ExtractError {
    Io(PathBuf, io::Error),
    Squashfs(backhand::BackhandError),
    /// A path in the image that would leave the target directory.
    UnsafePath(PathBuf),
}

impl std::fmt::Display for ExtractError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ExtractError::Io(p, e) => write!(f, "{}: {e}", p.display()),
            ExtractError::Squashfs(e) => write!(f, "cannot read the SquashFS image: {e}"),
            ExtractError::UnsafePath(p) => {
                write!(
                    f,
                    "the image holds a path outside its root: {}",
                    p.display()
                )
            }
        }
    }
}

impl std::error::Error for ExtractError {}

fn io_at(path: &Path) -> impl FnOnce(io::Error) -> ExtractError + '_ {
    move |e| ExtractError::Io(path.to_path_buf(), e)
}

/// `fnmatch(pattern, name, 0)`: `*` any run of characters (also `/`), `?` one character, `[...]` a class
/// (`!` or `^` negates, `a-z` ranges), `\` escapes.
pub fn matches(pattern: &str, name: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    // Backtracking on the last `*` only: linear enough for paths.
    let (mut pi, mut ni) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ni < n.len() {
        if pi < p.len() {
            match p[pi] {
                '*' => {
                    star = Some((pi, ni));
                    pi += 1;
                    continue;
                }
                '?' => {
                    pi += 1;
                    ni += 1;
                    continue;
                }
                '[' => {
                    if let Some((hit, next)) = class(&p, pi, n[ni]) {
                        if hit {
                            pi = next;
                            ni += 1;
                            continue;
                        }
                    } else if n[ni] == '[' {
                        pi += 1;
                        ni += 1;
                        continue;
                    }
                }
                '\\' if pi + 1 < p.len() && p[pi + 1] == n[ni] => {
                    pi += 2;
                    ni += 1;
                    continue;
                }
                '\\' if pi + 1 < p.len() => {}
                c if c == n[ni] => {
                    pi += 1;
                    ni += 1;
                    continue;
                }
                _ => {}
            }
        }
        match star {
            Some((sp, sn)) => {
                pi = sp + 1;
                ni = sn + 1;
                star = Some((sp, sn + 1));
            }
            None => return false,
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

/// A bracket class at `p[start] == '['`: whether `c` is in it and the index after it; `None` if unclosed.
fn class(p: &[char], start: usize, c: char) -> Option<(bool, usize)> {
    let mut i = start + 1;
    let negate = matches!(p.get(i), Some('!') | Some('^'));
    if negate {
        i += 1;
    }
    let mut hit = false;
    let mut first = true;
    while i < p.len() {
        if p[i] == ']' && !first {
            return Some((hit != negate, i + 1));
        }
        first = false;
        if i + 2 < p.len() && p[i + 1] == '-' && p[i + 2] != ']' {
            if p[i] <= c && c <= p[i + 2] {
                hit = true;
            }
            i += 3;
        } else {
            if p[i] == c {
                hit = true;
            }
            i += 1;
        }
    }
    None
}

/// The path of a node inside `dest`, refusing anything but plain names.
fn target(dest: &Path, full: &Path) -> Result<Option<(PathBuf, String)>, ExtractError> {
    let mut rel = PathBuf::new();
    for c in full.components() {
        match c {
            Component::RootDir | Component::CurDir => {}
            Component::Normal(name) => rel.push(name),
            Component::ParentDir | Component::Prefix(_) => {
                return Err(ExtractError::UnsafePath(full.to_path_buf()))
            }
        }
    }
    if rel.as_os_str().is_empty() {
        return Ok(None);
    }
    let name = rel.to_string_lossy().into_owned();
    Ok(Some((dest.join(rel), name)))
}

/// Extracts the SquashFS image at `offset` of `image` into `dest` (created if missing): every node, or with
/// `pattern` the files and links whose path inside the image matches (and the directories leading to them).
/// Returns the number of files and links written. Devices, pipes and sockets are skipped.
pub fn extract(
    image: &Path,
    offset: u64,
    dest: &Path,
    pattern: Option<&str>,
) -> Result<usize, ExtractError> {
    let file = fs::File::open(image).map_err(io_at(image))?;
    let fs_reader = FilesystemReader::from_reader_with_offset(BufReader::new(file), offset)
        .map_err(ExtractError::Squashfs)?;
    fs::create_dir_all(dest).map_err(io_at(dest))?;
    let mut written = 0;
    // Directory modes are set last: a read-only directory must not stop its own contents being written.
    let mut dir_modes = Vec::new();
    for node in fs_reader.files() {
        let Some((path, name)) = target(dest, &node.fullpath)? else {
            continue;
        };
        let wanted = pattern.is_none_or(|p| matches(p, &name));
        let mode = u32::from(node.header.permissions) & 0o7777;
        match &node.inner {
            InnerNode::Dir(_) if pattern.is_none() => {
                fs::create_dir_all(&path).map_err(io_at(&path))?;
                dir_modes.push((path, mode));
            }
            InnerNode::File(f) if wanted => {
                if let Some(parent) = path.parent() {
                    fs::create_dir_all(parent).map_err(io_at(parent))?;
                }
                remove_existing(&path)?;
                let mut out = fs::File::create(&path).map_err(io_at(&path))?;
                let mut reader = fs_reader.file(f).reader();
                io::copy(&mut reader, &mut out).map_err(io_at(&path))?;
                out.sync_all().map_err(io_at(&path))?;
                fs::set_permissions(&path, fs::Permissions::from_mode(mode))
                    .map_err(io_at(&path))?;
                written += 1;
            }
            InnerNode::Symlink(link) if wanted => {
                if let Some(parent) = path.parent() {
                    fs::create_dir_all(parent).map_err(io_at(parent))?;
                }
                remove_existing(&path)?;
                std::os::unix::fs::symlink(&link.link, &path).map_err(io_at(&path))?;
                written += 1;
            }
            _ => {}
        }
    }
    for (path, mode) in dir_modes.into_iter().rev() {
        fs::set_permissions(&path, fs::Permissions::from_mode(mode)).map_err(io_at(&path))?;
    }
    Ok(written)
}

fn remove_existing(path: &Path) -> Result<(), ExtractError> {
    match fs::symlink_metadata(path) {
        Ok(m) if m.is_dir() => fs::remove_dir_all(path).map_err(io_at(path)),
        Ok(_) => fs::remove_file(path).map_err(io_at(path)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(ExtractError::Io(path.to_path_buf(), e)),
    }
}

#[cfg(test)]
pub mod tests {
    use super::*;
    use backhand::compression::Compressor;
    use backhand::{FilesystemCompressor, FilesystemWriter, NodeHeader};
    use std::io::{Cursor, Write};

    /// A small AppDir as a SquashFS image (gzip, made by backhand's writer), after `prefix` bytes.
    pub fn squashfs_image(prefix: &[u8]) -> Vec<u8> {
        let mut w = FilesystemWriter::default();
        w.set_time(1_790_000_000);
        // What package.sh makes (mksquashfs -comp gzip) and the runtime reads.
        w.set_compressor(FilesystemCompressor::new(Compressor::Gzip, None).unwrap());
        let dir = NodeHeader::new(0o755, 0, 0, 1_790_000_000);
        w.push_dir("usr", dir).unwrap();
        w.push_dir("usr/bin", dir).unwrap();
        w.push_dir("usr/share", dir).unwrap();
        w.push_file(
            Cursor::new(b"#!/bin/sh\necho \"ran $APPIMAGE|$APPDIR|$ARGV0|$*\"\n".to_vec()),
            "usr/bin/hello",
            NodeHeader::new(0o755, 0, 0, 1_790_000_000),
        )
        .unwrap();
        let big: Vec<u8> = (0..300_000u32).flat_map(|i| i.to_le_bytes()).collect();
        w.push_file(
            Cursor::new(big),
            "usr/share/big.bin",
            NodeHeader::new(0o644, 0, 0, 1_790_000_000),
        )
        .unwrap();
        w.push_file(
            Cursor::new(b"[Desktop Entry]\nName=Hello\n".to_vec()),
            "hello.desktop",
            NodeHeader::new(0o644, 0, 0, 1_790_000_000),
        )
        .unwrap();
        w.push_symlink(
            "usr/bin/hello",
            "AppRun",
            NodeHeader::new(0o777, 0, 0, 1_790_000_000),
        )
        .unwrap();
        let mut out = Cursor::new(Vec::new());
        out.write_all(prefix).unwrap();
        w.write_with_offset(&mut out, prefix.len() as u64).unwrap();
        out.into_inner()
    }

    #[test]
    fn patterns_match_as_fnmatch_without_flags() {
        assert!(matches("*.desktop", "hello.desktop"));
        assert!(matches("usr/share/*", "usr/share/icons/hicolor/a.png"));
        assert!(matches("*", "usr/bin/hello"));
        assert!(matches("usr/bin/h?llo", "usr/bin/hello"));
        assert!(matches("[a-h]ello.desktop", "hello.desktop"));
        assert!(matches("[!x]ello.desktop", "hello.desktop"));
        assert!(matches("AppRun", "AppRun"));
        assert!(matches("a\\*", "a*"));
        assert!(!matches("a\\*", "ab"));
        assert!(!matches("*.desktop", "hello.desktop.bak"));
        assert!(!matches("usr/bin/h?llo", "usr/bin/hllo"));
        assert!(!matches("[x-z]ello.desktop", "hello.desktop"));
        assert!(!matches("AppRun", "AppRun2"));
        assert!(matches("*a*b*c", "xxaxxbxxbxc"));
        assert!(!matches("*a*b*c", "xxaxxbxxbx"));
    }

    #[test]
    fn the_whole_appdir_is_extracted_with_modes_and_links() {
        let dir = tempfile::tempdir().unwrap();
        let prefix = vec![0x5au8; 4096];
        let image = dir.path().join("test.AppImage");
        let bytes = squashfs_image(&prefix);
        fs::write(&image, &bytes).unwrap();
        let dest = dir.path().join("squashfs-root");
        let n = extract(&image, prefix.len() as u64, &dest, None).unwrap();
        assert_eq!(n, 4, "three files and one link");
        let hello = dest.join("usr/bin/hello");
        assert!(fs::read_to_string(&hello).unwrap().contains("echo \"ran"));
        assert_eq!(
            fs::metadata(&hello).unwrap().permissions().mode() & 0o777,
            0o755
        );
        assert_eq!(
            fs::metadata(dest.join("hello.desktop"))
                .unwrap()
                .permissions()
                .mode()
                & 0o777,
            0o644
        );
        let big = fs::read(dest.join("usr/share/big.bin")).unwrap();
        let want: Vec<u8> = (0..300_000u32).flat_map(|i| i.to_le_bytes()).collect();
        assert_eq!(
            big, want,
            "a file of several blocks is extracted byte for byte"
        );
        assert_eq!(
            fs::read_link(dest.join("AppRun")).unwrap(),
            Path::new("usr/bin/hello")
        );
    }

    #[test]
    fn a_pattern_extracts_only_what_matches() {
        let dir = tempfile::tempdir().unwrap();
        let image = dir.path().join("test.AppImage");
        fs::write(&image, squashfs_image(b"")).unwrap();
        let dest = dir.path().join("out");
        let n = extract(&image, 0, &dest, Some("*.desktop")).unwrap();
        assert_eq!(n, 1);
        assert!(dest.join("hello.desktop").is_file());
        assert!(!dest.join("usr").exists());
        assert!(!dest.join("AppRun").exists());
        let n = extract(&image, 0, &dest, Some("usr/share/*")).unwrap();
        assert_eq!(n, 1);
        assert!(dest.join("usr/share/big.bin").is_file());
        assert!(!dest.join("usr/bin").exists());
    }

    #[test]
    fn the_wrong_offset_is_an_error_not_an_empty_extraction() {
        let dir = tempfile::tempdir().unwrap();
        let image = dir.path().join("test.AppImage");
        fs::write(&image, squashfs_image(&[0u8; 512])).unwrap();
        let dest = dir.path().join("out");
        assert!(matches!(
            extract(&image, 100, &dest, None),
            Err(ExtractError::Squashfs(_))
        ));
    }

    #[test]
    fn parent_components_are_refused() {
        assert!(matches!(
            target(Path::new("/x"), Path::new("/usr/../../etc/passwd")),
            Err(ExtractError::UnsafePath(_))
        ));
        assert_eq!(target(Path::new("/x"), Path::new("/")).unwrap(), None);
        assert_eq!(
            target(Path::new("/x"), Path::new("/usr/bin/a"))
                .unwrap()
                .unwrap()
                .1,
            "usr/bin/a"
        );
    }
}

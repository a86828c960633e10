//! Durable file writes shared by every Kontor crate that writes files, and lowercase hex.
//!
//! A file written here is either the old file or the complete new one, never a torn mixture: the bytes go
//! to a temporary file beside the target (same directory, so the rename never crosses file systems), which
//! is fsynced, renamed over the target, and then the directory is fsynced so the rename itself survives a
//! power cut.
//!
//! * [`write_atomic`] — the whole file from a byte slice.
//! * [`AtomicFile`] — the same, streaming: create it, write to it ([`std::io::Write`]), then
//!   [`AtomicFile::commit`] (or [`AtomicFile::commit_as`] when the final name is known only at the end,
//!   e.g. a content hash). Dropped without a commit, its temporary file is removed and the target is
//!   untouched.
//! * [`Options`] — the same with a private (0600 on Unix) file or the parent directories created first.
//! * [`write_new`] — create a file that must not exist yet (a key file), fsync it and its directory.
//! * [`rename`] and [`sync_dir`] — a durable rename, for files that are written elsewhere first.
//! * [`hex`] — lowercase hex of bytes (digests, ids).
//!
//! Std only, so even the offline-license CLI can use it without new dependencies.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Writes `bytes` to `path` atomically: a crash leaves either the old file or the new one.
/// The parent directory must exist (see [`Options::create_dirs`]).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    Options::new().write(path, bytes)
}

/// How [`AtomicFile`]s are created. `Options::new()` is a plain file in an existing directory.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Options {
    private: bool,
    create_dirs: bool,
}

impl Options {
    pub fn new() -> Self {
        Self::default()
    }

    /// Only the owner may read or write the file (mode 0600 on Unix; no effect elsewhere).
    pub fn private(mut self, private: bool) -> Self {
        self.private = private;
        self
    }

    /// Creates the target's parent directories first when they are missing.
    pub fn create_dirs(mut self, create_dirs: bool) -> Self {
        self.create_dirs = create_dirs;
        self
    }

    /// Starts writing a new version of `target`; nothing changes there until [`AtomicFile::commit`].
    pub fn create(&self, target: &Path) -> std::io::Result<AtomicFile> {
        AtomicFile::with_options(target, *self)
    }

    /// Writes `bytes` to `target` atomically.
    pub fn write(&self, target: &Path, bytes: &[u8]) -> std::io::Result<()> {
        let mut file = self.create(target)?;
        file.write_all(bytes)?;
        file.commit()
    }
}

/// A new version of a file, written to a temporary file beside it. [`commit`](AtomicFile::commit) makes
/// it the file; dropping it without a commit removes the temporary file and leaves the target as it was.
#[derive(Debug)]
pub struct AtomicFile {
    /// `None` once committed.
    file: Option<File>,
    tmp: PathBuf,
    target: PathBuf,
}

impl AtomicFile {
    /// `Options::new().create(target)`.
    pub fn create(target: &Path) -> std::io::Result<AtomicFile> {
        Options::new().create(target)
    }

    fn with_options(target: &Path, options: Options) -> std::io::Result<AtomicFile> {
        let dir = parent_dir(target);
        let name = target.file_name().ok_or_else(|| {
            std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                format!("{} is not a file name", target.display()),
            )
        })?;
        if options.create_dirs {
            std::fs::create_dir_all(&dir)?;
        }
        // Unique per process and call; `create_new` makes sure no other writer's file is taken over.
        static SEQ: AtomicU64 = AtomicU64::new(0);
        let mut attempts = 0;
        loop {
            let seq = SEQ.fetch_add(1, Ordering::Relaxed);
            let mut tmp_name = std::ffi::OsString::from(".");
            tmp_name.push(name);
            tmp_name.push(format!(".{}.{seq}.tmp", std::process::id()));
            let tmp = dir.join(tmp_name);
            let mut o = OpenOptions::new();
            o.write(true).create_new(true);
            #[cfg(unix)]
            if options.private {
                use std::os::unix::fs::OpenOptionsExt;
                o.mode(0o600);
            }
            match o.open(&tmp) {
                Ok(file) => {
                    return Ok(AtomicFile {
                        file: Some(file),
                        tmp,
                        target: target.to_path_buf(),
                    })
                }
                // A leftover of an earlier process with the same id: take the next name.
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && attempts < 100 => {
                    attempts += 1;
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// The temporary file being written (removed on drop, renamed by commit).
    pub fn temp_path(&self) -> &Path {
        &self.tmp
    }

    /// The file the bytes will have once committed.
    pub fn target(&self) -> &Path {
        &self.target
    }

    fn file(&mut self) -> std::io::Result<&mut File> {
        self.file
            .as_mut()
            .ok_or_else(|| std::io::Error::other("the file is already committed"))
    }

    /// fsync, rename over the target, fsync of the directory. On an error the temporary file is removed
    /// and the target is as it was.
    pub fn commit(self) -> std::io::Result<()> {
        let target = self.target.clone();
        self.commit_as(&target)
    }

    /// Like [`commit`](AtomicFile::commit), under another name, e.g. a content hash known only now. Keep
    /// it in the same directory: a rename never crosses file systems.
    pub fn commit_as(mut self, target: &Path) -> std::io::Result<()> {
        let file = self.file()?;
        file.flush()?;
        file.sync_all()?;
        // Closed before the rename (Windows cannot rename an open file).
        self.file = None;
        std::fs::rename(&self.tmp, target)?;
        // Renamed: nothing left for `drop` to remove.
        self.tmp = PathBuf::new();
        // Best effort, as everywhere: some file systems cannot sync a directory.
        let _ = sync_dir(&parent_dir(target));
        Ok(())
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.file()?.write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.file()?.flush()
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        self.file = None;
        if !self.tmp.as_os_str().is_empty() {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

/// Creates `path`, which must not exist (`AlreadyExists` otherwise), writes `bytes` and fsyncs the file
/// and its directory; mode 0600 on Unix when `private`. A failed write removes the half-written file.
pub fn write_new(path: &Path, bytes: &[u8], private: bool) -> std::io::Result<()> {
    let mut o = OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    if private {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    #[cfg(not(unix))]
    let _ = private;
    let mut f = o.open(path)?;
    let written = f.write_all(bytes).and_then(|()| f.sync_all());
    drop(f);
    if let Err(e) = written {
        let _ = std::fs::remove_file(path);
        return Err(e);
    }
    let _ = sync_dir(&parent_dir(path));
    Ok(())
}

/// Renames `from` to `to` and fsyncs `to`'s directory, so the new name survives a crash. `from` should
/// already be synced (the rename is atomic, not a write barrier for its contents).
pub fn rename(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::rename(from, to)?;
    let _ = sync_dir(&parent_dir(to));
    Ok(())
}

/// fsyncs a directory, so renames and new files in it are durable. A no-op where directories cannot be
/// opened as files (Windows).
pub fn sync_dir(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        File::open(dir)?.sync_all()
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(())
    }
}

/// The directory `path` lives in: its parent, or `.` for a bare file name.
pub fn parent_dir(path: &Path) -> PathBuf {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Lowercase hex of `bytes`, two digits each: `[0, 15, 255]` → `"000fff"`.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    s
}

#[cfg(test)]
mod tests {
    use std::io::Write;
    use std::path::Path;

    use super::*;

    /// Names in `dir`, sorted.
    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    fn temp_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "kontor-fs-test-{name}-{}-{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    /// Removes the directory when the test ends, passed or failed.
    struct Cleanup(PathBuf);
    impl Drop for Cleanup {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    #[test]
    fn write_atomic_creates_and_replaces_and_leaves_no_temp_file() {
        let dir = temp_dir("replace");
        let _c = Cleanup(dir.clone());
        let path = dir.join("settings.json");
        write_atomic(&path, b"one").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"one");
        write_atomic(&path, b"two, longer").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"two, longer");
        assert_eq!(names(&dir), ["settings.json"]);
    }

    #[test]
    fn write_atomic_needs_the_directory_unless_asked_to_create_it() {
        let dir = temp_dir("dirs");
        let _c = Cleanup(dir.clone());
        let path = dir.join("a").join("b").join("file.txt");
        let err = write_atomic(&path, b"x").unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::NotFound);
        Options::new().create_dirs(true).write(&path, b"x").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"x");
    }

    #[test]
    fn a_dropped_atomic_file_leaves_the_old_file_and_no_temp_file() {
        let dir = temp_dir("drop");
        let _c = Cleanup(dir.clone());
        let path = dir.join("plan.json");
        write_atomic(&path, b"old").unwrap();
        {
            let mut f = AtomicFile::create(&path).unwrap();
            f.write_all(b"new, half written").unwrap();
            assert!(f.temp_path().exists());
            assert_eq!(f.target(), path);
            // dropped: e.g. an error while writing the rest
        }
        assert_eq!(std::fs::read(&path).unwrap(), b"old");
        assert_eq!(names(&dir), ["plan.json"]);
    }

    #[test]
    fn a_failed_commit_leaves_the_old_file_and_no_temp_file() {
        let dir = temp_dir("failed");
        let _c = Cleanup(dir.clone());
        let path = dir.join("target");
        // A non-empty directory cannot be replaced by a file: the rename fails.
        std::fs::create_dir(&path).unwrap();
        std::fs::write(path.join("old"), b"old").unwrap();
        let mut f = AtomicFile::create(&path).unwrap();
        f.write_all(b"new").unwrap();
        assert!(f.commit().is_err());
        assert_eq!(std::fs::read(path.join("old")).unwrap(), b"old");
        assert_eq!(names(&dir), ["target"]);
    }

    #[test]
    fn streaming_commit_and_commit_under_a_name_known_at_the_end() {
        let dir = temp_dir("stream");
        let _c = Cleanup(dir.clone());
        let mut f = AtomicFile::create(&dir.join("upload")).unwrap();
        for chunk in [&b"abc"[..], b"def", b"ghi"] {
            f.write_all(chunk).unwrap();
        }
        let named = dir.join(hex(b"\x01\x02"));
        f.commit_as(&named).unwrap();
        assert_eq!(std::fs::read(&named).unwrap(), b"abcdefghi");
        assert_eq!(names(&dir), ["0102"]);

        let mut f = AtomicFile::create(&dir.join("x.csv")).unwrap();
        writeln!(f, "a,b").unwrap();
        f.commit().unwrap();
        assert_eq!(std::fs::read(dir.join("x.csv")).unwrap(), b"a,b\n");
        assert_eq!(names(&dir), ["0102", "x.csv"]);
    }

    #[test]
    fn two_writers_of_one_file_never_share_a_temp_file() {
        let dir = temp_dir("two");
        let _c = Cleanup(dir.clone());
        let path = dir.join("f");
        let a = AtomicFile::create(&path).unwrap();
        let b = AtomicFile::create(&path).unwrap();
        assert_ne!(a.temp_path(), b.temp_path());
        drop((a, b));
        assert!(names(&dir).is_empty());
    }

    #[test]
    fn a_path_without_a_file_name_is_refused() {
        let err = AtomicFile::create(Path::new("/")).unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
    }

    #[cfg(unix)]
    #[test]
    fn private_files_are_mode_0600() {
        use std::os::unix::fs::PermissionsExt;
        let dir = temp_dir("private");
        let _c = Cleanup(dir.clone());
        let path = dir.join("passwords.csv");
        Options::new()
            .private(true)
            .write(&path, b"secret")
            .unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        let key = dir.join("key");
        write_new(&key, b"k", true).unwrap();
        let mode = std::fs::metadata(&key).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    #[test]
    fn write_new_never_overwrites() {
        let dir = temp_dir("new");
        let _c = Cleanup(dir.clone());
        let path = dir.join("license-signing.key");
        write_new(&path, b"first", false).unwrap();
        let err = write_new(&path, b"second", false).unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::AlreadyExists);
        assert_eq!(std::fs::read(&path).unwrap(), b"first");
    }

    #[test]
    fn rename_moves_and_parent_dir_of_a_bare_name_is_dot() {
        let dir = temp_dir("rename");
        let _c = Cleanup(dir.clone());
        std::fs::write(dir.join("a.part"), b"x").unwrap();
        rename(&dir.join("a.part"), &dir.join("a")).unwrap();
        assert_eq!(names(&dir), ["a"]);
        assert_eq!(parent_dir(Path::new("file.txt")), PathBuf::from("."));
        assert_eq!(
            parent_dir(Path::new("/tmp/x/file.txt")),
            PathBuf::from("/tmp/x")
        );
        sync_dir(&dir).unwrap();
    }

    #[test]
    fn hex_is_lowercase_and_padded() {
        assert_eq!(hex(&[0, 15, 255]), "000fff");
        assert_eq!(hex(&[]), "");
        assert_eq!(hex(&[0xab, 0xcd, 0x01]), "abcd01");
    }
}

//! The installer catalog's content store and the vendor's `installers add`: field validation, streaming a file
//! into `<installers dir>/<sha256>` (temp file, fsync, rename) while computing its size and SHA-256, and the
//! demo installers `seed-demo` adds.
//!
//! The store is content-addressed: the same bytes added twice are one file. Files are never changed in place,
//! so a download that is being served is never cut short by an `add`.

use std::cmp::Ordering;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::db::installers::{InstallerRecord, NewInstaller};
use crate::db::Database;
use crate::error::ServerError;

/// Installer platforms.
pub const PLATFORMS: [&str; 3] = ["windows", "macos", "linux"];
/// Installer architectures.
pub const ARCHES: [&str; 2] = ["x86_64", "aarch64"];
/// The longest release note accepted.
pub const MAX_NOTES: usize = 4000;

/// The file of `sha256` in the store.
pub fn store_path(installers_dir: &Path, sha256: &str) -> PathBuf {
    installers_dir.join(sha256)
}

/// What `installers add` is asked to add (unvalidated).
#[derive(Debug, Clone)]
pub struct AddInstaller {
    pub product: String,
    pub version: String,
    pub platform: String,
    pub arch: String,
    /// The name offered in the save dialog; `None`: the source file's name.
    pub file_name: Option<String>,
    pub notes: String,
    /// ISO date; `None`: today (UTC).
    pub released_on: Option<String>,
}

/// What `installers add` prints (one JSON line).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AddedInstaller {
    pub id: String,
    pub product: String,
    pub version: String,
    pub platform: String,
    pub arch: String,
    pub file_name: String,
    pub size: u64,
    pub sha256: String,
    pub released_on: String,
    /// Where the bytes are kept.
    pub path: String,
}

/// A version as vendors write them: `MAJOR.MINOR[.PATCH[.BUILD]]` with an optional semver pre-release /
/// build suffix (`1.2.3-beta.1`). `None` if it is not one.
pub fn parse_version(v: &str) -> Option<semver::Version> {
    if v.is_empty() || v.len() > 64 {
        return None;
    }
    if let Ok(s) = semver::Version::parse(v) {
        return Some(s);
    }
    // `1.2` or `1.2.3.4` (Windows style): compare by the first three numbers, the fourth as build metadata.
    let parts: Vec<&str> = v.split('.').collect();
    if !(2..=4).contains(&parts.len())
        || parts
            .iter()
            .any(|p| p.is_empty() || p.len() > 9 || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    let n = |i: usize| {
        parts
            .get(i)
            .and_then(|p| p.parse::<u64>().ok())
            .unwrap_or(0)
    };
    let mut s = semver::Version::new(n(0), n(1), n(2));
    if parts.len() == 4 {
        s.build = semver::BuildMetadata::new(parts[3]).ok()?;
    }
    Some(s)
}

/// Newest first by version (then by build number for four-part versions).
pub fn compare_versions_desc(a: &str, b: &str) -> Ordering {
    match (parse_version(a), parse_version(b)) {
        (Some(x), Some(y)) => y
            .cmp_precedence(&x)
            .then_with(|| y.build.cmp(&x.build))
            .then_with(|| b.cmp(a)),
        _ => b.cmp(a),
    }
}

/// The catalog order: by product code, newest version first, then platform and architecture.
pub fn sort_catalog(list: &mut [InstallerRecord]) {
    list.sort_by(|a, b| {
        a.product_code
            .cmp(&b.product_code)
            .then_with(|| compare_versions_desc(&a.version, &b.version))
            .then_with(|| a.platform.cmp(&b.platform))
            .then_with(|| a.arch.cmp(&b.arch))
    });
}

/// The wire form of a catalog row.
pub fn to_api(r: InstallerRecord) -> kontor_api::Installer {
    kontor_api::Installer {
        id: r.id,
        product: r.product_code,
        product_name: r.product_name,
        version: r.version,
        platform: r.platform,
        arch: r.arch,
        file_name: r.file_name,
        size: u64::try_from(r.size).unwrap_or(0),
        sha256: r.sha256,
        notes: r.notes,
        released_on: r.released_on,
    }
}

/// A file name fit for `Content-Disposition` and a save dialog: 1–200 characters, no path separators,
/// quotes, control characters or leading dot.
pub fn valid_file_name(name: &str) -> bool {
    !name.is_empty()
        && name.chars().count() <= 200
        && !name.starts_with('.')
        && !name.chars().any(|c| {
            c.is_control() || matches!(c, '/' | '\\' | '"' | ':' | '*' | '?' | '<' | '>' | '|')
        })
}

/// An ISO date `YYYY-MM-DD`.
pub fn valid_date(d: &str) -> bool {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    d.len() == 10 && time::Date::parse(d, format).is_ok()
}

fn today(now: i64) -> String {
    let d = time::OffsetDateTime::from_unix_timestamp(now)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
        .date();
    format!("{:04}-{:02}-{:02}", d.year(), d.month() as u8, d.day())
}

/// Checks every field (the product against the catalog's codes); the message names the field.
fn validate(
    req: &AddInstaller,
    file_name: &str,
    known_products: &[String],
) -> Result<(), ServerError> {
    let usage = |m: String| Err(ServerError::Usage(m));
    if !known_products.iter().any(|p| p == &req.product) {
        return usage(format!(
            "--product: unknown product {:?} (known: {})",
            req.product,
            known_products.join(", ")
        ));
    }
    if parse_version(&req.version).is_none() {
        return usage(format!(
            "--version: {:?} is not a version (e.g. 1.4.2, 2.0.0-beta.1 or 1.4.2.310)",
            req.version
        ));
    }
    if !PLATFORMS.contains(&req.platform.as_str()) {
        return usage(format!(
            "--platform: {:?} is not one of {}",
            req.platform,
            PLATFORMS.join(", ")
        ));
    }
    if !ARCHES.contains(&req.arch.as_str()) {
        return usage(format!(
            "--arch: {:?} is not one of {}",
            req.arch,
            ARCHES.join(", ")
        ));
    }
    if !valid_file_name(file_name) {
        return usage(format!("file name {file_name:?} cannot be offered for download (1-200 characters, no path separators, quotes or control characters)"));
    }
    if req.notes.chars().count() > MAX_NOTES {
        return usage(format!("--notes: longer than {MAX_NOTES} characters"));
    }
    if let Some(d) = &req.released_on {
        if !valid_date(d) {
            return usage(format!("--released-on: {d:?} is not a date YYYY-MM-DD"));
        }
    }
    Ok(())
}

/// Streams `source` into the store: a temp file in `installers_dir`, fsync, rename to its SHA-256 (an
/// existing file with that name already holds the same bytes and is kept). Returns size and SHA-256.
pub fn store_reader(
    installers_dir: &Path,
    mut source: impl Read,
) -> std::io::Result<(u64, String)> {
    // The final name is the content's hash, known only at the end.
    let mut out = kontor_fs::Options::new()
        .create_dirs(true)
        .create(&installers_dir.join("upload"))?;
    let mut hasher = Sha256::new();
    let mut size = 0u64;
    let mut buf = vec![0u8; 256 * 1024];
    loop {
        let n = match source.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        hasher.update(&buf[..n]);
        out.write_all(&buf[..n])?;
        size += n as u64;
    }
    let sha = kontor_fs::hex(&hasher.finalize());
    out.commit_as(&store_path(installers_dir, &sha))?;
    Ok((size, sha))
}

/// Validates `req`, stores the bytes of `source` and adds the catalog row. `default_name` is used when
/// `req.file_name` is `None`.
pub async fn add_installer(
    db: &dyn Database,
    installers_dir: &Path,
    req: &AddInstaller,
    default_name: &str,
    source: impl Read + Send + 'static,
    now: i64,
) -> Result<AddedInstaller, ServerError> {
    let file_name = req
        .file_name
        .clone()
        .unwrap_or_else(|| default_name.to_string());
    let known = db.product_codes().await?;
    validate(req, &file_name, &known)?;
    let dir = installers_dir.to_path_buf();
    let (size, sha256) = tokio::task::spawn_blocking(move || store_reader(&dir, source))
        .await
        .map_err(|e| ServerError::Internal(e.to_string()))?
        .map_err(|e| {
            ServerError::Usage(format!(
                "cannot store the installer in {}: {e}",
                installers_dir.display()
            ))
        })?;
    let new = NewInstaller {
        id: uuid::Uuid::new_v4().to_string(),
        product_code: req.product.clone(),
        version: req.version.clone(),
        platform: req.platform.clone(),
        arch: req.arch.clone(),
        file_name,
        size: i64::try_from(size).map_err(|e| ServerError::Internal(e.to_string()))?,
        sha256: sha256.clone(),
        notes: req.notes.clone(),
        released_on: req.released_on.clone().unwrap_or_else(|| today(now)),
        created_at: now,
    };
    // A refused row leaves its file in the store: it may be another installer's bytes too.
    let rec = db
        .insert_installer(&new)
        .await?
        .map_err(|r| match r.code() {
            kontor_api::ErrorCode::Conflict => ServerError::Conflict(r.message().to_string()),
            _ => ServerError::Usage(r.message().to_string()),
        })?;
    Ok(AddedInstaller {
        id: rec.id,
        product: rec.product_code,
        version: rec.version,
        platform: rec.platform,
        arch: rec.arch,
        file_name: rec.file_name,
        size,
        sha256: rec.sha256,
        released_on: rec.released_on,
        path: store_path(installers_dir, &sha256).display().to_string(),
    })
}

/// Deterministic pseudo-random bytes (xorshift), `len` of them: demo installer content.
pub struct DemoBytes {
    state: u64,
    left: u64,
}

impl DemoBytes {
    pub fn new(seed: &str, len: u64) -> Self {
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        for b in seed.bytes() {
            state = (state ^ u64::from(b)).wrapping_mul(0x0100_0000_01B3);
        }
        Self {
            state: state | 1,
            left: len,
        }
    }
}

impl Read for DemoBytes {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = buf
            .len()
            .min(usize::try_from(self.left).unwrap_or(usize::MAX));
        for chunk in buf[..n].chunks_mut(8) {
            self.state ^= self.state << 13;
            self.state ^= self.state >> 7;
            self.state ^= self.state << 17;
            let bytes = self.state.to_le_bytes();
            chunk.copy_from_slice(&bytes[..chunk.len()]);
        }
        self.left -= n as u64;
        Ok(n)
    }
}

/// Product, version, platform, arch, file name, size in KiB, notes, release date.
type DemoInstaller = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    u64,
    &'static str,
    &'static str,
);

/// The demo catalog: the demo account's products and one (`api`) it does not have.
const DEMO_INSTALLERS: [DemoInstaller; 6] = [
    (
        "cmdb",
        "4.2.1",
        "windows",
        "x86_64",
        "CMDB-Pro-4.2.1-x64.msi",
        3072,
        "Faster inventory sync; new asset import from CSV.",
        "2026-10-14",
    ),
    (
        "cmdb",
        "4.2.1",
        "linux",
        "x86_64",
        "cmdb-pro_4.2.1_amd64.deb",
        2560,
        "Faster inventory sync; new asset import from CSV.",
        "2026-10-14",
    ),
    (
        "cmdb",
        "4.1.0",
        "windows",
        "x86_64",
        "CMDB-Pro-4.1.0-x64.msi",
        2048,
        "Relationship graph; bug fixes.",
        "2026-07-02",
    ),
    (
        "docs",
        "2.8.0",
        "macos",
        "aarch64",
        "Documents-AddOn-2.8.0-arm64.dmg",
        1536,
        "Templates for service contracts.",
        "2026-09-30",
    ),
    (
        "analytics",
        "1.5.3",
        "windows",
        "x86_64",
        "Analytics-AddOn-1.5.3-x64.msi",
        1024,
        "Seat usage trends per location.",
        "2026-11-03",
    ),
    (
        "api",
        "3.0.0",
        "linux",
        "x86_64",
        "api-gateway_3.0.0_amd64.deb",
        1024,
        "Not part of the demo package.",
        "2026-08-21",
    ),
];

/// Adds the demo installers (deterministic bytes, about 11 MB in all) to the catalog and the store. Entries
/// already in the catalog are skipped, so seeding a second account into the same database works. Returns how
/// many were added.
pub async fn seed_demo_installers(
    db: &dyn Database,
    installers_dir: &Path,
    now: i64,
) -> Result<usize, ServerError> {
    let mut added = 0;
    for (product, version, platform, arch, file, kib, notes, date) in DEMO_INSTALLERS {
        let req = AddInstaller {
            product: product.to_string(),
            version: version.to_string(),
            platform: platform.to_string(),
            arch: arch.to_string(),
            file_name: Some(file.to_string()),
            notes: notes.to_string(),
            released_on: Some(date.to_string()),
        };
        let bytes = DemoBytes::new(file, kib * 1024);
        match add_installer(db, installers_dir, &req, file, bytes, now).await {
            Ok(_) => added += 1,
            Err(ServerError::Conflict(_)) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(added)
}

/// The demo's one large installer (64 MiB), so pause and resume can be tried when the portal sends files
/// slowly (`serve --download-limit`, as `scripts/run-demo.sh` does). Not part of the tests' catalog.
pub const DEMO_LARGE_INSTALLER: DemoInstaller = (
    "docs",
    "2.0.0",
    "linux",
    "x86_64",
    "documents-addon_2.0.0_amd64-large-demo.deb",
    64 * 1024,
    "Demo: a large file the demo portal sends slowly, to try pause and resume.",
    "2026-11-20",
);

/// Adds [`DEMO_LARGE_INSTALLER`] (idempotent); answers whether it was added now.
pub async fn seed_demo_large_installer(
    db: &dyn Database,
    installers_dir: &Path,
    now: i64,
) -> Result<bool, ServerError> {
    let (product, version, platform, arch, file, kib, notes, date) = DEMO_LARGE_INSTALLER;
    let req = AddInstaller {
        product: product.to_string(),
        version: version.to_string(),
        platform: platform.to_string(),
        arch: arch.to_string(),
        file_name: Some(file.to_string()),
        notes: notes.to_string(),
        released_on: Some(date.to_string()),
    };
    let bytes = DemoBytes::new(file, kib * 1024);
    match add_installer(db, installers_dir, &req, file, bytes, now).await {
        Ok(_) => Ok(true),
        Err(ServerError::Conflict(_)) => Ok(false),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_parse_and_order() {
        assert!(parse_version("1.2.3").is_some());
        assert!(parse_version("2.0.0-beta.1").is_some());
        assert!(parse_version("1.4").is_some());
        assert!(parse_version("1.4.2.310").is_some());
        for bad in ["", "1", "v1.2.3", "1..2", "1.2.3.4.5", "latest", "1.2.x"] {
            assert!(parse_version(bad).is_none(), "{bad}");
        }
        let mut v = vec!["1.10.0", "1.2.0", "2.0.0-beta.1", "2.0.0", "1.2.0.7"];
        v.sort_by(|a, b| compare_versions_desc(a, b));
        assert_eq!(v, ["2.0.0", "2.0.0-beta.1", "1.10.0", "1.2.0.7", "1.2.0"]);
    }

    #[test]
    fn file_names_and_dates() {
        assert!(valid_file_name("CMDB-Pro-4.2.1-x64.msi"));
        for bad in ["", "../x", "a/b", "a\\b", ".hidden", "a\"b", "a\nb"] {
            assert!(!valid_file_name(bad), "{bad:?}");
        }
        assert!(valid_date("2026-11-22"));
        assert!(!valid_date("2026-13-01"));
        assert!(!valid_date("22.11.2026"));
    }

    #[test]
    fn store_is_content_addressed() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (size, sha) = store_reader(dir.path(), DemoBytes::new("x", 300_000)).expect("store");
        assert_eq!(size, 300_000);
        let bytes = std::fs::read(store_path(dir.path(), &sha)).expect("read");
        assert_eq!(hex::encode(Sha256::digest(&bytes)), sha);
        let again = store_reader(dir.path(), DemoBytes::new("x", 300_000)).expect("store");
        assert_eq!(again, (size, sha));
        // Only the one file, no temp files left.
        assert_eq!(std::fs::read_dir(dir.path()).expect("dir").count(), 1);
    }
}

//! The desktop app's self-update releases: the releases folder (`<releases dir>/<version>/release.json` next to
//! the bundles and their `.sig` files), choosing the update for a platform, and the vendor's signing tools
//! (`release keygen | sign | publish`) producing the same minisign keys and signatures as the Tauri signer,
//! so tauri-plugin-updater verifies them with the public key in `tauri.conf.json`.
//!
//! Key and signature files hold base64 of the minisign text, as `cargo tauri signer generate` writes them.

use std::collections::BTreeMap;
use std::io::Cursor;
use std::path::{Path, PathBuf};

use base64::Engine;
use serde::{Deserialize, Serialize};

use crate::error::ServerError;
use crate::installers::valid_file_name;
use kontor_fs::write_atomic;

/// The file describing one release in its version folder.
pub const RELEASE_FILE: &str = "release.json";

/// Tauri's `{{target}}` values.
pub const TARGETS: [&str; 3] = ["linux", "windows", "darwin"];
/// Tauri's `{{arch}}` values.
pub const ARCHES: [&str; 4] = ["x86_64", "aarch64", "i686", "armv7"];

/// `release.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReleaseJson {
    pub version: String,
    /// The release notes in English, the fallback for every language.
    #[serde(default)]
    pub notes: String,
    /// The release notes in other languages, by ISO 639-1 code (`"de"`); a language not listed gets `notes`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub notes_by_language: BTreeMap<String, String>,
    /// RFC 3339.
    pub pub_date: String,
    /// `"{target}-{arch}"` → the bundle in this folder (its signature is `<file>.sig`).
    pub platforms: BTreeMap<String, ReleasePlatform>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReleasePlatform {
    pub file: String,
}

impl ReleaseJson {
    /// The notes for a language (`de`, `de-AT`, `de-DE,de;q=0.9,en;q=0.8`: the first tag counts), else English.
    pub fn notes_for(&self, language: Option<&str>) -> &str {
        let primary = language
            .and_then(|l| l.split([',', ';']).next())
            .and_then(|tag| tag.trim().split(['-', '_']).next())
            .map(str::to_ascii_lowercase);
        primary
            .and_then(|p| self.notes_by_language.get(&p))
            .filter(|n| !n.trim().is_empty())
            .unwrap_or(&self.notes)
    }
}

/// A readable release folder.
#[derive(Debug, Clone)]
pub struct Release {
    pub dir: PathBuf,
    pub version: semver::Version,
    pub json: ReleaseJson,
}

/// Why a release folder cannot be used (logged and skipped by the update endpoint).
#[derive(Debug, thiserror::Error)]
pub enum ReleaseError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{0}")]
    Invalid(String),
    #[error("minisign: {0}")]
    Minisign(String),
}

impl From<ReleaseError> for ServerError {
    fn from(e: ReleaseError) -> Self {
        ServerError::Usage(e.to_string())
    }
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> ReleaseError + '_ {
    move |source| ReleaseError::Io {
        path: path.to_path_buf(),
        source,
    }
}

fn invalid<T>(m: impl Into<String>) -> Result<T, ReleaseError> {
    Err(ReleaseError::Invalid(m.into()))
}

/// A version folder name / release version: strict semver.
pub fn parse_release_version(v: &str) -> Option<semver::Version> {
    if v.len() > 64 {
        return None;
    }
    semver::Version::parse(v).ok()
}

/// A platform key `{target}-{arch}` with known target and arch.
pub fn valid_platform_key(key: &str) -> bool {
    key.split_once('-')
        .is_some_and(|(t, a)| TARGETS.contains(&t) && ARCHES.contains(&a))
}

/// Reads and checks `<dir>/release.json`: version equals the folder name, every file name is plain.
pub fn read_release(dir: &Path) -> Result<Release, ReleaseError> {
    let path = dir.join(RELEASE_FILE);
    let text = std::fs::read_to_string(&path).map_err(io_err(&path))?;
    let json: ReleaseJson = serde_json::from_str(&text)
        .map_err(|e| ReleaseError::Invalid(format!("{}: {e}", path.display())))?;
    let Some(version) = parse_release_version(&json.version) else {
        return invalid(format!(
            "{}: version {:?} is not semver",
            path.display(),
            json.version
        ));
    };
    let folder = dir.file_name().map(|n| n.to_string_lossy().into_owned());
    if folder.as_deref() != Some(json.version.as_str()) {
        return invalid(format!(
            "{}: version {} does not match its folder",
            path.display(),
            json.version
        ));
    }
    for (key, p) in &json.platforms {
        if !valid_file_name(&p.file) || p.file == RELEASE_FILE {
            return invalid(format!(
                "{}: platform {key}: bad file name {:?}",
                path.display(),
                p.file
            ));
        }
    }
    Ok(Release {
        dir: dir.to_path_buf(),
        version,
        json,
    })
}

/// The update for a client on `platform` (`{target}-{arch}`) running `current`: the newest release strictly
/// newer that has the platform, with its file and the content of the file's `.sig`. Broken folders (and
/// releases whose bundle or signature is missing) are logged and skipped.
pub fn find_update(
    releases_dir: &Path,
    platform: &str,
    current: &semver::Version,
) -> Option<(Release, String, String)> {
    let entries = match std::fs::read_dir(releases_dir) {
        Ok(e) => e,
        Err(e) => {
            if e.kind() != std::io::ErrorKind::NotFound {
                tracing::warn!(dir = %releases_dir.display(), error = %e, "cannot read the releases folder");
            }
            return None;
        }
    };
    let mut candidates: Vec<Release> = Vec::new();
    for entry in entries.flatten() {
        let dir = entry.path();
        if !dir.is_dir() {
            continue;
        }
        match read_release(&dir) {
            Ok(r) if r.version > *current && r.json.platforms.contains_key(platform) => {
                candidates.push(r)
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "ignoring a broken release folder"),
        }
    }
    candidates.sort_by(|a, b| b.version.cmp(&a.version));
    for r in candidates {
        let file = r.json.platforms[platform].file.clone();
        let sig_path = r.dir.join(format!("{file}.sig"));
        let bundle_ok = r.dir.join(&file).is_file();
        match std::fs::read_to_string(&sig_path) {
            Ok(sig) if bundle_ok && !sig.trim().is_empty() => {
                return Some((r, file, sig.trim().to_string()))
            }
            Ok(_) | Err(_) => tracing::warn!(
                release = %r.version, %file,
                "ignoring a release whose bundle or signature file is missing or empty"
            ),
        }
    }
    None
}

/// A key pair in the Tauri signer's file format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyFiles {
    /// base64 of the minisign secret-key text (encrypted with `password`, scrypt as minisign does).
    pub private_key: String,
    /// base64 of the minisign public-key text: the value of `plugins.updater.pubkey`.
    pub public_key: String,
}

fn b64(s: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(s.as_bytes())
}

fn unb64(what: &str, s: &str) -> Result<String, ReleaseError> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(s.trim())
        .map_err(|e| ReleaseError::Invalid(format!("{what} is not base64: {e}")))?;
    String::from_utf8(bytes)
        .map_err(|_| ReleaseError::Invalid(format!("{what} is not minisign text")))
}

fn ms(e: minisign::PError) -> ReleaseError {
    ReleaseError::Minisign(e.to_string())
}

/// A new key pair as `cargo tauri signer generate -p PASSWORD` makes it (`--ci -p ""`: the empty password).
pub fn generate_keys(password: &str) -> Result<KeyFiles, ReleaseError> {
    let kp =
        minisign::KeyPair::generate_encrypted_keypair(Some(password.to_string())).map_err(ms)?;
    let pk = kp.pk.to_box().map_err(ms)?.to_string();
    let sk = kp.sk.to_box(None).map_err(ms)?.to_string();
    Ok(KeyFiles {
        private_key: b64(&sk),
        public_key: b64(&pk),
    })
}

/// The private key file `release keygen` writes (the public key is this name + `.pub`, as Tauri's signer
/// names them).
pub const KEY_FILE: &str = "kontor-updater.key";

/// What `release keygen` prints.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WrittenKeys {
    pub private_key_file: String,
    pub public_key_file: String,
    /// The value for `plugins.updater.pubkey` in `tauri.conf.json`.
    pub public_key: String,
}

/// Writes a new key pair into `out_dir` (created if needed): `kontor-updater.key` (mode 0600) and
/// `kontor-updater.key.pub`. Existing key files are never overwritten.
pub fn write_keys(out_dir: &Path, password: &str) -> Result<WrittenKeys, ReleaseError> {
    std::fs::create_dir_all(out_dir).map_err(io_err(out_dir))?;
    let private = out_dir.join(KEY_FILE);
    let public = out_dir.join(format!("{KEY_FILE}.pub"));
    for p in [&private, &public] {
        if p.exists() {
            return invalid(format!(
                "{} already exists: a release key is never overwritten (move it away first)",
                p.display()
            ));
        }
    }
    let keys = generate_keys(password)?;
    kontor_fs::write_new(&private, keys.private_key.as_bytes(), true).map_err(io_err(&private))?;
    kontor_fs::write_new(&public, keys.public_key.as_bytes(), false).map_err(io_err(&public))?;
    Ok(WrittenKeys {
        private_key_file: private.display().to_string(),
        public_key_file: public.display().to_string(),
        public_key: keys.public_key,
    })
}

/// Loads a private key file's content (base64 of the secret-key text; encrypted with `password`, or
/// unencrypted).
pub fn load_secret_key(content: &str, password: &str) -> Result<minisign::SecretKey, ReleaseError> {
    let text = unb64("the private key", content)?;
    let unencrypted = minisign::SecretKeyBox::from_string(&text)
        .map_err(ms)?
        .into_unencrypted_secret_key();
    match unencrypted {
        Ok(sk) => Ok(sk),
        Err(_) => minisign::SecretKeyBox::from_string(&text)
            .map_err(ms)?
            .into_secret_key(Some(password.to_string()))
            .map_err(ms),
    }
}

/// The `.sig` content for `data` named `file_name`. The trusted comment carries time, file name and, when
/// given, the app version the bundle is (`version:…`, as Tauri's signer writes it with `--app-version`):
/// the app's updater requires it (`requireSignedVersion`), so a tampered manifest cannot pair a newer
/// version number with an older, validly signed bundle.
pub fn sign_bytes(
    sk: &minisign::SecretKey,
    file_name: &str,
    version: Option<&str>,
    data: impl std::io::Read,
    now: i64,
) -> Result<String, ReleaseError> {
    let mut trusted = format!("timestamp:{now}\tfile:{file_name}");
    if let Some(v) = version {
        trusted.push_str(&format!("\tversion:{v}"));
    }
    let sig = minisign::sign(
        None,
        sk,
        data,
        Some(&trusted),
        Some("signature from kontor-server release secret key"),
    )
    .map_err(ms)?;
    Ok(b64(&sig.to_string()))
}

/// Signs `file` and writes `<file>.sig` atomically; returns the signature content.
pub fn sign_file(
    sk: &minisign::SecretKey,
    file: &Path,
    version: Option<&str>,
    now: i64,
) -> Result<String, ReleaseError> {
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| ReleaseError::Invalid(format!("{} is not a file", file.display())))?;
    let reader = std::io::BufReader::new(std::fs::File::open(file).map_err(io_err(file))?);
    let sig = sign_bytes(sk, &name, version, reader, now)?;
    let sig_path = sig_path_of(file);
    write_atomic(&sig_path, sig.as_bytes()).map_err(io_err(&sig_path))?;
    Ok(sig)
}

/// `<file>.sig`.
pub fn sig_path_of(file: &Path) -> PathBuf {
    let mut s = file.as_os_str().to_owned();
    s.push(".sig");
    PathBuf::from(s)
}

/// `release publish`'s input.
#[derive(Debug, Clone)]
pub struct Publish {
    pub releases_dir: PathBuf,
    pub version: String,
    pub notes: String,
    /// Notes in other languages by ISO 639-1 code (`--notes-de FILE`); replaces those of the release.
    pub notes_by_language: BTreeMap<String, String>,
    /// `{target}-{arch}`.
    pub platform: String,
    pub file: PathBuf,
    /// The private key file's content.
    pub key: String,
    pub password: String,
    /// RFC 3339; `None`: now.
    pub pub_date: Option<String>,
}

/// What `release publish` prints.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Published {
    pub version: String,
    pub platform: String,
    pub file: String,
    pub signature_file: String,
    pub release_json: String,
}

fn rfc3339(now: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(now)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_else(|| "1970-01-01T00:00:00Z".to_string())
}

/// Copies the bundle into `<releases dir>/<version>/` (temp, fsync, rename), signs it and writes or updates
/// `release.json` (other platforms of the same version are kept). The bundle is signed from the copy, so the
/// signature matches what is served.
pub fn publish(p: &Publish, now: i64) -> Result<Published, ReleaseError> {
    if parse_release_version(&p.version).is_none() {
        return invalid(format!(
            "--version: {:?} is not a semantic version (e.g. 0.2.0)",
            p.version
        ));
    }
    if !valid_platform_key(&p.platform) {
        return invalid(format!(
            "--platform: {:?} is not TARGET-ARCH with TARGET one of {} and ARCH one of {}",
            p.platform,
            TARGETS.join(", "),
            ARCHES.join(", ")
        ));
    }
    let name = p
        .file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if !valid_file_name(&name) || name == RELEASE_FILE {
        return invalid(format!(
            "--file: {name:?} cannot be published under its name"
        ));
    }
    if let Some(d) = &p.pub_date {
        if time::OffsetDateTime::parse(d, &time::format_description::well_known::Rfc3339).is_err() {
            return invalid(format!("--pub-date: {d:?} is not an RFC 3339 date-time"));
        }
    }
    let sk = load_secret_key(&p.key, &p.password)?;
    let dir = p.releases_dir.join(&p.version);
    std::fs::create_dir_all(&dir).map_err(io_err(&dir))?;
    let json_path = dir.join(RELEASE_FILE);
    let mut json = if json_path.exists() {
        read_release(&dir)?.json
    } else {
        ReleaseJson {
            version: p.version.clone(),
            notes: String::new(),
            notes_by_language: BTreeMap::new(),
            pub_date: String::new(),
            platforms: BTreeMap::new(),
        }
    };
    let target = dir.join(&name);
    let copied = (|| {
        let mut src = std::fs::File::open(&p.file)?;
        let mut out = kontor_fs::AtomicFile::create(&target)?;
        std::io::copy(&mut src, &mut out)?;
        out.commit()
    })();
    if let Err(e) = copied {
        return Err(ReleaseError::Io {
            path: p.file.clone(),
            source: e,
        });
    }
    sign_file(&sk, &target, Some(&p.version), now)?;
    json.notes = p.notes.clone();
    if !p.notes_by_language.is_empty() {
        json.notes_by_language = p.notes_by_language.clone();
    }
    json.pub_date = p.pub_date.clone().unwrap_or_else(|| rfc3339(now));
    json.platforms
        .insert(p.platform.clone(), ReleasePlatform { file: name.clone() });
    let text =
        serde_json::to_string_pretty(&json).map_err(|e| ReleaseError::Invalid(e.to_string()))?;
    write_atomic(&json_path, text.as_bytes()).map_err(io_err(&json_path))?;
    Ok(Published {
        version: p.version.clone(),
        platform: p.platform.clone(),
        file: target.display().to_string(),
        signature_file: sig_path_of(&target).display().to_string(),
        release_json: json_path.display().to_string(),
    })
}

/// Verifies `.sig` content against a public key file's content (test helper for vendors' scripts).
pub fn verify_bytes(public_key: &str, signature: &str, data: &[u8]) -> Result<(), ReleaseError> {
    let pk_text = unb64("the public key", public_key)?;
    let sig_text = unb64("the signature", signature)?;
    let pk = minisign::PublicKeyBox::from_string(&pk_text)
        .map_err(ms)?
        .into_public_key()
        .map_err(ms)?;
    let sig = minisign::SignatureBox::from_string(&sig_text).map_err(ms)?;
    minisign::verify(&pk, &sig, Cursor::new(data), true, false, false).map_err(ms)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_sign_and_verify() {
        let keys = generate_keys("").expect("keys");
        let sk = load_secret_key(&keys.private_key, "").expect("load");
        let sig =
            sign_bytes(&sk, "app.AppImage", Some("1.0.0"), Cursor::new(b"hello"), 1).expect("sign");
        verify_bytes(&keys.public_key, &sig, b"hello").expect("verifies");
        assert!(verify_bytes(&keys.public_key, &sig, b"hellO").is_err());
        assert!(load_secret_key(&keys.private_key, "wrong").is_err());
    }

    #[test]
    fn platform_keys() {
        assert!(valid_platform_key("linux-x86_64"));
        assert!(valid_platform_key("darwin-aarch64"));
        assert!(!valid_platform_key("macos-x86_64"));
        assert!(!valid_platform_key("linux"));
    }
}

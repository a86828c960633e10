//! Offline licenses on the portal: the signing key file in the data directory, the data-directory rule, and
//! issuing (account-wide or bound to an activation request's machine) shared by the API and the CLI.
//!
//! Key file: `<data dir>/license-signing.key`, `kontor-ed25519-secret:…` (`kontor_license::format_secret_key`),
//! created on first start with mode 0600 (written to a temp file, then hard-linked into place, so a crash or
//! a second process never leaves a half-written or replaced key). A key file readable by group or others, or
//! one that cannot be read or parsed, stops the start with a one-line error. Without a data directory
//! (`Config::data_dir` `None`: tests and embedders) the key is random and kept in memory only, so its
//! licenses stop verifying against the published key once the process ends.

use std::path::{Path, PathBuf};

use kontor_api::{
    ErrorDetail, IssuedLicenseInfo, OfflineLicense, OfflineLicenseStatus, ProductSeats, Resource,
};
use kontor_license::{ActivationRequest, Entitlement, LicensePayload, PublicKey, SigningKey};

use crate::db::licenses::{NewOfflineLicense, OfflineLicenseRecord};
use crate::db::Database;
use crate::domain::{Actor, Outcome, Refusal};
use crate::error::ServerError;

/// The key file's name inside the data directory.
pub const KEY_FILE_NAME: &str = "license-signing.key";

/// The portal's license-signing key and its public half.
pub struct LicenseSigner {
    key: SigningKey,
    public: PublicKey,
    path: Option<PathBuf>,
}

impl std::fmt::Debug for LicenseSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LicenseSigner")
            .field("public", &self.public)
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

fn key_error(path: &Path, reason: impl std::fmt::Display) -> ServerError {
    ServerError::SigningKey(format!("license signing key {}: {reason}", path.display()))
}

impl LicenseSigner {
    fn from_key(key: SigningKey, path: Option<PathBuf>) -> Self {
        let public = PublicKey::from_signing_key(&key);
        Self { key, public, path }
    }

    /// A random key kept in memory only (no data directory).
    pub fn ephemeral() -> Self {
        Self::from_key(kontor_license::generate_signing_key(), None)
    }

    /// Reads `<dir>/license-signing.key`, creating the directory and the key (mode 0600) if missing.
    pub fn load_or_create(dir: &Path) -> Result<Self, ServerError> {
        Self::load_or_create_file(&dir.join(KEY_FILE_NAME))
    }

    /// Reads the key file at `path` (`serve --signing-key-file`, shared by all replicas), creating it and
    /// its directory if missing; two replicas creating it at once end up with the same key (hard link).
    pub fn load_or_create_file(path: &Path) -> Result<Self, ServerError> {
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        match std::fs::symlink_metadata(path) {
            Ok(_) => Self::load(path),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Self::create(dir, path),
            Err(e) => Err(key_error(path, format!("cannot read it: {e}"))),
        }
    }

    /// SHA-256 (hex) of the public key's text: what the database records at first start (issue 12).
    pub fn fingerprint(&self) -> String {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(self.public.to_text().as_bytes()))
    }

    fn load(path: &Path) -> Result<Self, ServerError> {
        let meta =
            std::fs::metadata(path).map_err(|e| key_error(path, format!("cannot read it: {e}")))?;
        if !meta.is_file() {
            return Err(key_error(path, "is not a regular file"));
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = meta.permissions().mode() & 0o777;
            if mode & 0o077 != 0 {
                return Err(key_error(
                    path,
                    format!(
                        "is accessible by group or others (mode {mode:04o}); allow the owner only (chmod 600 {})",
                        path.display()
                    ),
                ));
            }
        }
        let text = std::fs::read_to_string(path)
            .map_err(|e| key_error(path, format!("cannot read it: {e}")))?;
        let key = kontor_license::parse_secret_key(&text).map_err(|e| {
            key_error(
                path,
                format!("is not a kontor-ed25519-secret key ({e}); restore it from a backup"),
            )
        })?;
        Ok(Self::from_key(key, Some(path.to_path_buf())))
    }

    fn create(dir: &Path, path: &Path) -> Result<Self, ServerError> {
        std::fs::create_dir_all(dir)
            .map_err(|e| key_error(path, format!("cannot create the data directory: {e}")))?;
        let key = kontor_license::generate_signing_key();
        let file_name = path
            .file_name()
            .map_or_else(|| KEY_FILE_NAME.into(), |n| n.to_string_lossy());
        let tmp = dir.join(format!(
            ".{file_name}.{}.tmp",
            uuid::Uuid::new_v4().simple()
        ));
        let written = kontor_fs::write_new(
            &tmp,
            kontor_license::format_secret_key(&key).as_bytes(),
            true,
        )
        .and_then(|()| std::fs::hard_link(&tmp, path));
        let _ = std::fs::remove_file(&tmp);
        match written {
            Ok(()) => {
                // Best effort, as everywhere: some file systems cannot sync a directory.
                let _ = kontor_fs::sync_dir(dir);
                tracing::info!(path = %path.display(), "created the license signing key");
                Ok(Self::from_key(key, Some(path.to_path_buf())))
            }
            // Another process created it meanwhile: use theirs.
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Self::load(path),
            Err(e) => Err(key_error(path, format!("cannot create it: {e}"))),
        }
    }

    pub fn public_key(&self) -> &PublicKey {
        &self.public
    }

    /// The key file, or `None` for an in-memory key.
    pub fn key_path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    pub fn sign(&self, payload: &LicensePayload) -> String {
        kontor_license::sign(payload, &self.key)
    }
}

/// The `server_settings` row holding the license-signing key's fingerprint.
pub const LICENSE_KEY_SETTING: &str = "license_key_fingerprint";

/// replica12: the database records the signing key's fingerprint at first start; a replica with another
/// key refuses to start (it would issue licenses the others' public key does not verify).
pub async fn same_key_as_recorded(
    db: &dyn Database,
    signer: &LicenseSigner,
    now: i64,
) -> Result<(), ServerError> {
    let Some(path) = signer.key_path() else {
        return Ok(());
    };
    let mine = signer.fingerprint();
    let recorded = db.record_setting(LICENSE_KEY_SETTING, &mine, now).await?;
    if recorded == mine {
        return Ok(());
    }
    Err(ServerError::SigningKey(format!(
        "license signing key {} (fingerprint {mine}) is not the key this portal's database was set up \
         with (fingerprint {recorded}): every replica must use the same key file; set --signing-key-file \
         (KONTOR_SIGNING_KEY_FILE) to the shared key",
        path.display()
    )))
}

/// The default data directory: the directory of a SQLite database file; `None` for PostgreSQL and
/// in-memory SQLite.
pub fn default_data_dir(database_url: &str) -> Option<PathBuf> {
    use std::str::FromStr;
    if !database_url.starts_with("sqlite:")
        || database_url.contains(":memory:")
        || database_url.contains("mode=memory")
    {
        return None;
    }
    let opts = sqlx::sqlite::SqliteConnectOptions::from_str(database_url).ok()?;
    let file = opts.get_filename();
    Some(match file.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    })
}

/// `explicit` (`--data-dir` / `KONTOR_DATA_DIR`), else [`default_data_dir`], else a usage error (an
/// unsupported database URL is reported as such first).
pub fn resolve_data_dir(
    database_url: &str,
    explicit: Option<PathBuf>,
) -> Result<PathBuf, ServerError> {
    if let Some(e) = crate::db::check_url(database_url) {
        return Err(e);
    }
    explicit
        .or_else(|| default_data_dir(database_url))
        .ok_or_else(|| {
            ServerError::Usage(
                "--data-dir (or KONTOR_DATA_DIR) is required unless the database is a SQLite file: \
                 the license signing key is kept there"
                    .to_string(),
            )
        })
}

/// End of the license term: the first second after `license_expires_on` (`YYYY-MM-DD`, end of day UTC).
pub fn term_end(license_expires_on: &str) -> Option<i64> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let date = time::Date::parse(license_expires_on, format).ok()?;
    Some(date.midnight().assume_utc().unix_timestamp() + 86_400)
}

/// The machine of an activation request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MachineBinding {
    pub fingerprint: String,
    pub hostname: String,
}

/// Parses an uploaded activation request; `Invalid` with the reason.
pub fn parse_request(text: &str) -> Result<MachineBinding, Refusal> {
    let invalid = |why: String| {
        Refusal::Detailed(
            ErrorDetail::InvalidActivationRequest,
            format!("not a valid activation request: {why}"),
        )
    };
    let req = ActivationRequest::parse(text).map_err(|e| invalid(e.to_string()))?;
    // A hostname is shown to people (the activations list): refuse rather than cut or clean it.
    let hostname = kontor_api::validate::activation_hostname(&req.hostname).map_err(|p| {
        invalid(match p {
            kontor_api::validate::HostnameProblem::TooLong => {
                "the hostname is longer than 255 characters".to_string()
            }
            kontor_api::validate::HostnameProblem::Invisible => {
                "the hostname holds control, bidi or zero-width characters".to_string()
            }
        })
    })?;
    Ok(MachineBinding {
        fingerprint: req.fingerprint,
        hostname: hostname.to_string(),
    })
}

fn info_of(r: OfflineLicenseRecord) -> IssuedLicenseInfo {
    IssuedLicenseInfo {
        license_id: r.id,
        machine: r.machine,
        hostname: r.hostname,
        issued_at: r.issued_at,
        expires_at: r.expires_at,
        revoked_at: r.revoked_at,
    }
}

/// The account's offline-license state; `NotFound` without a subscription.
pub async fn status(db: &dyn Database, account_id: &str) -> Outcome<OfflineLicenseStatus> {
    let Some(subscription) = db.subscription(account_id).await? else {
        return Ok(Err(Refusal::not_found(Resource::Subscription)));
    };
    let activations_max = db.activations_max(account_id).await?.unwrap_or(0);
    let licenses = db.offline_licenses(account_id).await?;
    let activations_used = licenses
        .iter()
        .filter(|l| l.machine.is_some() && l.revoked_at.is_none())
        .count() as i64;
    let products = db
        .seats(account_id)
        .await?
        .into_iter()
        .map(|s| ProductSeats {
            product_code: s.product_code,
            product_name: s.product_name,
            seats_used: s.used,
            seats_total: s.seats,
        })
        .collect();
    Ok(Ok(OfflineLicenseStatus {
        license_expires_on: Some(subscription.license_expires_on),
        products,
        activations_used,
        activations_max,
        licenses: licenses.into_iter().map(info_of).collect(),
    }))
}

/// Signs and records a license for `actor`'s account at `actor.at`: account-wide, or bound to `machine`
/// (subject to the activation limit). `NotFound` without a subscription or products; `Conflict` when the
/// term has ended or the limit is reached (nothing recorded).
pub async fn issue(
    db: &dyn Database,
    signer: &LicenseSigner,
    actor: &Actor,
    machine: Option<&MachineBinding>,
) -> Outcome<OfflineLicense> {
    let account_id = actor.account_id.as_str();
    let Some(account) = db.account(account_id).await? else {
        return Ok(Err(Refusal::not_found(Resource::Account)));
    };
    let Some(subscription) = db.subscription(account_id).await? else {
        return Ok(Err(Refusal::not_found(Resource::Subscription)));
    };
    let seats = db.seats(account_id).await?;
    if seats.is_empty() {
        return Ok(Err(Refusal::not_found(Resource::Products)));
    }
    let expires_at = term_end(&subscription.license_expires_on).ok_or_else(|| {
        crate::error::DbError::Corrupt(format!(
            "license_expires_on {:?} is not a date",
            subscription.license_expires_on
        ))
    })?;
    let now = actor.at;
    if now >= expires_at {
        return Ok(Err(Refusal::because(ErrorDetail::LicenseTermEnded {
            date: subscription.license_expires_on.clone(),
        })));
    }
    let mut products = Vec::with_capacity(seats.len());
    for s in seats {
        let seats = u32::try_from(s.seats).map_err(|_| {
            crate::error::DbError::Corrupt(format!("seats {} out of range", s.seats))
        })?;
        products.push(Entitlement {
            product_code: s.product_code,
            product_name: s.product_name,
            seats,
            features: Vec::new(),
        });
    }
    let license_id = uuid::Uuid::new_v4().to_string();
    let payload = LicensePayload {
        format: kontor_license::FORMAT_VERSION,
        license_id: license_id.clone(),
        account_id: account.id.clone(),
        customer_name: account.name,
        products,
        issued_at: now,
        not_before: now,
        expires_at,
        machine: machine.map(|m| m.fingerprint.clone()),
    };
    let text = signer.sign(&payload);
    let record = NewOfflineLicense {
        id: license_id.clone(),
        machine: payload.machine.clone(),
        hostname: machine.map(|m| m.hostname.clone()),
        key_id: signer.public_key().key_id(),
        issued_at: now,
        expires_at,
    };
    if let Err(r) = db.record_offline_license(actor, &record).await? {
        return Ok(Err(r));
    }
    Ok(Ok(OfflineLicense {
        info: IssuedLicenseInfo {
            license_id,
            machine: record.machine,
            hostname: record.hostname,
            issued_at: now,
            expires_at,
            revoked_at: None,
        },
        text,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn term_end_is_the_end_of_the_day_utc() {
        // 2027-05-28T00:00:00Z = 1811462400.
        assert_eq!(term_end("2027-05-27"), Some(1_811_462_400));
        assert_eq!(term_end("27.05.2027"), None);
    }

    #[test]
    fn data_dir_rule() {
        assert_eq!(
            default_data_dir("sqlite:/var/lib/kontor/k.sqlite"),
            Some(PathBuf::from("/var/lib/kontor"))
        );
        assert_eq!(default_data_dir("sqlite::memory:"), None);
        assert_eq!(default_data_dir("postgres://u@h/db"), None);
        assert!(resolve_data_dir("postgres://u@h/db", None).is_err());
        assert_eq!(
            resolve_data_dir("postgres://u@h/db", Some(PathBuf::from("/d"))).ok(),
            Some(PathBuf::from("/d"))
        );
    }
}

//! `kontor-server release keygen | sign | publish`: the desktop app's updater keys, signatures and releases
//! folder. No database, no async work.

use std::path::PathBuf;

use clap::Subcommand;
use kontor_server::{releases, Clock, ServerError, SystemClock};

use super::output::print_json;

#[derive(Debug, Subcommand)]
pub enum ReleaseCommand {
    /// Write a new updater key pair (Tauri signer format) to OUT_DIR/kontor-updater.key (mode 0600) and
    /// OUT_DIR/kontor-updater.key.pub; prints the public key (for tauri.conf.json) in one JSON line.
    Keygen {
        #[arg(long)]
        out_dir: PathBuf,
        /// The key's password (default: empty, as `cargo tauri signer generate --ci -p ""`).
        #[arg(long, env = "TAURI_SIGNING_PRIVATE_KEY_PASSWORD", default_value = "")]
        password: String,
    },
    /// Sign FILE with a private key file, writing FILE.sig (base64 minisign signature, as Tauri's bundler).
    Sign {
        #[arg(long)]
        key: PathBuf,
        #[arg(long)]
        file: PathBuf,
        /// The app version FILE is (recorded in the signature; the app's updater requires it).
        #[arg(long)]
        app_version: Option<String>,
        #[arg(long, env = "TAURI_SIGNING_PRIVATE_KEY_PASSWORD", default_value = "")]
        password: String,
    },
    /// Copy a bundle into RELEASES_DIR/VERSION/, sign it and write or update release.json.
    Publish {
        #[arg(long, env = "KONTOR_RELEASES_DIR")]
        releases_dir: PathBuf,
        /// Semantic version, e.g. 0.2.0.
        #[arg(long)]
        version: String,
        /// The release notes in English (shown to every language without its own notes).
        #[arg(long, default_value = "")]
        notes: String,
        /// A UTF-8 text file with the release notes in German, shown to apps set to German.
        #[arg(long, value_name = "FILE")]
        notes_de: Option<PathBuf>,
        /// TARGET-ARCH as the updater asks for it: linux-x86_64, windows-x86_64, darwin-aarch64, …
        #[arg(long)]
        platform: String,
        /// The update bundle (e.g. the .AppImage, the NSIS setup .exe, the .app.tar.gz).
        #[arg(long)]
        file: PathBuf,
        /// The private key file.
        #[arg(long)]
        key: PathBuf,
        #[arg(long, env = "TAURI_SIGNING_PRIVATE_KEY_PASSWORD", default_value = "")]
        password: String,
        /// RFC 3339 (default: now).
        #[arg(long)]
        pub_date: Option<String>,
    },
}

/// `release keygen | sign | publish`: no database, no async work.
pub fn run(command: ReleaseCommand) -> Result<(), ServerError> {
    let read_key = |key: &PathBuf| {
        std::fs::read_to_string(key)
            .map_err(|e| ServerError::Usage(format!("--key: cannot read {}: {e}", key.display())))
    };
    match command {
        ReleaseCommand::Keygen { out_dir, password } => {
            print_json(&releases::write_keys(&out_dir, &password)?)
        }
        ReleaseCommand::Sign {
            key,
            file,
            app_version,
            password,
        } => {
            let sk = releases::load_secret_key(&read_key(&key)?, &password)?;
            releases::sign_file(&sk, &file, app_version.as_deref(), SystemClock.now())?;
            let sig = releases::sig_path_of(&file);
            print_json(&serde_json::json!({ "signature_file": sig.display().to_string() }))
        }
        ReleaseCommand::Publish {
            releases_dir,
            version,
            notes,
            notes_de,
            platform,
            file,
            key,
            password,
            pub_date,
        } => {
            let mut notes_by_language = std::collections::BTreeMap::new();
            if let Some(path) = notes_de {
                let text = std::fs::read_to_string(&path).map_err(|e| {
                    ServerError::Usage(format!("--notes-de: cannot read {}: {e}", path.display()))
                })?;
                notes_by_language.insert("de".to_string(), text.trim().to_string());
            }
            let p = releases::Publish {
                releases_dir,
                version,
                notes,
                notes_by_language,
                platform,
                file,
                key: read_key(&key)?,
                password,
                pub_date,
            };
            print_json(&releases::publish(&p, SystemClock.now())?)
        }
    }
}

//! Non-secret app settings (portal address, language, the folder last saved to), persisted as JSON in the
//! app's config directory.
//!
//! Invariant: nothing secret is ever stored here; tokens live in the OS keyring (see `secrets`).

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    /// The portal the user chose on first start (unused when the vendor's build fixes one).
    #[serde(default)]
    pub portal_url: Option<String>,
    /// `de` or `en`; `None` follows the OS locale.
    #[serde(default)]
    pub language: Option<String>,
    /// The folder the user last saved a file to: the next save dialog starts there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_folder: Option<std::path::PathBuf>,
}

/// Loads and saves [`Settings`] at one path.
#[derive(Debug, Clone)]
pub struct SettingsStore {
    path: PathBuf,
}

impl SettingsStore {
    pub fn new(dir: &Path) -> Self {
        Self {
            path: dir.join("settings.json"),
        }
    }

    /// A missing or unreadable file gives defaults: a broken settings file must not lock the user out.
    pub fn load(&self) -> Settings {
        match std::fs::read(&self.path) {
            Ok(bytes) => serde_json::from_slice(&bytes).unwrap_or_else(|e| {
                tracing::warn!("ignoring unreadable {}: {e}", self.path.display());
                Settings::default()
            }),
            Err(_) => Settings::default(),
        }
    }

    /// Writes atomically (`kontor_fs`: a temp file in the same directory, fsync, rename), creating the
    /// directory on first use.
    pub fn save(&self, settings: &Settings) -> std::io::Result<()> {
        let json = serde_json::to_vec_pretty(settings).map_err(std::io::Error::other)?;
        kontor_fs::Options::new()
            .create_dirs(true)
            .write(&self.path, &json)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_broken_file() {
        let dir = tempfile::tempdir().unwrap();
        let store = SettingsStore::new(dir.path());
        assert_eq!(store.load(), Settings::default());
        let s = Settings {
            portal_url: Some("https://portal.example.com".into()),
            language: Some("de".into()),
            last_folder: Some("/home/anna/Dokumente".into()),
        };
        store.save(&s).unwrap();
        assert_eq!(store.load(), s);
        std::fs::write(dir.path().join("settings.json"), b"{not json").unwrap();
        assert_eq!(store.load(), Settings::default());
        // no temp files left behind
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1);
    }
}

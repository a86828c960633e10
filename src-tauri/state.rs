//! The app's state shared by all commands: where its files live, its settings and the current portal.

use std::path::PathBuf;
use std::sync::{Arc, RwLock};

use kontor_client::{ClientError, PortalClient};

use crate::secrets::RefreshTokenStore;
use crate::session::Portal;
use crate::settings::{Settings, SettingsStore};

/// Where the portal address comes from when the user may not choose it.
#[derive(Debug, Clone, Default)]
pub struct Launch {
    /// Fixed by the vendor's build (`KONTOR_VENDOR_PORTAL_URL` at compile time) or the launcher
    /// (`KONTOR_PORTAL_URL` at run time, used by the demo command and the tests).
    pub fixed_portal_url: Option<String>,
    /// Keyring service name; tests use their own so they never touch a real user's entries.
    pub keyring_service: String,
}

impl Launch {
    pub fn from_env() -> Self {
        let fixed_portal_url = std::env::var("KONTOR_PORTAL_URL")
            .ok()
            .filter(|s| !s.is_empty())
            .or_else(|| option_env!("KONTOR_VENDOR_PORTAL_URL").map(str::to_string));
        let keyring_service = std::env::var("KONTOR_KEYRING_SERVICE")
            .ok()
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| crate::secrets::SERVICE.to_string());
        Self {
            fixed_portal_url,
            keyring_service,
        }
    }
}

/// Why there is no connection to a portal.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    /// Neither the build, the launcher nor the user has set a portal address.
    #[error("no portal address is configured")]
    NotConfigured,
    /// The address is not one a client can be made for.
    #[error(transparent)]
    Client(#[from] ClientError),
}

/// The import waiting for "commit", and the cancel switch of the one running.
#[derive(Default)]
pub struct ImportState {
    pub previewed: tokio::sync::Mutex<Option<crate::import::Previewed>>,
    pub cancel: std::sync::atomic::AtomicBool,
}

pub struct AppState {
    pub data_dir: PathBuf,
    pub launch: Launch,
    pub import: ImportState,
    pub downloads: Arc<crate::downloads::Downloads>,
    /// The update `update_check` found, for `update_install`.
    pub update: tokio::sync::Mutex<Option<tauri_plugin_updater::Update>>,
    /// An update is downloading or installing (one at a time).
    pub updating: std::sync::atomic::AtomicBool,
    /// The portal's answers for the first screen, asked at launch (`startup`).
    pub prefetch: crate::startup::Prefetch,
    settings: SettingsStore,
    portal: RwLock<Option<Arc<Portal>>>,
    /// Files the user saved through a dialog in this run: the only ones "show in folder" reveals (besides
    /// finished downloads).
    revealable: std::sync::Mutex<std::collections::HashSet<PathBuf>>,
    /// The temporary password the user just signed in with, until they chose their own: kept in this
    /// process's memory only (never sent to the webview, never written), so the first-login screen need not
    /// ask for it again.
    pub temporary_password: std::sync::Mutex<Option<String>>,
}

impl AppState {
    pub fn new(data_dir: PathBuf, launch: Launch) -> Self {
        let settings = SettingsStore::new(&data_dir);
        let downloads = Arc::new(crate::downloads::Downloads::load(&data_dir));
        Self {
            data_dir,
            launch,
            import: ImportState::default(),
            downloads,
            update: tokio::sync::Mutex::new(None),
            updating: std::sync::atomic::AtomicBool::new(false),
            prefetch: Default::default(),
            settings,
            portal: RwLock::new(None),
            revealable: Default::default(),
            temporary_password: Default::default(),
        }
    }

    /// `path` was saved by the user and may be shown in the file manager.
    pub fn allow_reveal(&self, path: &std::path::Path) {
        if let Ok(mut g) = self.revealable.lock() {
            g.insert(path.to_path_buf());
        }
    }

    /// Whether "show in folder" may reveal `path`: a file saved through a dialog in this run, or a finished
    /// download's file.
    pub fn may_reveal(&self, path: &std::path::Path) -> bool {
        let saved = self.revealable.lock().is_ok_and(|g| g.contains(path));
        saved
            || self.downloads.list().iter().any(|d| {
                d.state == kontor_api::ipc::DownloadState::Done
                    && std::path::Path::new(&d.dest) == path
            })
    }

    /// The user's language is German (chosen, or from the OS locale when not chosen).
    pub fn german(&self) -> bool {
        match self.settings().language.as_deref() {
            Some(l) => l == "de",
            None => sys_locale::get_locale().is_some_and(|l| l.starts_with("de")),
        }
    }

    pub fn settings(&self) -> Settings {
        self.settings.load()
    }

    pub fn save_settings(&self, s: &Settings) -> std::io::Result<()> {
        self.settings.save(s)
    }

    /// The portal address in force: fixed by build or launcher, else the user's choice.
    pub fn portal_url(&self) -> Option<String> {
        self.launch
            .fixed_portal_url
            .clone()
            .or_else(|| self.settings().portal_url)
    }

    /// The connection to the configured portal, created on first use.
    pub fn portal(&self) -> Result<Arc<Portal>, ConnectError> {
        let url = self.portal_url().ok_or(ConnectError::NotConfigured)?;
        if let Some(p) = self.portal.read().ok().and_then(|g| g.clone()) {
            if p.client().base_url() == url.trim_end_matches('/') {
                return Ok(p);
            }
        }
        let portal = Arc::new(self.connect(&url)?);
        if let Ok(mut g) = self.portal.write() {
            *g = Some(portal.clone());
        }
        Ok(portal)
    }

    /// A fresh connection to `url` (not yet the current one).
    pub fn connect(&self, url: &str) -> Result<Portal, ClientError> {
        let client = PortalClient::with_user_agent(url, &device_description())?;
        let secrets = RefreshTokenStore::new(&self.launch.keyring_service, client.base_url());
        Ok(Portal::new(client, secrets))
    }

    /// Makes `portal` the current connection.
    pub fn set_portal(&self, portal: Portal) {
        if let Ok(mut g) = self.portal.write() {
            *g = Some(Arc::new(portal));
        }
    }
}

// acct9
/// What the app tells the portal about this device (its User-Agent, shown in the profile's session list):
/// "Kontor <version> on <OS> (<host name>)".
pub fn device_description() -> String {
    let os = match std::env::consts::OS {
        "linux" => "Linux",
        "windows" => "Windows",
        "macos" => "macOS",
        other => other,
    };
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("COMPUTERNAME").ok())
        .or_else(|| std::env::var("HOSTNAME").ok())
        .map(|h| {
            h.trim()
                .chars()
                .filter(|c| !c.is_control())
                .take(40)
                .collect::<String>()
        })
        .filter(|h| !h.is_empty());
    let version = env!("CARGO_PKG_VERSION");
    match host {
        Some(h) => format!("Kontor {version} on {os} ({h})"),
        None => format!("Kontor {version} on {os}"),
    }
}

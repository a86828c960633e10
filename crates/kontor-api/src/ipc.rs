//! What crosses Tauri IPC between the UI and the desktop shell, besides the portal's own types.
//!
//! API boundary: the command names and argument shapes live here once; the shell registers them and the
//! UI's typed wrappers call them, so a rename breaks the build instead of a button. Every command takes its
//! argument under the key [`ARG`] and fails with `ErrorBody {code, message}`.

use serde::{Deserialize, Serialize};

/// The one argument key of every command: `invoke(name, { req: ... })`.
pub const ARG: &str = "req";

/// Command names, as registered by `src-tauri`.
pub mod cmd {
    pub const APP_CONFIG: &str = "app_config";
    pub const SET_PORTAL_URL: &str = "set_portal_url";
    pub const PORTAL_INFO: &str = "portal_info";
    pub const SET_LANGUAGE: &str = "set_language";
    pub const LOGIN_PASSWORD: &str = "login_password";
    pub const LOGIN_TOKEN: &str = "login_token";
    pub const RESUME_SESSION: &str = "resume_session";
    pub const LOGOUT: &str = "logout";
    pub const DASHBOARD: &str = "dashboard";
}

/// The app's configuration as the UI needs it at start.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppConfig {
    /// The portal address, if known.
    pub portal_url: Option<String>,
    /// The address comes from the vendor's build (or the launcher) and cannot be changed in the app.
    pub portal_locked: bool,
    /// The user's chosen language (`de`/`en`), if any.
    pub language: Option<String>,
    /// The OS locale, e.g. `de-DE`, used when no language was chosen.
    pub os_locale: String,
    pub app_version: String,
}

/// Argument of `set_portal_url`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SetPortalUrl {
    pub url: String,
}

/// Argument of `set_language`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SetLanguage {
    pub language: String,
}

/// The empty argument of commands that need none.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct NoArgs {}

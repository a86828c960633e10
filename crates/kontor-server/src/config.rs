//! How the server runs: [`Config`], built by the `serve` command or by embedders and tests.

use std::net::SocketAddr;

/// How the server runs.
#[derive(Debug, Clone)]
pub struct Config {
    /// `sqlite:PATH` or `postgres://…` / `postgresql://…`.
    pub database_url: String,
    pub bind: SocketAddr,
    /// Say so in `/info`: the portal holds demo data.
    pub demo: bool,
    pub vendor_name: String,
    /// Access token lifetime (default 15 minutes).
    pub access_ttl_secs: i64,
    /// Refresh token lifetime without "stay signed in" (default 12 hours).
    pub refresh_ttl_secs: i64,
    /// Refresh token lifetime with "stay signed in" (default 30 days).
    pub refresh_ttl_remember_secs: i64,
    /// Where the license signing key lives (`license-signing.key`, created on first start, mode 0600).
    /// `None`: a random key kept in memory only, so licenses issued by this process stop verifying after it
    /// ends (tests and embedders). The `serve` command always sets it (see [`crate::licensing::resolve_data_dir`]).
    pub data_dir: Option<std::path::PathBuf>,
    /// The installer content store (`<sha256>` files; `serve`: `<data dir>/installers`). `None`: installer
    /// files cannot be served (the catalog still lists them).
    pub installers_dir: Option<std::path::PathBuf>,
    /// The app's self-update releases (`<version>/release.json`; `serve`: `<data dir>/releases`). `None`:
    /// there is never an update.
    pub releases_dir: Option<std::path::PathBuf>,
    /// The portal's public address (e.g. `https://portal.example.com`) for absolute URLs in answers;
    /// `None`: `http://` + the request's Host header.
    pub public_url: Option<String>,
    /// Installer files are sent at most this fast (bytes per second per download), so the demo's pause and
    /// resume can be tried on a loopback portal; `None`: as fast as possible.
    pub download_limit: Option<u64>,
    /// Who issues the invoices (`serve --vendor-profile`); the built-in demo profile by default.
    pub vendor: crate::vendor::VendorProfile,
}

impl Config {
    pub fn new(database_url: impl Into<String>, bind: SocketAddr) -> Self {
        Self {
            database_url: database_url.into(),
            bind,
            demo: false,
            vendor_name: "Kontor".to_string(),
            access_ttl_secs: 15 * 60,
            refresh_ttl_secs: 12 * 3600,
            refresh_ttl_remember_secs: 30 * 24 * 3600,
            data_dir: None,
            installers_dir: None,
            releases_dir: None,
            public_url: None,
            download_limit: None,
            vendor: crate::vendor::VendorProfile::demo(),
        }
    }
}

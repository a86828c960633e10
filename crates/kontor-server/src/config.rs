//! How the server runs: [`Config`], built by the `serve` command or by embedders and tests.

use std::net::SocketAddr;

/// The demo SEPA creditor identifier (the Bundesbank's documented test id), used unless configured.
pub const DEMO_SEPA_CREDITOR_ID: &str = "DE98ZZZ09999999999";

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
    /// sepa8: the vendor's SEPA creditor identifier, named in every mandate (`serve --sepa-creditor-id`,
    /// validated; default the demo id `DE98ZZZ09999999999`).
    pub sepa_creditor_id: String,
    /// Reverse proxies whose `X-Forwarded-For` names the client (`serve --trusted-proxy`); empty: the
    /// header is ignored and the client is the connection's peer.
    pub trusted_proxies: Vec<crate::proxy::Cidr>,
    /// Where the outbox's mails go (default: nowhere, they stay queued).
    pub mail: MailConfig,
    /// Who issues the invoices (`serve --vendor-profile`); the built-in demo profile by default.
    pub vendor: crate::vendor::VendorProfile,
    /// replica12: the license-signing key file all replicas share (`serve --signing-key-file`, env
    /// `KONTOR_SIGNING_KEY_FILE`; created with mode 0600 if missing). `None`: `<data dir>/license-signing.key`.
    pub signing_key_file: Option<std::path::PathBuf>,
    /// issue 12: how long imports must pause before the search indexer moves imported users into SQLite's
    /// trigram index, or merges PostgreSQL's GIN pending lists (`search_index`; default 500 ms). `None`: no
    /// indexer runs; imported users stay queued (SQLite) or pending (PostgreSQL), where the users list still
    /// finds them (tests of the queue).
    pub search_index_idle: Option<std::time::Duration>,
}

/// How mail is sent. The `serve` command reads it from the environment (`KONTOR_SMTP_URL`,
/// `KONTOR_SMTP_PASSWORD`, `KONTOR_SMTP_FROM`), never from its command line.
#[derive(Debug, Clone)]
pub struct MailConfig {
    pub transport: MailTransport,
    /// The sender, e.g. `Kontor <noreply@vendor.example>`.
    pub from: String,
    /// How often the outbox worker looks for due mails.
    pub poll: std::time::Duration,
}

/// Where mails go.
#[derive(Clone)]
pub enum MailTransport {
    /// No worker runs: mails stay queued (tests that read the outbox, embedders).
    Off,
    /// `.eml` files in this folder (the demo; a portal without SMTP).
    Files(std::path::PathBuf),
    /// `smtps://[USER@]HOST[:PORT]` (implicit TLS), `smtp://[USER@]HOST[:PORT]?tls=required` (STARTTLS), or
    /// plain `smtp://` to a loopback host only; the password separately.
    Smtp {
        url: String,
        password: Option<String>,
    },
}

impl std::fmt::Debug for MailTransport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MailTransport::Off => write!(f, "Off"),
            MailTransport::Files(d) => write!(f, "Files({})", d.display()),
            // Never the password.
            MailTransport::Smtp { url, password } => write!(
                f,
                "Smtp({url}, password {})",
                if password.is_some() { "set" } else { "not set" }
            ),
        }
    }
}

impl Default for MailConfig {
    fn default() -> Self {
        Self {
            transport: MailTransport::Off,
            from: "Kontor <noreply@localhost>".to_string(),
            poll: std::time::Duration::from_secs(5),
        }
    }
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
            sepa_creditor_id: DEMO_SEPA_CREDITOR_ID.to_string(),
            trusted_proxies: Vec::new(),
            mail: MailConfig::default(),
            vendor: crate::vendor::VendorProfile::demo(),
            signing_key_file: None, // replica12
            search_index_idle: Some(std::time::Duration::from_millis(500)),
        }
    }
}

//! `kontor-server serve`: runs the portal until SIGINT or SIGTERM.

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Args;
use kontor_server::config::{MailConfig, MailTransport};
use kontor_server::licensing::resolve_data_dir;
use kontor_server::proxy::Cidr;
use kontor_server::{start, Config, ServerError};

// No doc comment here: the `Serve` variant's is the command's help.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// sqlite:PATH, postgres://… or postgresql://…
    #[arg(long, env = "KONTOR_DATABASE_URL")]
    pub database_url: String,
    /// Address to listen on; port 0 picks a free one.
    #[arg(long, env = "KONTOR_BIND", default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,
    /// Tell clients this portal holds demo data.
    #[arg(long, env = "KONTOR_DEMO")]
    pub demo: bool,
    #[arg(long, env = "KONTOR_VENDOR_NAME")]
    pub vendor_name: Option<String>,
    /// Where the license signing key is kept (created on first start). Default: the SQLite database
    /// file's directory; required with PostgreSQL.
    #[arg(long, env = "KONTOR_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// The installer content store. Default: `<data dir>/installers`.
    #[arg(long, env = "KONTOR_INSTALLERS_DIR")]
    pub installers_dir: Option<PathBuf>,
    /// The app's self-update releases (`<version>/release.json`). Default: `<data dir>/releases`.
    #[arg(long, env = "KONTOR_RELEASES_DIR")]
    pub releases_dir: Option<PathBuf>,
    /// The portal's public address for absolute URLs (update manifest). Default: http:// + Host header.
    #[arg(long, env = "KONTOR_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Send installer files at most this fast (bytes per second per download), e.g. for a demo where
    /// pause and resume can be tried. Default: no limit.
    #[arg(long, env = "KONTOR_DOWNLOAD_LIMIT")]
    pub download_limit: Option<u64>,
    /// The vendor's SEPA creditor identifier, named in every direct-debit mandate. Default: the demo id
    /// DE98ZZZ09999999999.
    #[arg(long, env = "KONTOR_SEPA_CREDITOR_ID")]
    pub sepa_creditor_id: Option<String>,
    /// The vendor profile for invoices (TOML; see docs/vendor-profile.example.toml), validated at start.
    /// Default: a built-in profile marked DEMO.
    #[arg(long, env = "KONTOR_VENDOR_PROFILE")]
    pub vendor_profile: Option<PathBuf>,
    /// A reverse proxy's address range (e.g. 10.0.0.0/8), repeatable: from such a peer the client's
    /// address is the right-most X-Forwarded-For address that is not a trusted proxy. Default: none, the
    /// header is ignored.
    #[arg(long = "trusted-proxy", value_name = "CIDR", value_parser = parse_cidr)]
    pub trusted_proxies: Vec<Cidr>,
    /// replica12: the license-signing key file every replica shares (created with mode 0600 if missing).
    /// The database records its fingerprint at first start; a replica with another key refuses to start.
    /// Default: `<data dir>/license-signing.key`.
    #[arg(long, env = "KONTOR_SIGNING_KEY_FILE")]
    pub signing_key_file: Option<PathBuf>,
}

fn parse_cidr(s: &str) -> Result<Cidr, String> {
    s.parse()
}

pub async fn run(args: ServeArgs) -> Result<(), ServerError> {
    let ServeArgs {
        database_url,
        bind,
        demo,
        vendor_name,
        data_dir,
        installers_dir,
        releases_dir,
        public_url,
        download_limit,
        sepa_creditor_id,
        trusted_proxies,
        vendor_profile,
        signing_key_file,
    } = args;
    let vendor = super::invoices::vendor_profile(vendor_profile.as_ref())?;
    let data_dir = resolve_data_dir(&database_url, data_dir)?;
    if let Some(u) = &public_url {
        let ok = url_like(u);
        if !ok {
            return Err(ServerError::Usage(format!(
                "--public-url: {u:?} is not an http(s) address"
            )));
        }
    }
    let mut config = Config::new(database_url, bind);
    config.demo = demo;
    config.installers_dir = Some(installers_dir.unwrap_or_else(|| data_dir.join("installers")));
    config.releases_dir = Some(releases_dir.unwrap_or_else(|| data_dir.join("releases")));
    config.public_url = public_url;
    config.download_limit = download_limit;
    if let Some(c) = sepa_creditor_id {
        config.sepa_creditor_id = kontor_api::billing_rules::creditor_id(&c).ok_or_else(|| {
            ServerError::Usage(format!(
                "--sepa-creditor-id: {c:?} is not a valid SEPA creditor identifier"
            ))
        })?;
    }
    config.trusted_proxies = trusted_proxies;
    config.signing_key_file = signing_key_file;
    config.mail = mail_from_env(&data_dir)?;
    // On stderr (the log): stdout's first line is the address, which scripts and tests read.
    match &config.mail.transport {
        MailTransport::Files(dir) => tracing::info!(
            outbox = %dir.display(),
            "no KONTOR_SMTP_URL: mails are written as .eml files"
        ),
        MailTransport::Smtp { url, .. } => tracing::info!(%url, "mails go through SMTP"),
        MailTransport::Off => {}
    }
    config.vendor = vendor;
    config.data_dir = Some(data_dir);
    if let Some(v) = vendor_name {
        config.vendor_name = v;
    }
    let server = start(config).await?;
    println!("listening on {}", server.base_url());
    let _ = std::io::stdout().flush();
    shutdown_signal().await;
    tracing::info!("shutting down");
    server.shutdown().await;
    Ok(())
}

/// Mail settings from the environment only (a password on the command line would show in `ps`):
/// `KONTOR_SMTP_URL` (`smtps://USER@HOST[:PORT]`, `smtp://USER@HOST:587?tls=required`, or plain
/// `smtp://` to a loopback host), `KONTOR_SMTP_PASSWORD`, `KONTOR_SMTP_FROM` (required with SMTP). Without
/// `KONTOR_SMTP_URL` mails are written as `.eml` files into `<data dir>/outbox/`.
fn mail_from_env(data_dir: &std::path::Path) -> Result<MailConfig, ServerError> {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
    let mut mail = MailConfig::default();
    match var("KONTOR_SMTP_URL") {
        Some(url) => {
            mail.from = var("KONTOR_SMTP_FROM").ok_or_else(|| {
                ServerError::Usage("KONTOR_SMTP_URL is set: set KONTOR_SMTP_FROM too".to_string())
            })?;
            mail.transport = MailTransport::Smtp {
                url,
                password: var("KONTOR_SMTP_PASSWORD"),
            };
        }
        None => {
            if let Some(from) = var("KONTOR_SMTP_FROM") {
                mail.from = from;
            }
            mail.transport = MailTransport::Files(data_dir.join("outbox"));
        }
    }
    Ok(mail)
}

/// `http://HOST[:PORT][/PATH]` or `https://…`, without spaces.
fn url_like(u: &str) -> bool {
    let rest = u
        .strip_prefix("https://")
        .or_else(|| u.strip_prefix("http://"));
    rest.is_some_and(|r| {
        !r.is_empty()
            && !r.starts_with('/')
            && !r.chars().any(|c| c.is_whitespace() || c.is_control())
    })
}

async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

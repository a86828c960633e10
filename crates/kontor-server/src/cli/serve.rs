//! `kontor-server serve`: runs the portal until SIGINT or SIGTERM.

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Args;
use kontor_server::licensing::resolve_data_dir;
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
    /// The vendor profile for invoices (TOML; see docs/vendor-profile.example.toml), validated at start.
    /// Default: a built-in profile marked DEMO.
    #[arg(long, env = "KONTOR_VENDOR_PROFILE")]
    pub vendor_profile: Option<PathBuf>,
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
        vendor_profile,
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

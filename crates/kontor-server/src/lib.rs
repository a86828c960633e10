//! Kontor portal server: the vendor's customer-account API over SQLite or PostgreSQL.
//!
//! Layout: `db` (the `Database` trait, one implementation for both backends), `auth` (tokens, passwords,
//! the `AuthUser` extractor), `handlers` (one module per resource), `licensing` (the offline-license signing
//! key file and issuing, shared by API and CLI), `installers` (the installer content store), `releases` (the
//! app's self-update releases folder and signing), `openapi`, `seed` (demo data).
//! Tenancy: every account-scoped query is filtered by the caller's account id; other accounts are 404.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::routing::{get, post};
use axum::{Json, Router};
use std::time::Duration;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

mod auth;
pub mod clock;
pub mod db;
mod error;
mod handlers;
pub mod import;
pub mod installers;
pub mod licensing;
pub mod openapi;
pub mod releases;
pub mod seed;
mod state;

pub use auth::{hash_password, hash_token, new_license_token, new_session_token, verify_password};
pub use clock::{Clock, ManualClock, SystemClock};
pub use db::{open_database, Database, DbError};

use state::AppState;

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
    /// ends (tests and embedders). The `serve` command always sets it (see [`licensing::resolve_data_dir`]).
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
        }
    }
}

/// Why the server (or seeding) could not do its job. Messages are one line, fit for stderr.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error("unsupported database URL ({0}): use sqlite:PATH, postgres://USER@HOST:PORT/DB or postgresql://USER@HOST:PORT/DB")]
    UnsupportedDatabaseUrl(String),
    #[error("SQLite database {0} is already used by another kontor-server")]
    DatabaseInUse(String),
    #[error("{0}")]
    Database(String),
    #[error("address {0} is already in use")]
    AddressInUse(SocketAddr),
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("{0}")]
    Conflict(String),
    #[error("invalid seed option: {0}")]
    InvalidSeed(String),
    #[error("database error: {0}")]
    Storage(DbError),
    #[error("internal error: {0}")]
    Internal(String),
    /// A command-line request that cannot be carried out as given (e.g. an unknown account).
    #[error("{0}")]
    Usage(String),
    /// The license signing key file cannot be used (permissions, unreadable, garbled).
    #[error("{0}")]
    SigningKey(String),
}

impl From<DbError> for ServerError {
    fn from(e: DbError) -> Self {
        match e {
            DbError::Conflict(m) => ServerError::Conflict(m),
            other => ServerError::Storage(other),
        }
    }
}

/// Body limit of `POST …/users/existing` (200,000 addresses of up to ~160 bytes in JSON); other routes keep
/// axum's 2 MB default.
const EXISTING_EMAILS_BODY_LIMIT: usize = 32 * 1024 * 1024;

/// How often the server purges users deleted longer ago than the restore window.
pub const PURGE_INTERVAL: Duration = Duration::from_secs(3600);

/// Hard-deletes users deleted more than [`kontor_api::RESTORE_WINDOW_SECS`] before `now`, with their license
/// assignments, sessions and license tokens (audit events keep the actor's e-mail). Returns how many.
pub async fn purge_deleted_users(db: &dyn Database, now: i64) -> Result<u64, ServerError> {
    Ok(db
        .purge_deleted(now - kontor_api::RESTORE_WINDOW_SECS)
        .await?)
}

/// A server running on a background task.
#[derive(Debug)]
pub struct RunningServer {
    pub addr: SocketAddr,
    shutdown: Option<oneshot::Sender<()>>,
    task: JoinHandle<()>,
    purge_stop: Option<oneshot::Sender<()>>,
    purge_task: Option<JoinHandle<()>>,
}

impl RunningServer {
    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops accepting, lets running requests finish, and waits for the server task.
    pub async fn shutdown(mut self) {
        if let Some(tx) = self.purge_stop.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.purge_task.take() {
            if let Err(e) = t.await {
                tracing::error!(error = %e, "purge task failed");
            }
        }
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Err(e) = (&mut self.task).await {
            tracing::error!(error = %e, "server task failed");
        }
    }
}

/// Binds, opens and migrates the configured database, and serves on a background task.
pub async fn start(config: Config) -> Result<RunningServer, ServerError> {
    let listener = bind(config.bind).await?;
    let db = open_database(&config.database_url).await?;
    let signer = match signer_for(&config) {
        Ok(s) => s,
        Err(e) => {
            db.close().await;
            return Err(e);
        }
    };
    serve(listener, config, db, Arc::new(SystemClock), signer, true).await
}

/// Like [`start`], with a database and clock of the caller's (tests: a `ManualClock`).
pub async fn start_with(
    config: Config,
    db: Arc<dyn Database>,
    clock: Arc<dyn Clock>,
) -> Result<RunningServer, ServerError> {
    let signer = signer_for(&config)?;
    let listener = bind(config.bind).await?;
    serve(listener, config, db, clock, signer, false).await
}

/// The configured data directory's key file, or an in-memory key without one.
fn signer_for(config: &Config) -> Result<Arc<licensing::LicenseSigner>, ServerError> {
    Ok(Arc::new(match &config.data_dir {
        Some(dir) => licensing::LicenseSigner::load_or_create(dir)?,
        None => licensing::LicenseSigner::ephemeral(),
    }))
}

async fn bind(addr: SocketAddr) -> Result<tokio::net::TcpListener, ServerError> {
    tokio::net::TcpListener::bind(addr).await.map_err(|e| {
        if e.kind() == std::io::ErrorKind::AddrInUse {
            ServerError::AddressInUse(addr)
        } else {
            ServerError::Bind { addr, source: e }
        }
    })
}

/// The application's routes (also used by tests that want a router without a socket).
fn router(state: AppState) -> Router {
    let api = Router::new()
        .route("/info", get(handlers::info::info))
        .route("/auth/login", post(handlers::auth::login))
        .route("/auth/token-login", post(handlers::auth::token_login))
        .route("/auth/refresh", post(handlers::auth::refresh))
        .route("/auth/logout", post(handlers::auth::logout))
        .route("/me", get(handlers::me::me))
        .route("/me/password", post(handlers::me::change_password))
        .route(
            "/accounts/{account_id}/licenses",
            get(handlers::licenses::list),
        )
        .route(
            "/accounts/{account_id}/licenses/change",
            post(handlers::licenses::change),
        )
        .route(
            "/accounts/{account_id}/locations",
            get(handlers::locations::list),
        )
        .route("/accounts/{account_id}/audit", get(handlers::audit::list))
        .route(
            "/accounts/{account_id}/users",
            get(handlers::users::list).post(handlers::users::create),
        )
        .route(
            "/accounts/{account_id}/users/import",
            post(handlers::users::import_batch),
        )
        .route(
            "/accounts/{account_id}/users/existing",
            post(handlers::users::existing_emails).layer(axum::extract::DefaultBodyLimit::max(
                EXISTING_EMAILS_BODY_LIMIT,
            )),
        )
        .route(
            "/accounts/{account_id}/users/restore",
            post(handlers::users::restore),
        )
        .route(
            "/accounts/{account_id}/users/{user_id}",
            get(handlers::users::get_user)
                .patch(handlers::users::update_user)
                .delete(handlers::users::delete_user),
        )
        .route(
            "/accounts/{account_id}/users/{user_id}/reset-password",
            post(handlers::users::reset_password),
        )
        .route(
            "/accounts/{account_id}/offline-license",
            get(handlers::offline_license::status).post(handlers::offline_license::issue),
        )
        .route(
            "/accounts/{account_id}/offline-license/activate",
            post(handlers::offline_license::activate),
        )
        .route(
            "/accounts/{account_id}/offline-license/{license_id}/revoke",
            post(handlers::offline_license::revoke),
        )
        .route(
            "/accounts/{account_id}/installers",
            get(handlers::downloads::list),
        )
        .route(
            "/accounts/{account_id}/installers/{installer_id}/file",
            get(handlers::downloads::file),
        )
        .route(
            "/app/update/{target}/{arch}/{current_version}",
            get(handlers::downloads::update),
        )
        .route(
            "/app/releases/{version}/{file}",
            get(handlers::downloads::release_file),
        )
        .route("/accounts/{account_id}", get(handlers::accounts::account))
        .route(
            "/accounts/{account_id}/summary",
            get(handlers::accounts::summary),
        );
    Router::new()
        .nest(kontor_api::API_PREFIX, api)
        .route("/api/health", get(handlers::info::health))
        .route(
            "/api/license/public-key",
            get(handlers::offline_license::public_key),
        )
        .route(
            "/api/openapi.json",
            get(|| async { Json(openapi::document()) }),
        )
        .fallback(error::fallback)
        .layer(axum::middleware::map_response(error::json_errors))
        .with_state(state)
}

async fn serve(
    listener: tokio::net::TcpListener,
    config: Config,
    db: Arc<dyn Database>,
    clock: Arc<dyn Clock>,
    signer: Arc<licensing::LicenseSigner>,
    owns_db: bool,
) -> Result<RunningServer, ServerError> {
    let addr = listener.local_addr().map_err(|e| ServerError::Bind {
        addr: config.bind,
        source: e,
    })?;
    let dummy_hash = auth::hash_password_blocking(auth::new_session_token()).await?;
    let state = AppState {
        db: db.clone(),
        clock,
        config: Arc::new(config),
        throttle: Arc::new(auth::Throttle::new(10, 300)),
        dummy_hash: Arc::new(dummy_hash),
        signer,
    };
    let purge_clock = state.clock.clone();
    let app = router(state).into_make_service_with_connect_info::<SocketAddr>();
    let (purge_stop, mut purge_rx) = oneshot::channel::<()>();
    let purge_db = db.clone();
    let purge_task = tokio::spawn(async move {
        // First tick at once: purge at start, then hourly, until shutdown.
        let mut every = tokio::time::interval(PURGE_INTERVAL);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = &mut purge_rx => break,
                _ = every.tick() => {
                    match purge_deleted_users(purge_db.as_ref(), purge_clock.now()).await {
                        Ok(0) => {}
                        Ok(n) => tracing::info!(purged = n, "purged deleted users"),
                        Err(e) => tracing::error!(error = %e, "purging deleted users failed"),
                    }
                }
            }
        }
    });
    let (tx, rx) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let result = axum::serve(listener, app)
            .with_graceful_shutdown(async {
                // A dropped RunningServer also stops the server.
                let _ = rx.await;
            })
            .await;
        if let Err(e) = result {
            tracing::error!(error = %e, "server stopped with an error");
        }
        if owns_db {
            db.close().await;
        }
    });
    tracing::info!(%addr, "kontor-server listening");
    Ok(RunningServer {
        addr,
        shutdown: Some(tx),
        task,
        purge_stop: Some(purge_stop),
        purge_task: Some(purge_task),
    })
}

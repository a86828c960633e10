//! Kontor portal server: the vendor's customer-account API over SQLite or PostgreSQL.
//!
//! Layout, lower layers first (a module imports only from layers below it):
//! - `clock`, `config` (`Config`), `error` (`DbError`, `ServerError`), `domain` (`Actor`, `Refusal`,
//!   `Outcome`: shared by services, storage, handlers and the CLI), `throttle` (the sign-in throttle),
//!   `credentials` (tokens, password hashes, temporary passwords);
//! - `db` (the `Database`, `UserStore`, `LicenseStore` and `InstallerStore` traits, one implementation for
//!   both backends);
//! - the services, shared by API and CLI: `service::users` (who may change whose role, the owner rules,
//!   creating users, committing import batches), `service::sessions` (sign-in, refresh rotation, sign-out,
//!   changing the own password), `licensing` (the offline-license signing key file and issuing),
//!   `service::catalog` and `service::subscription` (the package catalog file; subscription, package
//!   change and due downgrades), `installers` (the installer content store), `releases` (the app's self-update releases folder and
//!   signing), `import` (the CLI's file import), `seed` (demo data);
//! - `mail` (templates, the SMTP or `.eml` transport, the outbox worker `serve` runs); `jobs` (the
//!   background jobs, run once across replicas through a lease row);
//! - HTTP: `http_error` (`ApiError`), `auth` (the `AuthUser` extractor), `state`,
//!   `handlers` (one module per resource: extract, call the storage or a service, answer), `router` (the
//!   routes and the OpenAPI document; the only module that imports `handlers`).
//!
//! Tenancy: every account-scoped query is filtered by the caller's account id; other accounts are 404.

use std::net::SocketAddr;
use std::sync::Arc;

use tokio::sync::oneshot;
use tokio::task::JoinHandle;

mod auth;
pub mod clock;
pub mod config;
mod credentials;
pub mod db;
pub mod domain;
pub mod error;
mod handlers;
mod http_error;
pub mod import;
pub mod installers;
pub mod jobs; // replica12
pub mod licensing;
pub mod mail;
pub mod proxy;
pub mod releases;
mod router;
pub mod search_index; // issue 12: imported users enter the search index after their import
pub mod seed;
mod service;
mod state;
pub mod tax;
pub mod throttle;
pub mod vendor;

pub use clock::{Clock, ManualClock, SystemClock};
pub use config::Config;
pub use credentials::{
    hash_password, hash_token, new_license_token, new_session_token, verify_password,
};
pub use db::{open_database, Database};
pub use error::{DbError, ServerError};
pub use router::openapi;
pub use service::accounts;
pub use service::invoicing; // acct9
pub use service::support; // support9

use state::AppState;

pub use jobs::{apply_due_changes, purge_deleted_users, run_due_jobs, PURGE_INTERVAL}; // replica12

/// Parses and validates a package catalog file (`packages import`); `Err` lists every located problem.
pub fn parse_catalog(text: &str) -> Result<db::subscriptions::CatalogDef, Vec<String>> {
    service::catalog::parse(text)
}

/// A server running on a background task.
#[derive(Debug)]
pub struct RunningServer {
    pub addr: SocketAddr,
    shutdown: Option<oneshot::Sender<()>>,
    task: JoinHandle<()>,
    purge_stop: Option<oneshot::Sender<()>>,
    purge_task: Option<JoinHandle<()>>,
    mail_stop: Option<oneshot::Sender<()>>,
    mail_task: Option<JoinHandle<()>>,
    search_stop: Option<oneshot::Sender<()>>,
    search_task: Option<JoinHandle<()>>,
}

impl RunningServer {
    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops accepting, lets running requests finish, and waits for the server task.
    pub async fn shutdown(mut self) {
        if let Some(tx) = self.mail_stop.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.mail_task.take() {
            if let Err(e) = t.await {
                tracing::error!(error = %e, "outbox worker failed");
            }
        }
        if let Some(tx) = self.search_stop.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.search_task.take() {
            if let Err(e) = t.await {
                tracing::error!(error = %e, "search indexer failed");
            }
        }
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
    if let Err(e) = licensing::same_key_as_recorded(db.as_ref(), &signer, SystemClock.now()).await {
        db.close().await;
        return Err(e);
    }
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

/// The configured key file, else the data directory's, or an in-memory key without either.
fn signer_for(config: &Config) -> Result<Arc<licensing::LicenseSigner>, ServerError> {
    Ok(Arc::new(
        match (&config.signing_key_file, &config.data_dir) {
            (Some(file), _) => licensing::LicenseSigner::load_or_create_file(file)?,
            (None, Some(dir)) => licensing::LicenseSigner::load_or_create(dir)?,
            (None, None) => licensing::LicenseSigner::ephemeral(),
        },
    ))
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
    let mailer = mail::Mailer::from_config(&config.mail)?;
    let hashes = Arc::new(credentials::HashPool::per_core());
    let dummy_hash = hashes
        .hash(credentials::new_session_token())
        .await
        .map_err(|e| ServerError::Internal(format!("dummy hash: {e:?}")))?;
    // replica12: the rate-limit counters live in the database, shared by every replica.
    let limits: Arc<dyn throttle::LimitStore> = db.clone();
    let state = AppState {
        db: db.clone(),
        clock,
        config: Arc::new(config),
        throttle: Arc::new(throttle::Throttle::new(
            "sign_in",
            throttle::Limits::default(),
            limits.clone(),
        )),
        hashes,
        issue_limit: Arc::new(throttle::Throttle::new(
            "offline_license",
            throttle::Limits {
                per_key_ip: 20,
                per_ip: 20,
                global: usize::MAX,
                ..throttle::Limits::default()
            },
            limits.clone(),
        )),
        dummy_hash: Arc::new(dummy_hash),
        signer,
        reset_limit: Arc::new(throttle::Throttle::new(
            "reset_by_ip",
            throttle::Limits {
                per_key_ip: usize::MAX,
                ..throttle::RESET_LIMITS
            },
            limits.clone(),
        )),
        reset_limit_by_address: Arc::new(throttle::Throttle::new(
            "reset_by_address",
            throttle::Limits {
                per_ip: usize::MAX,
                ..throttle::RESET_LIMITS
            },
            limits.clone(),
        )),
        // support9
        support_limit: Arc::new(throttle::Throttle::new(
            "support_ticket",
            service::support::TICKET_LIMITS,
            limits,
        )),
        search_index: Arc::new(search_index::SearchIndexer::new()),
    };
    let (mail_stop, mail_task) = match mailer {
        Some(m) => {
            let (stop, task) =
                mail::spawn_worker(db.clone(), m, state.clock.clone(), state.config.mail.poll);
            (Some(stop), Some(task))
        }
        None => (None, None),
    };
    // replica12: background jobs run once across replicas (`jobs`).
    let tick = if owns_db {
        jobs::JOB_TICK
    } else {
        jobs::PURGE_INTERVAL
    };
    let (purge_stop, purge_task) = jobs::spawn(db.clone(), state.clock.clone(), tick);
    let (search_stop, search_task) = match state.config.search_index_idle {
        Some(idle) => {
            let (stop, task) = search_index::spawn(db.clone(), state.search_index.clone(), idle);
            (Some(stop), Some(task))
        }
        None => (None, None),
    };
    let app = router::router(state).into_make_service_with_connect_info::<SocketAddr>();
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
        mail_stop,
        mail_task,
        search_stop,
        search_task,
    })
}

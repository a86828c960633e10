//! The SQLite backend: connection options (WAL, foreign keys, busy timeout), the file lock, and its migrations.

use std::fs::{File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions};
use sqlx::{Pool, Sqlite};

use crate::error::ServerError;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("migrations/sqlite");

/// A migrated SQLite database. For a file, holds an exclusive lock on `<file>.lock` for its whole life,
/// so a second kontor-server cannot use the same file.
pub struct SqliteDatabase {
    pub(crate) pool: Pool<Sqlite>,
    /// One write transaction at a time, queued fairly (see `db::users`).
    pub(crate) write_lock: tokio::sync::Mutex<()>,
    _lock: Option<File>,
}

impl SqliteDatabase {
    pub async fn open(url: &str) -> Result<Self, ServerError> {
        let bad = |e: sqlx::Error| ServerError::Database(format!("bad SQLite database URL: {e}"));
        let base = SqliteConnectOptions::from_str(url).map_err(bad)?;
        let memory = url.contains(":memory:") || url.contains("mode=memory");
        let (opts, lock, max) = if memory {
            (base.foreign_keys(true), None, 1)
        } else {
            let path = base.get_filename().to_path_buf();
            let lock = take_lock(&path)?;
            let opts = base
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(30));
            (opts, Some(lock), 8)
        };
        let mut pool_opts = SqlitePoolOptions::new().max_connections(max);
        if memory {
            // An in-memory database lives as long as a connection to it does.
            pool_opts = pool_opts
                .min_connections(1)
                .idle_timeout(None)
                .max_lifetime(None);
        }
        let pool = pool_opts.connect_with(opts).await.map_err(|e| {
            ServerError::Database(format!("cannot open SQLite database {url}: {e}"))
        })?;
        MIGRATOR
            .run(&pool)
            .await
            .map_err(|e| ServerError::Database(format!("SQLite migration failed: {e}")))?;
        Ok(Self {
            pool,
            write_lock: tokio::sync::Mutex::new(()),
            _lock: lock,
        })
    }
}

fn lock_path(db: &Path) -> PathBuf {
    let mut s = db.as_os_str().to_owned();
    s.push(".lock");
    PathBuf::from(s)
}

fn take_lock(db: &Path) -> Result<File, ServerError> {
    let path = lock_path(db);
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| {
            ServerError::Database(format!(
                "cannot use SQLite database {}: cannot create {}: {e}",
                db.display(),
                path.display()
            ))
        })?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(TryLockError::WouldBlock) => Err(ServerError::DatabaseInUse(db.display().to_string())),
        Err(TryLockError::Error(e)) => Err(ServerError::Database(format!(
            "cannot lock {}: {e}",
            path.display()
        ))),
    }
}

//! The SQLite backend: connection options (WAL, foreign keys, busy timeout), private file modes (0700
//! directory, 0600 files), the file lock, and its migrations.

use std::fs::{File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions};
use sqlx::{Pool, Sqlite};

use crate::db::backend::{WriteLock, WRITER_CACHE_KIB};
use crate::db::statistics::PlannerStats;
use crate::error::ServerError;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("migrations/sqlite");

/// A migrated SQLite database. For a file, holds an exclusive lock on `<file>.lock` for its whole life,
/// so a second kontor-server cannot use the same file.
pub struct SqliteDatabase {
    pub(crate) pool: Pool<Sqlite>,
    /// One write transaction at a time, queued fairly, on one writer connection (`db::backend`).
    pub(crate) write_lock: WriteLock<Sqlite>,
    _lock: Option<File>,
}

impl SqliteDatabase {
    pub async fn open(url: &str) -> Result<Self, ServerError> {
        let bad = |e: sqlx::Error| ServerError::Database(format!("bad SQLite database URL: {e}"));
        let base = SqliteConnectOptions::from_str(url).map_err(bad)?;
        let memory = url.contains(":memory:") || url.contains("mode=memory");
        let (opts, lock, max, writer_opts) = if memory {
            (base.foreign_keys(true), None, 1, None)
        } else {
            let path = base.get_filename().to_path_buf();
            private_files(&path)?;
            let lock = take_lock(&path)?;
            let opts = base
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(30))
                // Statement journals and sorts in memory, not in files under /var/tmp: a 400-row INSERT of an
                // import batch wrote its statement journal (more than SQLite's 64 KiB in memory) to a new temp
                // file, ~25 files per 100,000-user import.
                .pragma("temp_store", "memory");
            // The writer's larger page cache: an import batch's pages stay in it (`db::backend::WriteLock`).
            let writer_opts = opts
                .clone()
                .pragma("cache_size", format!("-{WRITER_CACHE_KIB}"));
            (opts, Some(lock), 8, Some(writer_opts))
        };
        // No ping when a connection is taken from the pool (sqlx's default: a round trip to the connection's
        // worker thread before every statement run on the pool): a SQLite connection is an open file in this
        // process and does not die idle; sqlx still checks it when it goes back.
        let mut pool_opts = SqlitePoolOptions::new()
            .max_connections(max)
            .test_before_acquire(false);
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
        migrate(&pool).await?;
        // An in-memory database is one connection's: it writes on that one.
        let writer = match writer_opts {
            Some(o) => Some(
                SqlitePoolOptions::new()
                    .max_connections(1)
                    .test_before_acquire(false)
                    .connect_with(o)
                    .await
                    .map_err(|e| {
                        ServerError::Database(format!("cannot open SQLite database {url}: {e}"))
                    })?,
            ),
            None => None,
        };
        // Audit entries written before the hash chain existed are chained once (see `db::audit`).
        let chained = crate::db::audit::Chain::<Sqlite>::chain_unchained(&pool)
            .await
            .map_err(|e| ServerError::Database(format!("cannot chain the audit log: {e}")))?;
        if chained > 0 {
            tracing::info!(chained, "audit log entries chained");
        }
        Ok(Self {
            pool,
            write_lock: WriteLock::new(writer),
            _lock: lock,
        })
    }

    /// None: SQLite's plans are chosen in code, not by statistics (`db::statistics`).
    pub(crate) fn planner_stats(&self) -> Option<&Arc<PlannerStats>> {
        None
    }
}

/// Runs the migrations on one connection with `foreign_keys` OFF (SQLite cannot change it inside the
/// migration's transaction), so a table rebuild (`20261224020000_email_per_account`) neither cascades nor
/// breaks references; then turns it back on and refuses to go on if any reference is broken.
async fn migrate(pool: &Pool<Sqlite>) -> Result<(), ServerError> {
    let failed =
        |e: &dyn std::fmt::Display| ServerError::Database(format!("SQLite migration failed: {e}"));
    let mut conn = pool.acquire().await.map_err(|e| failed(&e))?;
    sqlx::query("PRAGMA foreign_keys = OFF")
        .execute(&mut *conn)
        .await
        .map_err(|e| failed(&e))?;
    let run = MIGRATOR.run(&mut *conn).await;
    sqlx::query("PRAGMA foreign_keys = ON")
        .execute(&mut *conn)
        .await
        .map_err(|e| failed(&e))?;
    run.map_err(|e| failed(&e))?;
    let broken: Vec<(String,)> = sqlx::query_as("SELECT \"table\" FROM pragma_foreign_key_check")
        .fetch_all(&mut *conn)
        .await
        .map_err(|e| failed(&e))?;
    if let Some((table,)) = broken.first() {
        return Err(failed(&format!(
            "{} broken references after the migrations (first in table {table})",
            broken.len()
        )));
    }
    Ok(())
}

/// The database holds password hashes and personal data: its directory is created 0700 if missing, and the
/// file is created 0600 before SQLite opens it (SQLite gives `-wal` and `-shm` the database file's mode);
/// existing files readable by others are narrowed to 0600.
fn private_files(db: &Path) -> Result<(), ServerError> {
    let fail = |what: &Path, e: std::io::Error| {
        ServerError::Database(format!(
            "cannot use SQLite database {}: cannot create or protect {}: {e}",
            db.display(),
            what.display()
        ))
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
        if let Some(dir) = db.parent().filter(|d| !d.as_os_str().is_empty()) {
            if !dir.exists() {
                std::fs::DirBuilder::new()
                    .recursive(true)
                    .mode(0o700)
                    .create(dir)
                    .map_err(|e| fail(dir, e))?;
            }
        }
        if !db.exists() {
            OpenOptions::new()
                .write(true)
                .create(true)
                .truncate(false)
                .mode(0o600)
                .open(db)
                .map_err(|e| fail(db, e))?;
        }
        for suffix in ["", "-wal", "-shm", ".lock"] {
            let mut p = db.as_os_str().to_owned();
            p.push(suffix);
            let p = PathBuf::from(p);
            if let Ok(meta) = std::fs::metadata(&p) {
                if meta.permissions().mode() & 0o077 != 0 {
                    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o600))
                        .map_err(|e| fail(&p, e))?;
                }
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = (db, fail);
    }
    Ok(())
}

fn lock_path(db: &Path) -> PathBuf {
    let mut s = db.as_os_str().to_owned();
    s.push(".lock");
    PathBuf::from(s)
}

fn take_lock(db: &Path) -> Result<File, ServerError> {
    let path = lock_path(db);
    let mut open = OpenOptions::new();
    open.create(true).truncate(false).write(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut open, 0o600);
    let file = open.open(&path).map_err(|e| {
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

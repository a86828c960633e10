//! What the two sqlx backends both have but sqlx offers no shared trait for, so the generic storage code
//! (`store`, `licenses`, `installers`) can use it: the number of rows a statement changed, and the one way
//! every store starts a write transaction ([`begin_write`], through its [`WriteLock`]).

use sqlx::{Database, Pool, Transaction};
use tokio::sync::{Mutex, MutexGuard};

use crate::error::DbResult;

/// The server's SQLite write lock while a write transaction runs (`None` on PostgreSQL).
pub(crate) type Writer<'l> = Option<MutexGuard<'l, ()>>;

/// How a backend's writers take turns: a fair `tokio` mutex (used on SQLite) and, on SQLite with a file, the
/// one connection every write transaction runs on. SQLite has one writer at a time anyway; on one connection
/// its page cache stays warm from one write to the next and is large enough for an import batch
/// ([`WRITER_CACHE_KIB`]): from the shared pool, each write ran on the next connection in turn, whose cache the
/// other connections' writes had invalidated, and re-read its pages (the import bench's 100,000 users: read /
/// write system calls 91,600 / 160,300 → 40,800 / 121,800, BENCHMARKS.md session 16).
pub(crate) struct WriteLock<DB: Database> {
    turn: Mutex<()>,
    writer: Option<Pool<DB>>,
}

/// The SQLite writer connection's page cache, in KiB (SQLite's default is 2,000 KiB per connection).
pub(crate) const WRITER_CACHE_KIB: i64 = 65_536;

impl<DB: Database> WriteLock<DB> {
    /// Writes run on `writer` if given, else on the store's pool.
    pub(crate) fn new(writer: Option<Pool<DB>>) -> Self {
        Self {
            turn: Mutex::new(()),
            writer,
        }
    }

    /// Closes the writer connection, if any.
    pub(crate) async fn close(&self) {
        if let Some(w) = &self.writer {
            w.close().await;
        }
    }
}

/// A write transaction. On SQLite: after the database's write lock (`write_lock`, a fair `tokio` mutex held
/// until the returned guard drops, after the commit), on its writer connection, and with `BEGIN IMMEDIATE`,
/// so the transaction holds SQLite's own write lock from its first statement: writers queue in the server,
/// first come first served, instead of waiting out the busy timeout and failing with `database is locked`
/// (HTTP 500). On PostgreSQL a plain transaction; row locks order writers there. Never call it while holding
/// its guard (the lock is not reentrant).
pub(crate) async fn begin_write<'l, DB: Database>(
    pool: &Pool<DB>,
    write_lock: &'l WriteLock<DB>,
) -> DbResult<(Writer<'l>, Transaction<'static, DB>)> {
    if DB::NAME == "SQLite" {
        let guard = write_lock.turn.lock().await;
        let tx = write_lock
            .writer
            .as_ref()
            .unwrap_or(pool)
            .begin_with("BEGIN IMMEDIATE")
            .await?;
        Ok((Some(guard), tx))
    } else {
        Ok((None, pool.begin().await?))
    }
}

/// How many rows a statement changed.
pub(crate) trait RowsAffected {
    fn affected(&self) -> u64;
}

impl RowsAffected for sqlx::sqlite::SqliteQueryResult {
    fn affected(&self) -> u64 {
        self.rows_affected()
    }
}

impl RowsAffected for sqlx::postgres::PgQueryResult {
    fn affected(&self) -> u64 {
        self.rows_affected()
    }
}

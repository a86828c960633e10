//! What the two sqlx backends both have but sqlx offers no shared trait for, so the generic storage code
//! (`store`, `licenses`, `installers`) can use it: the number of rows a statement changed, and the one way
//! every store starts a write transaction ([`begin_write`]).

use sqlx::{Database, Pool, Transaction};
use tokio::sync::{Mutex, MutexGuard};

use crate::error::DbResult;

/// The server's SQLite write lock while a write transaction runs (`None` on PostgreSQL).
pub(crate) type Writer<'l> = Option<MutexGuard<'l, ()>>;

/// A write transaction. On SQLite: after the database's write lock (`write_lock`, a fair `tokio` mutex held
/// until the returned guard drops, after the commit) and with `BEGIN IMMEDIATE`, so the transaction holds
/// SQLite's own write lock from its first statement: writers queue in the server, first come first served,
/// instead of waiting out the busy timeout and failing with `database is locked` (HTTP 500). On PostgreSQL
/// a plain transaction; row locks order writers there. Never call it while holding its guard (the lock is
/// not reentrant).
pub(crate) async fn begin_write<'l, DB: Database>(
    pool: &Pool<DB>,
    write_lock: &'l Mutex<()>,
) -> DbResult<(Writer<'l>, Transaction<'static, DB>)> {
    if DB::NAME == "SQLite" {
        let guard = write_lock.lock().await;
        let tx = pool.begin_with("BEGIN IMMEDIATE").await?;
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

//! The PostgreSQL backend: the pool, its migrations and its planner statistics' refresh.

use std::sync::Arc;
use std::time::Duration;

use sqlx::postgres::PgPoolOptions;
use sqlx::{Pool, Postgres};

use crate::db::statistics::PlannerStats;
use crate::error::ServerError;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("migrations/postgres");

/// A migrated PostgreSQL database.
/// How long a pooled connection may have been idle before it is pinged when taken (see `open`).
const PING_AFTER_IDLE: Duration = Duration::from_secs(1);

pub struct PostgresDatabase {
    pub(crate) pool: Pool<Postgres>,
    /// Unused: PostgreSQL queues writers itself (row locks).
    pub(crate) write_lock: crate::db::backend::WriteLock<Postgres>,
    /// Refreshes the planner's statistics after bulk writes (`db::statistics`).
    pub(crate) stats: Arc<PlannerStats>,
}

impl PostgresDatabase {
    pub async fn open(url: &str) -> Result<Self, ServerError> {
        let pool = PgPoolOptions::new()
            .max_connections(10)
            .acquire_timeout(Duration::from_secs(10))
            // sqlx pings a connection when it goes back to the pool and, by default, again when it is taken:
            // two round trips beside each query on a busy pool. The one on release stays (a connection in
            // the idle queue was alive when it got there); on taking, only one idle for a while is pinged, so
            // a connection that died idle (server restart, a firewall's timeout) is still replaced unseen.
            .test_before_acquire(false)
            .before_acquire(|conn, meta| {
                Box::pin(async move {
                    if meta.idle_for >= PING_AFTER_IDLE {
                        sqlx::Connection::ping(conn).await?;
                    }
                    Ok(true)
                })
            })
            .connect(url)
            .await
            .map_err(|e| ServerError::Database(format!("cannot connect to PostgreSQL: {e}")))?;
        MIGRATOR
            .run(&pool)
            .await
            .map_err(|e| ServerError::Database(format!("PostgreSQL migration failed: {e}")))?;
        // Audit entries written before the hash chain existed are chained once (see `db::audit`).
        let chained = crate::db::audit::Chain::<Postgres>::chain_unchained(&pool)
            .await
            .map_err(|e| ServerError::Database(format!("cannot chain the audit log: {e}")))?;
        if chained > 0 {
            tracing::info!(chained, "audit log entries chained");
        }
        Ok(Self {
            stats: PlannerStats::new(pool.clone()),
            pool,
            write_lock: crate::db::backend::WriteLock::new(None),
        })
    }

    /// The refresh of the planner's statistics that bulk writes report to.
    pub(crate) fn planner_stats(&self) -> Option<&Arc<PlannerStats>> {
        Some(&self.stats)
    }
}

//! The PostgreSQL backend: the pool and its migrations.

use std::time::Duration;

use sqlx::postgres::PgPoolOptions;
use sqlx::{Pool, Postgres};

use crate::error::ServerError;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("migrations/postgres");

/// A migrated PostgreSQL database.
pub struct PostgresDatabase {
    pub(crate) pool: Pool<Postgres>,
    /// Unused: PostgreSQL queues writers itself (row locks).
    pub(crate) write_lock: tokio::sync::Mutex<()>,
}

impl PostgresDatabase {
    pub async fn open(url: &str) -> Result<Self, ServerError> {
        let pool = PgPoolOptions::new()
            .max_connections(10)
            .acquire_timeout(Duration::from_secs(10))
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
            pool,
            write_lock: tokio::sync::Mutex::new(()),
        })
    }
}

//! What several replicas of the portal share through the database (issue 12): the rate-limit counters
//! (`throttle::LimitStore`), the background jobs' leases, the readiness probe and the deployment facts every
//! replica must agree on (the license-signing key's fingerprint).
//!
//! Rate limits: one transaction per attempt — one upsert inserts the missing rows and returns all of them
//! locked (PostgreSQL locks a conflicting row as `FOR UPDATE` does, in key order so two attempts never wait
//! on each other crosswise; SQLite: the server's write lock and `BEGIN IMMEDIATE`), the rule runs, one
//! multi-row upsert writes the new counts, commit: BEGIN + 2 statements + COMMIT.
//!
//! Jobs: a replica runs a job only after claiming its `jobs` row with one conditional `UPDATE` (due, and no
//! live lease of another replica); it then runs the job (whose writes are their own transactions) and marks
//! it done with the next due time. A replica killed mid-job leaves its lease, which expires, and the next
//! replica runs the job again: every job is idempotent (purge, due downgrades, expired counters).

use async_trait::async_trait;
use sqlx::{Encode, Executor, FromRow, IntoArguments, Pool, Type};

use super::backend::{RowsAffected, WriteLock};
use super::{DbResult, PostgresDatabase, SqliteDatabase};
use crate::throttle::{Counter, CounterRule, LimitStore};

/// A job's row: when it is due, who holds it, how often it ran.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct JobState {
    pub name: String,
    pub next_run_at: i64,
    pub lease_owner: Option<String>,
    pub lease_until: Option<i64>,
    pub runs: i64,
    pub last_run_at: Option<i64>,
    pub last_result: Option<String>,
}

/// Storage for running as one of several replicas.
#[async_trait]
pub trait ReplicaStore: Send + Sync {
    /// One round trip to the database (`/api/ready`).
    async fn ping(&self) -> DbResult<()>;
    /// Claims job `name` for `owner` until `lease_until` if it is due at `now` and no other replica holds a
    /// live lease; true if this replica must run it now.
    async fn claim_job(
        &self,
        name: &str,
        owner: &str,
        now: i64,
        lease_until: i64,
    ) -> DbResult<bool>;
    /// The claimed job ran: counted, lease released, due again at `next_run_at`.
    async fn finish_job(
        &self,
        name: &str,
        owner: &str,
        now: i64,
        next_run_at: i64,
        result: &str,
    ) -> DbResult<()>;
    /// The claimed job failed: lease released, due as before (the next tick tries again).
    async fn release_job(&self, name: &str, owner: &str, result: &str) -> DbResult<()>;
    async fn job_state(&self, name: &str) -> DbResult<Option<JobState>>;
    /// Records `value` under `name` unless a value is recorded already; returns the recorded value.
    async fn record_setting(&self, name: &str, value: &str, now: i64) -> DbResult<String>;
    /// Deletes rate-limit counters whose last failure is before `before`; returns how many.
    async fn delete_stale_counters(&self, before: i64) -> DbResult<u64>;
}

const PING: &str = "SELECT 1";
const ENSURE_JOB: &str = "INSERT INTO jobs (name) VALUES ($1) ON CONFLICT (name) DO NOTHING";
const CLAIM_JOB: &str = "UPDATE jobs SET lease_owner = $2, lease_until = $3 \
     WHERE name = $1 AND next_run_at <= $4 AND (lease_until IS NULL OR lease_until <= $4)";
const FINISH_JOB: &str =
    "UPDATE jobs SET lease_owner = NULL, lease_until = NULL, runs = runs + 1, \
     last_run_at = $3, next_run_at = $4, last_result = $5 WHERE name = $1 AND lease_owner = $2";
const RELEASE_JOB: &str =
    "UPDATE jobs SET lease_owner = NULL, lease_until = NULL, last_result = $3 \
     WHERE name = $1 AND lease_owner = $2";
const JOB_STATE: &str = "SELECT name, next_run_at, lease_owner, lease_until, runs, last_run_at, \
     last_result FROM jobs WHERE name = $1";
const RECORD_SETTING: &str = "INSERT INTO server_settings (name, value, recorded_at) \
     VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING";
const SETTING: &str = "SELECT value FROM server_settings WHERE name = $1";
const DELETE_STALE: &str = "DELETE FROM rate_limits WHERE last_at < $1";

#[derive(FromRow)]
struct CounterRow {
    key: String,
    window_start: i64,
    count: i64,
    last_at: i64,
}

/// `($1, $k, 0, 0, 0), …` for keys `$2…`.
fn value_rows(n: usize, zeros: bool) -> String {
    (0..n)
        .map(|i| {
            if zeros {
                format!("($1, ${}, 0, 0, 0)", i + 2)
            } else {
                let b = 2 + i * 4;
                format!("($1, ${}, ${}, ${}, ${})", b, b + 1, b + 2, b + 3)
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

struct Sql<'p, DB: sqlx::Database> {
    pool: &'p Pool<DB>,
    write_lock: &'p WriteLock<DB>,
}

impl<DB> Sql<'_, DB>
where
    DB: sqlx::Database,
    DB::QueryResult: RowsAffected,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'c> &'c Pool<DB>: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> &'q str: Encode<'q, DB> + Type<DB>,
    for<'q> String: Encode<'q, DB> + Type<DB>,
    for<'q> i64: Encode<'q, DB> + Type<DB>,
    for<'r> (String,): FromRow<'r, DB::Row>,
    for<'r> (i32,): FromRow<'r, DB::Row>,
    for<'r> CounterRow: FromRow<'r, DB::Row>,
    for<'r> JobState: FromRow<'r, DB::Row>,
{
    /// A write transaction; on SQLite after the server's write lock and with `BEGIN IMMEDIATE`.
    async fn begin_write(
        &self,
    ) -> DbResult<(
        Option<tokio::sync::MutexGuard<'_, ()>>,
        sqlx::Transaction<'static, DB>,
    )> {
        super::backend::begin_write(self.pool, self.write_lock).await
    }

    async fn update_counters(
        &self,
        name: &str,
        keys: &[String],
        rule: &CounterRule<'_>,
    ) -> DbResult<Result<(), i64>> {
        if keys.is_empty() {
            return Ok(rule(&[]).map(|_| ()));
        }
        let mut sorted: Vec<&String> = keys.iter().collect();
        sorted.sort();
        sorted.dedup();
        let (_writer, mut tx) = self.begin_write().await?;
        // Inserts the missing rows and locks them all (PostgreSQL: a conflicting row is locked as by
        // `FOR UPDATE`; in key order), returning the stored counts: one round trip.
        let lock = format!(
            "INSERT INTO rate_limits (name, key, window_start, count, last_at) VALUES {} \
             ON CONFLICT (name, key) DO UPDATE SET count = rate_limits.count \
             RETURNING key, window_start, count, last_at",
            value_rows(sorted.len(), true)
        );
        let mut q = sqlx::query_as::<DB, CounterRow>(&lock).bind(name);
        for k in &sorted {
            q = q.bind(k.as_str());
        }
        let rows = q.fetch_all(&mut *tx).await?;
        let stored: Vec<Counter> = keys
            .iter()
            .map(|k| {
                rows.iter()
                    .find(|r| &r.key == k)
                    .map(|r| Counter {
                        window_start: r.window_start,
                        count: r.count,
                        last_at: r.last_at,
                    })
                    .unwrap_or_default()
            })
            .collect();
        let new = match rule(&stored) {
            Ok(new) => new,
            Err(wait) => {
                // Nothing to write: the rows ensured above are empty counters (removed by the cleanup).
                tx.commit().await?;
                return Ok(Err(wait));
            }
        };
        let write = format!(
            "INSERT INTO rate_limits (name, key, window_start, count, last_at) VALUES {} \
             ON CONFLICT (name, key) DO UPDATE SET window_start = excluded.window_start, \
             count = excluded.count, last_at = excluded.last_at",
            value_rows(keys.len().min(new.len()), false)
        );
        let mut q = sqlx::query::<DB>(&write).bind(name);
        for (k, c) in keys.iter().zip(&new) {
            q = q
                .bind(k.as_str())
                .bind(c.window_start)
                .bind(c.count)
                .bind(c.last_at);
        }
        q.execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(Ok(()))
    }

    async fn ping(&self) -> DbResult<()> {
        sqlx::query_as::<DB, (i32,)>(PING)
            .fetch_one(self.pool)
            .await?;
        Ok(())
    }

    async fn claim_job(
        &self,
        name: &str,
        owner: &str,
        now: i64,
        lease_until: i64,
    ) -> DbResult<bool> {
        let (_writer, mut tx) = self.begin_write().await?;
        sqlx::query::<DB>(ENSURE_JOB)
            .bind(name)
            .execute(&mut *tx)
            .await?;
        let n = sqlx::query::<DB>(CLAIM_JOB)
            .bind(name)
            .bind(owner)
            .bind(lease_until)
            .bind(now)
            .execute(&mut *tx)
            .await?
            .affected();
        tx.commit().await?;
        Ok(n == 1)
    }

    async fn finish_job(
        &self,
        name: &str,
        owner: &str,
        now: i64,
        next_run_at: i64,
        result: &str,
    ) -> DbResult<()> {
        let (_writer, mut tx) = self.begin_write().await?;
        sqlx::query::<DB>(FINISH_JOB)
            .bind(name)
            .bind(owner)
            .bind(now)
            .bind(next_run_at)
            .bind(result)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn release_job(&self, name: &str, owner: &str, result: &str) -> DbResult<()> {
        let (_writer, mut tx) = self.begin_write().await?;
        sqlx::query::<DB>(RELEASE_JOB)
            .bind(name)
            .bind(owner)
            .bind(result)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn job_state(&self, name: &str) -> DbResult<Option<JobState>> {
        Ok(sqlx::query_as::<DB, JobState>(JOB_STATE)
            .bind(name)
            .fetch_optional(self.pool)
            .await?)
    }

    async fn record_setting(&self, name: &str, value: &str, now: i64) -> DbResult<String> {
        let (_writer, mut tx) = self.begin_write().await?;
        sqlx::query::<DB>(RECORD_SETTING)
            .bind(name)
            .bind(value)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        let (v,) = sqlx::query_as::<DB, (String,)>(SETTING)
            .bind(name)
            .fetch_one(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(v)
    }

    async fn delete_stale_counters(&self, before: i64) -> DbResult<u64> {
        let (_writer, mut tx) = self.begin_write().await?;
        let n = sqlx::query::<DB>(DELETE_STALE)
            .bind(before)
            .execute(&mut *tx)
            .await?
            .affected();
        tx.commit().await?;
        Ok(n)
    }
}

/// Implements [`LimitStore`] and [`ReplicaStore`] for a backend by forwarding to [`Sql`].
macro_rules! impl_replica_store {
    ($ty:ty, $db:ty, $sqlite:literal) => {
        impl $ty {
            fn replica_sql(&self) -> Sql<'_, $db> {
                Sql {
                    pool: &self.pool,
                    write_lock: &self.write_lock,
                }
            }
        }

        #[async_trait]
        impl LimitStore for $ty {
            async fn update_counters(
                &self,
                name: &str,
                keys: &[String],
                rule: &CounterRule<'_>,
            ) -> DbResult<Result<(), i64>> {
                self.replica_sql().update_counters(name, keys, rule).await
            }
        }

        #[async_trait]
        impl ReplicaStore for $ty {
            async fn ping(&self) -> DbResult<()> {
                self.replica_sql().ping().await
            }
            async fn claim_job(
                &self,
                name: &str,
                owner: &str,
                now: i64,
                lease_until: i64,
            ) -> DbResult<bool> {
                self.replica_sql()
                    .claim_job(name, owner, now, lease_until)
                    .await
            }
            async fn finish_job(
                &self,
                name: &str,
                owner: &str,
                now: i64,
                next_run_at: i64,
                result: &str,
            ) -> DbResult<()> {
                self.replica_sql()
                    .finish_job(name, owner, now, next_run_at, result)
                    .await
            }
            async fn release_job(&self, name: &str, owner: &str, result: &str) -> DbResult<()> {
                self.replica_sql().release_job(name, owner, result).await
            }
            async fn job_state(&self, name: &str) -> DbResult<Option<JobState>> {
                self.replica_sql().job_state(name).await
            }
            async fn record_setting(&self, name: &str, value: &str, now: i64) -> DbResult<String> {
                self.replica_sql().record_setting(name, value, now).await
            }
            async fn delete_stale_counters(&self, before: i64) -> DbResult<u64> {
                self.replica_sql().delete_stale_counters(before).await
            }
        }
    };
}

impl_replica_store!(SqliteDatabase, sqlx::Sqlite, true);
impl_replica_store!(PostgresDatabase, sqlx::Postgres, false);

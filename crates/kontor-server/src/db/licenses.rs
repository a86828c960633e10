//! The offline-license half of the storage ([`LicenseStore`], a supertrait of `Database`): the signed license
//! files the portal issued, the activation limit, machine activation and revocation.
//!
//! A live (not revoked) machine-bound license is one activation. Recording a machine-bound license locks the
//! account's subscription row first (PostgreSQL `SELECT … FOR UPDATE`; SQLite a no-op `UPDATE`, which takes
//! the write lock at once), then counts, revokes the same machine's old license or refuses at the limit,
//! inserts and writes the audit events, all in one transaction: concurrent activations cannot exceed it.

use async_trait::async_trait;
use kontor_api::{ErrorDetail, Resource};
use sqlx::{Encode, Executor, FromRow, IntoArguments, Pool, Type};

use crate::db::audit::{Chain, NewEntry};
use crate::db::backend::{begin_write, RowsAffected, WriteLock};
use crate::db::postgres::PostgresDatabase;
use crate::db::sqlite::SqliteDatabase;
use crate::domain::{Actor, Outcome, Refusal};
use crate::error::DbResult;

/// One issued offline license (the signed text itself is not kept: it can be issued again).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct OfflineLicenseRecord {
    pub id: String,
    pub machine: Option<String>,
    pub hostname: Option<String>,
    pub key_id: String,
    pub issued_at: i64,
    pub expires_at: i64,
    pub revoked_at: Option<i64>,
    /// The issuing user's id, or the system actor's name (`cli`).
    pub issued_by: String,
}

/// A freshly signed license to record.
#[derive(Debug, Clone)]
pub struct NewOfflineLicense {
    pub id: String,
    /// Fingerprint of the machine it is bound to; `None`: the account-wide license.
    pub machine: Option<String>,
    pub hostname: Option<String>,
    pub key_id: String,
    pub issued_at: i64,
    pub expires_at: i64,
}

/// The refusal message when an account's activations are used up.
pub fn limit_reached(used: i64, max: i64) -> Refusal {
    let n = |v: i64| u32::try_from(v).unwrap_or(u32::MAX);
    Refusal::because(ErrorDetail::ActivationLimit {
        used: n(used),
        max: n(max),
    })
}

#[async_trait]
pub trait LicenseStore {
    /// The account's activation limit (`subscriptions.license_activations_max`); `None` without subscription.
    async fn activations_max(&self, account_id: &str) -> DbResult<Option<i64>>;
    /// The account's issued licenses, newest first.
    async fn offline_licenses(&self, account_id: &str) -> DbResult<Vec<OfflineLicenseRecord>>;
    /// Records a signed license with its audit event (`offline_license.issued`, or `offline_license.activated` for a
    /// machine-bound one) in one transaction. Machine-bound: the same machine's live license is revoked
    /// (`offline_license.revoked`) and the new one takes its place without consuming an activation; a new machine
    /// beyond the limit is refused with `Conflict` and nothing is written.
    async fn record_offline_license(
        &self,
        actor: &Actor,
        license: &NewOfflineLicense,
    ) -> Outcome<()>;
    /// Revokes a license of the actor's account (`offline_license.revoked`); revoking a revoked one changes
    /// nothing. Unknown or another account's license: `NotFound`.
    async fn revoke_offline_license(&self, actor: &Actor, license_id: &str) -> Outcome<()>;
}

const ACTIVATIONS_MAX: &str =
    "SELECT license_activations_max FROM subscriptions WHERE account_id = $1";

const OFFLINE_LICENSES: &str =
    "SELECT id, machine, hostname, key_id, issued_at, expires_at, revoked_at, \
     issued_by FROM offline_licenses WHERE account_id = $1 ORDER BY seq DESC";

const LIVE_FOR_MACHINE: &str = "SELECT id FROM offline_licenses \
     WHERE account_id = $1 AND machine = $2 AND revoked_at IS NULL";

const LIVE_ACTIVATIONS: &str = "SELECT COUNT(*) FROM offline_licenses \
     WHERE account_id = $1 AND machine IS NOT NULL AND revoked_at IS NULL";

const REVOKE_FOR_MACHINE: &str = "UPDATE offline_licenses SET revoked_at = $3 \
     WHERE account_id = $1 AND machine = $2 AND revoked_at IS NULL";

const INSERT_LICENSE: &str =
    "INSERT INTO offline_licenses (id, account_id, machine, hostname, key_id, \
     issued_at, expires_at, issued_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";

const REVOKE_LICENSE: &str = "UPDATE offline_licenses SET revoked_at = $3 \
     WHERE account_id = $1 AND id = $2 AND revoked_at IS NULL";

const LICENSE_EXISTS: &str = "SELECT id FROM offline_licenses WHERE account_id = $1 AND id = $2";

/// Locks the account's subscription row (the backends differ): SQLite a no-op `UPDATE`, which takes the
/// database write lock at once.
const SQLITE_LOCK_SUBSCRIPTION: &str =
    "UPDATE subscriptions SET license_activations_max = license_activations_max WHERE account_id = $1";

/// Locks the account's subscription row: PostgreSQL `SELECT … FOR UPDATE`.
const POSTGRES_LOCK_SUBSCRIPTION: &str =
    "SELECT account_id FROM subscriptions WHERE account_id = $1 FOR UPDATE";

macro_rules! refuse {
    ($tx:expr, $r:expr) => {{
        $tx.rollback().await?;
        return Ok(Err($r));
    }};
}

/// The offline-license statements, for any sqlx backend `DB` that has what they need (written once for
/// both; the subscription lock, which differs, is passed in).
struct Sql<DB>(std::marker::PhantomData<DB>);

impl<DB> Sql<DB>
where
    DB: sqlx::Database,
    DB::QueryResult: RowsAffected,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> &'q str: Encode<'q, DB> + Type<DB>,
    for<'q> String: Encode<'q, DB> + Type<DB>,
    for<'q> i64: Encode<'q, DB> + Type<DB>,
    for<'q> Option<&'q str>: Encode<'q, DB> + Type<DB>,
    for<'q> Option<String>: Encode<'q, DB> + Type<DB>,
    for<'r> (String,): FromRow<'r, DB::Row>,
    for<'r> (i64,): FromRow<'r, DB::Row>,
    for<'r> OfflineLicenseRecord: FromRow<'r, DB::Row>,
    for<'r> (i64, String): FromRow<'r, DB::Row>,
    for<'r> (Option<String>,): FromRow<'r, DB::Row>,
{
    /// One audit event of `actor`, with the actor's e-mail (or system name) kept with it.
    async fn audit(
        c: &mut DB::Connection,
        actor: &Actor,
        event: &str,
        target: &str,
    ) -> DbResult<()> {
        let user_id = match actor.system {
            Some(_) => None,
            None => Some(actor.user_id.as_str()),
        };
        let actor_email = match (&actor.system, user_id) {
            (Some(name), _) => Some(name.clone()),
            (None, Some(id)) => Chain::<DB>::actor_email(&mut *c, id).await?,
            (None, None) => None,
        };
        Chain::<DB>::append(
            c,
            &[NewEntry {
                account_id: &actor.account_id,
                actor_user_id: user_id,
                actor_email: actor_email.as_deref(),
                event,
                target: Some(target),
                ip: actor.ip.as_deref(),
                at: actor.at,
            }],
        )
        .await
    }

    async fn activations_max(pool: &Pool<DB>, account_id: &str) -> DbResult<Option<i64>> {
        Ok(sqlx::query_scalar::<DB, i64>(ACTIVATIONS_MAX)
            .bind(account_id)
            .fetch_optional(pool)
            .await?)
    }

    async fn offline_licenses(
        pool: &Pool<DB>,
        account_id: &str,
    ) -> DbResult<Vec<OfflineLicenseRecord>> {
        Ok(sqlx::query_as::<DB, OfflineLicenseRecord>(OFFLINE_LICENSES)
            .bind(account_id)
            .fetch_all(pool)
            .await?)
    }

    /// `lock`: the backend's statement that locks the account's subscription row.
    async fn record_offline_license(
        pool: &Pool<DB>,
        write_lock: &WriteLock<DB>,
        lock: &'static str,
        actor: &Actor,
        l: &NewOfflineLicense,
    ) -> Outcome<()> {
        let (_writer, mut tx) = begin_write(pool, write_lock).await?;
        let account_id = actor.account_id.as_str();
        // First statement: lock the subscription row (SQLite: the write lock).
        sqlx::query::<DB>(lock)
            .bind(account_id)
            .execute(&mut *tx)
            .await?;
        let max: Option<i64> = sqlx::query_scalar::<DB, i64>(ACTIVATIONS_MAX)
            .bind(account_id)
            .fetch_optional(&mut *tx)
            .await?;
        let Some(max) = max else {
            refuse!(tx, Refusal::not_found(Resource::Subscription));
        };
        let mut replaced: Vec<String> = Vec::new();
        if let Some(machine) = &l.machine {
            replaced = sqlx::query_scalar::<DB, String>(LIVE_FOR_MACHINE)
                .bind(account_id)
                .bind(machine)
                .fetch_all(&mut *tx)
                .await?;
            if replaced.is_empty() {
                let used: i64 = sqlx::query_scalar::<DB, i64>(LIVE_ACTIVATIONS)
                    .bind(account_id)
                    .fetch_one(&mut *tx)
                    .await?;
                if used >= max {
                    refuse!(tx, limit_reached(used, max));
                }
            } else {
                sqlx::query::<DB>(REVOKE_FOR_MACHINE)
                    .bind(account_id)
                    .bind(machine)
                    .bind(actor.at)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        let issued_by = actor
            .system
            .clone()
            .unwrap_or_else(|| actor.user_id.clone());
        sqlx::query::<DB>(INSERT_LICENSE)
            .bind(&l.id)
            .bind(account_id)
            .bind(&l.machine)
            .bind(&l.hostname)
            .bind(&l.key_id)
            .bind(l.issued_at)
            .bind(l.expires_at)
            .bind(&issued_by)
            .execute(&mut *tx)
            .await?;
        for old in &replaced {
            Self::audit(&mut tx, actor, "offline_license.revoked", old).await?;
        }
        let event = if l.machine.is_some() {
            "offline_license.activated"
        } else {
            "offline_license.issued"
        };
        Self::audit(&mut tx, actor, event, &l.id).await?;
        tx.commit().await?;
        Ok(Ok(()))
    }

    async fn revoke_offline_license(
        pool: &Pool<DB>,
        write_lock: &WriteLock<DB>,
        actor: &Actor,
        license_id: &str,
    ) -> Outcome<()> {
        let (_writer, mut tx) = begin_write(pool, write_lock).await?;
        let n = sqlx::query::<DB>(REVOKE_LICENSE)
            .bind(&actor.account_id)
            .bind(license_id)
            .bind(actor.at)
            .execute(&mut *tx)
            .await?
            .affected();
        if n == 0 {
            let exists: Option<String> = sqlx::query_scalar::<DB, String>(LICENSE_EXISTS)
                .bind(&actor.account_id)
                .bind(license_id)
                .fetch_optional(&mut *tx)
                .await?;
            if exists.is_none() {
                refuse!(tx, Refusal::not_found(Resource::License));
            }
            // Already revoked: nothing to do.
            tx.rollback().await?;
            return Ok(Ok(()));
        }
        Self::audit(&mut tx, actor, "offline_license.revoked", license_id).await?;
        tx.commit().await?;
        Ok(Ok(()))
    }
}

/// Implements [`LicenseStore`] for a struct with a `pool: sqlx::Pool<$db>` field by calling [`Sql`];
/// `$lock` is the backend's subscription lock.
macro_rules! impl_license_store {
    ($ty:ty, $db:ty, $lock:ident) => {
        #[async_trait]
        impl LicenseStore for $ty {
            async fn activations_max(&self, account_id: &str) -> DbResult<Option<i64>> {
                Sql::<$db>::activations_max(&self.pool, account_id).await
            }
            async fn offline_licenses(
                &self,
                account_id: &str,
            ) -> DbResult<Vec<OfflineLicenseRecord>> {
                Sql::<$db>::offline_licenses(&self.pool, account_id).await
            }
            async fn record_offline_license(
                &self,
                actor: &Actor,
                license: &NewOfflineLicense,
            ) -> Outcome<()> {
                Sql::<$db>::record_offline_license(
                    &self.pool,
                    &self.write_lock,
                    $lock,
                    actor,
                    license,
                )
                .await
            }
            async fn revoke_offline_license(&self, actor: &Actor, license_id: &str) -> Outcome<()> {
                Sql::<$db>::revoke_offline_license(&self.pool, &self.write_lock, actor, license_id)
                    .await
            }
        }
    };
}

impl_license_store!(SqliteDatabase, sqlx::Sqlite, SQLITE_LOCK_SUBSCRIPTION);
impl_license_store!(PostgresDatabase, sqlx::Postgres, POSTGRES_LOCK_SUBSCRIPTION);

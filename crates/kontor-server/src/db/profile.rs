//! The signed-in user's own data ([`ProfileStore`], a supertrait of `Database`): name and mail language,
//! and their active sessions with "sign out everywhere else". A session is a refresh family: started at its
//! first row, last used at its newest (a sign-in or a refresh), from that row's IP.

use async_trait::async_trait;
use sqlx::{Encode, Executor, FromRow, IntoArguments, Pool, Type};

use crate::db::backend::{begin_write, RowsAffected, WriteLock};
use crate::db::mail::{audit_on, MailAudit};
use crate::db::postgres::PostgresDatabase;
use crate::db::sqlite::SqliteDatabase;
use crate::error::DbResult;

/// One live session family of a user.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SessionRow {
    pub family_id: String,
    pub started_at: i64,
    pub last_used_at: i64,
    pub ip: Option<String>,
    /// acct9: the device named at the sign-in or refresh of the newest row.
    pub device: Option<String>,
}

#[async_trait]
pub trait ProfileStore {
    /// Sets name and mail language of the live user, audited, in one transaction; false if no such user.
    async fn update_profile(
        &self,
        account_id: &str,
        user_id: &str,
        display_name: &str,
        language: &str,
        audit: &MailAudit,
    ) -> DbResult<bool>;
    /// The user's live session families (refresh not expired, not revoked), newest use first.
    async fn live_sessions(&self, user_id: &str, now: i64) -> DbResult<Vec<SessionRow>>;
    /// Ends every session of the user but the family `keep_family`, audited; answers how many families.
    async fn revoke_other_sessions(
        &self,
        user_id: &str,
        keep_family: &str,
        audit: &MailAudit,
    ) -> DbResult<u64>;
    /// The family of a session.
    async fn session_family(&self, session_id: &str) -> DbResult<Option<String>>;
}

const UPDATE_PROFILE: &str = "UPDATE users SET display_name = $3, name_key = $4, language = $5 \
     WHERE account_id = $1 AND id = $2 AND deleted_at IS NULL";

const LIVE_SESSIONS: &str = "SELECT s.family_id, \
     (SELECT MIN(f.created_at) FROM sessions f WHERE f.family_id = s.family_id) AS started_at, \
     s.created_at AS last_used_at, s.ip, s.device FROM sessions s \
     WHERE s.user_id = $1 AND s.revoked_at IS NULL AND s.refresh_expires_at > $2 \
     ORDER BY s.created_at DESC, s.family_id";

const COUNT_OTHER_FAMILIES: &str = "SELECT COUNT(DISTINCT family_id) FROM sessions \
     WHERE user_id = $1 AND family_id <> $2 AND revoked_at IS NULL";

const REVOKE_OTHERS: &str = "UPDATE sessions SET revoked_at = $3 \
     WHERE user_id = $1 AND family_id <> $2 AND revoked_at IS NULL";

const SESSION_FAMILY: &str = "SELECT family_id FROM sessions WHERE id = $1";

struct Sql<'p, DB: sqlx::Database> {
    pool: &'p Pool<DB>,
    write_lock: &'p WriteLock<DB>,
}

impl<DB> Sql<'_, DB>
where
    DB: sqlx::Database,
    DB::QueryResult: RowsAffected,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> &'q str: Encode<'q, DB> + Type<DB>,
    for<'q> String: Encode<'q, DB> + Type<DB>,
    for<'q> i64: Encode<'q, DB> + Type<DB>,
    for<'q> Option<String>: Encode<'q, DB> + Type<DB>,
    for<'r> (String,): FromRow<'r, DB::Row>,
    for<'r> (i64,): FromRow<'r, DB::Row>,
    for<'r> SessionRow: FromRow<'r, DB::Row>,
    for<'q> Option<&'q str>: Encode<'q, DB> + Type<DB>,
    for<'r> (i64, String): FromRow<'r, DB::Row>,
    for<'r> (Option<String>,): FromRow<'r, DB::Row>,
{
    async fn update_profile(
        &self,
        account_id: &str,
        user_id: &str,
        display_name: &str,
        language: &str,
        audit: &MailAudit,
    ) -> DbResult<bool> {
        let (_writer, mut tx) = begin_write(self.pool, self.write_lock).await?;
        let n = sqlx::query::<DB>(UPDATE_PROFILE)
            .bind(account_id)
            .bind(user_id)
            .bind(display_name)
            .bind(crate::db::users::name_key(display_name))
            .bind(language)
            .execute(&mut *tx)
            .await?
            .affected();
        if n != 1 {
            tx.rollback().await?;
            return Ok(false);
        }
        audit_on::<DB>(&mut *tx, audit).await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn live_sessions(&self, user_id: &str, now: i64) -> DbResult<Vec<SessionRow>> {
        Ok(sqlx::query_as::<DB, SessionRow>(LIVE_SESSIONS)
            .bind(user_id)
            .bind(now)
            .fetch_all(self.pool)
            .await?)
    }

    async fn revoke_other_sessions(
        &self,
        user_id: &str,
        keep_family: &str,
        audit: &MailAudit,
    ) -> DbResult<u64> {
        let (_writer, mut tx) = begin_write(self.pool, self.write_lock).await?;
        let (n,): (i64,) = sqlx::query_as::<DB, (i64,)>(COUNT_OTHER_FAMILIES)
            .bind(user_id)
            .bind(keep_family)
            .fetch_one(&mut *tx)
            .await?;
        sqlx::query::<DB>(REVOKE_OTHERS)
            .bind(user_id)
            .bind(keep_family)
            .bind(audit.at)
            .execute(&mut *tx)
            .await?;
        if n > 0 {
            audit_on::<DB>(&mut *tx, audit).await?;
        }
        tx.commit().await?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    async fn session_family(&self, session_id: &str) -> DbResult<Option<String>> {
        let row: Option<(String,)> = sqlx::query_as::<DB, (String,)>(SESSION_FAMILY)
            .bind(session_id)
            .fetch_optional(self.pool)
            .await?;
        Ok(row.map(|r| r.0))
    }
}

macro_rules! impl_profile_store {
    ($ty:ty, $db:ty, $sqlite:literal) => {
        impl $ty {
            fn profile_sql(&self) -> Sql<'_, $db> {
                Sql {
                    pool: &self.pool,
                    write_lock: &self.write_lock,
                }
            }
        }

        #[async_trait]
        impl ProfileStore for $ty {
            async fn update_profile(
                &self,
                account_id: &str,
                user_id: &str,
                display_name: &str,
                language: &str,
                audit: &MailAudit,
            ) -> DbResult<bool> {
                self.profile_sql()
                    .update_profile(account_id, user_id, display_name, language, audit)
                    .await
            }
            async fn live_sessions(&self, user_id: &str, now: i64) -> DbResult<Vec<SessionRow>> {
                self.profile_sql().live_sessions(user_id, now).await
            }
            async fn revoke_other_sessions(
                &self,
                user_id: &str,
                keep_family: &str,
                audit: &MailAudit,
            ) -> DbResult<u64> {
                self.profile_sql()
                    .revoke_other_sessions(user_id, keep_family, audit)
                    .await
            }
            async fn session_family(&self, session_id: &str) -> DbResult<Option<String>> {
                self.profile_sql().session_family(session_id).await
            }
        }
    };
}

impl_profile_store!(SqliteDatabase, sqlx::Sqlite, true);
impl_profile_store!(PostgresDatabase, sqlx::Postgres, false);

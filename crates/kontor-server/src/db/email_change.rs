//! A user's e-mail change confirmed by a code mailed to the new address ([`EmailChangeStore`], a supertrait
//! of `Database`; acct9). One pending change per user (`email_changes`): the new address and the code's hash;
//! the rules (expiry, tries, what is answered) are `service::email_change`'s.

use async_trait::async_trait;
use sqlx::{Encode, Executor, FromRow, IntoArguments, Pool, Type};

use crate::db::backend::{RowsAffected, WriteLock};
use crate::db::mail::{audit_on, enqueue_on, MailAudit, NewMail};
use crate::db::postgres::PostgresDatabase;
use crate::db::sqlite::SqliteDatabase;
use crate::error::{DbError, DbResult};

/// A user's pending change.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct EmailChangeRow {
    pub new_email: String,
    pub code_hash: String,
    pub expires_at: i64,
    pub attempts: i64,
}

/// How finishing a change ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Finished {
    Changed,
    /// The code was used or replaced meanwhile, or the user is gone.
    Gone,
    /// The address was taken meanwhile (a unique key); nothing changed.
    Taken,
}

#[async_trait]
pub trait EmailChangeStore {
    /// Replaces the user's pending change by this one and queues `mail` (the code, to the new address) with
    /// `audit`, in one transaction.
    async fn start_email_change(
        &self,
        user_id: &str,
        new_email: &str,
        code_hash: &str,
        expires_at: i64,
        mail: &NewMail,
        audit: &MailAudit,
    ) -> DbResult<()>;
    /// Ends the user's pending change (if any) and queues `mail` with `audit`, in one transaction: the
    /// request for an address that cannot be used.
    async fn refuse_email_change(
        &self,
        user_id: &str,
        mail: &NewMail,
        audit: &MailAudit,
    ) -> DbResult<()>;
    async fn email_change(&self, user_id: &str) -> DbResult<Option<EmailChangeRow>>;
    /// Counts a wrong code.
    async fn email_change_failed(&self, user_id: &str) -> DbResult<()>;
    /// Uses the code (only if it is still `code_hash`): sets the address, queues `notice` (to the old
    /// address) and `audit`, in one transaction.
    async fn finish_email_change(
        &self,
        account_id: &str,
        user_id: &str,
        code_hash: &str,
        new_email: &str,
        notice: &NewMail,
        audit: &MailAudit,
    ) -> DbResult<Finished>;
}

const UPSERT: &str = "INSERT INTO email_changes (user_id, new_email, code_hash, created_at, expires_at, \
     attempts) VALUES ($1, $2, $3, $4, $5, 0) ON CONFLICT (user_id) DO UPDATE SET \
     new_email = excluded.new_email, code_hash = excluded.code_hash, created_at = excluded.created_at, \
     expires_at = excluded.expires_at, attempts = 0";
const DELETE: &str = "DELETE FROM email_changes WHERE user_id = $1";
const GET: &str =
    "SELECT new_email, code_hash, expires_at, attempts FROM email_changes WHERE user_id = $1";
const FAILED: &str = "UPDATE email_changes SET attempts = attempts + 1 WHERE user_id = $1";
const USE: &str = "DELETE FROM email_changes WHERE user_id = $1 AND code_hash = $2";
const SET_EMAIL: &str =
    "UPDATE users SET email = $3 WHERE account_id = $1 AND id = $2 AND deleted_at IS NULL";

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
    for<'q> Option<&'q str>: Encode<'q, DB> + Type<DB>,
    for<'r> EmailChangeRow: FromRow<'r, DB::Row>,
    for<'r> (i64, String): FromRow<'r, DB::Row>,
    for<'r> (Option<String>,): FromRow<'r, DB::Row>,
{
    async fn begin_write(
        &self,
    ) -> DbResult<(
        Option<tokio::sync::MutexGuard<'_, ()>>,
        sqlx::Transaction<'static, DB>,
    )> {
        super::backend::begin_write(self.pool, self.write_lock).await
    }

    async fn start(
        &self,
        user_id: &str,
        new_email: &str,
        code_hash: &str,
        expires_at: i64,
        mail: &NewMail,
        audit: &MailAudit,
    ) -> DbResult<()> {
        let (_writer, mut tx) = self.begin_write().await?;
        sqlx::query::<DB>(UPSERT)
            .bind(user_id)
            .bind(new_email)
            .bind(code_hash)
            .bind(audit.at)
            .bind(expires_at)
            .execute(&mut *tx)
            .await?;
        enqueue_on::<DB>(&mut tx, mail).await?;
        audit_on::<DB>(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn refuse(&self, user_id: &str, mail: &NewMail, audit: &MailAudit) -> DbResult<()> {
        let (_writer, mut tx) = self.begin_write().await?;
        sqlx::query::<DB>(DELETE)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        enqueue_on::<DB>(&mut tx, mail).await?;
        audit_on::<DB>(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn get(&self, user_id: &str) -> DbResult<Option<EmailChangeRow>> {
        Ok(sqlx::query_as::<DB, EmailChangeRow>(GET)
            .bind(user_id)
            .fetch_optional(self.pool)
            .await?)
    }

    async fn failed(&self, user_id: &str) -> DbResult<()> {
        let (_writer, mut tx) = self.begin_write().await?;
        sqlx::query::<DB>(FAILED)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn finish(
        &self,
        account_id: &str,
        user_id: &str,
        code_hash: &str,
        new_email: &str,
        notice: &NewMail,
        audit: &MailAudit,
    ) -> DbResult<Finished> {
        let (_writer, mut tx) = self.begin_write().await?;
        let used = sqlx::query::<DB>(USE)
            .bind(user_id)
            .bind(code_hash)
            .execute(&mut *tx)
            .await?
            .affected();
        if used != 1 {
            tx.rollback().await?;
            return Ok(Finished::Gone);
        }
        let set = sqlx::query::<DB>(SET_EMAIL)
            .bind(account_id)
            .bind(user_id)
            .bind(new_email)
            .execute(&mut *tx)
            .await;
        match set.map_err(DbError::from) {
            Ok(r) if r.affected() == 1 => {}
            Ok(_) => {
                tx.rollback().await?;
                return Ok(Finished::Gone);
            }
            Err(DbError::Conflict(_)) => {
                tx.rollback().await?;
                return Ok(Finished::Taken);
            }
            Err(e) => return Err(e),
        }
        enqueue_on::<DB>(&mut tx, notice).await?;
        audit_on::<DB>(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(Finished::Changed)
    }
}

macro_rules! impl_email_change_store {
    ($ty:ty, $db:ty, $sqlite:literal) => {
        impl $ty {
            fn email_change_sql(&self) -> Sql<'_, $db> {
                Sql {
                    pool: &self.pool,
                    write_lock: &self.write_lock,
                }
            }
        }

        #[async_trait]
        impl EmailChangeStore for $ty {
            async fn start_email_change(
                &self,
                user_id: &str,
                new_email: &str,
                code_hash: &str,
                expires_at: i64,
                mail: &NewMail,
                audit: &MailAudit,
            ) -> DbResult<()> {
                self.email_change_sql()
                    .start(user_id, new_email, code_hash, expires_at, mail, audit)
                    .await
            }
            async fn refuse_email_change(
                &self,
                user_id: &str,
                mail: &NewMail,
                audit: &MailAudit,
            ) -> DbResult<()> {
                self.email_change_sql().refuse(user_id, mail, audit).await
            }
            async fn email_change(&self, user_id: &str) -> DbResult<Option<EmailChangeRow>> {
                self.email_change_sql().get(user_id).await
            }
            async fn email_change_failed(&self, user_id: &str) -> DbResult<()> {
                self.email_change_sql().failed(user_id).await
            }
            async fn finish_email_change(
                &self,
                account_id: &str,
                user_id: &str,
                code_hash: &str,
                new_email: &str,
                notice: &NewMail,
                audit: &MailAudit,
            ) -> DbResult<Finished> {
                self.email_change_sql()
                    .finish(account_id, user_id, code_hash, new_email, notice, audit)
                    .await
            }
        }
    };
}

impl_email_change_store!(SqliteDatabase, sqlx::Sqlite, true);
impl_email_change_store!(PostgresDatabase, sqlx::Postgres, false);

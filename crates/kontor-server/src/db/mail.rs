//! The mail half of the storage ([`MailStore`], a supertrait of `Database`): the outbox, forgotten-password
//! codes, and the users' mail language.
//!
//! **The outbox.** A mail is a row of `outbox`, written by [`enqueue_on`] on the connection of the
//! transaction that makes the change it reports, so the change and its mail commit (or roll back)
//! together. Any storage module can call [`enqueue_on`] inside its own transaction; [`MailStore::enqueue_mail`]
//! is the same in a transaction of its own. A worker claims due rows with a lease ([`MailStore::claim_mails`]:
//! one `UPDATE … RETURNING`, on PostgreSQL over `FOR UPDATE SKIP LOCKED`, so two replicas never hold the same
//! row), sends, and marks the row sent only while it still holds the lease. The bodies of a sent mail are
//! cleared: they may hold a temporary password or a code.

use async_trait::async_trait;
use sqlx::{Encode, Executor, FromRow, IntoArguments, Pool, Type};

use crate::db::audit::{Chain, NewEntry};
use crate::db::backend::{begin_write, RowsAffected, WriteLock};
use crate::db::postgres::PostgresDatabase;
use crate::db::sqlite::SqliteDatabase;
use crate::error::DbResult;

/// A mail to queue, already rendered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMail {
    /// Also the mail's `Message-ID` (`<id@kontor>`), so a receiver can recognise a repeated delivery.
    pub id: String,
    /// The account it concerns, if any.
    pub account_id: Option<String>,
    /// What it is (`password_reset_code`, `temporary_password`, …), for logs.
    pub kind: String,
    pub recipient: String,
    pub subject: String,
    pub body_text: String,
    pub body_html: String,
    pub created_at: i64,
}

/// A mail a worker has claimed (its lease is held by the worker until `lease_until`).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ClaimedMail {
    pub id: String,
    pub kind: String,
    pub recipient: String,
    pub subject: String,
    pub body_text: String,
    pub body_html: String,
    /// Including this one.
    pub attempts: i64,
}

/// A live forgotten-password code of a user.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ResetCode {
    pub code_hash: String,
    pub expires_at: i64,
    pub attempts: i64,
}

/// One audit row written in a mail transaction (the actor is the user themselves or the acting admin).
#[derive(Debug, Clone)]
pub struct MailAudit {
    pub account_id: String,
    pub actor_user_id: String,
    pub event: &'static str,
    pub target: String,
    pub ip: Option<String>,
    pub at: i64,
}

#[async_trait]
pub trait MailStore {
    /// Queues one mail in a transaction of its own.
    async fn enqueue_mail(&self, mail: &NewMail) -> DbResult<()>;
    /// Claims up to `limit` due mails (not sent, not given up, `next_attempt_at <= now`, no live lease) for
    /// `owner` until `lease_until`, counting the attempt.
    async fn claim_mails(
        &self,
        owner: &str,
        now: i64,
        lease_until: i64,
        limit: i64,
    ) -> DbResult<Vec<ClaimedMail>>;
    /// Marks a claimed mail sent (clearing its bodies); false if `owner` no longer held its lease.
    async fn mark_mail_sent(&self, id: &str, owner: &str, now: i64) -> DbResult<bool>;
    /// Records a failed attempt: try again at `retry_at`, or give up (`None`).
    async fn mark_mail_failed(
        &self,
        id: &str,
        owner: &str,
        error: &str,
        retry_at: Option<i64>,
        now: i64,
    ) -> DbResult<()>;
    /// The user's mail language (`de` or `en`).
    async fn user_language(&self, user_id: &str) -> DbResult<Option<String>>;
    /// Stores the user's (only) forgotten-password code, queues its mail and writes the audit event, in one
    /// transaction.
    async fn start_password_reset(
        &self,
        user_id: &str,
        code_hash: &str,
        expires_at: i64,
        mail: &NewMail,
        audit: &MailAudit,
    ) -> DbResult<()>;
    async fn reset_code(&self, user_id: &str) -> DbResult<Option<ResetCode>>;
    /// Counts a wrong code.
    async fn reset_code_failed(&self, user_id: &str) -> DbResult<()>;
    /// Uses the code (only if it is still `code_hash`): sets the new Argon2id password, clears a temporary
    /// one, ends ALL the user's sessions and writes the audit event, in one transaction. False if the code was
    /// used or replaced meanwhile.
    async fn finish_password_reset(
        &self,
        user_id: &str,
        code_hash: &str,
        password_hash: &str,
        audit: &MailAudit,
    ) -> DbResult<bool>;
    /// Queues a mail with the audit event that says why, in one transaction.
    async fn enqueue_audited(&self, mail: &NewMail, audit: &MailAudit) -> DbResult<()>;
}

const ENQUEUE: &str =
    "INSERT INTO outbox (id, account_id, kind, recipient, subject, body_text, body_html, \
     created_at, next_attempt_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)";

/// The claim, with `{lock}` empty on SQLite (one writer at a time anyway) and `FOR UPDATE SKIP LOCKED` on
/// PostgreSQL. The outer lease condition is re-checked on the row's newest version by PostgreSQL too.
const CLAIM: &str =
    "UPDATE outbox SET lease_owner = $1, lease_until = $2, attempts = attempts + 1 \
     WHERE id IN (SELECT id FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL \
       AND next_attempt_at <= $3 AND (lease_until IS NULL OR lease_until <= $3) \
       ORDER BY next_attempt_at, created_at, id LIMIT $4 {lock}) \
     AND sent_at IS NULL AND failed_at IS NULL AND (lease_until IS NULL OR lease_until <= $3) \
     RETURNING id, kind, recipient, subject, body_text, body_html, attempts";

const MARK_SENT: &str = "UPDATE outbox SET sent_at = $3, lease_owner = NULL, lease_until = NULL, \
     body_text = '', body_html = '', last_error = NULL \
     WHERE id = $1 AND lease_owner = $2 AND sent_at IS NULL";

const MARK_RETRY: &str =
    "UPDATE outbox SET next_attempt_at = $4, lease_owner = NULL, lease_until = NULL, \
     last_error = $3 WHERE id = $1 AND lease_owner = $2 AND sent_at IS NULL";

const MARK_GIVEN_UP: &str =
    "UPDATE outbox SET failed_at = $4, lease_owner = NULL, lease_until = NULL, \
     last_error = $3 WHERE id = $1 AND lease_owner = $2 AND sent_at IS NULL";

const USER_LANGUAGE: &str = "SELECT language FROM users WHERE id = $1";

/// A new code replaces the user's earlier one (an upsert: concurrent requests must not collide).
const UPSERT_RESET: &str =
    "INSERT INTO password_resets (user_id, code_hash, created_at, expires_at, attempts) \
     VALUES ($1, $2, $3, $4, 0) ON CONFLICT (user_id) DO UPDATE SET code_hash = excluded.code_hash, \
     created_at = excluded.created_at, expires_at = excluded.expires_at, attempts = 0";
const RESET_CODE: &str =
    "SELECT code_hash, expires_at, attempts FROM password_resets WHERE user_id = $1";
const RESET_FAILED: &str = "UPDATE password_resets SET attempts = attempts + 1 WHERE user_id = $1";
const USE_RESET: &str = "DELETE FROM password_resets WHERE user_id = $1 AND code_hash = $2";
const SET_OWN_PASSWORD: &str = "UPDATE users SET password_hash = $2, temp_password_hash = NULL, \
     must_change_password = $3 WHERE id = $1 AND deleted_at IS NULL";
const REVOKE_ALL_SESSIONS: &str =
    "UPDATE sessions SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL";
/// Queues `mail` on the connection of the caller's transaction: it commits or rolls back with the change.
pub async fn enqueue_on<DB>(c: &mut DB::Connection, mail: &NewMail) -> DbResult<()>
where
    DB: sqlx::Database,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> String: Encode<'q, DB> + Type<DB>,
    for<'q> Option<String>: Encode<'q, DB> + Type<DB>,
    for<'q> i64: Encode<'q, DB> + Type<DB>,
{
    sqlx::query::<DB>(ENQUEUE)
        .bind(mail.id.clone())
        .bind(mail.account_id.clone())
        .bind(mail.kind.clone())
        .bind(mail.recipient.clone())
        .bind(mail.subject.clone())
        .bind(mail.body_text.clone())
        .bind(mail.body_html.clone())
        .bind(mail.created_at)
        .execute(c)
        .await?;
    Ok(())
}

/// Appends a mail flow's audit entry to the account's chain (`db::audit`), in the caller's transaction.
pub(crate) async fn audit_on<DB>(c: &mut DB::Connection, a: &MailAudit) -> DbResult<()>
where
    DB: sqlx::Database,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> &'q str: Encode<'q, DB> + Type<DB>,
    for<'q> String: Encode<'q, DB> + Type<DB>,
    for<'q> i64: Encode<'q, DB> + Type<DB>,
    for<'q> Option<&'q str>: Encode<'q, DB> + Type<DB>,
    for<'r> (i64, String): FromRow<'r, DB::Row>,
    for<'r> (Option<String>,): FromRow<'r, DB::Row>,
{
    let email = Chain::<DB>::actor_email(&mut *c, &a.actor_user_id).await?;
    let entry = NewEntry {
        account_id: &a.account_id,
        actor_user_id: Some(&a.actor_user_id),
        actor_email: email.as_deref(),
        event: a.event,
        target: Some(&a.target),
        ip: a.ip.as_deref(),
        at: a.at,
    };
    Chain::<DB>::append(c, &[entry]).await
}

/// The mail statements over one backend's pool, written once for both.
struct Sql<'p, DB: sqlx::Database> {
    pool: &'p Pool<DB>,
    sqlite: bool,
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
    for<'q> bool: Encode<'q, DB> + Type<DB>,
    for<'q> Option<String>: Encode<'q, DB> + Type<DB>,
    for<'q> Option<i64>: Encode<'q, DB> + Type<DB>,
    for<'r> (String,): FromRow<'r, DB::Row>,
    for<'r> ClaimedMail: FromRow<'r, DB::Row>,
    for<'r> ResetCode: FromRow<'r, DB::Row>,
    for<'q> Option<&'q str>: Encode<'q, DB> + Type<DB>,
    for<'r> (i64, String): FromRow<'r, DB::Row>,
    for<'r> (Option<String>,): FromRow<'r, DB::Row>,
{
    async fn enqueue_mail(&self, mail: &NewMail) -> DbResult<()> {
        let (_writer, mut tx) = begin_write(self.pool, self.write_lock).await?;
        enqueue_on::<DB>(&mut *tx, mail).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn claim_mails(
        &self,
        owner: &str,
        now: i64,
        lease_until: i64,
        limit: i64,
    ) -> DbResult<Vec<ClaimedMail>> {
        let lock = if self.sqlite {
            ""
        } else {
            "FOR UPDATE SKIP LOCKED"
        };
        let sql = CLAIM.replace("{lock}", lock);
        let (_writer, mut tx) = begin_write(self.pool, self.write_lock).await?;
        let rows = sqlx::query_as::<DB, ClaimedMail>(&sql)
            .bind(owner)
            .bind(lease_until)
            .bind(now)
            .bind(limit)
            .fetch_all(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(rows)
    }

    async fn mark_mail_sent(&self, id: &str, owner: &str, now: i64) -> DbResult<bool> {
        let (_writer, mut tx) = begin_write(self.pool, self.write_lock).await?;
        let n = sqlx::query::<DB>(MARK_SENT)
            .bind(id)
            .bind(owner)
            .bind(now)
            .execute(&mut *tx)
            .await?
            .affected();
        tx.commit().await?;
        Ok(n == 1)
    }

    async fn mark_mail_failed(
        &self,
        id: &str,
        owner: &str,
        error: &str,
        retry_at: Option<i64>,
        now: i64,
    ) -> DbResult<()> {
        let (_writer, mut tx) = begin_write(self.pool, self.write_lock).await?;
        let (sql, at) = match retry_at {
            Some(t) => (MARK_RETRY, t),
            None => (MARK_GIVEN_UP, now),
        };
        let error: String = error.chars().take(1000).collect();
        sqlx::query::<DB>(sql)
            .bind(id)
            .bind(owner)
            .bind(error)
            .bind(at)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn user_language(&self, user_id: &str) -> DbResult<Option<String>> {
        let row: Option<(String,)> = sqlx::query_as::<DB, (String,)>(USER_LANGUAGE)
            .bind(user_id)
            .fetch_optional(self.pool)
            .await?;
        Ok(row.map(|r| r.0))
    }

    async fn start_password_reset(
        &self,
        user_id: &str,
        code_hash: &str,
        expires_at: i64,
        mail: &NewMail,
        audit: &MailAudit,
    ) -> DbResult<()> {
        let (_writer, mut tx) = begin_write(self.pool, self.write_lock).await?;
        sqlx::query::<DB>(UPSERT_RESET)
            .bind(user_id)
            .bind(code_hash)
            .bind(audit.at)
            .bind(expires_at)
            .execute(&mut *tx)
            .await?;
        enqueue_on::<DB>(&mut *tx, mail).await?;
        audit_on::<DB>(&mut *tx, audit).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn reset_code(&self, user_id: &str) -> DbResult<Option<ResetCode>> {
        Ok(sqlx::query_as::<DB, ResetCode>(RESET_CODE)
            .bind(user_id)
            .fetch_optional(self.pool)
            .await?)
    }

    async fn reset_code_failed(&self, user_id: &str) -> DbResult<()> {
        let (_writer, mut tx) = begin_write(self.pool, self.write_lock).await?;
        sqlx::query::<DB>(RESET_FAILED)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn finish_password_reset(
        &self,
        user_id: &str,
        code_hash: &str,
        password_hash: &str,
        audit: &MailAudit,
    ) -> DbResult<bool> {
        let (_writer, mut tx) = begin_write(self.pool, self.write_lock).await?;
        let used = sqlx::query::<DB>(USE_RESET)
            .bind(user_id)
            .bind(code_hash)
            .execute(&mut *tx)
            .await?
            .affected();
        if used != 1 {
            tx.rollback().await?;
            return Ok(false);
        }
        sqlx::query::<DB>(SET_OWN_PASSWORD)
            .bind(user_id)
            .bind(password_hash)
            .bind(false)
            .execute(&mut *tx)
            .await?;
        sqlx::query::<DB>(REVOKE_ALL_SESSIONS)
            .bind(user_id)
            .bind(audit.at)
            .execute(&mut *tx)
            .await?;
        audit_on::<DB>(&mut *tx, audit).await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn enqueue_audited(&self, mail: &NewMail, audit: &MailAudit) -> DbResult<()> {
        let (_writer, mut tx) = begin_write(self.pool, self.write_lock).await?;
        enqueue_on::<DB>(&mut *tx, mail).await?;
        audit_on::<DB>(&mut *tx, audit).await?;
        tx.commit().await?;
        Ok(())
    }
}

/// Implements [`MailStore`] for a backend by forwarding to [`Sql`].
macro_rules! impl_mail_store {
    ($ty:ty, $db:ty, $sqlite:literal) => {
        impl $ty {
            fn mail_sql(&self) -> Sql<'_, $db> {
                Sql {
                    pool: &self.pool,
                    sqlite: $sqlite,
                    write_lock: &self.write_lock,
                }
            }
        }

        #[async_trait]
        impl MailStore for $ty {
            async fn enqueue_mail(&self, mail: &NewMail) -> DbResult<()> {
                self.mail_sql().enqueue_mail(mail).await
            }
            async fn claim_mails(
                &self,
                owner: &str,
                now: i64,
                lease_until: i64,
                limit: i64,
            ) -> DbResult<Vec<ClaimedMail>> {
                self.mail_sql()
                    .claim_mails(owner, now, lease_until, limit)
                    .await
            }
            async fn mark_mail_sent(&self, id: &str, owner: &str, now: i64) -> DbResult<bool> {
                self.mail_sql().mark_mail_sent(id, owner, now).await
            }
            async fn mark_mail_failed(
                &self,
                id: &str,
                owner: &str,
                error: &str,
                retry_at: Option<i64>,
                now: i64,
            ) -> DbResult<()> {
                self.mail_sql()
                    .mark_mail_failed(id, owner, error, retry_at, now)
                    .await
            }
            async fn user_language(&self, user_id: &str) -> DbResult<Option<String>> {
                self.mail_sql().user_language(user_id).await
            }
            async fn start_password_reset(
                &self,
                user_id: &str,
                code_hash: &str,
                expires_at: i64,
                mail: &NewMail,
                audit: &MailAudit,
            ) -> DbResult<()> {
                self.mail_sql()
                    .start_password_reset(user_id, code_hash, expires_at, mail, audit)
                    .await
            }
            async fn reset_code(&self, user_id: &str) -> DbResult<Option<ResetCode>> {
                self.mail_sql().reset_code(user_id).await
            }
            async fn reset_code_failed(&self, user_id: &str) -> DbResult<()> {
                self.mail_sql().reset_code_failed(user_id).await
            }
            async fn finish_password_reset(
                &self,
                user_id: &str,
                code_hash: &str,
                password_hash: &str,
                audit: &MailAudit,
            ) -> DbResult<bool> {
                self.mail_sql()
                    .finish_password_reset(user_id, code_hash, password_hash, audit)
                    .await
            }
            async fn enqueue_audited(&self, mail: &NewMail, audit: &MailAudit) -> DbResult<()> {
                self.mail_sql().enqueue_audited(mail, audit).await
            }
        }
    };
}

impl_mail_store!(SqliteDatabase, sqlx::Sqlite, true);
impl_mail_store!(PostgresDatabase, sqlx::Postgres, false);

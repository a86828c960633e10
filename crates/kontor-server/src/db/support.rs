//! Support tickets ([`SupportStore`], a supertrait of `Database`; issue 9, support9): a ticket, its
//! attachments (the bytes in `support_attachments.data`), its two mails (to the vendor's support address
//! and the confirmation to the user, through the outbox) and its audit event are written in ONE
//! transaction, so a ticket never exists without its mails and its audit entry, nor the other way round.
//! Closing one (support9b) likewise sets its status, queues the note to its author and appends
//! `support.ticket_closed` in one transaction; an attachment's bytes are read only through the ticket's
//! account and author (the rule of the ticket list).

use async_trait::async_trait;
use sqlx::{Encode, Executor, FromRow, IntoArguments, Pool, Type};

use crate::db::audit::{Chain, NewEntry};
use crate::db::backend::{RowsAffected, WriteLock};
use crate::db::mail::{audit_on, enqueue_on, MailAudit, NewMail};
use crate::db::postgres::PostgresDatabase;
use crate::db::sqlite::SqliteDatabase;
use crate::error::DbResult;

/// A ticket to store (validated by `service::support`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewTicketRow {
    pub id: String,
    pub reference: String,
    pub account_id: String,
    pub user_id: String,
    pub category: String,
    pub subject: String,
    pub message: String,
    pub contact_phone: Option<String>,
    /// The diagnostics as JSON, if the user opted in.
    pub diagnostics: Option<String>,
    pub created_at: i64,
}

/// An attachment to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAttachmentRow {
    pub file_name: String,
    pub content_type: String,
    pub sha256: String,
    pub data: Vec<u8>,
}

/// A stored ticket (without message and attachments' bytes), with its user's address.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TicketRow {
    pub id: String,
    pub reference: String,
    pub account_id: String,
    pub user_email: String,
    pub category: String,
    pub subject: String,
    pub status: String,
    pub created_at: i64,
    pub closed_at: Option<i64>,
}

/// An attachment's name and size.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AttachmentRow {
    pub ticket_id: String,
    pub file_name: String,
    pub size: i64,
}

/// support9b: an open ticket found by id or reference, with what its closing note needs.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct OpenTicketRow {
    pub id: String,
    pub reference: String,
    pub account_id: String,
    pub user_id: String,
    pub subject: String,
}

/// support9b: closing a ticket: the note to its author (none if the author is deleted) and the audit
/// entry's account and target (the reference; the actor is the vendor's `cli`).
#[derive(Debug, Clone)]
pub struct TicketClose {
    pub ticket_id: String,
    pub account_id: String,
    pub reference: String,
    pub mail: Option<NewMail>,
    pub at: i64,
}

/// support9b: one attachment's bytes.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AttachmentData {
    pub file_name: String,
    pub content_type: String,
    pub data: Vec<u8>,
}

#[async_trait]
pub trait SupportStore {
    /// Stores the ticket and its attachments, queues `mails` and appends `audit`, in one transaction.
    async fn create_ticket(
        &self,
        ticket: &NewTicketRow,
        attachments: &[NewAttachmentRow],
        mails: &[NewMail],
        audit: &MailAudit,
    ) -> DbResult<()>;
    /// The tickets of one user of the account, newest first, and their attachments (names and sizes).
    async fn user_tickets(
        &self,
        account_id: &str,
        user_id: &str,
    ) -> DbResult<(Vec<TicketRow>, Vec<AttachmentRow>)>;
    /// Every ticket (the vendor's CLI), newest first; `open_only` leaves closed ones out.
    async fn all_tickets(&self, open_only: bool) -> DbResult<Vec<TicketRow>>;
    /// support9b: the open ticket with this id or reference.
    async fn open_ticket(&self, id_or_reference: &str) -> DbResult<Option<OpenTicketRow>>;
    /// Closes an open ticket, queues its note and appends `support.ticket_closed`, in one transaction;
    /// false (nothing written) if it is no longer open.
    async fn close_ticket(&self, close: &TicketClose) -> DbResult<bool>;
    /// support9b: attachment `position` of a ticket of this account and user (the ticket list's rule).
    async fn ticket_attachment(
        &self,
        account_id: &str,
        user_id: &str,
        ticket_id: &str,
        position: i64,
    ) -> DbResult<Option<AttachmentData>>;
}

const INSERT_TICKET: &str = "INSERT INTO support_tickets (id, reference, account_id, user_id, \
     category, subject, message, contact_phone, diagnostics, created_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";

const INSERT_ATTACHMENT: &str = "INSERT INTO support_attachments (ticket_id, position, file_name, \
     content_type, size, sha256, data) VALUES ($1, $2, $3, $4, $5, $6, $7)";

const TICKET_COLUMNS: &str = "t.id, t.reference, t.account_id, u.email AS user_email, t.category, \
     t.subject, t.status, t.created_at, t.closed_at FROM support_tickets t JOIN users u ON u.id = t.user_id";

const USER_ATTACHMENTS: &str =
    "SELECT a.ticket_id, a.file_name, a.size FROM support_attachments a \
     JOIN support_tickets t ON t.id = a.ticket_id WHERE t.account_id = $1 AND t.user_id = $2 \
     ORDER BY a.ticket_id, a.position";

const CLOSE_TICKET: &str = "UPDATE support_tickets SET status = 'closed', closed_at = $2 \
     WHERE id = $1 AND status = 'open'";

const OPEN_TICKET: &str =
    "SELECT id, reference, account_id, user_id, subject FROM support_tickets \
     WHERE (id = $1 OR reference = $1) AND status = 'open'";

const ATTACHMENT: &str = "SELECT a.file_name, a.content_type, a.data FROM support_attachments a \
     JOIN support_tickets t ON t.id = a.ticket_id \
     WHERE t.account_id = $1 AND t.user_id = $2 AND t.id = $3 AND a.position = $4";

/// The support statements over one backend's pool, written once for both.
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
    for<'q> Vec<u8>: Encode<'q, DB> + Type<DB>,
    for<'q> Option<String>: Encode<'q, DB> + Type<DB>,
    for<'q> Option<&'q str>: Encode<'q, DB> + Type<DB>,
    for<'r> TicketRow: FromRow<'r, DB::Row>,
    for<'r> AttachmentRow: FromRow<'r, DB::Row>,
    for<'r> OpenTicketRow: FromRow<'r, DB::Row>,
    for<'r> AttachmentData: FromRow<'r, DB::Row>,
    for<'r> (i64, String): FromRow<'r, DB::Row>,
    for<'r> (Option<String>,): FromRow<'r, DB::Row>,
{
    /// A write transaction; on SQLite after the server's write lock and with `BEGIN IMMEDIATE` (see
    /// `db::users`).
    async fn begin_write(
        &self,
    ) -> DbResult<(
        Option<tokio::sync::MutexGuard<'_, ()>>,
        sqlx::Transaction<'static, DB>,
    )> {
        super::backend::begin_write(self.pool, self.write_lock).await
    }

    async fn create_ticket(
        &self,
        t: &NewTicketRow,
        attachments: &[NewAttachmentRow],
        mails: &[NewMail],
        audit: &MailAudit,
    ) -> DbResult<()> {
        let (_writer, mut tx) = self.begin_write().await?;
        sqlx::query::<DB>(INSERT_TICKET)
            .bind(t.id.clone())
            .bind(t.reference.clone())
            .bind(t.account_id.clone())
            .bind(t.user_id.clone())
            .bind(t.category.clone())
            .bind(t.subject.clone())
            .bind(t.message.clone())
            .bind(t.contact_phone.clone())
            .bind(t.diagnostics.clone())
            .bind(t.created_at)
            .execute(&mut *tx)
            .await?;
        for (i, a) in attachments.iter().enumerate() {
            sqlx::query::<DB>(INSERT_ATTACHMENT)
                .bind(t.id.clone())
                .bind(i64::try_from(i).unwrap_or(i64::MAX))
                .bind(a.file_name.clone())
                .bind(a.content_type.clone())
                .bind(i64::try_from(a.data.len()).unwrap_or(i64::MAX))
                .bind(a.sha256.clone())
                .bind(a.data.clone())
                .execute(&mut *tx)
                .await?;
        }
        for m in mails {
            enqueue_on::<DB>(&mut *tx, m).await?;
        }
        audit_on::<DB>(&mut *tx, audit).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn user_tickets(
        &self,
        account_id: &str,
        user_id: &str,
    ) -> DbResult<(Vec<TicketRow>, Vec<AttachmentRow>)> {
        let sql = format!(
            "SELECT {TICKET_COLUMNS} WHERE t.account_id = $1 AND t.user_id = $2 \
             ORDER BY t.created_at DESC, t.id"
        );
        let tickets = sqlx::query_as::<DB, TicketRow>(&sql)
            .bind(account_id)
            .bind(user_id)
            .fetch_all(self.pool)
            .await?;
        let attachments = sqlx::query_as::<DB, AttachmentRow>(USER_ATTACHMENTS)
            .bind(account_id)
            .bind(user_id)
            .fetch_all(self.pool)
            .await?;
        Ok((tickets, attachments))
    }

    async fn all_tickets(&self, open_only: bool) -> DbResult<Vec<TicketRow>> {
        let filter = if open_only {
            "WHERE t.status = 'open' "
        } else {
            ""
        };
        let sql = format!("SELECT {TICKET_COLUMNS} {filter}ORDER BY t.created_at DESC, t.id");
        Ok(sqlx::query_as::<DB, TicketRow>(&sql)
            .fetch_all(self.pool)
            .await?)
    }

    async fn open_ticket(&self, id_or_reference: &str) -> DbResult<Option<OpenTicketRow>> {
        Ok(sqlx::query_as::<DB, OpenTicketRow>(OPEN_TICKET)
            .bind(id_or_reference)
            .fetch_optional(self.pool)
            .await?)
    }

    async fn close_ticket(&self, c: &TicketClose) -> DbResult<bool> {
        let (_writer, mut tx) = self.begin_write().await?;
        let n = sqlx::query::<DB>(CLOSE_TICKET)
            .bind(c.ticket_id.as_str())
            .bind(c.at)
            .execute(&mut *tx)
            .await?
            .affected();
        if n != 1 {
            tx.rollback().await?;
            return Ok(false);
        }
        if let Some(m) = &c.mail {
            enqueue_on::<DB>(&mut *tx, m).await?;
        }
        let entry = NewEntry {
            account_id: &c.account_id,
            actor_user_id: None,
            actor_email: Some("cli"),
            event: "support.ticket_closed",
            target: Some(&c.reference),
            ip: None,
            at: c.at,
        };
        Chain::<DB>::append(&mut *tx, &[entry]).await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn ticket_attachment(
        &self,
        account_id: &str,
        user_id: &str,
        ticket_id: &str,
        position: i64,
    ) -> DbResult<Option<AttachmentData>> {
        Ok(sqlx::query_as::<DB, AttachmentData>(ATTACHMENT)
            .bind(account_id)
            .bind(user_id)
            .bind(ticket_id)
            .bind(position)
            .fetch_optional(self.pool)
            .await?)
    }
}

macro_rules! impl_support_store {
    ($ty:ty, $db:ty, $sqlite:literal) => {
        impl $ty {
            fn support_sql(&self) -> Sql<'_, $db> {
                Sql {
                    pool: &self.pool,
                    write_lock: &self.write_lock,
                }
            }
        }

        #[async_trait]
        impl SupportStore for $ty {
            async fn create_ticket(
                &self,
                ticket: &NewTicketRow,
                attachments: &[NewAttachmentRow],
                mails: &[NewMail],
                audit: &MailAudit,
            ) -> DbResult<()> {
                self.support_sql()
                    .create_ticket(ticket, attachments, mails, audit)
                    .await
            }
            async fn user_tickets(
                &self,
                account_id: &str,
                user_id: &str,
            ) -> DbResult<(Vec<TicketRow>, Vec<AttachmentRow>)> {
                self.support_sql().user_tickets(account_id, user_id).await
            }
            async fn all_tickets(&self, open_only: bool) -> DbResult<Vec<TicketRow>> {
                self.support_sql().all_tickets(open_only).await
            }
            async fn open_ticket(&self, id_or_reference: &str) -> DbResult<Option<OpenTicketRow>> {
                self.support_sql().open_ticket(id_or_reference).await
            }
            async fn close_ticket(&self, close: &TicketClose) -> DbResult<bool> {
                self.support_sql().close_ticket(close).await
            }
            async fn ticket_attachment(
                &self,
                account_id: &str,
                user_id: &str,
                ticket_id: &str,
                position: i64,
            ) -> DbResult<Option<AttachmentData>> {
                self.support_sql()
                    .ticket_attachment(account_id, user_id, ticket_id, position)
                    .await
            }
        }
    };
}

impl_support_store!(SqliteDatabase, sqlx::Sqlite, true);
impl_support_store!(PostgresDatabase, sqlx::Postgres, false);

//! The storage boundary: the `Database` trait, its record types, and `open_database` choosing SQLite or PostgreSQL by URL.
//!
//! Layout: `records` (the record types), `store` (the `Database` methods), `users`, `licenses`,
//! `locations`, `installers`, `mail`, `profile`, `subscriptions` (the other storage traits; `mail` is the
//! outbox any transaction can queue into), `audit` (the audit log's hash chain), `sqlite` and `postgres`
//! (opening each backend, its migrations), `statistics` (PostgreSQL's planner statistics after bulk writes).
//! Both backends share one implementation: the SQL text is written once (named constants next to the
//! code that runs it) with `$n` placeholders, which sqlx-sqlite maps by number too, and only portable
//! column types; rows are read into `sqlx::FromRow` structs. `store`, `users`, `licenses` and `installers`
//! are plain generic code over the sqlx backend (a `Sql<DB>` impl with the sqlx bounds in one `where`
//! clause; a thin `impl_*!` per trait only forwards to it). Where the backends differ (the seat and
//! subscription locks, SQLite's FTS5 search and `?` placeholders) the difference is an explicit parameter.
//! `backend` holds what sqlx has no shared trait for. Each backend owns its migrations.

use std::sync::Arc;

use async_trait::async_trait;
use kontor_api::Account;

use crate::error::ServerError;
pub use crate::error::{DbError, DbResult};

pub mod accounts; // acct9
pub mod audit;
mod backend;
pub mod billing_details; // sepa8
pub mod email_change; // acct9
pub mod installers;
pub mod invoices;
pub mod licenses;
pub mod locations;
pub mod mail;
mod postgres;
pub mod profile;
pub mod records;
pub mod replicas; // replica12
mod sqlite;
mod statistics;
mod store;
pub mod subscriptions;
pub mod support; // support9
pub mod users;

pub use accounts::AccountStore; // acct9
pub use billing_details::BillingDetailsStore; // sepa8
pub use email_change::EmailChangeStore; // acct9
pub use installers::InstallerStore;
pub use invoices::InvoiceStore;
pub use licenses::LicenseStore;
pub use locations::LocationStore;
pub use mail::MailStore;
pub use postgres::PostgresDatabase;
pub use profile::ProfileStore;
pub use records::*;
pub use replicas::ReplicaStore; // replica12
pub use sqlite::SqliteDatabase;
pub use subscriptions::SubscriptionStore;
pub use support::SupportStore; // support9
pub use users::UserStore;

/// A product's id by its code (the seed, installers, the users list's license filter).
pub(crate) const PRODUCT_ID: &str = "SELECT id FROM products WHERE code = $1";

/// The portal's storage. Every account-scoped method takes the caller's account id and filters by it.
#[async_trait]
pub trait Database:
    UserStore
    + LicenseStore
    + LocationStore
    + InstallerStore
    + BillingDetailsStore
    + MailStore
    + ProfileStore
    + InvoiceStore
    + SubscriptionStore
    + ReplicaStore // replica12
    + crate::throttle::LimitStore // replica12
    + AccountStore // acct9
    + EmailChangeStore // acct9
    + SupportStore
    + Send
    + Sync
{
    /// `"sqlite"` or `"postgres"`.
    fn backend(&self) -> &'static str;

    /// The oldest live user with this (lower-case) e-mail, of any account (a soft-deleted user's address is
    /// parked in `deleted_email`). An address can have users in several accounts: request paths use
    /// [`Database::users_by_email`] or an account-scoped lookup; this one is for tests and tools.
    async fn user_by_email(&self, email: &str) -> DbResult<Option<UserRecord>>;
    /// harden10: the live users with this (lower-case) e-mail, one per account, oldest first, at most `max`.
    async fn users_by_email(&self, email: &str, max: i64) -> DbResult<Vec<UserRecord>>;
    /// harden10: stores a sign-in choice: the opaque token's hash, the `(user id, account id)` pairs the
    /// password matched, until `expires_at`.
    async fn save_sign_in_choice(
        &self,
        token_hash: &str,
        users: &[(String, String)],
        remember: bool,
        expires_at: i64,
    ) -> DbResult<()>;
    /// harden10: takes a sign-in choice (single use: every row of the token goes, and expired choices of
    /// anyone): the chosen account's user id and `remember`, if the token is live at `now` and names it.
    async fn take_sign_in_choice(
        &self,
        token_hash: &str,
        account_id: &str,
        now: i64,
    ) -> DbResult<Option<(String, bool)>>;
    /// A user of the given account, deleted or not.
    async fn user_by_id(&self, account_id: &str, user_id: &str) -> DbResult<Option<UserRecord>>;
    async fn insert_user(&self, user: &UserRecord) -> DbResult<()>;
    /// Soft-deletes a user of the account and revokes their sessions; false if there was no such active user.
    async fn delete_user(&self, account_id: &str, user_id: &str, at: i64) -> DbResult<bool>;

    async fn license_token(&self, token_hash: &str) -> DbResult<Option<LicenseTokenRecord>>;

    async fn insert_session(&self, session: &NewSession) -> DbResult<()>;
    /// The session of an access token if it is live at `now` (not revoked, not expired, user not deleted).
    async fn session_for_access(
        &self,
        access_hash: &str,
        now: i64,
    ) -> DbResult<Option<AccessContext>>;
    /// The session a refresh token belongs to, in whatever state.
    async fn session_by_refresh(&self, refresh_hash: &str) -> DbResult<Option<SessionRecord>>;
    /// Atomically marks `old_id` rotated and revoked and stores `new`; false if `old_id` was no longer live.
    async fn rotate_session(&self, old_id: &str, new: &NewSession) -> DbResult<bool>;
    /// Revokes every live session of the family; returns how many.
    async fn revoke_family(&self, family_id: &str, at: i64) -> DbResult<u64>;

    async fn account(&self, account_id: &str) -> DbResult<Option<Account>>;
    async fn subscription(&self, account_id: &str) -> DbResult<Option<SubscriptionRecord>>;
    /// Seat pools ordered by product code.
    async fn seats(&self, account_id: &str) -> DbResult<Vec<SeatRecord>>;
    async fn active_user_count(&self, account_id: &str) -> DbResult<i64>;
    /// What [`Self::account`], [`Self::subscription`], [`Self::seats`], [`Self::active_user_count`] and
    /// `billing_basis` answer, on one connection in three statements instead of nine or ten (the dashboard
    /// summary, every returning user's first request; issue 12, load). `None` for an unknown account.
    async fn dashboard(&self, account_id: &str) -> DbResult<Option<DashboardRecord>>;
    /// Newest first.
    async fn invoices(&self, account_id: &str) -> DbResult<Vec<InvoiceRecord>>;

    /// Appends one event to its account's hash chain (`db::audit`).
    async fn audit(&self, event: &AuditEvent) -> DbResult<()>;
    /// Checks the audit hash chain of one account or of all (`kontor-server audit verify`).
    async fn audit_verify(&self, account: Option<&str>) -> DbResult<Vec<audit::AccountCheck>>;
    /// Oldest first.
    async fn audit_events(&self, account_id: &str) -> DbResult<Vec<AuditEvent>>;

    /// Writes a demo account (and the catalog, idempotently) in one transaction.
    async fn seed(&self, data: &SeedData) -> DbResult<()>;

    /// Closes the pool (and releases a SQLite file lock once the value is dropped).
    async fn close(&self);
}

/// Opens (creating a SQLite file if needed) and migrates the database named by `url`.
///
/// Accepted: `sqlite:PATH` (`sqlite://PATH`, `sqlite::memory:`), `postgres://…`, `postgresql://…`.
pub async fn open_database(url: &str) -> Result<Arc<dyn Database>, ServerError> {
    if url.starts_with("sqlite:") {
        Ok(Arc::new(SqliteDatabase::open(url).await?))
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Arc::new(PostgresDatabase::open(url).await?))
    } else {
        Err(unsupported_url(url))
    }
}

/// An error for a URL `open_database` does not accept; `None` when it does.
pub(crate) fn check_url(url: &str) -> Option<ServerError> {
    let known = url.starts_with("sqlite:")
        || url.starts_with("postgres://")
        || url.starts_with("postgresql://");
    (!known).then(|| unsupported_url(url))
}

fn unsupported_url(url: &str) -> ServerError {
    let scheme = url.split(':').next().unwrap_or("").trim();
    ServerError::UnsupportedDatabaseUrl(if scheme.is_empty() || scheme == url {
        "no scheme".to_string()
    } else {
        format!("scheme {scheme:?}")
    })
}

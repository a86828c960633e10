//! The storage's record types: what the `Database` methods take and answer.

use kontor_api::{Account, Role};

use crate::error::{DbError, DbResult};

/// A soft-deleted user's `email` is `<id>` + this; the real address is kept in `deleted_email`.
pub const DELETED_EMAIL_SUFFIX: &str = "@deleted.invalid";

/// A user row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRecord {
    pub id: String,
    pub account_id: String,
    /// Lower case.
    pub email: String,
    pub display_name: String,
    pub role: Role,
    /// Argon2id PHC string; `None` for users who never set a password.
    pub password_hash: Option<String>,
    pub must_change_password: bool,
    pub created_at: i64,
    pub deleted_at: Option<i64>,
}

/// A session to store. Tokens are stored only as SHA-256 hex.
#[derive(Debug, Clone)]
pub struct NewSession {
    pub id: String,
    /// All sessions produced from one sign-in by refresh rotation share a family; reuse revokes the family.
    pub family_id: String,
    pub user_id: String,
    pub account_id: String,
    pub access_hash: String,
    pub access_expires_at: i64,
    pub refresh_hash: String,
    pub refresh_expires_at: i64,
    pub remember: bool,
    pub created_at: i64,
    pub ip: Option<String>,
    /// acct9: the device the client named (its User-Agent, cleaned), shown in the profile's session list.
    pub device: Option<String>,
    /// roles9b: the hash of the license token a token sign-in used (the family's first row only); a token
    /// rotation ends the family.
    pub license_token_hash: Option<String>,
}

/// A stored session, found by its refresh token.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SessionRecord {
    pub id: String,
    pub family_id: String,
    pub user_id: String,
    pub account_id: String,
    pub access_expires_at: i64,
    pub refresh_expires_at: i64,
    pub remember: bool,
    pub rotated_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

/// Who a valid access token belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessContext {
    pub session_id: String,
    pub user_id: String,
    pub account_id: String,
    pub role: Role,
    /// The user signed in with a temporary password: only `/me` and `/me/password` are open to them.
    pub must_change_password: bool,
}

/// A license token row (the token itself is never stored).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct LicenseTokenRecord {
    pub account_id: String,
    pub user_id: String,
    pub expires_at: i64,
    pub revoked_at: Option<i64>,
}

/// One audit event.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AuditEvent {
    pub account_id: String,
    pub actor_user_id: Option<String>,
    pub event: String,
    pub target: Option<String>,
    pub ip: Option<String>,
    pub at: i64,
}

/// Everything the dashboard summary shows of an account, read together ([`crate::db::Database::dashboard`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DashboardRecord {
    pub account: Account,
    pub subscription: Option<SubscriptionRecord>,
    /// Ordered by product code, as [`crate::db::Database::seats`].
    pub seats: Vec<SeatRecord>,
    /// Live users.
    pub user_count: i64,
    /// What the upcoming invoice is computed from (`service::invoicing::upcoming`); `None` without a
    /// subscription.
    pub billing: Option<crate::db::invoices::BillingBasis>,
}

/// An account's subscription with its package name. Dates are ISO `YYYY-MM-DD`.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SubscriptionRecord {
    pub package_name: String,
    pub started_on: String,
    pub renews_on: String,
    pub license_expires_on: String,
}

/// One product's seat pool in an account's subscription, with the seats in use.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SeatRecord {
    pub product_code: String,
    pub product_name: String,
    pub seats: i64,
    pub unit_price_cents: i64,
    pub currency: String,
    /// License assignments of the account's non-deleted users.
    pub used: i64,
}

/// An invoice row.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct InvoiceRecord {
    pub id: String,
    pub number: String,
    pub issued_on: String,
    pub due_on: String,
    pub amount_cents: i64,
    pub currency: String,
    pub status: String,
}

/// A catalog product (vendor-wide).
#[derive(Debug, Clone)]
pub struct SeedProduct {
    pub code: String,
    pub name: String,
}

/// One product pool of a seeded subscription.
#[derive(Debug, Clone)]
pub struct SeedSeats {
    pub product_code: String,
    pub seats: i64,
    pub unit_price_cents: i64,
    pub currency: String,
}

/// A seeded user with the product codes assigned to them.
#[derive(Debug, Clone)]
pub struct SeedUser {
    pub user: UserRecord,
    pub product_codes: Vec<String>,
    /// One of [`SeedData::locations`].
    pub location_id: Option<String>,
    /// roles9b: the user's language (`de`/`en`; `None`: the column's default, `de`).
    pub language: Option<String>,
}

/// Everything `seed` writes in one transaction. The catalog part is idempotent; the account must be new.
#[derive(Debug, Clone)]
pub struct SeedData {
    pub products: Vec<SeedProduct>,
    pub package_code: String,
    pub package_name: String,
    pub package_product_codes: Vec<String>,
    pub account: Account,
    pub started_on: String,
    pub renews_on: String,
    pub license_expires_on: String,
    pub seats: Vec<SeedSeats>,
    /// The account's locations (sites).
    pub locations: Vec<kontor_api::Location>,
    pub users: Vec<SeedUser>,
    pub invoices: Vec<InvoiceRecord>,
    pub license_token_hash: String,
    pub license_token_user_id: String,
    pub license_token_expires_at: i64,
    // acct9: what `accounts create` adds (seed-demo leaves these empty), written in the same transaction.
    /// `(user id, temporary password hash)`: the user signs in with it and must choose a password.
    pub temp_passwords: Vec<(String, String)>,
    /// Mails queued in the outbox with the account.
    pub mails: Vec<crate::db::mail::NewMail>,
    /// Audit entries appended to the new account's chain.
    pub audit: Vec<AuditEvent>,
}

/// A stored role, or `Corrupt`.
pub(crate) fn role(raw: &str) -> DbResult<Role> {
    Role::parse(raw).ok_or_else(|| DbError::Corrupt(format!("unknown role {raw:?}")))
}

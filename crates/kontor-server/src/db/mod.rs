//! The storage boundary: the `Database` trait, its record types, and `open_database` choosing SQLite or PostgreSQL by URL.
//!
//! Both backends share one implementation (`impl_database!`): the SQL text uses `$n` placeholders, which
//! sqlx-sqlite maps by number too, and only portable column types. Each backend owns its migrations.

use std::sync::Arc;

use async_trait::async_trait;
use kontor_api::{Account, Role};

use crate::ServerError;

pub mod installers;
pub mod licenses;
mod postgres;
mod sqlite;
pub mod users;

pub use installers::InstallerStore;
pub use licenses::LicenseStore;
pub use postgres::PostgresDatabase;
pub use sqlite::SqliteDatabase;
pub use users::UserStore;

/// A storage failure. `Conflict` is a uniqueness clash the caller may report; everything else is internal.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("corrupt row: {0}")]
    Corrupt(String),
    #[error(transparent)]
    Sqlx(sqlx::Error),
}

impl From<sqlx::Error> for DbError {
    fn from(e: sqlx::Error) -> Self {
        match &e {
            sqlx::Error::Database(d) if d.is_unique_violation() => {
                DbError::Conflict(d.message().to_string())
            }
            _ => DbError::Sqlx(e),
        }
    }
}

pub type DbResult<T> = Result<T, DbError>;

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
}

/// A stored session, found by its refresh token.
#[derive(Debug, Clone, PartialEq, Eq)]
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
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LicenseTokenRecord {
    pub account_id: String,
    pub user_id: String,
    pub expires_at: i64,
    pub revoked_at: Option<i64>,
}

/// One audit event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEvent {
    pub account_id: String,
    pub actor_user_id: Option<String>,
    pub event: String,
    pub target: Option<String>,
    pub ip: Option<String>,
    pub at: i64,
}

/// An account's subscription with its package name. Dates are ISO `YYYY-MM-DD`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubscriptionRecord {
    pub package_name: String,
    pub started_on: String,
    pub renews_on: String,
    pub license_expires_on: String,
}

/// One product's seat pool in an account's subscription, with the seats in use.
#[derive(Debug, Clone, PartialEq, Eq)]
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
#[derive(Debug, Clone, PartialEq, Eq)]
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
}

/// The portal's storage. Every account-scoped method takes the caller's account id and filters by it.
#[async_trait]
pub trait Database: UserStore + LicenseStore + InstallerStore + Send + Sync {
    /// `"sqlite"` or `"postgres"`.
    fn backend(&self) -> &'static str;

    /// A live user by (lower-case) e-mail (a soft-deleted user's address is parked in `deleted_email`).
    async fn user_by_email(&self, email: &str) -> DbResult<Option<UserRecord>>;
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
    /// Newest first.
    async fn invoices(&self, account_id: &str) -> DbResult<Vec<InvoiceRecord>>;

    async fn audit(&self, event: &AuditEvent) -> DbResult<()>;
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

fn role(raw: &str) -> DbResult<Role> {
    Role::parse(raw).ok_or_else(|| DbError::Corrupt(format!("unknown role {raw:?}")))
}

type UserRow = (
    String,
    String,
    String,
    String,
    String,
    Option<String>,
    bool,
    i64,
    Option<i64>,
);

fn user_from_row(r: UserRow) -> DbResult<UserRecord> {
    Ok(UserRecord {
        id: r.0,
        account_id: r.1,
        email: r.2,
        display_name: r.3,
        role: role(&r.4)?,
        password_hash: r.5,
        must_change_password: r.6,
        created_at: r.7,
        deleted_at: r.8,
    })
}

const USER_COLUMNS: &str = "id, account_id, COALESCE(deleted_email, email), display_name, role, password_hash, must_change_password, created_at, deleted_at";

/// Implements [`Database`] for a struct with a `pool: sqlx::Pool<$db>` field. Same SQL for both backends.
macro_rules! impl_database {
    ($ty:ty, $db:ty, $name:literal) => {
        #[async_trait::async_trait]
        impl $crate::db::Database for $ty {
            fn backend(&self) -> &'static str {
                $name
            }

            async fn user_by_email(&self, email: &str) -> DbResult<Option<UserRecord>> {
                let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE email = $1");
                let row: Option<UserRow> = sqlx::query_as::<$db, UserRow>(&sql)
                    .bind(email)
                    .fetch_optional(&self.pool)
                    .await?;
                row.map(user_from_row).transpose()
            }

            async fn user_by_id(&self, account_id: &str, user_id: &str) -> DbResult<Option<UserRecord>> {
                let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE account_id = $1 AND id = $2");
                let row: Option<UserRow> = sqlx::query_as::<$db, UserRow>(&sql)
                    .bind(account_id)
                    .bind(user_id)
                    .fetch_optional(&self.pool)
                    .await?;
                row.map(user_from_row).transpose()
            }

            async fn insert_user(&self, u: &UserRecord) -> DbResult<()> {
                let mut conn = self.pool.acquire().await?;
                insert_user_sql!($db, &mut *conn, u, &None::<String>);
                Ok(())
            }

            async fn delete_user(&self, account_id: &str, user_id: &str, at: i64) -> DbResult<bool> {
                let mut tx = self.pool.begin().await?;
                let n = sqlx::query::<$db>(
                    "UPDATE users SET deleted_at = $3, deleted_email = email, email = id || $4 \
                     WHERE account_id = $1 AND id = $2 AND deleted_at IS NULL",
                )
                .bind(account_id)
                .bind(user_id)
                .bind(at)
                .bind(DELETED_EMAIL_SUFFIX)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                sqlx::query::<$db>(
                    "UPDATE sessions SET revoked_at = $3 WHERE account_id = $1 AND user_id = $2 AND revoked_at IS NULL",
                )
                .bind(account_id)
                .bind(user_id)
                .bind(at)
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(n == 1)
            }

            async fn license_token(&self, token_hash: &str) -> DbResult<Option<LicenseTokenRecord>> {
                let row: Option<(String, String, i64, Option<i64>)> = sqlx::query_as::<$db, _>(
                    "SELECT account_id, user_id, expires_at, revoked_at FROM license_tokens WHERE token_hash = $1",
                )
                .bind(token_hash)
                .fetch_optional(&self.pool)
                .await?;
                Ok(row.map(|r| LicenseTokenRecord {
                    account_id: r.0,
                    user_id: r.1,
                    expires_at: r.2,
                    revoked_at: r.3,
                }))
            }

            async fn insert_session(&self, s: &NewSession) -> DbResult<()> {
                let mut conn = self.pool.acquire().await?;
                insert_session_sql!($db, &mut *conn, s);
                Ok(())
            }

            async fn session_for_access(&self, access_hash: &str, now: i64) -> DbResult<Option<AccessContext>> {
                let row: Option<(String, String, String, String, bool)> = sqlx::query_as::<$db, _>(
                    "SELECT s.id, s.user_id, s.account_id, u.role, u.must_change_password FROM sessions s \
                     JOIN users u ON u.id = s.user_id AND u.account_id = s.account_id \
                     WHERE s.access_hash = $1 AND s.revoked_at IS NULL AND s.access_expires_at > $2 \
                     AND u.deleted_at IS NULL",
                )
                .bind(access_hash)
                .bind(now)
                .fetch_optional(&self.pool)
                .await?;
                row.map(|r| {
                    Ok(AccessContext {
                        session_id: r.0,
                        user_id: r.1,
                        account_id: r.2,
                        role: role(&r.3)?,
                        must_change_password: r.4,
                    })
                })
                .transpose()
            }

            async fn session_by_refresh(&self, refresh_hash: &str) -> DbResult<Option<SessionRecord>> {
                #[allow(clippy::type_complexity)]
                let row: Option<(String, String, String, String, i64, i64, bool, Option<i64>, Option<i64>)> =
                    sqlx::query_as::<$db, _>(
                        "SELECT id, family_id, user_id, account_id, access_expires_at, refresh_expires_at, \
                         remember, rotated_at, revoked_at FROM sessions WHERE refresh_hash = $1",
                    )
                    .bind(refresh_hash)
                    .fetch_optional(&self.pool)
                    .await?;
                Ok(row.map(|r| SessionRecord {
                    id: r.0,
                    family_id: r.1,
                    user_id: r.2,
                    account_id: r.3,
                    access_expires_at: r.4,
                    refresh_expires_at: r.5,
                    remember: r.6,
                    rotated_at: r.7,
                    revoked_at: r.8,
                }))
            }

            async fn rotate_session(&self, old_id: &str, new: &NewSession) -> DbResult<bool> {
                let mut tx = self.pool.begin().await?;
                let n = sqlx::query::<$db>(
                    "UPDATE sessions SET rotated_at = $2, revoked_at = $2 \
                     WHERE id = $1 AND rotated_at IS NULL AND revoked_at IS NULL",
                )
                .bind(old_id)
                .bind(new.created_at)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if n != 1 {
                    tx.rollback().await?;
                    return Ok(false);
                }
                insert_session_sql!($db, &mut *tx, new);
                tx.commit().await?;
                Ok(true)
            }

            async fn revoke_family(&self, family_id: &str, at: i64) -> DbResult<u64> {
                Ok(sqlx::query::<$db>(
                    "UPDATE sessions SET revoked_at = $2 WHERE family_id = $1 AND revoked_at IS NULL",
                )
                .bind(family_id)
                .bind(at)
                .execute(&self.pool)
                .await?
                .rows_affected())
            }

            async fn account(&self, account_id: &str) -> DbResult<Option<Account>> {
                let row: Option<(String, String, String, i64)> = sqlx::query_as::<$db, _>(
                    "SELECT id, customer_number, name, created_at FROM accounts WHERE id = $1",
                )
                .bind(account_id)
                .fetch_optional(&self.pool)
                .await?;
                Ok(row.map(|r| Account {
                    id: r.0,
                    customer_number: r.1,
                    name: r.2,
                    created_at: r.3,
                }))
            }

            async fn subscription(&self, account_id: &str) -> DbResult<Option<SubscriptionRecord>> {
                let row: Option<(String, String, String, String)> = sqlx::query_as::<$db, _>(
                    "SELECT p.name, s.started_on, s.renews_on, s.license_expires_on FROM subscriptions s \
                     JOIN packages p ON p.id = s.package_id WHERE s.account_id = $1",
                )
                .bind(account_id)
                .fetch_optional(&self.pool)
                .await?;
                Ok(row.map(|r| SubscriptionRecord {
                    package_name: r.0,
                    started_on: r.1,
                    renews_on: r.2,
                    license_expires_on: r.3,
                }))
            }

            async fn seats(&self, account_id: &str) -> DbResult<Vec<SeatRecord>> {
                let rows: Vec<(String, String, i64, i64, String, i64)> = sqlx::query_as::<$db, _>(
                    "SELECT p.code, p.name, ss.seats, ss.unit_price_cents, ss.currency, \
                     (SELECT COUNT(*) FROM license_assignments la JOIN users u ON u.id = la.user_id \
                      WHERE la.product_id = p.id AND u.account_id = $1 AND u.deleted_at IS NULL) \
                     FROM subscription_seats ss JOIN products p ON p.id = ss.product_id \
                     WHERE ss.account_id = $1 ORDER BY p.code",
                )
                .bind(account_id)
                .fetch_all(&self.pool)
                .await?;
                Ok(rows
                    .into_iter()
                    .map(|r| SeatRecord {
                        product_code: r.0,
                        product_name: r.1,
                        seats: r.2,
                        unit_price_cents: r.3,
                        currency: r.4,
                        used: r.5,
                    })
                    .collect())
            }

            async fn active_user_count(&self, account_id: &str) -> DbResult<i64> {
                let (n,): (i64,) = sqlx::query_as::<$db, _>(
                    "SELECT COUNT(*) FROM users WHERE account_id = $1 AND deleted_at IS NULL",
                )
                .bind(account_id)
                .fetch_one(&self.pool)
                .await?;
                Ok(n)
            }

            async fn invoices(&self, account_id: &str) -> DbResult<Vec<InvoiceRecord>> {
                let rows: Vec<(String, String, String, String, i64, String, String)> = sqlx::query_as::<$db, _>(
                    "SELECT id, number, issued_on, due_on, amount_cents, currency, status FROM invoices \
                     WHERE account_id = $1 ORDER BY issued_on DESC, number DESC",
                )
                .bind(account_id)
                .fetch_all(&self.pool)
                .await?;
                Ok(rows
                    .into_iter()
                    .map(|r| InvoiceRecord {
                        id: r.0,
                        number: r.1,
                        issued_on: r.2,
                        due_on: r.3,
                        amount_cents: r.4,
                        currency: r.5,
                        status: r.6,
                    })
                    .collect())
            }

            async fn audit(&self, e: &AuditEvent) -> DbResult<()> {
                sqlx::query::<$db>(
                    "INSERT INTO audit_events (account_id, actor_user_id, event, target, ip, at, actor_email) \
                     VALUES ($1, $2, $3, $4, $5, $6, (SELECT email FROM users WHERE id = $2))",
                )
                .bind(&e.account_id)
                .bind(&e.actor_user_id)
                .bind(&e.event)
                .bind(&e.target)
                .bind(&e.ip)
                .bind(e.at)
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn audit_events(&self, account_id: &str) -> DbResult<Vec<AuditEvent>> {
                #[allow(clippy::type_complexity)]
                let rows: Vec<(String, Option<String>, String, Option<String>, Option<String>, i64)> =
                    sqlx::query_as::<$db, _>(
                        "SELECT account_id, actor_user_id, event, target, ip, at FROM audit_events \
                         WHERE account_id = $1 ORDER BY id",
                    )
                    .bind(account_id)
                    .fetch_all(&self.pool)
                    .await?;
                Ok(rows
                    .into_iter()
                    .map(|r| AuditEvent {
                        account_id: r.0,
                        actor_user_id: r.1,
                        event: r.2,
                        target: r.3,
                        ip: r.4,
                        at: r.5,
                    })
                    .collect())
            }

            async fn seed(&self, d: &SeedData) -> DbResult<()> {
                let mut tx = self.pool.begin().await?;
                // Writes first (SQLite: take the write lock at once instead of upgrading a read).
                for p in &d.products {
                    sqlx::query::<$db>(
                        "INSERT INTO products (id, code, name) VALUES ($1, $2, $3) ON CONFLICT (code) DO NOTHING",
                    )
                    .bind(uuid::Uuid::new_v4().to_string())
                    .bind(&p.code)
                    .bind(&p.name)
                    .execute(&mut *tx)
                    .await?;
                }
                sqlx::query::<$db>(
                    "INSERT INTO packages (id, code, name) VALUES ($1, $2, $3) ON CONFLICT (code) DO NOTHING",
                )
                .bind(uuid::Uuid::new_v4().to_string())
                .bind(&d.package_code)
                .bind(&d.package_name)
                .execute(&mut *tx)
                .await?;
                let (package_id,): (String,) =
                    sqlx::query_as::<$db, _>("SELECT id FROM packages WHERE code = $1")
                        .bind(&d.package_code)
                        .fetch_one(&mut *tx)
                        .await?;
                let mut product_ids = std::collections::HashMap::new();
                for p in &d.products {
                    let (id,): (String,) = sqlx::query_as::<$db, _>("SELECT id FROM products WHERE code = $1")
                        .bind(&p.code)
                        .fetch_one(&mut *tx)
                        .await?;
                    product_ids.insert(p.code.clone(), id);
                }
                let product_id = |code: &str| {
                    product_ids
                        .get(code)
                        .cloned()
                        .ok_or_else(|| DbError::Corrupt(format!("unknown product code {code:?}")))
                };
                for code in &d.package_product_codes {
                    sqlx::query::<$db>(
                        "INSERT INTO package_products (package_id, product_id) VALUES ($1, $2) \
                         ON CONFLICT (package_id, product_id) DO NOTHING",
                    )
                    .bind(&package_id)
                    .bind(product_id(code)?)
                    .execute(&mut *tx)
                    .await?;
                }
                let exists: Option<(String,)> =
                    sqlx::query_as::<$db, _>("SELECT id FROM accounts WHERE customer_number = $1")
                        .bind(&d.account.customer_number)
                        .fetch_optional(&mut *tx)
                        .await?;
                if exists.is_some() {
                    tx.rollback().await?;
                    return Err(DbError::Conflict(format!(
                        "an account with customer number {} already exists",
                        d.account.customer_number
                    )));
                }
                sqlx::query::<$db>(
                    "INSERT INTO accounts (id, customer_number, name, created_at) VALUES ($1, $2, $3, $4)",
                )
                .bind(&d.account.id)
                .bind(&d.account.customer_number)
                .bind(&d.account.name)
                .bind(d.account.created_at)
                .execute(&mut *tx)
                .await?;
                sqlx::query::<$db>(
                    "INSERT INTO subscriptions (account_id, package_id, started_on, renews_on, license_expires_on) \
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(&d.account.id)
                .bind(&package_id)
                .bind(&d.started_on)
                .bind(&d.renews_on)
                .bind(&d.license_expires_on)
                .execute(&mut *tx)
                .await?;
                for s in &d.seats {
                    sqlx::query::<$db>(
                        "INSERT INTO subscription_seats (account_id, product_id, seats, unit_price_cents, currency) \
                         VALUES ($1, $2, $3, $4, $5)",
                    )
                    .bind(&d.account.id)
                    .bind(product_id(&s.product_code)?)
                    .bind(s.seats)
                    .bind(s.unit_price_cents)
                    .bind(&s.currency)
                    .execute(&mut *tx)
                    .await?;
                }
                for l in &d.locations {
                    sqlx::query::<$db>("INSERT INTO locations (id, account_id, name) VALUES ($1, $2, $3)")
                        .bind(&l.id)
                        .bind(&d.account.id)
                        .bind(&l.name)
                        .execute(&mut *tx)
                        .await?;
                }
                for su in &d.users {
                    let u = &su.user;
                    insert_user_sql!($db, &mut *tx, u, &su.location_id);
                    for code in &su.product_codes {
                        sqlx::query::<$db>(
                            "INSERT INTO license_assignments (user_id, product_id, assigned_at) VALUES ($1, $2, $3)",
                        )
                        .bind(&u.id)
                        .bind(product_id(code)?)
                        .bind(u.created_at)
                        .execute(&mut *tx)
                        .await?;
                    }
                }
                for i in &d.invoices {
                    sqlx::query::<$db>(
                        "INSERT INTO invoices (id, account_id, number, issued_on, due_on, amount_cents, currency, status) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                    )
                    .bind(&i.id)
                    .bind(&d.account.id)
                    .bind(&i.number)
                    .bind(&i.issued_on)
                    .bind(&i.due_on)
                    .bind(i.amount_cents)
                    .bind(&i.currency)
                    .bind(&i.status)
                    .execute(&mut *tx)
                    .await?;
                }
                sqlx::query::<$db>(
                    "INSERT INTO license_tokens (token_hash, account_id, user_id, created_at, expires_at) \
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(&d.license_token_hash)
                .bind(&d.account.id)
                .bind(&d.license_token_user_id)
                .bind(d.account.created_at)
                .bind(d.license_token_expires_at)
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(())
            }

            async fn close(&self) {
                self.pool.close().await;
            }
        }
    };
}

macro_rules! insert_user_sql {
    ($db:ty, $exec:expr, $u:expr, $location:expr) => {
        sqlx::query::<$db>(
            "INSERT INTO users (id, account_id, email, display_name, role, password_hash, \
             must_change_password, created_at, deleted_at, name_key, location_id) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(&$u.id)
        .bind(&$u.account_id)
        .bind(&$u.email)
        .bind(&$u.display_name)
        .bind($u.role.as_str())
        .bind(&$u.password_hash)
        .bind($u.must_change_password)
        .bind($u.created_at)
        .bind($u.deleted_at)
        .bind($crate::db::users::name_key(&$u.display_name))
        .bind($location)
        .execute($exec)
        .await?;
    };
}

macro_rules! insert_session_sql {
    ($db:ty, $exec:expr, $s:expr) => {
        sqlx::query::<$db>(
            "INSERT INTO sessions (id, family_id, user_id, account_id, access_hash, access_expires_at, \
             refresh_hash, refresh_expires_at, remember, created_at, ip) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(&$s.id)
        .bind(&$s.family_id)
        .bind(&$s.user_id)
        .bind(&$s.account_id)
        .bind(&$s.access_hash)
        .bind($s.access_expires_at)
        .bind(&$s.refresh_hash)
        .bind($s.refresh_expires_at)
        .bind($s.remember)
        .bind($s.created_at)
        .bind(&$s.ip)
        .execute($exec)
        .await?;
    };
}

impl_database!(SqliteDatabase, sqlx::Sqlite, "sqlite");
impl_database!(PostgresDatabase, sqlx::Postgres, "postgres");

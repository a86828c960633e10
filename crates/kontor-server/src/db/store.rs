//! The `Database` methods (users by e-mail or id, sessions, license tokens, account, subscription, seats,
//! invoices, audit, seeding), written once as generic code over the sqlx backend ([`Sql`], the bounds
//! gathered in one `where` clause): the SQL as named constants, rows read into `FromRow` structs. A thin
//! `impl_database!` implements the trait for each backend by calling them.

use std::collections::HashMap;

use kontor_api::Account;
use sqlx::{Encode, Executor, FromRow, IntoArguments, Pool, Type};

use crate::db::audit::{AccountCheck, Chain, ChainRow, NewEntry};
use crate::db::backend::{begin_write, RowsAffected, WriteLock};
use crate::db::invoices::{AddonPrice, BillingBasis, PackagePrice, ADDONS};
use crate::db::records::{
    role, AccessContext, AuditEvent, DashboardRecord, InvoiceRecord, LicenseTokenRecord,
    NewSession, SeatRecord, SeedData, SessionRecord, SubscriptionRecord, UserRecord,
    DELETED_EMAIL_SUFFIX,
};
use crate::db::users::name_key;
use crate::db::PRODUCT_ID;
use crate::error::{DbError, DbResult};

/// A `users` row as [`UserRecord`] reads it (the shown e-mail is the parked one for deleted users).
#[derive(sqlx::FromRow)]
struct UserRow {
    id: String,
    account_id: String,
    email: String,
    display_name: String,
    role: String,
    password_hash: Option<String>,
    must_change_password: bool,
    created_at: i64,
    deleted_at: Option<i64>,
}

impl UserRow {
    fn into_record(self) -> DbResult<UserRecord> {
        Ok(UserRecord {
            id: self.id,
            account_id: self.account_id,
            email: self.email,
            display_name: self.display_name,
            role: role(&self.role)?,
            password_hash: self.password_hash,
            must_change_password: self.must_change_password,
            created_at: self.created_at,
            deleted_at: self.deleted_at,
        })
    }
}

/// An `accounts` row.
#[derive(sqlx::FromRow)]
struct AccountRow {
    id: String,
    customer_number: String,
    name: String,
    created_at: i64,
}

/// An account with its subscription, package prices, billing VAT ID and live-user count ([`DASHBOARD`]);
/// the subscription's columns are NULL without one.
#[derive(sqlx::FromRow)]
struct DashboardRow {
    id: String,
    customer_number: String,
    name: String,
    created_at: i64,
    user_count: i64,
    package_name: Option<String>,
    started_on: Option<String>,
    renews_on: Option<String>,
    license_expires_on: Option<String>,
    billing_period: Option<String>,
    period_start: Option<String>,
    period_end: Option<String>,
    package_code: Option<String>,
    monthly_cents: Option<i64>,
    yearly_cents: Option<i64>,
    currency: Option<String>,
    pending_code: Option<String>,
    pending_name: Option<String>,
    pending_monthly_cents: Option<i64>,
    pending_yearly_cents: Option<i64>,
    pending_currency: Option<String>,
    buyer_vat_id: Option<String>,
}

/// A live session joined with its user, as [`AccessContext`] reads it.
#[derive(sqlx::FromRow)]
struct AccessRow {
    session_id: String,
    user_id: String,
    account_id: String,
    role: String,
    must_change_password: bool,
}

const USER_BY_EMAIL: &str =
    "SELECT id, account_id, COALESCE(deleted_email, email) AS email, display_name, \
     role, password_hash, must_change_password, created_at, deleted_at FROM users WHERE email = $1 \
     AND deleted_at IS NULL ORDER BY created_at, id";

/// harden10: the live users of an address, one per account, oldest first (`$2`: how many at most).
const USERS_BY_EMAIL: &str =
    "SELECT id, account_id, email, display_name, role, password_hash, must_change_password, created_at, \
     deleted_at FROM users WHERE email = $1 AND deleted_at IS NULL ORDER BY created_at, id LIMIT $2";

const INSERT_SIGN_IN_CHOICE: &str = "INSERT INTO sign_in_choices \
     (token_hash, user_id, account_id, remember, expires_at) VALUES ($1, $2, $3, $4, $5)";
const TAKE_SIGN_IN_CHOICE: &str = "SELECT user_id, remember FROM sign_in_choices \
     WHERE token_hash = $1 AND account_id = $2 AND expires_at > $3";
const DROP_SIGN_IN_CHOICE: &str = "DELETE FROM sign_in_choices WHERE token_hash = $1";
const DROP_EXPIRED_SIGN_IN_CHOICES: &str = "DELETE FROM sign_in_choices WHERE expires_at <= $1";

const USER_BY_ID: &str =
    "SELECT id, account_id, COALESCE(deleted_email, email) AS email, display_name, \
     role, password_hash, must_change_password, created_at, deleted_at FROM users \
     WHERE account_id = $1 AND id = $2";

/// roles9b: a seeded user's language (`SeedUser::language`).
const SEED_LANGUAGE: &str = "UPDATE users SET language = $2 WHERE id = $1";

const INSERT_USER: &str =
    "INSERT INTO users (id, account_id, email, display_name, role, password_hash, \
     must_change_password, created_at, deleted_at, name_key, location_id) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)";

/// Parks the e-mail in `deleted_email` ($4: [`DELETED_EMAIL_SUFFIX`]).
const SOFT_DELETE_USER: &str =
    "UPDATE users SET deleted_at = $3, deleted_email = email, email = id || $4 \
     WHERE account_id = $1 AND id = $2 AND deleted_at IS NULL";

const REVOKE_USER_SESSIONS: &str = "UPDATE sessions SET revoked_at = $3 \
     WHERE account_id = $1 AND user_id = $2 AND revoked_at IS NULL";

const LICENSE_TOKEN: &str =
    "SELECT account_id, user_id, expires_at, revoked_at FROM license_tokens WHERE token_hash = $1";

const INSERT_SESSION: &str =
    "INSERT INTO sessions (id, family_id, user_id, account_id, access_hash, \
     access_expires_at, refresh_hash, refresh_expires_at, remember, created_at, ip, device, \
     license_token_hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)";

const SESSION_FOR_ACCESS: &str =
    "SELECT s.id AS session_id, s.user_id, s.account_id, u.role, u.must_change_password \
     FROM sessions s JOIN users u ON u.id = s.user_id AND u.account_id = s.account_id \
     WHERE s.access_hash = $1 AND s.revoked_at IS NULL AND s.access_expires_at > $2 \
     AND u.deleted_at IS NULL";

const SESSION_BY_REFRESH: &str = "SELECT id, family_id, user_id, account_id, access_expires_at, \
     refresh_expires_at, remember, rotated_at, revoked_at FROM sessions WHERE refresh_hash = $1";

const ROTATE_SESSION: &str = "UPDATE sessions SET rotated_at = $2, revoked_at = $2 \
     WHERE id = $1 AND rotated_at IS NULL AND revoked_at IS NULL";

const REVOKE_FAMILY: &str =
    "UPDATE sessions SET revoked_at = $2 WHERE family_id = $1 AND revoked_at IS NULL";

const ACCOUNT: &str = "SELECT id, customer_number, name, created_at FROM accounts WHERE id = $1";

const SUBSCRIPTION: &str = "SELECT p.name AS package_name, s.started_on, s.renews_on, \
     s.license_expires_on FROM subscriptions s JOIN packages p ON p.id = s.package_id \
     WHERE s.account_id = $1";

/// The used seats per product are kept by triggers in `seat_usage` (migration `20261226090000_seat_usage`), the
/// same figures every seat check reads (`db::users` POOLS).
const SEATS: &str = "SELECT p.code AS product_code, p.name AS product_name, ss.seats, \
     ss.unit_price_cents, ss.currency, COALESCE(su.used, 0) AS used \
     FROM subscription_seats ss JOIN products p ON p.id = ss.product_id \
     LEFT JOIN seat_usage su ON su.account_id = ss.account_id AND su.product_id = p.id \
     WHERE ss.account_id = $1 ORDER BY p.code";

/// scale12l: the live users of an account, kept by triggers in `account_user_counts` (migration
/// `20261224051200_user_counts`), so the dashboard reads one row instead of counting the users.
const ACTIVE_USER_COUNT: &str = "SELECT COALESCE((SELECT active FROM account_user_counts \
     WHERE account_id = $1), 0)";

/// The dashboard's one-row part: [`ACCOUNT`], [`SUBSCRIPTION`], [`ACTIVE_USER_COUNT`] and what
/// `billing_basis` reads of the subscription, its package and pending package and the billing address — all
/// at most one row per account, so LEFT JOINs on the account's id. The seats ([`SEATS`]) and the add-ons
/// (`db::invoices` ADDONS) follow on the same connection.
const DASHBOARD: &str = "SELECT a.id, a.customer_number, a.name, a.created_at, \
     COALESCE(uc.active, 0) AS user_count, \
     p.name AS package_name, s.started_on, s.renews_on, s.license_expires_on, \
     s.billing_period, s.period_start, s.period_end, \
     p.code AS package_code, p.monthly_cents, p.yearly_cents, p.currency, \
     pp.code AS pending_code, pp.name AS pending_name, pp.monthly_cents AS pending_monthly_cents, \
     pp.yearly_cents AS pending_yearly_cents, pp.currency AS pending_currency, \
     b.vat_id AS buyer_vat_id \
     FROM accounts a \
     LEFT JOIN account_user_counts uc ON uc.account_id = a.id \
     LEFT JOIN subscriptions s ON s.account_id = a.id \
     LEFT JOIN packages p ON p.id = s.package_id \
     LEFT JOIN packages pp ON pp.id = s.pending_package_id \
     LEFT JOIN billing_addresses b ON b.account_id = a.id \
     WHERE a.id = $1";

const INVOICES: &str =
    "SELECT id, number, issued_on, due_on, gross_cents AS amount_cents, currency, status \
     FROM invoices WHERE account_id = $1 ORDER BY issued_on DESC, number DESC";

const AUDIT_EVENTS: &str =
    "SELECT account_id, actor_user_id, event, target, ip, at FROM audit_events \
     WHERE account_id = $1 ORDER BY id";

const SEED_PRODUCT: &str =
    "INSERT INTO products (id, code, name) VALUES ($1, $2, $3) ON CONFLICT (code) DO NOTHING";
const SEED_PACKAGE: &str =
    "INSERT INTO packages (id, code, name) VALUES ($1, $2, $3) ON CONFLICT (code) DO NOTHING";
const PACKAGE_ID: &str = "SELECT id FROM packages WHERE code = $1";
const SEED_PACKAGE_PRODUCT: &str = "INSERT INTO package_products (package_id, product_id) \
     VALUES ($1, $2) ON CONFLICT (package_id, product_id) DO NOTHING";
const ACCOUNT_BY_CUSTOMER_NUMBER: &str = "SELECT id FROM accounts WHERE customer_number = $1";
const SEED_ACCOUNT: &str =
    "INSERT INTO accounts (id, customer_number, name, created_at) VALUES ($1, $2, $3, $4)";
const SEED_SUBSCRIPTION: &str = "INSERT INTO subscriptions (account_id, package_id, started_on, \
     renews_on, license_expires_on) VALUES ($1, $2, $3, $4, $5)";
const SEED_SEATS: &str = "INSERT INTO subscription_seats (account_id, product_id, seats, \
     unit_price_cents, currency) VALUES ($1, $2, $3, $4, $5)";
const SEED_LOCATION: &str =
    "INSERT INTO locations (id, account_id, name, name_key) VALUES ($1, $2, $3, $4)";
const SEED_ASSIGNMENT: &str =
    "INSERT INTO license_assignments (user_id, product_id, assigned_at) VALUES ($1, $2, $3)";
// Until the invoice issuing of issue 8 seeds real invoices: one line, no VAT, the account name as address.
const SEED_INVOICE: &str = "INSERT INTO invoices (id, account_id, number, kind, issued_on, period_start, \
     period_end, due_on, currency, net_cents, vat_cents, gross_cents, status, payment_method, bill_company, \
     bill_street, bill_postal_code, bill_city, bill_country, bill_emails, created_at) \
     SELECT $1, $2, $3, 'invoice', $4, $4, $4, $5, $7, $6, 0, $6, $8, 'invoice', a.name, '', '', '', '', '[]', \
     a.created_at FROM accounts a WHERE a.id = $2";
const SEED_INVOICE_LINE: &str = "INSERT INTO invoice_lines (invoice_id, position, description, quantity, \
     unit_price_cents, net_cents, vat_rate_bp, vat_cents) VALUES ($1, 1, 'Subscription', 1, $2, $2, 0, 0)";
// acct9
const SEED_TEMP_PASSWORD: &str =
    "UPDATE users SET temp_password_hash = $2, password_hash = NULL, must_change_password = $3 \
     WHERE id = $1";
const SEED_LICENSE_TOKEN: &str = "INSERT INTO license_tokens (token_hash, account_id, user_id, \
     created_at, expires_at) VALUES ($1, $2, $3, $4, $5)";

/// Product ids by code, for the seed's references.
fn product_id(ids: &HashMap<String, String>, code: &str) -> DbResult<String> {
    ids.get(code)
        .cloned()
        .ok_or_else(|| DbError::Corrupt(format!("unknown product code {code:?}")))
}

/// The shared statements of the `Database` methods, for any sqlx backend `DB` that has what they need.
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
    for<'q> bool: Encode<'q, DB> + Type<DB>,
    for<'q> Option<&'q str>: Encode<'q, DB> + Type<DB>,
    for<'q> Option<String>: Encode<'q, DB> + Type<DB>,
    for<'q> Option<i64>: Encode<'q, DB> + Type<DB>,
    for<'r> (String,): FromRow<'r, DB::Row>,
    for<'r> (i64,): FromRow<'r, DB::Row>,
    for<'r> UserRow: FromRow<'r, DB::Row>,
    for<'r> AccessRow: FromRow<'r, DB::Row>,
    for<'r> AccountRow: FromRow<'r, DB::Row>,
    for<'r> LicenseTokenRecord: FromRow<'r, DB::Row>,
    for<'r> SessionRecord: FromRow<'r, DB::Row>,
    for<'r> SubscriptionRecord: FromRow<'r, DB::Row>,
    for<'r> SeatRecord: FromRow<'r, DB::Row>,
    for<'r> InvoiceRecord: FromRow<'r, DB::Row>,
    for<'r> AuditEvent: FromRow<'r, DB::Row>,
    for<'r> (i64, String): FromRow<'r, DB::Row>,
    for<'r> (String, bool): FromRow<'r, DB::Row>,
    for<'r> (Option<String>,): FromRow<'r, DB::Row>,
    for<'r> ChainRow: FromRow<'r, DB::Row>,
    for<'r> DashboardRow: FromRow<'r, DB::Row>,
    for<'r> AddonPrice: FromRow<'r, DB::Row>,
{
    /// Runs [`INSERT_USER`] for a user with a location.
    async fn insert_user_on(
        c: &mut DB::Connection,
        u: &UserRecord,
        location_id: &Option<String>,
    ) -> DbResult<()> {
        sqlx::query::<DB>(INSERT_USER)
            .bind(&u.id)
            .bind(&u.account_id)
            .bind(&u.email)
            .bind(&u.display_name)
            .bind(u.role.as_str())
            .bind(&u.password_hash)
            .bind(u.must_change_password)
            .bind(u.created_at)
            .bind(u.deleted_at)
            .bind(name_key(&u.display_name))
            .bind(location_id)
            .execute(c)
            .await?;
        Ok(())
    }

    /// Runs [`INSERT_SESSION`].
    async fn insert_session_on(c: &mut DB::Connection, s: &NewSession) -> DbResult<()> {
        sqlx::query::<DB>(INSERT_SESSION)
            .bind(&s.id)
            .bind(&s.family_id)
            .bind(&s.user_id)
            .bind(&s.account_id)
            .bind(&s.access_hash)
            .bind(s.access_expires_at)
            .bind(&s.refresh_hash)
            .bind(s.refresh_expires_at)
            .bind(s.remember)
            .bind(s.created_at)
            .bind(&s.ip)
            .bind(&s.device)
            .bind(&s.license_token_hash)
            .execute(c)
            .await?;
        Ok(())
    }

    async fn user_by_email(pool: &Pool<DB>, email: &str) -> DbResult<Option<UserRecord>> {
        sqlx::query_as::<DB, UserRow>(USER_BY_EMAIL)
            .bind(email)
            .fetch_optional(pool)
            .await?
            .map(UserRow::into_record)
            .transpose()
    }

    async fn user_by_id(
        pool: &Pool<DB>,
        account_id: &str,
        user_id: &str,
    ) -> DbResult<Option<UserRecord>> {
        sqlx::query_as::<DB, UserRow>(USER_BY_ID)
            .bind(account_id)
            .bind(user_id)
            .fetch_optional(pool)
            .await?
            .map(UserRow::into_record)
            .transpose()
    }

    async fn users_by_email(pool: &Pool<DB>, email: &str, max: i64) -> DbResult<Vec<UserRecord>> {
        sqlx::query_as::<DB, UserRow>(USERS_BY_EMAIL)
            .bind(email)
            .bind(max)
            .fetch_all(pool)
            .await?
            .into_iter()
            .map(UserRow::into_record)
            .collect()
    }

    async fn save_sign_in_choice(
        pool: &Pool<DB>,
        write_lock: &WriteLock<DB>,
        token_hash: &str,
        users: &[(String, String)],
        remember: bool,
        expires_at: i64,
    ) -> DbResult<()> {
        let (_writer, mut tx) = begin_write(pool, write_lock).await?;
        for (user_id, account_id) in users {
            sqlx::query::<DB>(INSERT_SIGN_IN_CHOICE)
                .bind(token_hash)
                .bind(user_id)
                .bind(account_id)
                .bind(remember)
                .bind(expires_at)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn take_sign_in_choice(
        pool: &Pool<DB>,
        write_lock: &WriteLock<DB>,
        token_hash: &str,
        account_id: &str,
        now: i64,
    ) -> DbResult<Option<(String, bool)>> {
        let (_writer, mut tx) = begin_write(pool, write_lock).await?;
        let row: Option<(String, bool)> = sqlx::query_as::<DB, (String, bool)>(TAKE_SIGN_IN_CHOICE)
            .bind(token_hash)
            .bind(account_id)
            .bind(now)
            .fetch_optional(&mut *tx)
            .await?;
        let n = sqlx::query::<DB>(DROP_SIGN_IN_CHOICE)
            .bind(token_hash)
            .execute(&mut *tx)
            .await?
            .affected();
        sqlx::query::<DB>(DROP_EXPIRED_SIGN_IN_CHOICES)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        // Two takes of one token at once: the second's DELETE finds nothing (SQLite: it ran after the
        // first's commit; PostgreSQL: it waited for the first's row locks), so only one wins.
        Ok(row.filter(|_| n > 0))
    }

    async fn insert_user(
        pool: &Pool<DB>,
        write_lock: &WriteLock<DB>,
        u: &UserRecord,
    ) -> DbResult<()> {
        let (_writer, mut tx) = begin_write(pool, write_lock).await?;
        Self::insert_user_on(&mut tx, u, &None).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn delete_user(
        pool: &Pool<DB>,
        write_lock: &WriteLock<DB>,
        account_id: &str,
        user_id: &str,
        at: i64,
    ) -> DbResult<bool> {
        let (_writer, mut tx) = begin_write(pool, write_lock).await?;
        let n = sqlx::query::<DB>(SOFT_DELETE_USER)
            .bind(account_id)
            .bind(user_id)
            .bind(at)
            .bind(DELETED_EMAIL_SUFFIX)
            .execute(&mut *tx)
            .await?
            .affected();
        sqlx::query::<DB>(REVOKE_USER_SESSIONS)
            .bind(account_id)
            .bind(user_id)
            .bind(at)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(n == 1)
    }

    async fn license_token(
        pool: &Pool<DB>,
        token_hash: &str,
    ) -> DbResult<Option<LicenseTokenRecord>> {
        Ok(sqlx::query_as::<DB, LicenseTokenRecord>(LICENSE_TOKEN)
            .bind(token_hash)
            .fetch_optional(pool)
            .await?)
    }

    async fn insert_session(
        pool: &Pool<DB>,
        write_lock: &WriteLock<DB>,
        s: &NewSession,
    ) -> DbResult<()> {
        let (_writer, mut tx) = begin_write(pool, write_lock).await?;
        Self::insert_session_on(&mut tx, s).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn session_for_access(
        pool: &Pool<DB>,
        access_hash: &str,
        now: i64,
    ) -> DbResult<Option<AccessContext>> {
        let row = sqlx::query_as::<DB, AccessRow>(SESSION_FOR_ACCESS)
            .bind(access_hash)
            .bind(now)
            .fetch_optional(pool)
            .await?;
        row.map(|r| {
            Ok(AccessContext {
                session_id: r.session_id,
                user_id: r.user_id,
                account_id: r.account_id,
                role: role(&r.role)?,
                must_change_password: r.must_change_password,
            })
        })
        .transpose()
    }

    async fn session_by_refresh(
        pool: &Pool<DB>,
        refresh_hash: &str,
    ) -> DbResult<Option<SessionRecord>> {
        Ok(sqlx::query_as::<DB, SessionRecord>(SESSION_BY_REFRESH)
            .bind(refresh_hash)
            .fetch_optional(pool)
            .await?)
    }

    async fn rotate_session(
        pool: &Pool<DB>,
        write_lock: &WriteLock<DB>,
        old_id: &str,
        new: &NewSession,
    ) -> DbResult<bool> {
        let (_writer, mut tx) = begin_write(pool, write_lock).await?;
        let n = sqlx::query::<DB>(ROTATE_SESSION)
            .bind(old_id)
            .bind(new.created_at)
            .execute(&mut *tx)
            .await?
            .affected();
        if n != 1 {
            tx.rollback().await?;
            return Ok(false);
        }
        Self::insert_session_on(&mut tx, new).await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn revoke_family(
        pool: &Pool<DB>,
        write_lock: &WriteLock<DB>,
        family_id: &str,
        at: i64,
    ) -> DbResult<u64> {
        let (_writer, mut tx) = begin_write(pool, write_lock).await?;
        let n = sqlx::query::<DB>(REVOKE_FAMILY)
            .bind(family_id)
            .bind(at)
            .execute(&mut *tx)
            .await?
            .affected();
        tx.commit().await?;
        Ok(n)
    }

    async fn account(pool: &Pool<DB>, account_id: &str) -> DbResult<Option<Account>> {
        let row = sqlx::query_as::<DB, AccountRow>(ACCOUNT)
            .bind(account_id)
            .fetch_optional(pool)
            .await?;
        Ok(row.map(|r| Account {
            id: r.id,
            customer_number: r.customer_number,
            name: r.name,
            created_at: r.created_at,
        }))
    }

    async fn subscription(
        pool: &Pool<DB>,
        account_id: &str,
    ) -> DbResult<Option<SubscriptionRecord>> {
        Ok(sqlx::query_as::<DB, SubscriptionRecord>(SUBSCRIPTION)
            .bind(account_id)
            .fetch_optional(pool)
            .await?)
    }

    async fn seats(pool: &Pool<DB>, account_id: &str) -> DbResult<Vec<SeatRecord>> {
        Ok(sqlx::query_as::<DB, SeatRecord>(SEATS)
            .bind(account_id)
            .fetch_all(pool)
            .await?)
    }

    async fn active_user_count(pool: &Pool<DB>, account_id: &str) -> DbResult<i64> {
        Ok(sqlx::query_scalar::<DB, i64>(ACTIVE_USER_COUNT)
            .bind(account_id)
            .fetch_one(pool)
            .await?)
    }

    async fn dashboard(pool: &Pool<DB>, account_id: &str) -> DbResult<Option<DashboardRecord>> {
        let mut c = pool.acquire().await?;
        let Some(r) = sqlx::query_as::<DB, DashboardRow>(DASHBOARD)
            .bind(account_id)
            .fetch_optional(&mut *c)
            .await?
        else {
            return Ok(None);
        };
        let seats = sqlx::query_as::<DB, SeatRecord>(SEATS)
            .bind(account_id)
            .fetch_all(&mut *c)
            .await?;
        let subscription = match (
            r.package_name,
            r.started_on,
            r.renews_on,
            r.license_expires_on,
        ) {
            (Some(package_name), Some(started_on), Some(renews_on), Some(license_expires_on)) => {
                Some(SubscriptionRecord {
                    package_name,
                    started_on,
                    renews_on,
                    license_expires_on,
                })
            }
            _ => None,
        };
        let package = match (r.package_code, r.monthly_cents, r.yearly_cents, r.currency) {
            (Some(code), Some(monthly_cents), Some(yearly_cents), Some(currency)) => {
                Some(PackagePrice {
                    code,
                    // The subscription's package: its name is the subscription's.
                    name: subscription
                        .as_ref()
                        .map(|s| s.package_name.clone())
                        .unwrap_or_default(),
                    monthly_cents,
                    yearly_cents,
                    currency,
                })
            }
            _ => None,
        };
        let pending_package = match (
            r.pending_code,
            r.pending_name,
            r.pending_monthly_cents,
            r.pending_yearly_cents,
            r.pending_currency,
        ) {
            (Some(code), Some(name), Some(monthly_cents), Some(yearly_cents), Some(currency)) => {
                Some(PackagePrice {
                    code,
                    name,
                    monthly_cents,
                    yearly_cents,
                    currency,
                })
            }
            _ => None,
        };
        let billing = match (package, r.billing_period) {
            (Some(package), Some(billing_period)) => Some(BillingBasis {
                account_id: account_id.to_string(),
                package,
                pending_package,
                billing_period,
                period_start: r.period_start,
                period_end: r.period_end,
                addons: sqlx::query_as::<DB, AddonPrice>(ADDONS)
                    .bind(account_id)
                    .fetch_all(&mut *c)
                    .await?,
                buyer_vat_id: r.buyer_vat_id,
            }),
            _ => None,
        };
        Ok(Some(DashboardRecord {
            account: Account {
                id: r.id,
                customer_number: r.customer_number,
                name: r.name,
                created_at: r.created_at,
            },
            subscription,
            seats,
            user_count: r.user_count,
            billing,
        }))
    }

    async fn invoices(pool: &Pool<DB>, account_id: &str) -> DbResult<Vec<InvoiceRecord>> {
        Ok(sqlx::query_as::<DB, InvoiceRecord>(INVOICES)
            .bind(account_id)
            .fetch_all(pool)
            .await?)
    }

    /// One event appended to its account's chain in a write transaction of its own
    /// ([`begin_write`]).
    async fn audit(pool: &Pool<DB>, write_lock: &WriteLock<DB>, e: &AuditEvent) -> DbResult<()> {
        let (_writer, mut tx) = begin_write(pool, write_lock).await?;
        let actor_email = match &e.actor_user_id {
            Some(id) => Chain::<DB>::actor_email(&mut tx, id).await?,
            None => None,
        };
        Chain::<DB>::append(
            &mut tx,
            &[NewEntry {
                account_id: &e.account_id,
                actor_user_id: e.actor_user_id.as_deref(),
                actor_email: actor_email.as_deref(),
                event: &e.event,
                target: e.target.as_deref(),
                ip: e.ip.as_deref(),
                at: e.at,
            }],
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn audit_verify(pool: &Pool<DB>, account: Option<&str>) -> DbResult<Vec<AccountCheck>> {
        Chain::<DB>::verify(pool, account).await
    }

    async fn audit_events(pool: &Pool<DB>, account_id: &str) -> DbResult<Vec<AuditEvent>> {
        Ok(sqlx::query_as::<DB, AuditEvent>(AUDIT_EVENTS)
            .bind(account_id)
            .fetch_all(pool)
            .await?)
    }

    async fn seed(pool: &Pool<DB>, write_lock: &WriteLock<DB>, d: &SeedData) -> DbResult<()> {
        let (_writer, mut tx) = begin_write(pool, write_lock).await?;
        // Writes first (SQLite: take the write lock at once instead of upgrading a read).
        for p in &d.products {
            sqlx::query::<DB>(SEED_PRODUCT)
                .bind(uuid::Uuid::new_v4().to_string())
                .bind(&p.code)
                .bind(&p.name)
                .execute(&mut *tx)
                .await?;
        }
        sqlx::query::<DB>(SEED_PACKAGE)
            .bind(uuid::Uuid::new_v4().to_string())
            .bind(&d.package_code)
            .bind(&d.package_name)
            .execute(&mut *tx)
            .await?;
        let package_id: String = sqlx::query_scalar::<DB, String>(PACKAGE_ID)
            .bind(&d.package_code)
            .fetch_one(&mut *tx)
            .await?;
        let mut product_ids = HashMap::new();
        for p in &d.products {
            let id: String = sqlx::query_scalar::<DB, String>(PRODUCT_ID)
                .bind(&p.code)
                .fetch_one(&mut *tx)
                .await?;
            product_ids.insert(p.code.clone(), id);
        }
        for code in &d.package_product_codes {
            sqlx::query::<DB>(SEED_PACKAGE_PRODUCT)
                .bind(&package_id)
                .bind(product_id(&product_ids, code)?)
                .execute(&mut *tx)
                .await?;
        }
        let exists: Option<String> = sqlx::query_scalar::<DB, String>(ACCOUNT_BY_CUSTOMER_NUMBER)
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
        sqlx::query::<DB>(SEED_ACCOUNT)
            .bind(&d.account.id)
            .bind(&d.account.customer_number)
            .bind(&d.account.name)
            .bind(d.account.created_at)
            .execute(&mut *tx)
            .await?;
        sqlx::query::<DB>(SEED_SUBSCRIPTION)
            .bind(&d.account.id)
            .bind(&package_id)
            .bind(&d.started_on)
            .bind(&d.renews_on)
            .bind(&d.license_expires_on)
            .execute(&mut *tx)
            .await?;
        for s in &d.seats {
            sqlx::query::<DB>(SEED_SEATS)
                .bind(&d.account.id)
                .bind(product_id(&product_ids, &s.product_code)?)
                .bind(s.seats)
                .bind(s.unit_price_cents)
                .bind(&s.currency)
                .execute(&mut *tx)
                .await?;
        }
        for l in &d.locations {
            sqlx::query::<DB>(SEED_LOCATION)
                .bind(&l.id)
                .bind(&d.account.id)
                .bind(&l.name)
                .bind(l.name.to_lowercase())
                .execute(&mut *tx)
                .await?;
        }
        for su in &d.users {
            let u = &su.user;
            Self::insert_user_on(&mut tx, u, &su.location_id).await?;
            if let Some(lang) = &su.language {
                sqlx::query::<DB>(SEED_LANGUAGE)
                    .bind(&u.id)
                    .bind(lang)
                    .execute(&mut *tx)
                    .await?;
            }
            for code in &su.product_codes {
                sqlx::query::<DB>(SEED_ASSIGNMENT)
                    .bind(&u.id)
                    .bind(product_id(&product_ids, code)?)
                    .bind(u.created_at)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        for i in &d.invoices {
            sqlx::query::<DB>(SEED_INVOICE)
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
            sqlx::query::<DB>(SEED_INVOICE_LINE)
                .bind(&i.id)
                .bind(i.amount_cents)
                .execute(&mut *tx)
                .await?;
        }
        sqlx::query::<DB>(SEED_LICENSE_TOKEN)
            .bind(&d.license_token_hash)
            .bind(&d.account.id)
            .bind(&d.license_token_user_id)
            .bind(d.account.created_at)
            .bind(d.license_token_expires_at)
            .execute(&mut *tx)
            .await?;
        // acct9: temporary passwords, mails and audit entries of a new customer account.
        for (user_id, hash) in &d.temp_passwords {
            sqlx::query::<DB>(SEED_TEMP_PASSWORD)
                .bind(user_id)
                .bind(hash)
                .bind(true)
                .execute(&mut *tx)
                .await?;
        }
        for m in &d.mails {
            crate::db::mail::enqueue_on::<DB>(&mut tx, m).await?;
        }
        for e in &d.audit {
            Chain::<DB>::append(
                &mut tx,
                &[NewEntry {
                    account_id: &e.account_id,
                    actor_user_id: e.actor_user_id.as_deref(),
                    actor_email: Some("cli"),
                    event: &e.event,
                    target: e.target.as_deref(),
                    ip: e.ip.as_deref(),
                    at: e.at,
                }],
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }
}

/// Implements [`crate::db::Database`] for a struct with a `pool: sqlx::Pool<$db>` field by calling [`Sql`].
macro_rules! impl_database {
    ($ty:ty, $db:ty, $name:literal) => {
        #[async_trait::async_trait]
        impl crate::db::Database for $ty {
            fn backend(&self) -> &'static str {
                $name
            }
            async fn user_by_email(&self, email: &str) -> DbResult<Option<UserRecord>> {
                Sql::<$db>::user_by_email(&self.pool, email).await
            }
            async fn user_by_id(
                &self,
                account_id: &str,
                user_id: &str,
            ) -> DbResult<Option<UserRecord>> {
                Sql::<$db>::user_by_id(&self.pool, account_id, user_id).await
            }
            async fn users_by_email(&self, email: &str, max: i64) -> DbResult<Vec<UserRecord>> {
                Sql::<$db>::users_by_email(&self.pool, email, max).await
            }
            async fn save_sign_in_choice(
                &self,
                token_hash: &str,
                users: &[(String, String)],
                remember: bool,
                expires_at: i64,
            ) -> DbResult<()> {
                Sql::<$db>::save_sign_in_choice(
                    &self.pool,
                    &self.write_lock,
                    token_hash,
                    users,
                    remember,
                    expires_at,
                )
                .await
            }
            async fn take_sign_in_choice(
                &self,
                token_hash: &str,
                account_id: &str,
                now: i64,
            ) -> DbResult<Option<(String, bool)>> {
                Sql::<$db>::take_sign_in_choice(
                    &self.pool,
                    &self.write_lock,
                    token_hash,
                    account_id,
                    now,
                )
                .await
            }
            async fn insert_user(&self, user: &UserRecord) -> DbResult<()> {
                Sql::<$db>::insert_user(&self.pool, &self.write_lock, user).await
            }
            async fn delete_user(
                &self,
                account_id: &str,
                user_id: &str,
                at: i64,
            ) -> DbResult<bool> {
                Sql::<$db>::delete_user(&self.pool, &self.write_lock, account_id, user_id, at).await
            }
            async fn license_token(
                &self,
                token_hash: &str,
            ) -> DbResult<Option<LicenseTokenRecord>> {
                Sql::<$db>::license_token(&self.pool, token_hash).await
            }
            async fn insert_session(&self, session: &NewSession) -> DbResult<()> {
                Sql::<$db>::insert_session(&self.pool, &self.write_lock, session).await
            }
            async fn session_for_access(
                &self,
                access_hash: &str,
                now: i64,
            ) -> DbResult<Option<AccessContext>> {
                Sql::<$db>::session_for_access(&self.pool, access_hash, now).await
            }
            async fn session_by_refresh(
                &self,
                refresh_hash: &str,
            ) -> DbResult<Option<SessionRecord>> {
                Sql::<$db>::session_by_refresh(&self.pool, refresh_hash).await
            }
            async fn rotate_session(&self, old_id: &str, new: &NewSession) -> DbResult<bool> {
                Sql::<$db>::rotate_session(&self.pool, &self.write_lock, old_id, new).await
            }
            async fn revoke_family(&self, family_id: &str, at: i64) -> DbResult<u64> {
                Sql::<$db>::revoke_family(&self.pool, &self.write_lock, family_id, at).await
            }
            async fn account(&self, account_id: &str) -> DbResult<Option<Account>> {
                Sql::<$db>::account(&self.pool, account_id).await
            }
            async fn subscription(&self, account_id: &str) -> DbResult<Option<SubscriptionRecord>> {
                Sql::<$db>::subscription(&self.pool, account_id).await
            }
            async fn seats(&self, account_id: &str) -> DbResult<Vec<SeatRecord>> {
                Sql::<$db>::seats(&self.pool, account_id).await
            }
            async fn active_user_count(&self, account_id: &str) -> DbResult<i64> {
                Sql::<$db>::active_user_count(&self.pool, account_id).await
            }
            async fn dashboard(&self, account_id: &str) -> DbResult<Option<DashboardRecord>> {
                Sql::<$db>::dashboard(&self.pool, account_id).await
            }
            async fn invoices(&self, account_id: &str) -> DbResult<Vec<InvoiceRecord>> {
                Sql::<$db>::invoices(&self.pool, account_id).await
            }
            async fn audit(&self, event: &AuditEvent) -> DbResult<()> {
                Sql::<$db>::audit(&self.pool, &self.write_lock, event).await
            }
            async fn audit_verify(&self, account: Option<&str>) -> DbResult<Vec<AccountCheck>> {
                Sql::<$db>::audit_verify(&self.pool, account).await
            }
            async fn audit_events(&self, account_id: &str) -> DbResult<Vec<AuditEvent>> {
                Sql::<$db>::audit_events(&self.pool, account_id).await
            }
            async fn seed(&self, data: &SeedData) -> DbResult<()> {
                Sql::<$db>::seed(&self.pool, &self.write_lock, data).await
            }
            async fn close(&self) {
                self.write_lock.close().await;
                self.pool.close().await;
            }
        }
    };
}

impl_database!(crate::db::sqlite::SqliteDatabase, sqlx::Sqlite, "sqlite");
impl_database!(
    crate::db::postgres::PostgresDatabase,
    sqlx::Postgres,
    "postgres"
);

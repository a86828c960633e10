//! The subscription half of the storage ([`SubscriptionStore`], a supertrait of `Database`): the priced
//! package catalog (packages, included applications with seats, add-ons and which packages they fit), the
//! subscription terms, and package changes booked once per idempotency key.
//!
//! A change locks the account's subscription row first (PostgreSQL `SELECT … FOR UPDATE`; SQLite a no-op
//! `UPDATE`, which takes the write lock at once), then looks the idempotency key up, checks that the
//! subscription is still the one the change was planned on and that no product would have more licenses
//! assigned than its new limit, and writes the change, the seat limits and the audit event in one
//! transaction: concurrent requests with the same key book once, and licenses are never revoked.

use std::collections::BTreeMap;

use async_trait::async_trait;
use kontor_api::{ErrorDetail, OverLimit, Resource};
use sqlx::{Encode, Executor, FromRow, IntoArguments, Pool, Type};

use crate::db::backend::{begin_write, RowsAffected, WriteLock};
use crate::db::postgres::PostgresDatabase;
use crate::db::sqlite::SqliteDatabase;
use crate::domain::{row_u32, Actor, Outcome, Refusal};
use crate::error::DbResult;

/// A catalog product to upsert (code, name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProductDef {
    pub code: String,
    pub name: String,
}

/// A catalog package to upsert, with its applications (product code, seats).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackageDef {
    pub code: String,
    pub name: String,
    pub rank: i64,
    pub monthly_cents: i64,
    pub yearly_cents: i64,
    pub currency: String,
    pub apps: Vec<(String, i64)>,
}

/// A catalog add-on to upsert: `seats` per unit of `product_code`, the packages (codes) it fits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddonDef {
    pub code: String,
    pub name: String,
    pub product_code: String,
    pub seats: i64,
    pub monthly_cents: i64,
    pub yearly_cents: i64,
    pub currency: String,
    pub packages: Vec<String>,
}

/// A whole catalog file, validated (`service::catalog`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CatalogDef {
    pub products: Vec<ProductDef>,
    pub packages: Vec<PackageDef>,
    pub addons: Vec<AddonDef>,
}

/// A `packages` row.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PackageRow {
    pub code: String,
    pub name: String,
    pub rank: i64,
    pub monthly_cents: i64,
    pub yearly_cents: i64,
    pub currency: String,
}

/// An application a package includes.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PackageAppRow {
    pub package_code: String,
    pub product_code: String,
    pub product_name: String,
    pub seats: i64,
}

/// An `addons` row with its product.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AddonRow {
    pub code: String,
    pub name: String,
    pub product_code: String,
    pub product_name: String,
    pub seats: i64,
    pub monthly_cents: i64,
    pub yearly_cents: i64,
    pub currency: String,
}

/// Which add-on fits which package.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct FitRow {
    pub package_code: String,
    pub addon_code: String,
}

/// The catalog as stored: packages by rank, their applications, add-ons and fits.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CatalogRecord {
    pub packages: Vec<PackageRow>,
    pub apps: Vec<PackageAppRow>,
    pub addons: Vec<AddonRow>,
    pub fits: Vec<FitRow>,
}

/// An account's subscription terms.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TermsRow {
    pub package_code: String,
    pub billing_period: String,
    pub started_on: String,
    pub renews_on: String,
    pub period_start: Option<String>,
    pub period_end: Option<String>,
    pub pending_code: Option<String>,
    pub payment_method: String,
}

/// An add-on the account bought.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct BoughtAddonRow {
    pub addon_code: String,
    pub quantity: i64,
    pub started_on: String,
}

/// The terms `seed-demo` (or a vendor tool) sets on a subscription.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TermsDef {
    pub package_code: String,
    pub billing_period: String,
    pub period_start: String,
    pub period_end: String,
    pub renews_on: String,
    /// (add-on code, quantity, started on).
    pub addons: Vec<(String, i64, String)>,
    /// The effective seat limit per product code.
    pub seats: Vec<(String, i64)>,
}

/// A package change to book, planned by `service::subscription` from the state it read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangePlan {
    pub id: String,
    pub idempotency_key: String,
    pub from_code: String,
    pub to_code: String,
    /// Upgrade: applied at once; else the downgrade waits in `pending_package_id`.
    pub at_once: bool,
    pub effective_on: String,
    pub prorated_cents: i64,
    /// The new effective seat limit per product code (products not named lose their seat pool).
    pub new_seats: BTreeMap<String, i64>,
    /// Product names for the over-limit refusal.
    pub product_names: BTreeMap<String, String>,
    /// Add-on codes that do not fit the new package and end with it.
    pub dropped_addons: Vec<String>,
}

/// A booked change.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ChangeRecord {
    pub id: String,
    pub from_code: String,
    pub to_code: String,
    pub from_rank: i64,
    pub to_rank: i64,
    pub effective_on: String,
    pub prorated_cents: i64,
    pub invoice_id: Option<String>,
    pub invoice_number: Option<String>,
    pub invoice_gross_cents: Option<i64>,
    pub invoice_currency: Option<String>,
}

/// Licenses assigned per product code (the account's live users).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AssignedRow {
    pub product_code: String,
    pub assigned: i64,
}

/// A subscription with a downgrade due.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct DueRow {
    pub account_id: String,
    pub pending_code: String,
}

#[async_trait]
pub trait SubscriptionStore {
    /// Upserts products, packages (with their applications, replacing the old set), add-ons (with the
    /// packages they fit) by code, in one transaction.
    async fn import_catalog(&self, catalog: &CatalogDef) -> DbResult<()>;
    /// The whole catalog.
    async fn catalog(&self) -> DbResult<CatalogRecord>;
    async fn terms(&self, account_id: &str) -> DbResult<Option<TermsRow>>;
    /// The account's add-ons by code.
    async fn bought_addons(&self, account_id: &str) -> DbResult<Vec<BoughtAddonRow>>;
    /// Licenses assigned per product code.
    async fn assigned(&self, account_id: &str) -> DbResult<Vec<AssignedRow>>;
    /// Sets package, period, add-ons and seat limits of an existing subscription (demo seed, tests).
    async fn set_terms(&self, account_id: &str, terms: &TermsDef) -> DbResult<()>;
    /// The change booked with this key, if any.
    async fn change_by_key(&self, account_id: &str, key: &str) -> DbResult<Option<ChangeRecord>>;
    /// Books a change (see the module comment); the same key answers the change booked first. Audits
    /// `subscription.change_booked`.
    async fn book_change(&self, actor: &Actor, plan: &ChangePlan) -> Outcome<ChangeRecord>;
    /// Links the proration invoice to a booked change.
    async fn set_change_invoice(&self, change_id: &str, invoice_id: &str) -> DbResult<()>;
    /// Subscriptions whose pending downgrade is due on `today` (ISO) or before.
    async fn due_changes(&self, today: &str) -> DbResult<Vec<DueRow>>;
    /// Applies a due downgrade to `pending_code` with the given seat limits (refused with
    /// `SeatsOverLimit` if licenses exceed them; nothing changes then). Audits
    /// `subscription.downgrade_applied`.
    async fn apply_pending(
        &self,
        actor: &Actor,
        pending_code: &str,
        new_seats: &BTreeMap<String, i64>,
        product_names: &BTreeMap<String, String>,
        dropped_addons: &[String],
    ) -> Outcome<()>;
}

const INSERT_AUDIT: &str = "INSERT INTO audit_events (account_id, actor_user_id, actor_email, event, \
     target, ip, at) VALUES ($1, $2, \
     COALESCE($3, (SELECT COALESCE(deleted_email, email) FROM users WHERE id = $2)), $4, $5, $6, $7)";

const UPSERT_PRODUCT: &str = "INSERT INTO products (id, code, name) VALUES ($1, $2, $3) \
     ON CONFLICT (code) DO UPDATE SET name = excluded.name";
const UPSERT_PACKAGE: &str = "INSERT INTO packages (id, code, name, rank, monthly_cents, yearly_cents, \
     currency) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (code) DO UPDATE SET name = excluded.name, \
     rank = excluded.rank, monthly_cents = excluded.monthly_cents, yearly_cents = excluded.yearly_cents, \
     currency = excluded.currency";
const UPSERT_ADDON: &str = "INSERT INTO addons (id, code, name, product_id, seats, monthly_cents, \
     yearly_cents, currency) SELECT $1, $2, $3, p.id, $5, $6, $7, $8 FROM products p WHERE p.code = $4 \
     ON CONFLICT (code) DO UPDATE SET name = excluded.name, product_id = excluded.product_id, \
     seats = excluded.seats, monthly_cents = excluded.monthly_cents, yearly_cents = excluded.yearly_cents, \
     currency = excluded.currency";
const CLEAR_PACKAGE_PRODUCTS: &str = "DELETE FROM package_products \
     WHERE package_id = (SELECT id FROM packages WHERE code = $1)";
const INSERT_PACKAGE_PRODUCT: &str =
    "INSERT INTO package_products (package_id, product_id, seats) \
     SELECT pk.id, pr.id, $3 FROM packages pk, products pr WHERE pk.code = $1 AND pr.code = $2";
const CLEAR_ADDON_FITS: &str =
    "DELETE FROM package_addons WHERE addon_id = (SELECT id FROM addons WHERE code = $1)";
const INSERT_ADDON_FIT: &str = "INSERT INTO package_addons (package_id, addon_id) \
     SELECT pk.id, a.id FROM packages pk, addons a WHERE pk.code = $1 AND a.code = $2";

const PACKAGES: &str =
    "SELECT code, name, rank, monthly_cents, yearly_cents, currency FROM packages \
     ORDER BY rank, code";
const PACKAGE_APPS: &str = "SELECT pk.code AS package_code, pr.code AS product_code, \
     pr.name AS product_name, pp.seats FROM package_products pp JOIN packages pk ON pk.id = pp.package_id \
     JOIN products pr ON pr.id = pp.product_id ORDER BY pk.code, pr.code";
const ADDONS: &str = "SELECT a.code, a.name, p.code AS product_code, p.name AS product_name, a.seats, \
     a.monthly_cents, a.yearly_cents, a.currency FROM addons a JOIN products p ON p.id = a.product_id \
     ORDER BY a.code";
const FITS: &str = "SELECT pk.code AS package_code, a.code AS addon_code FROM package_addons pa \
     JOIN packages pk ON pk.id = pa.package_id JOIN addons a ON a.id = pa.addon_id ORDER BY pk.code, a.code";

const TERMS: &str = "SELECT p.code AS package_code, s.billing_period, s.started_on, s.renews_on, \
     s.period_start, s.period_end, pp.code AS pending_code, s.payment_method \
     FROM subscriptions s JOIN packages p ON p.id = s.package_id \
     LEFT JOIN packages pp ON pp.id = s.pending_package_id WHERE s.account_id = $1";
const BOUGHT_ADDONS: &str = "SELECT a.code AS addon_code, sa.quantity, sa.started_on \
     FROM subscription_addons sa JOIN addons a ON a.id = sa.addon_id WHERE sa.account_id = $1 \
     ORDER BY a.code";
const ASSIGNED: &str = "SELECT p.code AS product_code, COUNT(*) AS assigned \
     FROM license_assignments la JOIN users u ON u.id = la.user_id JOIN products p ON p.id = la.product_id \
     WHERE u.account_id = $1 AND u.deleted_at IS NULL GROUP BY p.code ORDER BY p.code";

const SET_TERMS: &str = "UPDATE subscriptions SET package_id = (SELECT id FROM packages WHERE code = $2), \
     billing_period = $3, period_start = $4, period_end = $5, renews_on = $6, pending_package_id = NULL \
     WHERE account_id = $1";
const CLEAR_BOUGHT: &str = "DELETE FROM subscription_addons WHERE account_id = $1";
const INSERT_BOUGHT: &str =
    "INSERT INTO subscription_addons (account_id, addon_id, quantity, started_on) \
     SELECT $1, a.id, $3, $4 FROM addons a WHERE a.code = $2";
const UPSERT_SEATS: &str = "INSERT INTO subscription_seats (account_id, product_id, seats, \
     unit_price_cents, currency) SELECT $1, p.id, $3, 0, $4 FROM products p WHERE p.code = $2 \
     ON CONFLICT (account_id, product_id) DO UPDATE SET seats = excluded.seats";
const SEAT_PRODUCTS: &str =
    "SELECT p.code FROM subscription_seats ss JOIN products p ON p.id = ss.product_id \
     WHERE ss.account_id = $1";
const DELETE_SEATS: &str = "DELETE FROM subscription_seats WHERE account_id = $1 \
     AND product_id = (SELECT id FROM products WHERE code = $2)";
const DROP_BOUGHT: &str = "DELETE FROM subscription_addons WHERE account_id = $1 \
     AND addon_id = (SELECT id FROM addons WHERE code = $2)";

const CHANGE_BY_KEY: &str = "SELECT c.id, f.code AS from_code, t.code AS to_code, f.rank AS from_rank, \
     t.rank AS to_rank, c.effective_on, c.prorated_cents, c.invoice_id, i.number AS invoice_number, \
     i.gross_cents AS invoice_gross_cents, i.currency AS invoice_currency \
     FROM subscription_changes c JOIN packages f ON f.id = c.from_package_id \
     JOIN packages t ON t.id = c.to_package_id LEFT JOIN invoices i ON i.id = c.invoice_id \
     WHERE c.account_id = $1 AND c.idempotency_key = $2";
const CURRENT_PACKAGE: &str =
    "SELECT p.code FROM subscriptions s JOIN packages p ON p.id = s.package_id \
     WHERE s.account_id = $1";
const APPLY_NOW: &str =
    "UPDATE subscriptions SET package_id = (SELECT id FROM packages WHERE code = $2), \
     pending_package_id = NULL WHERE account_id = $1";
const SET_PENDING: &str = "UPDATE subscriptions \
     SET pending_package_id = (SELECT id FROM packages WHERE code = $2) WHERE account_id = $1";
const INSERT_CHANGE: &str = "INSERT INTO subscription_changes (id, account_id, idempotency_key, \
     from_package_id, to_package_id, effective_on, prorated_cents, actor_user_id, created_at) \
     SELECT $1, $2, $3, f.id, t.id, $6, $7, $8, $9 FROM packages f, packages t \
     WHERE f.code = $4 AND t.code = $5";
const SET_CHANGE_INVOICE: &str = "UPDATE subscription_changes SET invoice_id = $2 WHERE id = $1";
const DUE: &str = "SELECT s.account_id, p.code AS pending_code FROM subscriptions s \
     JOIN packages p ON p.id = s.pending_package_id WHERE s.period_end IS NOT NULL AND s.period_end <= $1 \
     ORDER BY s.account_id";
const PENDING_CODE: &str = "SELECT p.code FROM subscriptions s \
     JOIN packages p ON p.id = s.pending_package_id WHERE s.account_id = $1";

/// Locks the account's subscription row: SQLite a no-op `UPDATE`, which takes the write lock at once.
const SQLITE_LOCK_SUBSCRIPTION: &str =
    "UPDATE subscriptions SET package_id = package_id WHERE account_id = $1";

/// Locks the account's subscription row: PostgreSQL `SELECT … FOR UPDATE`.
const POSTGRES_LOCK_SUBSCRIPTION: &str =
    "SELECT account_id FROM subscriptions WHERE account_id = $1 FOR UPDATE";

macro_rules! refuse {
    ($tx:expr, $r:expr) => {{
        $tx.rollback().await?;
        return Ok(Err($r));
    }};
}

/// The products that would have more licenses assigned than `new_seats` allows, by code.
fn over_limit(
    assigned: &[AssignedRow],
    new_seats: &BTreeMap<String, i64>,
    names: &BTreeMap<String, String>,
) -> Vec<OverLimit> {
    assigned
        .iter()
        .filter_map(|a| {
            let allowed = new_seats.get(&a.product_code).copied().unwrap_or(0);
            (a.assigned > allowed).then(|| OverLimit {
                product_code: a.product_code.clone(),
                product_name: names
                    .get(&a.product_code)
                    .cloned()
                    .unwrap_or_else(|| a.product_code.clone()),
                assigned: row_u32(usize::try_from(a.assigned).unwrap_or(usize::MAX)),
                allowed: row_u32(usize::try_from(allowed.max(0)).unwrap_or(usize::MAX)),
            })
        })
        .collect()
}

/// The subscription statements, for any sqlx backend `DB` that has what they need (written once for
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
    for<'r> PackageRow: FromRow<'r, DB::Row>,
    for<'r> PackageAppRow: FromRow<'r, DB::Row>,
    for<'r> AddonRow: FromRow<'r, DB::Row>,
    for<'r> FitRow: FromRow<'r, DB::Row>,
    for<'r> TermsRow: FromRow<'r, DB::Row>,
    for<'r> BoughtAddonRow: FromRow<'r, DB::Row>,
    for<'r> AssignedRow: FromRow<'r, DB::Row>,
    for<'r> ChangeRecord: FromRow<'r, DB::Row>,
    for<'r> DueRow: FromRow<'r, DB::Row>,
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
        sqlx::query::<DB>(INSERT_AUDIT)
            .bind(&actor.account_id)
            .bind(user_id)
            .bind(&actor.system)
            .bind(event)
            .bind(target)
            .bind(&actor.ip)
            .bind(actor.at)
            .execute(c)
            .await?;
        Ok(())
    }

    async fn import_catalog(
        pool: &Pool<DB>,
        write_lock: &WriteLock<DB>,
        cat: &CatalogDef,
    ) -> DbResult<()> {
        let (_writer, mut tx) = begin_write(pool, write_lock).await?;
        for p in &cat.products {
            sqlx::query::<DB>(UPSERT_PRODUCT)
                .bind(uuid::Uuid::new_v4().to_string())
                .bind(&p.code)
                .bind(&p.name)
                .execute(&mut *tx)
                .await?;
        }
        for p in &cat.packages {
            sqlx::query::<DB>(UPSERT_PACKAGE)
                .bind(uuid::Uuid::new_v4().to_string())
                .bind(&p.code)
                .bind(&p.name)
                .bind(p.rank)
                .bind(p.monthly_cents)
                .bind(p.yearly_cents)
                .bind(&p.currency)
                .execute(&mut *tx)
                .await?;
            sqlx::query::<DB>(CLEAR_PACKAGE_PRODUCTS)
                .bind(&p.code)
                .execute(&mut *tx)
                .await?;
            for (product, seats) in &p.apps {
                sqlx::query::<DB>(INSERT_PACKAGE_PRODUCT)
                    .bind(&p.code)
                    .bind(product)
                    .bind(*seats)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        for a in &cat.addons {
            sqlx::query::<DB>(UPSERT_ADDON)
                .bind(uuid::Uuid::new_v4().to_string())
                .bind(&a.code)
                .bind(&a.name)
                .bind(&a.product_code)
                .bind(a.seats)
                .bind(a.monthly_cents)
                .bind(a.yearly_cents)
                .bind(&a.currency)
                .execute(&mut *tx)
                .await?;
            sqlx::query::<DB>(CLEAR_ADDON_FITS)
                .bind(&a.code)
                .execute(&mut *tx)
                .await?;
            for package in &a.packages {
                sqlx::query::<DB>(INSERT_ADDON_FIT)
                    .bind(package)
                    .bind(&a.code)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }

    async fn catalog(pool: &Pool<DB>) -> DbResult<CatalogRecord> {
        Ok(CatalogRecord {
            packages: sqlx::query_as::<DB, PackageRow>(PACKAGES)
                .fetch_all(pool)
                .await?,
            apps: sqlx::query_as::<DB, PackageAppRow>(PACKAGE_APPS)
                .fetch_all(pool)
                .await?,
            addons: sqlx::query_as::<DB, AddonRow>(ADDONS)
                .fetch_all(pool)
                .await?,
            fits: sqlx::query_as::<DB, FitRow>(FITS).fetch_all(pool).await?,
        })
    }

    async fn terms(pool: &Pool<DB>, account_id: &str) -> DbResult<Option<TermsRow>> {
        Ok(sqlx::query_as::<DB, TermsRow>(TERMS)
            .bind(account_id)
            .fetch_optional(pool)
            .await?)
    }

    async fn bought_addons(pool: &Pool<DB>, account_id: &str) -> DbResult<Vec<BoughtAddonRow>> {
        Ok(sqlx::query_as::<DB, BoughtAddonRow>(BOUGHT_ADDONS)
            .bind(account_id)
            .fetch_all(pool)
            .await?)
    }

    async fn assigned_on(c: &mut DB::Connection, account_id: &str) -> DbResult<Vec<AssignedRow>> {
        Ok(sqlx::query_as::<DB, AssignedRow>(ASSIGNED)
            .bind(account_id)
            .fetch_all(c)
            .await?)
    }

    async fn assigned(pool: &Pool<DB>, account_id: &str) -> DbResult<Vec<AssignedRow>> {
        let mut c = pool.acquire().await?;
        Self::assigned_on(&mut c, account_id).await
    }

    /// Writes the seat limits: the named products get theirs, every other pool of the account goes.
    async fn write_seats(
        c: &mut DB::Connection,
        account_id: &str,
        seats: &BTreeMap<String, i64>,
        currency: &str,
    ) -> DbResult<()> {
        for (product, n) in seats {
            sqlx::query::<DB>(UPSERT_SEATS)
                .bind(account_id)
                .bind(product)
                .bind(*n)
                .bind(currency)
                .execute(&mut *c)
                .await?;
        }
        let have: Vec<String> = sqlx::query_scalar::<DB, String>(SEAT_PRODUCTS)
            .bind(account_id)
            .fetch_all(&mut *c)
            .await?;
        for product in have.iter().filter(|p| !seats.contains_key(*p)) {
            sqlx::query::<DB>(DELETE_SEATS)
                .bind(account_id)
                .bind(product)
                .execute(&mut *c)
                .await?;
        }
        Ok(())
    }

    async fn set_terms(
        pool: &Pool<DB>,
        write_lock: &WriteLock<DB>,
        account_id: &str,
        t: &TermsDef,
    ) -> DbResult<()> {
        let (_writer, mut tx) = begin_write(pool, write_lock).await?;
        sqlx::query::<DB>(SET_TERMS)
            .bind(account_id)
            .bind(&t.package_code)
            .bind(&t.billing_period)
            .bind(&t.period_start)
            .bind(&t.period_end)
            .bind(&t.renews_on)
            .execute(&mut *tx)
            .await?;
        sqlx::query::<DB>(CLEAR_BOUGHT)
            .bind(account_id)
            .execute(&mut *tx)
            .await?;
        for (code, qty, started) in &t.addons {
            sqlx::query::<DB>(INSERT_BOUGHT)
                .bind(account_id)
                .bind(code)
                .bind(*qty)
                .bind(started)
                .execute(&mut *tx)
                .await?;
        }
        let seats: BTreeMap<String, i64> = t.seats.iter().cloned().collect();
        Self::write_seats(&mut tx, account_id, &seats, "EUR").await?;
        tx.commit().await?;
        Ok(())
    }

    async fn change_by_key_on(
        c: &mut DB::Connection,
        account_id: &str,
        key: &str,
    ) -> DbResult<Option<ChangeRecord>> {
        Ok(sqlx::query_as::<DB, ChangeRecord>(CHANGE_BY_KEY)
            .bind(account_id)
            .bind(key)
            .fetch_optional(c)
            .await?)
    }

    async fn change_by_key(
        pool: &Pool<DB>,
        account_id: &str,
        key: &str,
    ) -> DbResult<Option<ChangeRecord>> {
        let mut c = pool.acquire().await?;
        Self::change_by_key_on(&mut c, account_id, key).await
    }

    async fn book_change(
        pool: &Pool<DB>,
        write_lock: &WriteLock<DB>,
        lock: &'static str,
        actor: &Actor,
        plan: &ChangePlan,
    ) -> Outcome<ChangeRecord> {
        let account_id = actor.account_id.as_str();
        let (_writer, mut tx) = begin_write(pool, write_lock).await?;
        sqlx::query::<DB>(lock)
            .bind(account_id)
            .execute(&mut *tx)
            .await?;
        if let Some(done) =
            Self::change_by_key_on(&mut tx, account_id, &plan.idempotency_key).await?
        {
            tx.rollback().await?;
            if done.to_code == plan.to_code {
                return Ok(Ok(done));
            }
            return Ok(Err(Refusal::Conflict(
                "this idempotency key was already used for another change".to_string(),
            )));
        }
        let current: Option<String> = sqlx::query_scalar::<DB, String>(CURRENT_PACKAGE)
            .bind(account_id)
            .fetch_optional(&mut *tx)
            .await?;
        match current {
            None => refuse!(tx, Refusal::not_found(Resource::Subscription)),
            Some(c) if c == plan.to_code => refuse!(
                tx,
                Refusal::Detailed(
                    ErrorDetail::Field {
                        field: "package".to_string(),
                        row: None,
                        problem: kontor_api::FieldProblem::Unchanged,
                    },
                    "package is the subscription's current package".to_string(),
                )
            ),
            Some(c) if c != plan.from_code => refuse!(
                tx,
                Refusal::Conflict("the subscription changed meanwhile; preview again".to_string())
            ),
            Some(_) => {}
        }
        let assigned = Self::assigned_on(&mut tx, account_id).await?;
        let over = over_limit(&assigned, &plan.new_seats, &plan.product_names);
        if !over.is_empty() {
            refuse!(
                tx,
                Refusal::because(ErrorDetail::SeatsOverLimit { products: over })
            );
        }
        if plan.at_once {
            sqlx::query::<DB>(APPLY_NOW)
                .bind(account_id)
                .bind(&plan.to_code)
                .execute(&mut *tx)
                .await?;
            Self::write_seats(&mut tx, account_id, &plan.new_seats, "EUR").await?;
            for code in &plan.dropped_addons {
                sqlx::query::<DB>(DROP_BOUGHT)
                    .bind(account_id)
                    .bind(code)
                    .execute(&mut *tx)
                    .await?;
            }
        } else {
            sqlx::query::<DB>(SET_PENDING)
                .bind(account_id)
                .bind(&plan.to_code)
                .execute(&mut *tx)
                .await?;
        }
        let actor_user = match actor.system {
            Some(_) => None,
            None => Some(actor.user_id.as_str()),
        };
        sqlx::query::<DB>(INSERT_CHANGE)
            .bind(&plan.id)
            .bind(account_id)
            .bind(&plan.idempotency_key)
            .bind(&plan.from_code)
            .bind(&plan.to_code)
            .bind(&plan.effective_on)
            .bind(plan.prorated_cents)
            .bind(actor_user)
            .bind(actor.at)
            .execute(&mut *tx)
            .await?;
        let target = format!("{} → {}", plan.from_code, plan.to_code);
        Self::audit(&mut tx, actor, "subscription.change_booked", &target).await?;
        let booked = Self::change_by_key_on(&mut tx, account_id, &plan.idempotency_key).await?;
        tx.commit().await?;
        match booked {
            Some(b) => Ok(Ok(b)),
            None => Err(crate::error::DbError::Corrupt(
                "the booked change is not there".to_string(),
            )),
        }
    }

    async fn set_change_invoice(
        pool: &Pool<DB>,
        change_id: &str,
        invoice_id: &str,
    ) -> DbResult<()> {
        sqlx::query::<DB>(SET_CHANGE_INVOICE)
            .bind(change_id)
            .bind(invoice_id)
            .execute(pool)
            .await?;
        Ok(())
    }

    async fn due_changes(pool: &Pool<DB>, today: &str) -> DbResult<Vec<DueRow>> {
        Ok(sqlx::query_as::<DB, DueRow>(DUE)
            .bind(today)
            .fetch_all(pool)
            .await?)
    }

    #[allow(clippy::too_many_arguments)]
    async fn apply_pending(
        pool: &Pool<DB>,
        write_lock: &WriteLock<DB>,
        lock: &'static str,
        actor: &Actor,
        pending_code: &str,
        new_seats: &BTreeMap<String, i64>,
        names: &BTreeMap<String, String>,
        dropped: &[String],
    ) -> Outcome<()> {
        let account_id = actor.account_id.as_str();
        let (_writer, mut tx) = begin_write(pool, write_lock).await?;
        sqlx::query::<DB>(lock)
            .bind(account_id)
            .execute(&mut *tx)
            .await?;
        let pending: Option<String> = sqlx::query_scalar::<DB, String>(PENDING_CODE)
            .bind(account_id)
            .fetch_optional(&mut *tx)
            .await?;
        if pending.as_deref() != Some(pending_code) {
            refuse!(
                tx,
                Refusal::Conflict("the pending change changed meanwhile".to_string())
            );
        }
        let assigned = Self::assigned_on(&mut tx, account_id).await?;
        let over = over_limit(&assigned, new_seats, names);
        if !over.is_empty() {
            refuse!(
                tx,
                Refusal::because(ErrorDetail::SeatsOverLimit { products: over })
            );
        }
        sqlx::query::<DB>(APPLY_NOW)
            .bind(account_id)
            .bind(pending_code)
            .execute(&mut *tx)
            .await?;
        Self::write_seats(&mut tx, account_id, new_seats, "EUR").await?;
        for code in dropped {
            sqlx::query::<DB>(DROP_BOUGHT)
                .bind(account_id)
                .bind(code)
                .execute(&mut *tx)
                .await?;
        }
        Self::audit(
            &mut tx,
            actor,
            "subscription.downgrade_applied",
            pending_code,
        )
        .await?;
        tx.commit().await?;
        Ok(Ok(()))
    }
}

/// Implements [`SubscriptionStore`] for a struct with a `pool: sqlx::Pool<$db>` field by calling [`Sql`];
/// `$lock` is the backend's subscription lock.
macro_rules! impl_subscription_store {
    ($ty:ty, $db:ty, $lock:ident) => {
        #[async_trait]
        impl SubscriptionStore for $ty {
            async fn import_catalog(&self, catalog: &CatalogDef) -> DbResult<()> {
                Sql::<$db>::import_catalog(&self.pool, &self.write_lock, catalog).await
            }
            async fn catalog(&self) -> DbResult<CatalogRecord> {
                Sql::<$db>::catalog(&self.pool).await
            }
            async fn terms(&self, account_id: &str) -> DbResult<Option<TermsRow>> {
                Sql::<$db>::terms(&self.pool, account_id).await
            }
            async fn bought_addons(&self, account_id: &str) -> DbResult<Vec<BoughtAddonRow>> {
                Sql::<$db>::bought_addons(&self.pool, account_id).await
            }
            async fn assigned(&self, account_id: &str) -> DbResult<Vec<AssignedRow>> {
                Sql::<$db>::assigned(&self.pool, account_id).await
            }
            async fn set_terms(&self, account_id: &str, terms: &TermsDef) -> DbResult<()> {
                Sql::<$db>::set_terms(&self.pool, &self.write_lock, account_id, terms).await
            }
            async fn change_by_key(
                &self,
                account_id: &str,
                key: &str,
            ) -> DbResult<Option<ChangeRecord>> {
                Sql::<$db>::change_by_key(&self.pool, account_id, key).await
            }
            async fn book_change(&self, actor: &Actor, plan: &ChangePlan) -> Outcome<ChangeRecord> {
                Sql::<$db>::book_change(&self.pool, &self.write_lock, $lock, actor, plan).await
            }
            async fn set_change_invoice(&self, change_id: &str, invoice_id: &str) -> DbResult<()> {
                Sql::<$db>::set_change_invoice(&self.pool, change_id, invoice_id).await
            }
            async fn due_changes(&self, today: &str) -> DbResult<Vec<DueRow>> {
                Sql::<$db>::due_changes(&self.pool, today).await
            }
            async fn apply_pending(
                &self,
                actor: &Actor,
                pending_code: &str,
                new_seats: &BTreeMap<String, i64>,
                product_names: &BTreeMap<String, String>,
                dropped_addons: &[String],
            ) -> Outcome<()> {
                Sql::<$db>::apply_pending(
                    &self.pool,
                    &self.write_lock,
                    $lock,
                    actor,
                    pending_code,
                    new_seats,
                    product_names,
                    dropped_addons,
                )
                .await
            }
        }
    };
}

impl_subscription_store!(SqliteDatabase, sqlx::Sqlite, SQLITE_LOCK_SUBSCRIPTION);
impl_subscription_store!(PostgresDatabase, sqlx::Postgres, POSTGRES_LOCK_SUBSCRIPTION);

//! The billing-details half of the storage ([`BillingDetailsStore`], a supertrait of `Database`, issue 8):
//! the account's billing address, its payment method and its SEPA mandates.
//!
//! Saving bank details locks the account's subscription row first (PostgreSQL `SELECT … FOR UPDATE`;
//! SQLite a no-op `UPDATE`, which takes the write lock at once), then ends the active mandate, numbers and
//! inserts the new one, sets the payment method to `sepa` and writes the audit events, all in one
//! transaction. The IBAN is stored normalised; audit targets carry it masked only, and
//! [`MandateRecord`]'s `Debug` masks it too, so a record that ends up in a log line does not leak it.

use async_trait::async_trait;
use kontor_api::billing_rules::mask_iban;
use kontor_api::{BillingAddress, MandateLanguage, PaymentMethod, Resource};
use sqlx::{Encode, Executor, FromRow, IntoArguments, Pool, Type};

use crate::db::audit::{Chain, NewEntry};
use crate::db::backend::{begin_write, RowsAffected, WriteLock};
use crate::db::postgres::PostgresDatabase;
use crate::db::sqlite::SqliteDatabase;
use crate::domain::{Actor, Outcome, Refusal};
use crate::error::DbResult;

/// The saved billing address row.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct BillingAddressRow {
    pub company: String,
    pub addressee: Option<String>,
    pub street: String,
    pub street2: Option<String>,
    pub postal_code: String,
    pub city: String,
    pub country: String,
    pub vat_id: Option<String>,
    /// A JSON array of strings.
    pub invoice_emails: String,
    pub po_reference: Option<String>,
    pub leitweg_id: Option<String>,
    pub updated_at: i64,
}

impl BillingAddressRow {
    /// The wire form (an unreadable e-mail list reads as empty).
    pub fn address(&self) -> BillingAddress {
        BillingAddress {
            company: self.company.clone(),
            addressee: self.addressee.clone(),
            street: self.street.clone(),
            street2: self.street2.clone(),
            postal_code: self.postal_code.clone(),
            city: self.city.clone(),
            country: self.country.clone(),
            vat_id: self.vat_id.clone(),
            invoice_emails: serde_json::from_str(&self.invoice_emails).unwrap_or_default(),
            po_reference: self.po_reference.clone(),
            leitweg_id: self.leitweg_id.clone(),
        }
    }
}

/// The active mandate with the accepting user's e-mail. The IBAN is the full one: it stays in the server.
#[derive(Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct MandateRecord {
    pub reference: String,
    pub account_holder: String,
    pub iban: String,
    pub bic: Option<String>,
    pub signed_on: String,
    pub creditor_id: String,
    pub language: String,
    pub accepted_by: String,
}

impl std::fmt::Debug for MandateRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MandateRecord")
            .field("reference", &self.reference)
            .field("iban", &mask_iban(&self.iban))
            .field("signed_on", &self.signed_on)
            .finish_non_exhaustive()
    }
}

/// New bank details to record as a mandate (validated; the reference is numbered by the store).
#[derive(Clone)]
pub struct NewMandate {
    pub id: String,
    pub account_holder: String,
    pub iban: String,
    pub bic: Option<String>,
    pub creditor_id: String,
    pub language: MandateLanguage,
    /// ISO date.
    pub signed_on: String,
}

/// The payment method and the active mandate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentRecord {
    pub method: PaymentMethod,
    pub mandate: Option<MandateRecord>,
}

#[async_trait]
pub trait BillingDetailsStore {
    /// The account's billing address, if one was saved.
    async fn billing_address(&self, account_id: &str) -> DbResult<Option<BillingAddressRow>>;
    /// Saves (inserts or replaces) the validated address with `billing.address_changed` (target: the
    /// company) in one transaction.
    async fn save_billing_address(&self, actor: &Actor, address: &BillingAddress) -> DbResult<()>;
    /// The payment method and active mandate; `None` without a subscription.
    async fn payment(&self, account_id: &str) -> DbResult<Option<PaymentRecord>>;
    /// Records new bank details as the active mandate (reference `KONTOR-<customer number>-<n>`), ends the
    /// previous one and sets the method to `sepa`, with `billing.mandate_accepted` (reference and masked
    /// IBAN) and, if the method changed, `billing.payment_method_changed`. No subscription: `NotFound`.
    async fn save_mandate(&self, actor: &Actor, mandate: &NewMandate) -> Outcome<PaymentRecord>;
    /// Switches to bank transfer: ends the active mandate, method `invoice`, with
    /// `billing.payment_method_changed` if it changed. No subscription: `NotFound`.
    async fn pay_by_invoice(&self, actor: &Actor) -> Outcome<PaymentRecord>;
}

const ADDRESS: &str = "SELECT company, addressee, street, street2, postal_code, city, country, vat_id, \
     invoice_emails, po_reference, leitweg_id, updated_at FROM billing_addresses WHERE account_id = $1";

const UPSERT_ADDRESS: &str = "INSERT INTO billing_addresses (account_id, company, addressee, street, \
     street2, postal_code, city, country, vat_id, invoice_emails, po_reference, leitweg_id, updated_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) \
     ON CONFLICT (account_id) DO UPDATE SET company = excluded.company, addressee = excluded.addressee, \
     street = excluded.street, street2 = excluded.street2, postal_code = excluded.postal_code, \
     city = excluded.city, country = excluded.country, vat_id = excluded.vat_id, \
     invoice_emails = excluded.invoice_emails, po_reference = excluded.po_reference, \
     leitweg_id = excluded.leitweg_id, updated_at = excluded.updated_at";

const METHOD: &str = "SELECT payment_method FROM subscriptions WHERE account_id = $1";

const ACTIVE_MANDATE: &str = "SELECT m.reference, m.account_holder, m.iban, m.bic, m.signed_on, \
     m.creditor_id, m.language, COALESCE(u.deleted_email, u.email) AS accepted_by \
     FROM sepa_mandates m JOIN users u ON u.id = m.accepted_by \
     WHERE m.account_id = $1 AND m.ended_at IS NULL";

const END_MANDATE: &str =
    "UPDATE sepa_mandates SET ended_at = $2 WHERE account_id = $1 AND ended_at IS NULL";

const MANDATE_COUNT: &str = "SELECT COUNT(*) FROM sepa_mandates WHERE account_id = $1";

const CUSTOMER_NUMBER: &str = "SELECT customer_number FROM accounts WHERE id = $1";

const INSERT_MANDATE: &str =
    "INSERT INTO sepa_mandates (id, account_id, reference, account_holder, \
     iban, bic, creditor_id, language, accepted_by, signed_on, created_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)";

const SET_METHOD: &str = "UPDATE subscriptions SET payment_method = $2 WHERE account_id = $1";

/// Locks the account's subscription row: SQLite a no-op `UPDATE`, which takes the write lock at once.
const SQLITE_LOCK: &str =
    "UPDATE subscriptions SET payment_method = payment_method WHERE account_id = $1";

/// Locks the account's subscription row: PostgreSQL `SELECT … FOR UPDATE`.
const POSTGRES_LOCK: &str = "SELECT account_id FROM subscriptions WHERE account_id = $1 FOR UPDATE";

/// The billing-details statements, for any sqlx backend `DB` (written once for both; the lock differs).
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
    for<'r> BillingAddressRow: FromRow<'r, DB::Row>,
    for<'r> MandateRecord: FromRow<'r, DB::Row>,
    for<'r> (i64, String): FromRow<'r, DB::Row>,
    for<'r> (Option<String>,): FromRow<'r, DB::Row>,
{
    /// Appends one entry to the account's audit chain (`db::audit`), in the caller's transaction.
    async fn audit(
        c: &mut DB::Connection,
        actor: &Actor,
        event: &str,
        target: &str,
    ) -> DbResult<()> {
        let (user_id, email) = match &actor.system {
            Some(name) => (None, Some(name.clone())),
            None => (
                Some(actor.user_id.as_str()),
                Chain::<DB>::actor_email(&mut *c, &actor.user_id).await?,
            ),
        };
        let entry = NewEntry {
            account_id: &actor.account_id,
            actor_user_id: user_id,
            actor_email: email.as_deref(),
            event,
            target: Some(target),
            ip: actor.ip.as_deref(),
            at: actor.at,
        };
        Chain::<DB>::append(c, &[entry]).await
    }

    async fn billing_address(
        pool: &Pool<DB>,
        account_id: &str,
    ) -> DbResult<Option<BillingAddressRow>> {
        Ok(sqlx::query_as::<DB, BillingAddressRow>(ADDRESS)
            .bind(account_id)
            .fetch_optional(pool)
            .await?)
    }

    async fn save_billing_address(
        pool: &Pool<DB>,
        write_lock: &WriteLock<DB>,
        actor: &Actor,
        a: &BillingAddress,
    ) -> DbResult<()> {
        let emails = serde_json::to_string(&a.invoice_emails)
            .map_err(|e| crate::error::DbError::Corrupt(e.to_string()))?;
        let (_writer, mut tx) = begin_write(pool, write_lock).await?;
        sqlx::query::<DB>(UPSERT_ADDRESS)
            .bind(&actor.account_id)
            .bind(&a.company)
            .bind(&a.addressee)
            .bind(&a.street)
            .bind(&a.street2)
            .bind(&a.postal_code)
            .bind(&a.city)
            .bind(&a.country)
            .bind(&a.vat_id)
            .bind(emails)
            .bind(&a.po_reference)
            .bind(&a.leitweg_id)
            .bind(actor.at)
            .execute(&mut *tx)
            .await?;
        Self::audit(&mut tx, actor, "billing.address_changed", &a.company).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn read_payment(
        c: &mut DB::Connection,
        account_id: &str,
    ) -> DbResult<Option<PaymentRecord>> {
        let method: Option<String> = sqlx::query_scalar::<DB, String>(METHOD)
            .bind(account_id)
            .fetch_optional(&mut *c)
            .await?;
        let Some(method) = method else {
            return Ok(None);
        };
        let mandate = sqlx::query_as::<DB, MandateRecord>(ACTIVE_MANDATE)
            .bind(account_id)
            .fetch_optional(&mut *c)
            .await?;
        Ok(Some(PaymentRecord {
            method: PaymentMethod::parse(&method).unwrap_or(PaymentMethod::Invoice),
            mandate,
        }))
    }

    async fn payment(pool: &Pool<DB>, account_id: &str) -> DbResult<Option<PaymentRecord>> {
        let mut c = pool.acquire().await?;
        Self::read_payment(&mut c, account_id).await
    }

    /// Locks the subscription and reads the current method; `None` without a subscription.
    async fn lock(
        c: &mut DB::Connection,
        lock: &'static str,
        account_id: &str,
    ) -> DbResult<Option<String>> {
        sqlx::query::<DB>(lock)
            .bind(account_id)
            .execute(&mut *c)
            .await?;
        Ok(sqlx::query_scalar::<DB, String>(METHOD)
            .bind(account_id)
            .fetch_optional(&mut *c)
            .await?)
    }

    async fn save_mandate(
        pool: &Pool<DB>,
        write_lock: &WriteLock<DB>,
        lock: &'static str,
        actor: &Actor,
        m: &NewMandate,
    ) -> Outcome<PaymentRecord> {
        let account_id = actor.account_id.as_str();
        let (_writer, mut tx) = begin_write(pool, write_lock).await?;
        let Some(before) = Self::lock(&mut tx, lock, account_id).await? else {
            tx.rollback().await?;
            return Ok(Err(Refusal::not_found(Resource::Subscription)));
        };
        let customer: String = sqlx::query_scalar::<DB, String>(CUSTOMER_NUMBER)
            .bind(account_id)
            .fetch_one(&mut *tx)
            .await?;
        let count: i64 = sqlx::query_scalar::<DB, i64>(MANDATE_COUNT)
            .bind(account_id)
            .fetch_one(&mut *tx)
            .await?;
        let reference = format!("KONTOR-{customer}-{}", count + 1);
        sqlx::query::<DB>(END_MANDATE)
            .bind(account_id)
            .bind(actor.at)
            .execute(&mut *tx)
            .await?;
        sqlx::query::<DB>(INSERT_MANDATE)
            .bind(&m.id)
            .bind(account_id)
            .bind(&reference)
            .bind(&m.account_holder)
            .bind(&m.iban)
            .bind(&m.bic)
            .bind(&m.creditor_id)
            .bind(m.language.as_str())
            .bind(&actor.user_id)
            .bind(&m.signed_on)
            .bind(actor.at)
            .execute(&mut *tx)
            .await?;
        sqlx::query::<DB>(SET_METHOD)
            .bind(account_id)
            .bind(PaymentMethod::Sepa.as_str())
            .execute(&mut *tx)
            .await?;
        let target = format!("{reference} {}", mask_iban(&m.iban));
        Self::audit(&mut tx, actor, "billing.mandate_accepted", &target).await?;
        if before != PaymentMethod::Sepa.as_str() {
            Self::audit(&mut tx, actor, "billing.payment_method_changed", "sepa").await?;
        }
        let after = Self::read_payment(&mut tx, account_id).await?;
        tx.commit().await?;
        Ok(after.ok_or_else(|| Refusal::not_found(Resource::Subscription)))
    }

    async fn pay_by_invoice(
        pool: &Pool<DB>,
        write_lock: &WriteLock<DB>,
        lock: &'static str,
        actor: &Actor,
    ) -> Outcome<PaymentRecord> {
        let account_id = actor.account_id.as_str();
        let (_writer, mut tx) = begin_write(pool, write_lock).await?;
        let Some(before) = Self::lock(&mut tx, lock, account_id).await? else {
            tx.rollback().await?;
            return Ok(Err(Refusal::not_found(Resource::Subscription)));
        };
        sqlx::query::<DB>(END_MANDATE)
            .bind(account_id)
            .bind(actor.at)
            .execute(&mut *tx)
            .await?;
        sqlx::query::<DB>(SET_METHOD)
            .bind(account_id)
            .bind(PaymentMethod::Invoice.as_str())
            .execute(&mut *tx)
            .await?;
        if before != PaymentMethod::Invoice.as_str() {
            Self::audit(&mut tx, actor, "billing.payment_method_changed", "invoice").await?;
        }
        let after = Self::read_payment(&mut tx, account_id).await?;
        tx.commit().await?;
        Ok(after.ok_or_else(|| Refusal::not_found(Resource::Subscription)))
    }
}

/// Implements [`BillingDetailsStore`] for a struct with a `pool: sqlx::Pool<$db>` field by calling
/// [`Sql`]; `$lock` is the backend's subscription lock.
macro_rules! impl_billing_details_store {
    ($ty:ty, $db:ty, $lock:ident) => {
        #[async_trait]
        impl BillingDetailsStore for $ty {
            async fn billing_address(
                &self,
                account_id: &str,
            ) -> DbResult<Option<BillingAddressRow>> {
                Sql::<$db>::billing_address(&self.pool, account_id).await
            }
            async fn save_billing_address(
                &self,
                actor: &Actor,
                address: &BillingAddress,
            ) -> DbResult<()> {
                Sql::<$db>::save_billing_address(&self.pool, &self.write_lock, actor, address).await
            }
            async fn payment(&self, account_id: &str) -> DbResult<Option<PaymentRecord>> {
                Sql::<$db>::payment(&self.pool, account_id).await
            }
            async fn save_mandate(
                &self,
                actor: &Actor,
                mandate: &NewMandate,
            ) -> Outcome<PaymentRecord> {
                Sql::<$db>::save_mandate(&self.pool, &self.write_lock, $lock, actor, mandate).await
            }
            async fn pay_by_invoice(&self, actor: &Actor) -> Outcome<PaymentRecord> {
                Sql::<$db>::pay_by_invoice(&self.pool, &self.write_lock, $lock, actor).await
            }
        }
    };
}

impl_billing_details_store!(SqliteDatabase, sqlx::Sqlite, SQLITE_LOCK);
impl_billing_details_store!(PostgresDatabase, sqlx::Postgres, POSTGRES_LOCK);

//! The invoices half of the storage ([`InvoiceStore`], a supertrait of `Database`): issuing an invoice or a
//! credit note in one transaction (the gapless number, the billing-address snapshot, payment terms, VAT),
//! reading one invoice with its lines, the keyset-paged list, status changes, and what a subscription bills
//! per period (the catalog prices, [`BillingBasis`]).
//!
//! Gapless numbers: one `invoice_counters` row per series (`<prefix>-<year>`), advanced by
//! `UPDATE … RETURNING` inside the issuing transaction. On PostgreSQL the UPDATE's row lock queues concurrent
//! issuers until the first commits (a rollback gives the number back); on SQLite every issuing transaction
//! holds the server's write lock and begins `BEGIN IMMEDIATE` (as `db::users` does). An `issue_key` makes
//! issuing idempotent per account: a second issue with the same key returns the first invoice.
//!
//! Invoices are immutable (triggers of migration `20261221020000`): only `status` and `paid_at` change.

use async_trait::async_trait;
use sqlx::{Encode, Executor, FromRow, IntoArguments, Pool, Type};
use time::Date;

use crate::db::audit::{Chain, NewEntry};
use crate::db::backend::{begin_write, RowsAffected, WriteLock};
use crate::db::postgres::PostgresDatabase;
use crate::db::sqlite::SqliteDatabase;
use crate::domain::{Actor, Outcome, Refusal};
use crate::error::{DbError, DbResult};
use crate::tax::{self, ComputedLine, LineInput};

/// A stored invoice head (every column of `invoices`).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct InvoiceHead {
    pub id: String,
    pub account_id: String,
    pub number: String,
    /// `invoice` or `credit_note`.
    pub kind: String,
    pub corrects_invoice_id: Option<String>,
    pub issued_on: String,
    /// First day of service.
    pub period_start: String,
    /// Last day of service (inclusive).
    pub period_end: String,
    pub due_on: String,
    pub currency: String,
    pub net_cents: i64,
    pub vat_cents: i64,
    pub gross_cents: i64,
    /// `open`, `paid`, `overdue` or `cancelled` as stored (an open invoice past its due date is shown
    /// overdue: [`effective_status`]).
    pub status: String,
    pub paid_at: Option<i64>,
    /// `sepa` or `invoice`.
    pub payment_method: String,
    pub mandate_reference: Option<String>,
    pub debit_on: Option<String>,
    pub language: String,
    pub reverse_charge: bool,
    pub bill_company: String,
    pub bill_addressee: Option<String>,
    pub bill_street: String,
    pub bill_street2: Option<String>,
    pub bill_postal_code: String,
    pub bill_city: String,
    pub bill_country: String,
    pub bill_vat_id: Option<String>,
    /// JSON array of strings.
    pub bill_emails: String,
    pub bill_po_reference: Option<String>,
    pub bill_leitweg_id: Option<String>,
    pub created_at: i64,
    pub issue_key: Option<String>,
    pub note: Option<String>,
}

/// A stored invoice line.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct InvoiceLineRow {
    pub position: i64,
    pub description: String,
    pub quantity: i64,
    pub unit_price_cents: i64,
    pub net_cents: i64,
    pub vat_rate_bp: i64,
    pub vat_cents: i64,
    pub period_start: Option<String>,
    pub period_end: Option<String>,
}

/// An invoice with its lines and its links: the invoice it corrects, the credit note that corrects it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredInvoice {
    pub head: InvoiceHead,
    pub lines: Vec<InvoiceLineRow>,
    /// Number and issue date of the invoice a credit note corrects.
    pub corrects: Option<(String, String)>,
    /// Id and number of the credit note that corrects this invoice.
    pub corrected_by: Option<(String, String)>,
    /// The active or former mandate's masked IBAN and creditor id, for a SEPA invoice's document.
    pub mandate: Option<MandateTerms>,
}

/// What a SEPA invoice's document names about its mandate.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct MandateTerms {
    pub reference: String,
    pub iban: String,
    pub creditor_id: String,
    pub language: String,
}

/// What the vendor profile contributes to issuing (see `vendor::VendorProfile`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VendorTerms {
    pub country: String,
    pub vat_rate_bp: u32,
    pub payment_term_days: u32,
    pub prefix: String,
    pub currency: String,
}

/// An invoice or credit note to issue (validated by `service::invoicing`).
#[derive(Debug, Clone)]
pub struct IssueDraft {
    pub account_id: String,
    pub issued_on: Date,
    /// First and last day of service (both inclusive).
    pub period: (Date, Date),
    /// Ignored for a credit note (it mirrors the corrected invoice's lines).
    pub lines: Vec<LineInput>,
    /// A credit note for this invoice (id, of the same account), with its reason.
    pub corrects: Option<(String, String)>,
    /// Idempotency per account: a second issue with the same key returns the first invoice.
    pub issue_key: Option<String>,
    /// A package change whose `invoice_id` is set to the new invoice in the same transaction.
    pub subscription_change_id: Option<String>,
    pub terms: VendorTerms,
}

/// An issued (or, with the same key, previously issued) invoice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issued {
    pub invoice: StoredInvoice,
    /// False when the `issue_key` had been used before and nothing was issued.
    pub new: bool,
}

/// The list's status filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusFilter {
    /// Not paid, not cancelled, due date not passed.
    Open,
    Paid,
    /// Not paid, not cancelled, due date passed (or marked overdue).
    Overdue,
    Cancelled,
    CreditNote,
}

/// A validated invoices-list query.
#[derive(Debug, Clone)]
pub struct InvoiceFilter {
    pub year: Option<i32>,
    pub status: Option<StatusFilter>,
    /// Rows strictly after this invoice number in the list's order (issue date, number; newest first).
    pub before: Option<String>,
    pub limit: u32,
    /// ISO date of today, for open vs overdue.
    pub today: String,
}

/// What a subscription bills per period: the package (and a pending downgrade's), the add-ons, the period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BillingBasis {
    pub account_id: String,
    pub package: PackagePrice,
    /// The package a downgrade switches to at `period_end`.
    pub pending_package: Option<PackagePrice>,
    /// `monthly` or `yearly`.
    pub billing_period: String,
    /// The current period `[period_start, period_end)`; `period_end` is the next period's first day.
    pub period_start: Option<String>,
    pub period_end: Option<String>,
    pub addons: Vec<AddonPrice>,
    /// The billing address's VAT ID (for the reverse-charge estimate of the upcoming invoice).
    pub buyer_vat_id: Option<String>,
}

/// A package's prices.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PackagePrice {
    pub code: String,
    pub name: String,
    pub monthly_cents: i64,
    pub yearly_cents: i64,
    pub currency: String,
}

/// An add-on the subscription holds, with its quantity and prices.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AddonPrice {
    pub code: String,
    pub name: String,
    pub quantity: i64,
    pub monthly_cents: i64,
    pub yearly_cents: i64,
    pub currency: String,
}

#[derive(sqlx::FromRow)]
struct SubscriptionBasisRow {
    billing_period: String,
    period_start: Option<String>,
    period_end: Option<String>,
    payment_method: String,
    package_id: String,
    pending_package_id: Option<String>,
}

#[derive(sqlx::FromRow)]
struct AddressRow {
    company: String,
    addressee: Option<String>,
    street: String,
    street2: Option<String>,
    postal_code: String,
    city: String,
    country: String,
    vat_id: Option<String>,
    invoice_emails: String,
    po_reference: Option<String>,
    leitweg_id: Option<String>,
}

/// The `invoice_counters` series of a prefix and year.
pub fn series(prefix: &str, year: i32) -> String {
    format!("{prefix}-{year}")
}

/// The number `n` of a series: `RE-2026-000123`.
pub fn number(series: &str, n: i64) -> String {
    format!("{series}-{n:06}")
}

/// The status an invoice is shown with on `today` (ISO): a credit note is `credit_note`; an open invoice
/// past its due date is `overdue`.
pub fn effective_status(head: &InvoiceHead, today: &str) -> &'static str {
    if head.kind == "credit_note" {
        return "credit_note";
    }
    match head.status.as_str() {
        "paid" => "paid",
        "cancelled" => "cancelled",
        "overdue" => "overdue",
        _ if head.due_on.as_str() < today => "overdue",
        _ => "open",
    }
}

/// ISO `YYYY-MM-DD`.
pub fn iso(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

/// Parses ISO `YYYY-MM-DD`.
pub fn parse_iso(s: &str) -> Option<Date> {
    let f = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(s, &f).ok()
}

#[async_trait]
pub trait InvoiceStore: Send + Sync {
    /// Issues an invoice or a credit note in one transaction (see the module doc); a credit note sets the
    /// corrected invoice `cancelled`. Refused: unknown account (404), a credit note for an invoice that is not
    /// the account's (404), already cancelled or itself a credit note (409).
    async fn issue_invoice(&self, actor: &Actor, draft: &IssueDraft) -> Outcome<Issued>;
    /// One invoice of the account with its lines.
    async fn invoice(&self, account_id: &str, invoice_id: &str) -> DbResult<Option<StoredInvoice>>;
    /// One invoice by number, any account (the vendor's CLI).
    async fn invoice_by_number(&self, number: &str) -> DbResult<Option<StoredInvoice>>;
    /// A page of the account's invoices, newest first; `limit + 1` rows are read to tell whether more follow.
    async fn list_invoices(
        &self,
        account_id: &str,
        filter: &InvoiceFilter,
    ) -> DbResult<(Vec<InvoiceHead>, bool)>;
    /// Sets `status` (`paid` with `paid_at`, `overdue`, `open`) of an invoice of `actor.account_id`; audited as
    /// `invoice.status_changed`. Refused for a cancelled invoice or a credit note (409).
    async fn set_invoice_status(
        &self,
        actor: &Actor,
        invoice_id: &str,
        status: &str,
        paid_at: Option<i64>,
    ) -> Outcome<()>;
    /// What the account's subscription bills per period; `None` without a subscription.
    async fn billing_basis(&self, account_id: &str) -> DbResult<Option<BillingBasis>>;
    /// Every account with a subscription (the period run).
    async fn subscribed_accounts(&self) -> DbResult<Vec<String>>;
    /// `seed-demo`: prices the package and sets the subscription's period where they are not set yet, and
    /// writes the billing address if the account has none.
    async fn seed_billing(&self, seed: &SeedBilling) -> DbResult<()>;
}

/// What `seed-demo` writes for invoicing (see [`InvoiceStore::seed_billing`]).
#[derive(Debug, Clone)]
pub struct SeedBilling {
    pub account_id: String,
    pub package_code: String,
    pub monthly_cents: i64,
    pub yearly_cents: i64,
    pub billing_period: String,
    pub period_start: String,
    pub period_end: String,
    pub company: String,
    pub street: String,
    pub postal_code: String,
    pub city: String,
    pub country: String,
    pub vat_id: Option<String>,
    /// JSON array.
    pub emails: String,
    pub updated_at: i64,
}

const HEAD_COLUMNS: &str = "id, account_id, number, kind, corrects_invoice_id, issued_on, period_start, \
     period_end, due_on, currency, net_cents, vat_cents, gross_cents, status, paid_at, payment_method, \
     mandate_reference, debit_on, language, reverse_charge, bill_company, bill_addressee, bill_street, \
     bill_street2, bill_postal_code, bill_city, bill_country, bill_vat_id, bill_emails, bill_po_reference, \
     bill_leitweg_id, created_at, issue_key, note";

const INSERT_INVOICE: &str = "INSERT INTO invoices (id, account_id, number, kind, corrects_invoice_id, \
     issued_on, period_start, period_end, due_on, currency, net_cents, vat_cents, gross_cents, status, \
     paid_at, payment_method, mandate_reference, debit_on, language, reverse_charge, bill_company, \
     bill_addressee, bill_street, bill_street2, bill_postal_code, bill_city, bill_country, bill_vat_id, \
     bill_emails, bill_po_reference, bill_leitweg_id, created_at, issue_key, note) VALUES ($1, $2, $3, $4, \
     $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, \
     $27, $28, $29, $30, $31, $32, $33, $34)";

const INSERT_LINE: &str =
    "INSERT INTO invoice_lines (invoice_id, position, description, quantity, \
     unit_price_cents, net_cents, vat_rate_bp, vat_cents, period_start, period_end) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";

const LINES: &str = "SELECT position, description, quantity, unit_price_cents, net_cents, vat_rate_bp, \
     vat_cents, period_start, period_end FROM invoice_lines WHERE invoice_id = $1 ORDER BY position";

/// Creates the series row, starting after the highest number already issued in it (rows from before the
/// counters existed), if it is not there yet.
const ENSURE_SERIES: &str = "INSERT INTO invoice_counters (series, last_number) \
     SELECT $1, COALESCE(MAX(CAST(SUBSTR(number, CAST($2 AS INTEGER)) AS BIGINT)), 0) FROM invoices \
     WHERE number LIKE $3 ESCAPE '\\' AND LENGTH(number) = CAST($4 AS INTEGER) \
     ON CONFLICT (series) DO NOTHING";

const NEXT_NUMBER: &str =
    "UPDATE invoice_counters SET last_number = last_number + 1 WHERE series = $1 RETURNING last_number";

const ACCOUNT_NAME: &str = "SELECT name FROM accounts WHERE id = $1";

const ADDRESS: &str =
    "SELECT company, addressee, street, street2, postal_code, city, country, vat_id, \
     invoice_emails, po_reference, leitweg_id FROM billing_addresses WHERE account_id = $1";

const ACTIVE_MANDATE: &str = "SELECT reference, iban, creditor_id, language FROM sepa_mandates \
     WHERE account_id = $1 AND ended_at IS NULL";

const MANDATE_BY_REFERENCE: &str =
    "SELECT reference, iban, creditor_id, language FROM sepa_mandates WHERE reference = $1";

const SUBSCRIPTION_BASIS: &str =
    "SELECT billing_period, period_start, period_end, payment_method, \
     package_id, pending_package_id FROM subscriptions WHERE account_id = $1";

const PACKAGE_PRICE: &str =
    "SELECT code, name, monthly_cents, yearly_cents, currency FROM packages WHERE id = $1";

pub(crate) const ADDONS: &str =
    "SELECT a.code, a.name, sa.quantity, a.monthly_cents, a.yearly_cents, a.currency \
     FROM subscription_addons sa JOIN addons a ON a.id = sa.addon_id WHERE sa.account_id = $1 \
     ORDER BY a.code";

const BUYER_VAT_ID: &str = "SELECT vat_id FROM billing_addresses WHERE account_id = $1";

const SEED_PRICES: &str = "UPDATE packages SET monthly_cents = $2, yearly_cents = $3 \
     WHERE code = $1 AND monthly_cents = 0 AND yearly_cents = 0";
const SEED_PERIOD: &str =
    "UPDATE subscriptions SET billing_period = $2, period_start = $3, period_end = $4 \
     WHERE account_id = $1 AND period_end IS NULL";
const SEED_ADDRESS: &str = "INSERT INTO billing_addresses (account_id, company, addressee, street, street2, \
     postal_code, city, country, vat_id, invoice_emails, po_reference, leitweg_id, updated_at) \
     VALUES ($1, $2, NULL, $3, NULL, $4, $5, $6, $7, $8, NULL, NULL, $9) ON CONFLICT (account_id) DO NOTHING";

const SUBSCRIBED_ACCOUNTS: &str = "SELECT account_id FROM subscriptions ORDER BY account_id";

const CANCEL: &str = "UPDATE invoices SET status = 'cancelled' WHERE id = $1";

const SET_STATUS: &str = "UPDATE invoices SET status = $2, paid_at = $3 WHERE id = $1";

const LINK_CHANGE: &str =
    "UPDATE subscription_changes SET invoice_id = $1 WHERE id = $2 AND account_id = $3";

const CORRECTED_BY: &str = "SELECT id, number FROM invoices WHERE corrects_invoice_id = $1";

const NUMBER_AND_DATE: &str = "SELECT number, issued_on FROM invoices WHERE id = $1";

/// Fails a transaction with a refusal (rolled back by the drop).
macro_rules! refuse {
    ($r:expr) => {{
        return Ok(Err($r));
    }};
}

/// The invoices statements over one backend's pool, written once for both (writes start with
/// `backend::begin_write`).
struct Sql<'p, DB: sqlx::Database> {
    pool: &'p Pool<DB>,
    write_lock: &'p WriteLock<DB>,
}

impl<DB: sqlx::Database> Sql<'_, DB>
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
    for<'r> (String, String): FromRow<'r, DB::Row>,
    for<'r> (Option<String>,): FromRow<'r, DB::Row>,
    for<'r> (i64, String): FromRow<'r, DB::Row>,
    for<'r> InvoiceHead: FromRow<'r, DB::Row>,
    for<'r> InvoiceLineRow: FromRow<'r, DB::Row>,
    for<'r> MandateTerms: FromRow<'r, DB::Row>,
    for<'r> AddressRow: FromRow<'r, DB::Row>,
    for<'r> SubscriptionBasisRow: FromRow<'r, DB::Row>,
    for<'r> PackagePrice: FromRow<'r, DB::Row>,
    for<'r> AddonPrice: FromRow<'r, DB::Row>,
{
    async fn head_where(
        c: &mut DB::Connection,
        clause: &str,
        a: &str,
        b: Option<&str>,
    ) -> DbResult<Option<InvoiceHead>> {
        let sql = format!("SELECT {HEAD_COLUMNS} FROM invoices WHERE {clause}");
        let mut q = sqlx::query_as::<DB, InvoiceHead>(&sql).bind(a);
        if let Some(b) = b {
            q = q.bind(b);
        }
        Ok(q.fetch_optional(&mut *c).await?)
    }

    /// The head's lines and links.
    async fn complete(c: &mut DB::Connection, head: InvoiceHead) -> DbResult<StoredInvoice> {
        let lines = sqlx::query_as::<DB, InvoiceLineRow>(LINES)
            .bind(&head.id)
            .fetch_all(&mut *c)
            .await?;
        let corrects = match &head.corrects_invoice_id {
            Some(id) => {
                sqlx::query_as::<DB, (String, String)>(NUMBER_AND_DATE)
                    .bind(id)
                    .fetch_optional(&mut *c)
                    .await?
            }
            None => None,
        };
        let corrected_by = sqlx::query_as::<DB, (String, String)>(CORRECTED_BY)
            .bind(&head.id)
            .fetch_optional(&mut *c)
            .await?;
        let mandate = match &head.mandate_reference {
            Some(r) => {
                sqlx::query_as::<DB, MandateTerms>(MANDATE_BY_REFERENCE)
                    .bind(r)
                    .fetch_optional(&mut *c)
                    .await?
            }
            None => None,
        };
        Ok(StoredInvoice {
            head,
            lines,
            corrects,
            corrected_by,
            mandate,
        })
    }

    async fn invoice(&self, account_id: &str, invoice_id: &str) -> DbResult<Option<StoredInvoice>> {
        let mut c = self.pool.acquire().await?;
        let head = Self::head_where(
            &mut c,
            "account_id = $1 AND id = $2",
            account_id,
            Some(invoice_id),
        )
        .await?;
        match head {
            Some(h) => Ok(Some(Self::complete(&mut c, h).await?)),
            None => Ok(None),
        }
    }

    async fn invoice_by_number(&self, number: &str) -> DbResult<Option<StoredInvoice>> {
        let mut c = self.pool.acquire().await?;
        match Self::head_where(&mut c, "number = $1", number, None).await? {
            Some(h) => Ok(Some(Self::complete(&mut c, h).await?)),
            None => Ok(None),
        }
    }

    async fn list_invoices(
        &self,
        account_id: &str,
        f: &InvoiceFilter,
    ) -> DbResult<(Vec<InvoiceHead>, bool)> {
        let mut sql = format!("SELECT {HEAD_COLUMNS} FROM invoices WHERE account_id = $1");
        let mut texts: Vec<String> = vec![account_id.to_string()];
        let next = |sql: &mut String, texts: &mut Vec<String>, clause: &str, v: String| {
            texts.push(v);
            sql.push_str(&clause.replace('?', &format!("${}", texts.len())));
        };
        if let Some(y) = f.year {
            next(
                &mut sql,
                &mut texts,
                " AND issued_on >= ?",
                format!("{y:04}-01-01"),
            );
            next(
                &mut sql,
                &mut texts,
                " AND issued_on < ?",
                format!("{:04}-01-01", y + 1),
            );
        }
        match f.status {
            None => {}
            Some(StatusFilter::CreditNote) => sql.push_str(" AND kind = 'credit_note'"),
            Some(StatusFilter::Paid) => sql.push_str(" AND kind = 'invoice' AND status = 'paid'"),
            Some(StatusFilter::Cancelled) => {
                sql.push_str(" AND kind = 'invoice' AND status = 'cancelled'")
            }
            Some(StatusFilter::Open) => next(
                &mut sql,
                &mut texts,
                " AND kind = 'invoice' AND status = 'open' AND due_on >= ?",
                f.today.clone(),
            ),
            Some(StatusFilter::Overdue) => next(
                &mut sql,
                &mut texts,
                " AND kind = 'invoice' AND (status = 'overdue' OR (status = 'open' AND due_on < ?))",
                f.today.clone(),
            ),
        }
        if let Some(b) = &f.before {
            texts.push(b.clone());
            let n = texts.len();
            sql.push_str(&format!(
                " AND (issued_on, number) < (SELECT issued_on, number FROM invoices \
                 WHERE account_id = $1 AND number = ${n})"
            ));
        }
        sql.push_str(&format!(
            " ORDER BY issued_on DESC, number DESC LIMIT {}",
            i64::from(f.limit) + 1
        ));
        let mut q = sqlx::query_as::<DB, InvoiceHead>(&sql);
        for t in &texts {
            q = q.bind(t.as_str());
        }
        let mut rows = q.fetch_all(self.pool).await?;
        let more = rows.len() > f.limit as usize;
        rows.truncate(f.limit as usize);
        Ok((rows, more))
    }

    async fn issue_invoice(&self, actor: &Actor, d: &IssueDraft) -> Outcome<Issued> {
        let (_guard, mut tx) = begin_write(self.pool, self.write_lock).await?;
        if let Some(key) = &d.issue_key {
            let found = Self::head_where(
                &mut *tx,
                "account_id = $1 AND issue_key = $2",
                &d.account_id,
                Some(key),
            )
            .await?;
            if let Some(h) = found {
                let invoice = Self::complete(&mut *tx, h).await?;
                tx.commit().await?;
                return Ok(Ok(Issued {
                    invoice,
                    new: false,
                }));
            }
        }
        let Some((account_name,)) = sqlx::query_as::<DB, (String,)>(ACCOUNT_NAME)
            .bind(&d.account_id)
            .fetch_optional(&mut *tx)
            .await?
        else {
            refuse!(Refusal::NotFound(format!("no account {:?}", d.account_id)))
        };

        // A credit note mirrors the corrected invoice: its lines negated, its snapshot and terms.
        let original = match &d.corrects {
            Some((id, _)) => {
                let Some(h) = Self::head_where(
                    &mut *tx,
                    "account_id = $1 AND id = $2",
                    &d.account_id,
                    Some(id),
                )
                .await?
                else {
                    refuse!(Refusal::NotFound(format!("no invoice {id:?}")))
                };
                if h.kind != "invoice" {
                    refuse!(Refusal::Conflict(format!(
                        "{} is a credit note; only an invoice is corrected",
                        h.number
                    )))
                }
                if h.status == "cancelled" {
                    refuse!(Refusal::Conflict(format!(
                        "{} is already cancelled",
                        h.number
                    )))
                }
                Some(Self::complete(&mut *tx, h).await?)
            }
            None => None,
        };

        let address = sqlx::query_as::<DB, AddressRow>(ADDRESS)
            .bind(&d.account_id)
            .fetch_optional(&mut *tx)
            .await?;
        let sub = sqlx::query_as::<DB, SubscriptionBasisRow>(SUBSCRIPTION_BASIS)
            .bind(&d.account_id)
            .fetch_optional(&mut *tx)
            .await?;
        let mandate = sqlx::query_as::<DB, MandateTerms>(ACTIVE_MANDATE)
            .bind(&d.account_id)
            .fetch_optional(&mut *tx)
            .await?;

        let issued_on = iso(d.issued_on);
        let due = d
            .issued_on
            .checked_add(time::Duration::days(i64::from(d.terms.payment_term_days)))
            .unwrap_or(d.issued_on);
        let id = uuid::Uuid::new_v4().to_string();
        let (head, lines) = if let Some(orig) = &original {
            let lines: Vec<ComputedLine> = orig
                .lines
                .iter()
                .map(|l| ComputedLine {
                    position: u32::try_from(l.position).unwrap_or(1),
                    description: l.description.clone(),
                    quantity: -l.quantity,
                    unit_price_cents: l.unit_price_cents,
                    net_cents: -l.net_cents,
                    vat_rate_bp: u32::try_from(l.vat_rate_bp).unwrap_or(0),
                    vat_cents: -l.vat_cents,
                    period: match (&l.period_start, &l.period_end) {
                        (Some(a), Some(b)) => parse_iso(a).zip(parse_iso(b)),
                        _ => None,
                    },
                })
                .collect();
            let o = &orig.head;
            let head = InvoiceHead {
                id: id.clone(),
                account_id: d.account_id.clone(),
                number: String::new(),
                kind: "credit_note".to_string(),
                corrects_invoice_id: Some(o.id.clone()),
                issued_on: issued_on.clone(),
                period_start: o.period_start.clone(),
                period_end: o.period_end.clone(),
                // Nothing to pay: the credit is due at once (SEPA: no debit).
                due_on: issued_on.clone(),
                currency: o.currency.clone(),
                net_cents: -o.net_cents,
                vat_cents: -o.vat_cents,
                gross_cents: -o.gross_cents,
                status: if o.status == "paid" { "open" } else { "paid" }.to_string(),
                paid_at: None,
                payment_method: "invoice".to_string(),
                mandate_reference: None,
                debit_on: None,
                language: o.language.clone(),
                reverse_charge: o.reverse_charge,
                bill_company: o.bill_company.clone(),
                bill_addressee: o.bill_addressee.clone(),
                bill_street: o.bill_street.clone(),
                bill_street2: o.bill_street2.clone(),
                bill_postal_code: o.bill_postal_code.clone(),
                bill_city: o.bill_city.clone(),
                bill_country: o.bill_country.clone(),
                bill_vat_id: o.bill_vat_id.clone(),
                bill_emails: o.bill_emails.clone(),
                bill_po_reference: o.bill_po_reference.clone(),
                bill_leitweg_id: o.bill_leitweg_id.clone(),
                created_at: actor.at,
                issue_key: d.issue_key.clone(),
                note: d.corrects.as_ref().map(|(_, reason)| reason.clone()),
            };
            (head, lines)
        } else {
            let (
                company,
                addressee,
                street,
                street2,
                postal,
                city,
                country,
                vat_id,
                emails,
                po,
                leitweg,
            ) = match address {
                Some(a) => (
                    a.company,
                    a.addressee,
                    a.street,
                    a.street2,
                    a.postal_code,
                    a.city,
                    a.country,
                    a.vat_id,
                    a.invoice_emails,
                    a.po_reference,
                    a.leitweg_id,
                ),
                // No billing address yet: the account name, and the note says so.
                None => (
                    account_name,
                    None,
                    String::new(),
                    None,
                    String::new(),
                    String::new(),
                    String::new(),
                    None,
                    "[]".to_string(),
                    None,
                    None,
                ),
            };
            let no_address = country.is_empty();
            let reverse = tax::reverse_charge(&d.terms.country, vat_id.as_deref());
            let rate = if reverse { 0 } else { d.terms.vat_rate_bp };
            let lines = tax::compute_lines(&d.lines, rate);
            let t = tax::totals(&lines);
            let sepa = mandate
                .as_ref()
                .filter(|_| sub.as_ref().is_none_or(|s| s.payment_method == "sepa"));
            let language = tax::invoice_language(
                mandate.as_ref().map(|m| m.language.as_str()),
                (!no_address).then_some(country.as_str()),
            );
            let head = InvoiceHead {
                id: id.clone(),
                account_id: d.account_id.clone(),
                number: String::new(),
                kind: "invoice".to_string(),
                corrects_invoice_id: None,
                issued_on: issued_on.clone(),
                period_start: iso(d.period.0),
                period_end: iso(d.period.1),
                due_on: iso(due),
                currency: d.terms.currency.clone(),
                net_cents: t.net_cents,
                vat_cents: t.vat_cents,
                gross_cents: t.gross_cents,
                status: "open".to_string(),
                paid_at: None,
                payment_method: if sepa.is_some() { "sepa" } else { "invoice" }.to_string(),
                mandate_reference: sepa.map(|m| m.reference.clone()),
                debit_on: sepa.map(|_| iso(due)),
                language: language.to_string(),
                reverse_charge: reverse,
                bill_company: company,
                bill_addressee: addressee,
                bill_street: street,
                bill_street2: street2,
                bill_postal_code: postal,
                bill_city: city,
                bill_country: country,
                bill_vat_id: vat_id,
                bill_emails: emails,
                bill_po_reference: po,
                bill_leitweg_id: leitweg,
                created_at: actor.at,
                issue_key: d.issue_key.clone(),
                note: no_address
                    .then(|| "No billing address on file: issued to the account name".to_string()),
            };
            (head, lines)
        };

        // The next gapless number of the series.
        let series = series(&d.terms.prefix, d.issued_on.year());
        let sample = number(&series, 1);
        let like = format!("{}-%", series.replace('%', "\\%").replace('_', "\\_"));
        sqlx::query::<DB>(ENSURE_SERIES)
            .bind(&series)
            .bind(i64::try_from(series.len() + 2).unwrap_or(0))
            .bind(&like)
            .bind(i64::try_from(sample.len()).unwrap_or(0))
            .execute(&mut *tx)
            .await?;
        let (n,) = sqlx::query_as::<DB, (i64,)>(NEXT_NUMBER)
            .bind(&series)
            .fetch_one(&mut *tx)
            .await?;
        let mut head = head;
        head.number = number(&series, n);

        let h = &head;
        sqlx::query::<DB>(INSERT_INVOICE)
            .bind(&h.id)
            .bind(&h.account_id)
            .bind(&h.number)
            .bind(&h.kind)
            .bind(&h.corrects_invoice_id)
            .bind(&h.issued_on)
            .bind(&h.period_start)
            .bind(&h.period_end)
            .bind(&h.due_on)
            .bind(&h.currency)
            .bind(h.net_cents)
            .bind(h.vat_cents)
            .bind(h.gross_cents)
            .bind(&h.status)
            .bind(h.paid_at)
            .bind(&h.payment_method)
            .bind(&h.mandate_reference)
            .bind(&h.debit_on)
            .bind(&h.language)
            .bind(h.reverse_charge)
            .bind(&h.bill_company)
            .bind(&h.bill_addressee)
            .bind(&h.bill_street)
            .bind(&h.bill_street2)
            .bind(&h.bill_postal_code)
            .bind(&h.bill_city)
            .bind(&h.bill_country)
            .bind(&h.bill_vat_id)
            .bind(&h.bill_emails)
            .bind(&h.bill_po_reference)
            .bind(&h.bill_leitweg_id)
            .bind(h.created_at)
            .bind(&h.issue_key)
            .bind(&h.note)
            .execute(&mut *tx)
            .await?;
        for l in &lines {
            sqlx::query::<DB>(INSERT_LINE)
                .bind(&h.id)
                .bind(i64::from(l.position))
                .bind(&l.description)
                .bind(l.quantity)
                .bind(l.unit_price_cents)
                .bind(l.net_cents)
                .bind(i64::from(l.vat_rate_bp))
                .bind(l.vat_cents)
                .bind(l.period.map(|p| iso(p.0)))
                .bind(l.period.map(|p| iso(p.1)))
                .execute(&mut *tx)
                .await?;
        }
        let mut events = vec![];
        if let Some(orig) = &original {
            let rows = sqlx::query::<DB>(CANCEL)
                .bind(&orig.head.id)
                .execute(&mut *tx)
                .await?;
            if rows.affected() != 1 {
                return Err(DbError::Corrupt("the corrected invoice vanished".into()));
            }
            events.push((
                "invoice.credit_note_issued",
                format!("{} → {}", h.number, orig.head.number),
            ));
            events.push((
                "invoice.status_changed",
                format!("{} cancelled", orig.head.number),
            ));
        } else {
            events.push(("invoice.issued", h.number.clone()));
        }
        if let Some(change) = &d.subscription_change_id {
            sqlx::query::<DB>(LINK_CHANGE)
                .bind(&h.id)
                .bind(change)
                .bind(&d.account_id)
                .execute(&mut *tx)
                .await?;
        }
        for (event, target) in events {
            Self::audit(&mut *tx, actor, &d.account_id, event, &target).await?;
        }
        let invoice = Self::complete(&mut *tx, head).await?;
        tx.commit().await?;
        Ok(Ok(Issued { invoice, new: true }))
    }

    /// Appends one entry to the account's audit chain (`db::audit`), in the caller's transaction.
    async fn audit(
        c: &mut DB::Connection,
        actor: &Actor,
        account_id: &str,
        event: &str,
        target: &str,
    ) -> DbResult<()> {
        let (user, email) = match &actor.system {
            Some(name) => (None, Some(name.clone())),
            None => (
                Some(actor.user_id.as_str()),
                Chain::<DB>::actor_email(&mut *c, &actor.user_id).await?,
            ),
        };
        let entry = NewEntry {
            account_id,
            actor_user_id: user,
            actor_email: email.as_deref(),
            event,
            target: Some(target),
            ip: actor.ip.as_deref(),
            at: actor.at,
        };
        Chain::<DB>::append(c, &[entry]).await
    }

    async fn set_invoice_status(
        &self,
        actor: &Actor,
        invoice_id: &str,
        status: &str,
        paid_at: Option<i64>,
    ) -> Outcome<()> {
        let (_guard, mut tx) = begin_write(self.pool, self.write_lock).await?;
        let Some(h) = Self::head_where(
            &mut *tx,
            "account_id = $1 AND id = $2",
            &actor.account_id,
            Some(invoice_id),
        )
        .await?
        else {
            refuse!(Refusal::NotFound(format!("no invoice {invoice_id:?}")))
        };
        if h.kind != "invoice" || h.status == "cancelled" {
            refuse!(Refusal::Conflict(format!(
                "{} is {}; its status does not change",
                h.number,
                if h.kind == "invoice" {
                    "cancelled"
                } else {
                    "a credit note"
                }
            )))
        }
        if h.status == status {
            tx.commit().await?;
            return Ok(Ok(()));
        }
        sqlx::query::<DB>(SET_STATUS)
            .bind(&h.id)
            .bind(status)
            .bind(paid_at)
            .execute(&mut *tx)
            .await?;
        Self::audit(
            &mut *tx,
            actor,
            &actor.account_id,
            "invoice.status_changed",
            &format!("{} {status}", h.number),
        )
        .await?;
        tx.commit().await?;
        Ok(Ok(()))
    }

    async fn billing_basis(&self, account_id: &str) -> DbResult<Option<BillingBasis>> {
        let mut c = self.pool.acquire().await?;
        let Some(s) = sqlx::query_as::<DB, SubscriptionBasisRow>(SUBSCRIPTION_BASIS)
            .bind(account_id)
            .fetch_optional(&mut *c)
            .await?
        else {
            return Ok(None);
        };
        let package = sqlx::query_as::<DB, PackagePrice>(PACKAGE_PRICE)
            .bind(&s.package_id)
            .fetch_one(&mut *c)
            .await?;
        let pending_package = match &s.pending_package_id {
            Some(p) => Some(
                sqlx::query_as::<DB, PackagePrice>(PACKAGE_PRICE)
                    .bind(p)
                    .fetch_one(&mut *c)
                    .await?,
            ),
            None => None,
        };
        let addons = sqlx::query_as::<DB, AddonPrice>(ADDONS)
            .bind(account_id)
            .fetch_all(&mut *c)
            .await?;
        let buyer_vat_id = sqlx::query_as::<DB, (Option<String>,)>(BUYER_VAT_ID)
            .bind(account_id)
            .fetch_optional(&mut *c)
            .await?
            .and_then(|r| r.0);
        Ok(Some(BillingBasis {
            buyer_vat_id,
            account_id: account_id.to_string(),
            package,
            pending_package,
            billing_period: s.billing_period,
            period_start: s.period_start,
            period_end: s.period_end,
            addons,
        }))
    }

    async fn seed_billing(&self, b: &SeedBilling) -> DbResult<()> {
        let (_guard, mut tx) = begin_write(self.pool, self.write_lock).await?;
        sqlx::query::<DB>(SEED_PRICES)
            .bind(&b.package_code)
            .bind(b.monthly_cents)
            .bind(b.yearly_cents)
            .execute(&mut *tx)
            .await?;
        sqlx::query::<DB>(SEED_PERIOD)
            .bind(&b.account_id)
            .bind(&b.billing_period)
            .bind(&b.period_start)
            .bind(&b.period_end)
            .execute(&mut *tx)
            .await?;
        sqlx::query::<DB>(SEED_ADDRESS)
            .bind(&b.account_id)
            .bind(&b.company)
            .bind(&b.street)
            .bind(&b.postal_code)
            .bind(&b.city)
            .bind(&b.country)
            .bind(&b.vat_id)
            .bind(&b.emails)
            .bind(b.updated_at)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn subscribed_accounts(&self) -> DbResult<Vec<String>> {
        let rows = sqlx::query_as::<DB, (String,)>(SUBSCRIBED_ACCOUNTS)
            .fetch_all(self.pool)
            .await?;
        Ok(rows.into_iter().map(|r| r.0).collect())
    }
}

/// Implements [`InvoiceStore`] for a backend by forwarding to [`Sql`].
macro_rules! impl_invoice_store {
    ($ty:ty, $db:ty, $sqlite:literal) => {
        impl $ty {
            fn invoices_sql(&self) -> Sql<'_, $db> {
                Sql {
                    pool: &self.pool,
                    write_lock: &self.write_lock,
                }
            }
        }

        #[async_trait]
        impl InvoiceStore for $ty {
            async fn issue_invoice(&self, actor: &Actor, draft: &IssueDraft) -> Outcome<Issued> {
                self.invoices_sql().issue_invoice(actor, draft).await
            }
            async fn invoice(
                &self,
                account_id: &str,
                invoice_id: &str,
            ) -> DbResult<Option<StoredInvoice>> {
                self.invoices_sql().invoice(account_id, invoice_id).await
            }
            async fn invoice_by_number(&self, number: &str) -> DbResult<Option<StoredInvoice>> {
                self.invoices_sql().invoice_by_number(number).await
            }
            async fn list_invoices(
                &self,
                account_id: &str,
                filter: &InvoiceFilter,
            ) -> DbResult<(Vec<InvoiceHead>, bool)> {
                self.invoices_sql().list_invoices(account_id, filter).await
            }
            async fn set_invoice_status(
                &self,
                actor: &Actor,
                invoice_id: &str,
                status: &str,
                paid_at: Option<i64>,
            ) -> Outcome<()> {
                self.invoices_sql()
                    .set_invoice_status(actor, invoice_id, status, paid_at)
                    .await
            }
            async fn billing_basis(&self, account_id: &str) -> DbResult<Option<BillingBasis>> {
                self.invoices_sql().billing_basis(account_id).await
            }
            async fn subscribed_accounts(&self) -> DbResult<Vec<String>> {
                self.invoices_sql().subscribed_accounts().await
            }
            async fn seed_billing(&self, seed: &SeedBilling) -> DbResult<()> {
                self.invoices_sql().seed_billing(seed).await
            }
        }
    };
}

impl_invoice_store!(SqliteDatabase, sqlx::Sqlite, true);
impl_invoice_store!(PostgresDatabase, sqlx::Postgres, false);

//! Issuing invoices and credit notes, what a subscription bills per period, and the period run.
//!
//! [`issue`] issues one invoice in one transaction (storage: `db::invoices`): the next gapless number of the
//! vendor's series (`RE-2026-000123`), the billing-address snapshot (or the account name when there is
//! none, said in the invoice's note), VAT per line at the vendor's rate or reverse charge, payment terms
//! (an active SEPA mandate with payment method `sepa` → debit on the due date; else transfer), the language.
//! [`credit`] corrects an invoice with a credit note (negative amounts) and cancels it. [`recurring_lines`]
//! is what a subscription bills per period; [`issue_period`] is `kontor-server invoices issue`.

use time::{Date, Month};

use crate::db::invoices::{
    iso, parse_iso, BillingBasis, InvoiceFilter, InvoiceHead, IssueDraft, Issued, PackagePrice,
    StatusFilter, StoredInvoice, VendorTerms,
};
use crate::db::Database;
use crate::domain::{Actor, Outcome, Refusal};
use crate::tax::LineInput;
use crate::vendor::VendorProfile;

pub use crate::db::invoices::effective_status;

/// One line to bill: `quantity × unit_price_cents` net; VAT is added by [`issue`].
pub type NewLine = LineInput;

/// An invoice to issue.
#[derive(Debug, Clone)]
pub struct NewInvoice {
    pub account_id: String,
    pub issued_on: Date,
    /// First day of service.
    pub period_start: Date,
    /// Last day of service (inclusive).
    pub period_end: Date,
    pub lines: Vec<NewLine>,
    /// Idempotency per account (e.g. `change:<subscription change id>`): issuing again with the same key
    /// returns the first invoice (`Issued::new == false`) and issues nothing.
    pub key: Option<String>,
    /// A `subscription_changes` row whose `invoice_id` is set to this invoice in the same transaction.
    pub subscription_change_id: Option<String>,
}

/// The vendor profile's part of issuing.
pub fn terms(vendor: &VendorProfile) -> VendorTerms {
    VendorTerms {
        country: vendor.country.clone(),
        vat_rate_bp: vendor.vat_rate_bp,
        payment_term_days: vendor.payment_term_days,
        prefix: vendor.invoice_prefix.clone(),
        currency: vendor.currency.clone(),
    }
}

/// Issues `new` (see the module doc); audited as `invoice.issued` with the number. Refused: no lines, a
/// period ending before it starts, an unknown account.
pub async fn issue(
    db: &dyn Database,
    vendor: &VendorProfile,
    actor: &Actor,
    new: &NewInvoice,
) -> Outcome<Issued> {
    if new.lines.is_empty() {
        return Ok(Err(Refusal::Invalid(
            "an invoice needs at least one line".into(),
        )));
    }
    if new.period_end < new.period_start {
        return Ok(Err(Refusal::Invalid(
            "the service period ends before it starts".into(),
        )));
    }
    if let Some(l) = new.lines.iter().find(|l| l.description.trim().is_empty()) {
        return Ok(Err(Refusal::Invalid(format!(
            "line {:?} has no description",
            l.description
        ))));
    }
    let draft = IssueDraft {
        account_id: new.account_id.clone(),
        issued_on: new.issued_on,
        period: (new.period_start, new.period_end),
        lines: new.lines.clone(),
        corrects: None,
        issue_key: new.key.clone(),
        subscription_change_id: new.subscription_change_id.clone(),
        terms: terms(vendor),
    };
    db.issue_invoice(actor, &draft).await
}

/// Corrects invoice `invoice_id` of `account_id` with a credit note issued on `issued_on` (the original's
/// lines with negative amounts, `corrects_invoice_id` set) and sets the original `cancelled`, in one
/// transaction; audited as `invoice.credit_note_issued` (`<credit note> → <original>`). Refused: unknown (404),
/// already cancelled or a credit note itself (409), an empty reason (422).
pub async fn credit(
    db: &dyn Database,
    vendor: &VendorProfile,
    actor: &Actor,
    account_id: &str,
    invoice_id: &str,
    reason: &str,
    issued_on: Date,
) -> Outcome<Issued> {
    let reason = reason.trim();
    if reason.is_empty() || reason.chars().count() > 500 {
        return Ok(Err(Refusal::Invalid(
            "a credit note needs a reason (1 to 500 characters)".into(),
        )));
    }
    let draft = IssueDraft {
        account_id: account_id.to_string(),
        issued_on,
        period: (issued_on, issued_on),
        lines: vec![],
        corrects: Some((invoice_id.to_string(), reason.to_string())),
        issue_key: None,
        subscription_change_id: None,
        terms: terms(vendor),
    };
    db.issue_invoice(actor, &draft).await
}

/// The length of a billing period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BillingPeriod {
    Monthly,
    Yearly,
}

impl BillingPeriod {
    pub fn parse(s: &str) -> Self {
        if s == "monthly" {
            Self::Monthly
        } else {
            Self::Yearly
        }
    }

    /// The first day of the period after the one starting on `start`.
    pub fn next_start(self, start: Date) -> Date {
        add_months(start, if self == Self::Monthly { 1 } else { 12 })
    }
}

/// `d` plus `months` calendar months, the day clamped to the month's length (31 Jan + 1 = 28/29 Feb).
pub fn add_months(d: Date, months: i32) -> Date {
    let m0 = d.year() * 12 + i32::from(u8::from(d.month())) - 1 + months;
    let (year, month) = (m0.div_euclid(12), m0.rem_euclid(12) + 1);
    let month = Month::try_from(u8::try_from(month).unwrap_or(1)).unwrap_or(Month::January);
    let day = d.day().min(month.length(year));
    Date::from_calendar_date(year, month, day).unwrap_or(d)
}

/// What a subscription bills for one period on `package` (the current one, or the pending downgrade's):
/// the package price for the billing period, then each add-on as quantity × its price. The lines carry the
/// period `[start, last]`.
pub fn recurring_lines(
    basis: &BillingBasis,
    package: &PackagePrice,
    period: (Date, Date),
) -> Vec<NewLine> {
    let yearly = BillingPeriod::parse(&basis.billing_period) == BillingPeriod::Yearly;
    let (word, pkg_price) = if yearly {
        ("yearly", package.yearly_cents)
    } else {
        ("monthly", package.monthly_cents)
    };
    let mut lines = vec![NewLine {
        description: format!("Package {} ({word})", package.name),
        quantity: 1,
        unit_price_cents: pkg_price,
        period: Some(period),
    }];
    for a in &basis.addons {
        lines.push(NewLine {
            description: format!("Add-on {} ({word})", a.name),
            quantity: a.quantity,
            unit_price_cents: if yearly {
                a.yearly_cents
            } else {
                a.monthly_cents
            },
            period: Some(period),
        });
    }
    lines
}

/// The next period of a subscription: `[period_end, next start)` as (first day, last day inclusive), with
/// the package it bills (a pending downgrade takes effect then).
pub fn next_period(basis: &BillingBasis) -> Option<((Date, Date), &PackagePrice)> {
    let start = parse_iso(basis.period_end.as_deref()?)?;
    let next = BillingPeriod::parse(&basis.billing_period).next_start(start);
    let last = next.previous_day()?;
    let package = basis.pending_package.as_ref().unwrap_or(&basis.package);
    Some(((start, last), package))
}

/// The upcoming invoice of an account: its date (the next period's first day), net, VAT and gross at the
/// vendor's rate (reverse charge is decided when issuing; this is the estimate the dashboard shows).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upcoming {
    pub date: Date,
    pub net_cents: i64,
    pub vat_cents: i64,
    pub gross_cents: i64,
    pub currency: String,
}

/// The upcoming invoice (see [`Upcoming`]) of the account whose billing basis this is (`billing_basis`, or
/// the dashboard's read); `None` without a period.
pub fn upcoming(basis: &BillingBasis, vendor: &VendorProfile) -> Option<Upcoming> {
    let (period, package) = next_period(basis)?;
    let lines = recurring_lines(basis, package, period);
    let rate = if crate::tax::reverse_charge(&vendor.country, basis.buyer_vat_id.as_deref()) {
        0
    } else {
        vendor.vat_rate_bp
    };
    let t = crate::tax::totals(&crate::tax::compute_lines(&lines, rate));
    Some(Upcoming {
        date: period.0,
        net_cents: t.net_cents,
        vat_cents: t.vat_cents,
        gross_cents: t.gross_cents,
        currency: package.currency.clone(),
    })
}

/// What one account got from a period run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunResult {
    Issued(String),
    /// Issued before (same period key); the number.
    AlreadyIssued(String),
    /// No period to bill (no subscription period, or the period starts after the run's period).
    Nothing,
}

/// The period run (`kontor-server invoices issue`): for each subscribed account (or `only`), the invoice of
/// the subscription period that starts in `month` (`None`: up to and including today) — keyed
/// `recurring:<period start>`, so re-running issues nothing twice and a killed run leaves whole invoices
/// only (each is one transaction). Yearly subscriptions bill once a year, in the month their period starts.
pub async fn issue_period(
    db: &dyn Database,
    vendor: &VendorProfile,
    today: Date,
    month: Option<(i32, Month)>,
    only: Option<&str>,
    at: i64,
) -> Outcome<Vec<(String, RunResult)>> {
    let accounts = match only {
        Some(a) => vec![a.to_string()],
        None => db.subscribed_accounts().await?,
    };
    let mut out = Vec::new();
    for account in accounts {
        let Some(basis) = db.billing_basis(&account).await? else {
            if only.is_some() {
                return Ok(Err(Refusal::NotFound(format!(
                    "account {account:?} has no subscription"
                ))));
            }
            continue;
        };
        // The current period; a period run for a later month bills the next one.
        let Some(start) = basis.period_start.as_deref().and_then(parse_iso) else {
            out.push((account, RunResult::Nothing));
            continue;
        };
        let bp = BillingPeriod::parse(&basis.billing_period);
        let mut period_start = start;
        let target = month;
        // Walk forward to the period starting in the target month (or the latest one started by today).
        let mut chosen = None;
        for _ in 0..240 {
            let in_target = match target {
                Some((y, m)) => period_start.year() == y && period_start.month() == m,
                None => true,
            };
            let past = match target {
                Some((y, m)) => {
                    (period_start.year(), u8::from(period_start.month())) > (y, u8::from(m))
                }
                None => period_start > today,
            };
            if past {
                break;
            }
            if in_target {
                chosen = Some(period_start);
                if target.is_some() {
                    break;
                }
            }
            period_start = bp.next_start(period_start);
        }
        let Some(p0) = chosen else {
            out.push((account, RunResult::Nothing));
            continue;
        };
        let Some(last) = bp.next_start(p0).previous_day() else {
            continue;
        };
        let package = if basis
            .period_end
            .as_deref()
            .and_then(parse_iso)
            .is_some_and(|end| p0 >= end)
        {
            basis.pending_package.as_ref().unwrap_or(&basis.package)
        } else {
            &basis.package
        };
        let new = NewInvoice {
            account_id: account.clone(),
            issued_on: today.max(p0),
            period_start: p0,
            period_end: last,
            lines: recurring_lines(&basis, package, (p0, last)),
            key: Some(format!("recurring:{}", iso(p0))),
            subscription_change_id: None,
        };
        let actor = Actor {
            account_id: account.clone(),
            user_id: String::new(),
            system: Some("cli".to_string()),
            ip: None,
            at,
        };
        match issue(db, vendor, &actor, &new).await? {
            Ok(i) if i.new => out.push((account, RunResult::Issued(i.invoice.head.number))),
            Ok(i) => out.push((account, RunResult::AlreadyIssued(i.invoice.head.number))),
            Err(r) => return Ok(Err(r)),
        }
    }
    Ok(Ok(out))
}

/// The list filter's status from its wire name.
pub fn status_filter(s: &str) -> Option<StatusFilter> {
    Some(match s {
        "open" => StatusFilter::Open,
        "paid" => StatusFilter::Paid,
        "overdue" => StatusFilter::Overdue,
        "cancelled" => StatusFilter::Cancelled,
        "credit_note" => StatusFilter::CreditNote,
        _ => return None,
    })
}

/// A page of the account's invoices (see `InvoiceStore::list_invoices`).
pub async fn list(
    db: &dyn Database,
    account_id: &str,
    filter: &InvoiceFilter,
) -> crate::error::DbResult<(Vec<InvoiceHead>, bool)> {
    db.list_invoices(account_id, filter).await
}

/// One invoice of the account.
pub async fn get(
    db: &dyn Database,
    account_id: &str,
    invoice_id: &str,
) -> crate::error::DbResult<Option<StoredInvoice>> {
    db.invoice(account_id, invoice_id).await
}

/// The masked form of an IBAN: country, check digits and the last four characters (`DE89 **** 3000`).
pub fn mask_iban(iban: &str) -> String {
    let c: String = iban.chars().filter(|c| !c.is_whitespace()).collect();
    if c.len() < 8 {
        return "****".to_string();
    }
    format!("{} **** {}", &c[..4], &c[c.len() - 4..])
}

fn nonempty(s: &str, fallback: &str) -> String {
    if s.trim().is_empty() {
        fallback.to_string()
    } else {
        s.to_string()
    }
}

/// Why an invoice has no document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DocumentError {
    /// The stored invoice breaks a document rule (e.g. rows migrated from before issue 8, without VAT).
    Unrenderable(String),
    /// Rendering failed.
    Render(String),
}

/// The `kontor-invoice` model of a stored invoice (`customer_number` of its account) and the seller.
pub fn document(
    inv: &StoredInvoice,
    customer_number: &str,
    vendor: &VendorProfile,
) -> Result<(kontor_invoice::Invoice, kontor_invoice::Seller), DocumentError> {
    use kontor_invoice as ki;
    let h = &inv.head;
    let date = |s: &str, what: &str| {
        parse_iso(s)
            .ok_or_else(|| DocumentError::Unrenderable(format!("{what} {s:?} is not a date")))
    };
    let kind = match (&h.kind[..], &inv.corrects) {
        ("credit_note", Some((number, issued))) => ki::Kind::CreditNote {
            corrects_number: number.clone(),
            corrects_issued_on: date(issued, "corrected invoice date")?,
        },
        ("credit_note", None) => {
            return Err(DocumentError::Unrenderable(
                "a credit note without its invoice".into(),
            ))
        }
        _ => ki::Kind::Invoice,
    };
    let no_address = h.bill_country.trim().is_empty();
    let emails: Vec<String> = serde_json::from_str(&h.bill_emails).unwrap_or_default();
    let buyer = ki::Buyer {
        address: ki::Address {
            name: h.bill_company.clone(),
            addressee: h.bill_addressee.clone(),
            street: nonempty(&h.bill_street, "(no billing address on file)"),
            street2: h.bill_street2.clone(),
            postal_code: nonempty(&h.bill_postal_code, "-"),
            city: nonempty(&h.bill_city, "-"),
            country: if no_address {
                vendor.country.clone()
            } else {
                h.bill_country.clone()
            },
        },
        vat_id: h.bill_vat_id.clone(),
        emails,
        customer_number: customer_number.to_string(),
        po_reference: h.bill_po_reference.clone(),
        leitweg_id: h.bill_leitweg_id.clone(),
    };
    let payment = match (&h.payment_method[..], &h.mandate_reference, &h.debit_on) {
        ("sepa", Some(reference), Some(debit_on)) => ki::Payment::SepaDebit {
            mandate_reference: reference.clone(),
            creditor_id: inv
                .mandate
                .as_ref()
                .map(|m| m.creditor_id.clone())
                .or_else(|| vendor.creditor_id.clone())
                .unwrap_or_default(),
            iban_masked: inv
                .mandate
                .as_ref()
                .map(|m| mask_iban(&m.iban))
                .unwrap_or_else(|| "****".to_string()),
            debit_on: date(debit_on, "debit date")?,
        },
        _ => ki::Payment::Transfer,
    };
    let mut lines = Vec::with_capacity(inv.lines.len());
    for l in &inv.lines {
        let period = match (&l.period_start, &l.period_end) {
            (Some(a), Some(b)) => Some((date(a, "line period")?, date(b, "line period")?)),
            _ => None,
        };
        lines.push(ki::Line {
            position: u32::try_from(l.position).unwrap_or(0),
            description: l.description.clone(),
            quantity: l.quantity,
            unit_price_cents: l.unit_price_cents,
            net_cents: l.net_cents,
            vat_rate_bp: u32::try_from(l.vat_rate_bp).unwrap_or(0),
            vat_cents: l.vat_cents,
            period,
        });
    }
    let invoice = ki::Invoice {
        number: h.number.clone(),
        kind,
        issued_on: date(&h.issued_on, "issue date")?,
        period_start: date(&h.period_start, "period start")?,
        period_end: date(&h.period_end, "period end")?,
        due_on: date(&h.due_on, "due date")?,
        currency: h.currency.clone(),
        language: if h.language == "en" {
            ki::Lang::En
        } else {
            ki::Lang::De
        },
        buyer,
        lines,
        net_cents: h.net_cents,
        vat_cents: h.vat_cents,
        gross_cents: h.gross_cents,
        reverse_charge: h.reverse_charge,
        payment,
    };
    let v = vendor;
    let seller = ki::Seller {
        address: ki::Address {
            name: v.name.clone(),
            addressee: v.addressee.clone(),
            street: v.street.clone(),
            street2: v.street2.clone(),
            postal_code: v.postal_code.clone(),
            city: v.city.clone(),
            country: v.country.clone(),
        },
        vat_id: v.vat_id.clone(),
        tax_number: v.tax_number.clone(),
        email: v.email.clone(),
        phone: v.phone.clone(),
        website: v.website.clone(),
        bank: ki::BankAccount {
            holder: v.bank.holder.clone(),
            iban: v.bank.iban.clone(),
            bic: v.bank.bic.clone(),
            bank_name: v.bank.bank_name.clone(),
        },
        register: v.register.clone(),
        managing_directors: v.managing_directors.clone(),
    };
    kontor_invoice::check(&invoice).map_err(|e| DocumentError::Unrenderable(e.to_string()))?;
    Ok((invoice, seller))
}

/// The Factur-X PDF of a stored invoice and its file name (`RE-2026-000123.pdf`).
pub fn pdf(
    inv: &StoredInvoice,
    customer_number: &str,
    vendor: &VendorProfile,
) -> Result<(Vec<u8>, String), DocumentError> {
    let (doc, seller) = document(inv, customer_number, vendor)?;
    let bytes =
        kontor_invoice::pdf(&doc, &seller).map_err(|e| DocumentError::Render(e.to_string()))?;
    Ok((bytes, format!("{}.pdf", inv.head.number)))
}

/// The CII XML (Factur-X, or XRechnung with a Leitweg-ID) and its file name (`RE-2026-000123.xml`).
pub fn xml(
    inv: &StoredInvoice,
    customer_number: &str,
    vendor: &VendorProfile,
) -> Result<(String, String), DocumentError> {
    let (doc, seller) = document(inv, customer_number, vendor)?;
    let text =
        kontor_invoice::cii_xml(&doc, &seller).map_err(|e| DocumentError::Render(e.to_string()))?;
    Ok((text, format!("{}.xml", inv.head.number)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::invoices::AddonPrice;
    use time::macros::date;

    fn basis(period: &str) -> BillingBasis {
        BillingBasis {
            account_id: "a".into(),
            package: PackagePrice {
                code: "business".into(),
                name: "Business".into(),
                monthly_cents: 10_000,
                yearly_cents: 100_000,
                currency: "EUR".into(),
            },
            pending_package: None,
            billing_period: period.into(),
            period_start: Some("2026-01-01".into()),
            period_end: Some("2026-02-01".into()),
            addons: vec![AddonPrice {
                code: "extra".into(),
                name: "Extra seats".into(),
                quantity: 3,
                monthly_cents: 500,
                yearly_cents: 5_000,
                currency: "EUR".into(),
            }],
            buyer_vat_id: None,
        }
    }

    #[test]
    fn recurring_lines_are_the_package_plus_addons_for_the_period() {
        let b = basis("monthly");
        let lines = recurring_lines(
            &b,
            &b.package,
            (date!(2026 - 02 - 01), date!(2026 - 02 - 28)),
        );
        let net: i64 = lines.iter().map(|l| l.quantity * l.unit_price_cents).sum();
        assert_eq!(net, 10_000 + 3 * 500);
        let y = basis("yearly");
        let lines = recurring_lines(
            &y,
            &y.package,
            (date!(2026 - 02 - 01), date!(2027 - 01 - 31)),
        );
        let net: i64 = lines.iter().map(|l| l.quantity * l.unit_price_cents).sum();
        assert_eq!(net, 100_000 + 3 * 5_000);
    }

    #[test]
    fn the_next_period_follows_the_current_and_counts_a_pending_downgrade() {
        let mut b = basis("monthly");
        let ((s, e), p) = next_period(&b).expect("period");
        assert_eq!(
            (s, e, p.code.as_str()),
            (date!(2026 - 02 - 01), date!(2026 - 02 - 28), "business")
        );
        b.pending_package = Some(PackagePrice {
            code: "basic".into(),
            name: "Basic".into(),
            monthly_cents: 1,
            yearly_cents: 2,
            currency: "EUR".into(),
        });
        assert_eq!(next_period(&b).expect("period").1.code, "basic");
    }

    #[test]
    fn months_clamp_to_the_month_length() {
        assert_eq!(add_months(date!(2026 - 01 - 31), 1), date!(2026 - 02 - 28));
        assert_eq!(add_months(date!(2028 - 01 - 31), 1), date!(2028 - 02 - 29));
        assert_eq!(add_months(date!(2026 - 12 - 15), 1), date!(2027 - 01 - 15));
        assert_eq!(add_months(date!(2026 - 03 - 01), -3), date!(2025 - 12 - 01));
    }
}

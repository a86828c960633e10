//! `GET …/accounts/{account_id}/invoices` (filtered, keyset-paged), `…/invoices/{invoice_id}` (lines, totals,
//! address snapshot, payment terms, credit-note link), `…/pdf` (the Factur-X PDF) and `…/xml` (the CII XML).
//! Owner and Billing; Admin and User 403; another account's invoice 404.

use axum::extract::{Path, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Json;
use kontor_api::{
    BillingSnapshot, ErrorBody, FieldProblem, InvoiceDetail, InvoiceLine, InvoicePage,
    InvoiceQuery, InvoiceRef, InvoiceStatus, InvoiceSummary, PaymentTerms, Resource,
};

use crate::auth::{AuthUser, Permission};
use crate::db::invoices::{effective_status, InvoiceFilter, InvoiceHead, StoredInvoice};
use crate::handlers::accounts::own_account;
use crate::http_error::{ApiError, ApiQuery};
use crate::service::invoicing::{self, DocumentError};
use crate::state::AppState;

/// Today (UTC) as ISO, from the injected clock.
fn today(st: &AppState) -> String {
    let d = time::OffsetDateTime::from_unix_timestamp(st.clock.now())
        .map(|t| t.date())
        .unwrap_or(time::Date::MIN);
    crate::db::invoices::iso(d)
}

fn summary(h: &InvoiceHead, today: &str) -> InvoiceSummary {
    InvoiceSummary {
        id: h.id.clone(),
        number: h.number.clone(),
        status: InvoiceStatus::parse(effective_status(h, today)).unwrap_or(InvoiceStatus::Other),
        issued_on: h.issued_on.clone(),
        period_start: h.period_start.clone(),
        period_end: h.period_end.clone(),
        due_on: h.due_on.clone(),
        net_cents: h.net_cents,
        vat_cents: h.vat_cents,
        gross_cents: h.gross_cents,
        currency: h.currency.clone(),
    }
}

fn detail(inv: &StoredInvoice, st: &AppState) -> InvoiceDetail {
    let h = &inv.head;
    let v = &st.config.vendor;
    let payment = match (&h.payment_method[..], &h.mandate_reference, &h.debit_on) {
        ("sepa", Some(r), Some(d)) => PaymentTerms::Sepa {
            mandate_reference: r.clone(),
            debit_on: d.clone(),
        },
        _ => PaymentTerms::Invoice {
            holder: v.bank.holder.clone(),
            iban: v.bank.iban.clone(),
            bic: v.bank.bic.clone(),
        },
    };
    InvoiceDetail {
        summary: summary(h, &today(st)),
        lines: inv
            .lines
            .iter()
            .map(|l| InvoiceLine {
                position: u32::try_from(l.position).unwrap_or(0),
                description: l.description.clone(),
                quantity: l.quantity,
                unit_price_cents: l.unit_price_cents,
                net_cents: l.net_cents,
                vat_rate_bp: u32::try_from(l.vat_rate_bp).unwrap_or(0),
                vat_cents: l.vat_cents,
                period_start: l.period_start.clone(),
                period_end: l.period_end.clone(),
            })
            .collect(),
        bill_to: BillingSnapshot {
            company: h.bill_company.clone(),
            addressee: h.bill_addressee.clone(),
            street: h.bill_street.clone(),
            street2: h.bill_street2.clone(),
            postal_code: h.bill_postal_code.clone(),
            city: h.bill_city.clone(),
            country: h.bill_country.clone(),
            vat_id: h.bill_vat_id.clone(),
            emails: serde_json::from_str(&h.bill_emails).unwrap_or_default(),
            po_reference: h.bill_po_reference.clone(),
            leitweg_id: h.bill_leitweg_id.clone(),
        },
        payment,
        reverse_charge: h.reverse_charge,
        language: h.language.clone(),
        corrects_number: inv.corrects.as_ref().map(|c| c.0.clone()),
        corrected_by: inv.corrected_by.as_ref().map(|(id, number)| InvoiceRef {
            id: id.clone(),
            number: number.clone(),
        }),
        note: h.note.clone(),
    }
}

/// The account's invoices, newest first: number, dates, period, net, VAT, gross, status. Owner and Billing.
#[utoipa::path(get, path = "/api/v1/accounts/{account_id}/invoices", tag = "invoices", security(("bearer" = [])),
    params(("account_id" = String, Path, description = "The caller's account id"), InvoiceQuery),
    responses(
        (status = 200, description = "One page of invoices", body = InvoicePage),
        (status = 401, description = "No valid session", body = ErrorBody),
        (status = 403, description = "The role may not see invoices (Admin, User)", body = ErrorBody),
        (status = 404, description = "Not the caller's account", body = ErrorBody),
        (status = 422, description = "A query parameter is invalid", body = ErrorBody),
    ))]
pub async fn list(
    State(st): State<AppState>,
    auth: AuthUser,
    Path(account_id): Path<String>,
    ApiQuery(q): ApiQuery<InvoiceQuery>,
) -> Result<Json<InvoicePage>, ApiError> {
    let id = own_account(&auth, &account_id)?;
    auth.require(Permission::ManageBilling)?;
    let limit = q.limit.unwrap_or(50);
    if !(1..=200).contains(&limit) {
        return Err(ApiError::invalid_field(
            "limit",
            FieldProblem::OutOfRange,
            "limit must be between 1 and 200",
        ));
    }
    if q.year.is_some_and(|y| !(2000..=2100).contains(&y)) {
        return Err(ApiError::invalid_field(
            "year",
            FieldProblem::OutOfRange,
            "year must be between 2000 and 2100",
        ));
    }
    if q.before
        .as_ref()
        .is_some_and(|b| b.is_empty() || b.len() > 64 || b.chars().any(char::is_control))
    {
        return Err(ApiError::invalid_field(
            "before",
            FieldProblem::InvalidId,
            "before must be an invoice number",
        ));
    }
    let status = match q.status {
        None => None,
        Some(s) => Some(invoicing::status_filter(s.as_str()).ok_or_else(|| {
            ApiError::invalid_field(
                "status",
                FieldProblem::OutOfRange,
                "status must be open, paid, overdue, cancelled or credit_note",
            )
        })?),
    };
    let today = today(&st);
    let filter = InvoiceFilter {
        year: q.year,
        status,
        before: q.before.clone(),
        limit,
        today: today.clone(),
    };
    let (rows, more) = invoicing::list(st.db.as_ref(), &id, &filter).await?;
    let next_before = if more {
        rows.last().map(|h| h.number.clone())
    } else {
        None
    };
    Ok(Json(InvoicePage {
        invoices: rows.iter().map(|h| summary(h, &today)).collect(),
        next_before,
    }))
}

async fn load(
    st: &AppState,
    auth: &AuthUser,
    account_id: &str,
    invoice_id: &str,
) -> Result<StoredInvoice, ApiError> {
    let id = own_account(auth, account_id)?;
    auth.require(Permission::ManageBilling)?;
    invoicing::get(st.db.as_ref(), &id, invoice_id)
        .await?
        .ok_or_else(|| ApiError::not_found(Resource::Invoice))
}

/// One invoice: lines, totals, the billing address as issued, payment terms, credit-note link. Owner and
/// Billing.
#[utoipa::path(get, path = "/api/v1/accounts/{account_id}/invoices/{invoice_id}", tag = "invoices",
    security(("bearer" = [])),
    params(("account_id" = String, Path, description = "The caller's account id"),
        ("invoice_id" = String, Path, description = "An invoice of the account")),
    responses(
        (status = 200, description = "The invoice", body = InvoiceDetail),
        (status = 401, description = "No valid session", body = ErrorBody),
        (status = 403, description = "The role may not see invoices (Admin, User)", body = ErrorBody),
        (status = 404, description = "Not the caller's account, or no such invoice", body = ErrorBody),
    ))]
pub async fn get(
    State(st): State<AppState>,
    auth: AuthUser,
    Path((account_id, invoice_id)): Path<(String, String)>,
) -> Result<Json<InvoiceDetail>, ApiError> {
    let inv = load(&st, &auth, &account_id, &invoice_id).await?;
    Ok(Json(detail(&inv, &st)))
}

fn document_error(e: DocumentError) -> ApiError {
    match e {
        DocumentError::Unrenderable(m) => ApiError::new(
            kontor_api::ErrorCode::Conflict,
            format!(
                "this invoice has no e-invoice document (it predates them or breaks a rule): {m}"
            ),
        ),
        DocumentError::Render(m) => ApiError::internal(m),
    }
}

fn file_answer(bytes: Vec<u8>, content_type: &'static str, name: &str) -> Response {
    let mut r = bytes.into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    // Numbers are letters, digits, '-' and '_' (vendor::VendorProfile::validate), so the name needs no quoting.
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

async fn customer_number(st: &AppState, account_id: &str) -> Result<String, ApiError> {
    Ok(st
        .db
        .account(account_id)
        .await?
        .map(|a| a.customer_number)
        .unwrap_or_default())
}

/// The invoice as a Factur-X PDF (PDF/A-3 with the CII XML embedded), in the invoice's language.
#[utoipa::path(get, path = "/api/v1/accounts/{account_id}/invoices/{invoice_id}/pdf", tag = "invoices",
    security(("bearer" = [])),
    params(("account_id" = String, Path, description = "The caller's account id"),
        ("invoice_id" = String, Path, description = "An invoice of the account")),
    responses(
        (status = 200, description = "The PDF; Content-Disposition names `<number>.pdf`", content_type = "application/pdf", body = Vec<u8>),
        (status = 401, description = "No valid session", body = ErrorBody),
        (status = 403, description = "The role may not see invoices (Admin, User)", body = ErrorBody),
        (status = 404, description = "Not the caller's account, or no such invoice", body = ErrorBody),
        (status = 409, description = "The invoice has no document (migrated from before e-invoices)", body = ErrorBody),
    ))]
pub async fn pdf(
    State(st): State<AppState>,
    auth: AuthUser,
    Path((account_id, invoice_id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let inv = load(&st, &auth, &account_id, &invoice_id).await?;
    let customer = customer_number(&st, &auth.account_id).await?;
    let vendor = st.config.vendor.clone();
    let (bytes, name) =
        tokio::task::spawn_blocking(move || invoicing::pdf(&inv, &customer, &vendor))
            .await
            .map_err(|e| ApiError::internal(e.to_string()))?
            .map_err(document_error)?;
    Ok(file_answer(bytes, "application/pdf", &name))
}

/// The invoice's CII XML on its own: Factur-X EN 16931, or XRechnung when the snapshot has a Leitweg-ID.
#[utoipa::path(get, path = "/api/v1/accounts/{account_id}/invoices/{invoice_id}/xml", tag = "invoices",
    security(("bearer" = [])),
    params(("account_id" = String, Path, description = "The caller's account id"),
        ("invoice_id" = String, Path, description = "An invoice of the account")),
    responses(
        (status = 200, description = "The XML; Content-Disposition names `<number>.xml`", content_type = "application/xml", body = String),
        (status = 401, description = "No valid session", body = ErrorBody),
        (status = 403, description = "The role may not see invoices (Admin, User)", body = ErrorBody),
        (status = 404, description = "Not the caller's account, or no such invoice", body = ErrorBody),
        (status = 409, description = "The invoice has no document (migrated from before e-invoices)", body = ErrorBody),
    ))]
pub async fn xml(
    State(st): State<AppState>,
    auth: AuthUser,
    Path((account_id, invoice_id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let inv = load(&st, &auth, &account_id, &invoice_id).await?;
    let customer = customer_number(&st, &auth.account_id).await?;
    let (text, name) =
        invoicing::xml(&inv, &customer, &st.config.vendor).map_err(document_error)?;
    Ok(file_answer(text.into_bytes(), "application/xml", &name))
}

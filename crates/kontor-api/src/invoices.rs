//! Invoices (issue 8): the list with its filters and keyset page, one invoice with lines, totals, the
//! billing-address snapshot, payment terms and its credit-note link. Money is integer cents; dates ISO.

use serde::{Deserialize, Serialize};

/// How an invoice stands. An open invoice past its due date is `overdue`; a credit note is `credit_note`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum InvoiceStatus {
    Open,
    Paid,
    Overdue,
    Cancelled,
    CreditNote,
    /// A status this build does not know.
    #[serde(other)]
    Other,
}

impl InvoiceStatus {
    /// Every status a filter can ask for, in the order the app lists them.
    pub const FILTERS: [InvoiceStatus; 5] = [
        InvoiceStatus::Open,
        InvoiceStatus::Overdue,
        InvoiceStatus::Paid,
        InvoiceStatus::Cancelled,
        InvoiceStatus::CreditNote,
    ];

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            InvoiceStatus::Open => "open",
            InvoiceStatus::Paid => "paid",
            InvoiceStatus::Overdue => "overdue",
            InvoiceStatus::Cancelled => "cancelled",
            InvoiceStatus::CreditNote => "credit_note",
            InvoiceStatus::Other => "other",
        }
    }

    /// From the wire name.
    pub fn parse(s: &str) -> Option<Self> {
        Self::FILTERS.into_iter().find(|f| f.as_str() == s)
    }
}

/// One row of the invoices list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InvoiceSummary {
    pub id: String,
    /// Unique and gapless per vendor, e.g. `RE-2026-000123`.
    pub number: String,
    pub status: InvoiceStatus,
    /// ISO date.
    pub issued_on: String,
    /// First day of service.
    pub period_start: String,
    /// Last day of service (inclusive).
    pub period_end: String,
    pub due_on: String,
    pub net_cents: i64,
    pub vat_cents: i64,
    pub gross_cents: i64,
    /// ISO 4217.
    pub currency: String,
}

/// One page of the invoices list, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InvoicePage {
    pub invoices: Vec<InvoiceSummary>,
    /// The `before` of the next page (the last row's number); none on the last page.
    pub next_before: Option<String>,
}

/// Filters and page of `GET …/invoices`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams, utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct InvoiceQuery {
    /// Issued in this year (2000..=2100).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", param(minimum = 2000, maximum = 2100))]
    pub year: Option<i32>,
    /// `open`, `paid`, `overdue`, `cancelled` or `credit_note`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<InvoiceStatus>,
    /// Page size, 1..=200 (default 50).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 200))]
    pub limit: Option<u32>,
    /// The previous page's `next_before` (an invoice number).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", param(max_length = 64))]
    pub before: Option<String>,
}

/// One line of an invoice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InvoiceLine {
    pub position: u32,
    pub description: String,
    pub quantity: i64,
    pub unit_price_cents: i64,
    pub net_cents: i64,
    /// Basis points: 1900 = 19 %.
    pub vat_rate_bp: u32,
    pub vat_cents: i64,
    pub period_start: Option<String>,
    pub period_end: Option<String>,
}

/// The billing address as it was when the invoice was issued.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BillingSnapshot {
    pub company: String,
    pub addressee: Option<String>,
    pub street: String,
    pub street2: Option<String>,
    pub postal_code: String,
    pub city: String,
    /// ISO 3166-1 alpha-2; empty when the account had no billing address.
    pub country: String,
    pub vat_id: Option<String>,
    pub emails: Vec<String>,
    pub po_reference: Option<String>,
    pub leitweg_id: Option<String>,
}

/// How an invoice is paid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "method", rename_all = "snake_case")]
pub enum PaymentTerms {
    /// SEPA direct debit on `debit_on` under the mandate.
    Sepa {
        mandate_reference: String,
        debit_on: String,
    },
    /// Bank transfer to the vendor's account by the due date.
    Invoice {
        holder: String,
        iban: String,
        bic: Option<String>,
    },
}

/// One invoice with its lines.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InvoiceDetail {
    pub summary: InvoiceSummary,
    pub lines: Vec<InvoiceLine>,
    pub bill_to: BillingSnapshot,
    pub payment: PaymentTerms,
    /// EU B2B buyer with a VAT ID of another EU country: 0 % and the legal note.
    pub reverse_charge: bool,
    /// `de` or `en`: the language of the PDF.
    pub language: String,
    /// For a credit note: the number of the invoice it corrects.
    pub corrects_number: Option<String>,
    /// For a corrected invoice: its credit note's id and number.
    pub corrected_by: Option<InvoiceRef>,
    /// A credit note's reason, or a remark of the issuer.
    pub note: Option<String>,
}

/// A link to another invoice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InvoiceRef {
    pub id: String,
    pub number: String,
}

/// Argument of the shell commands `invoice` and `save_invoice_document` (inv8).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceDocumentRequest {
    pub invoice_id: String,
    /// `pdf` (the Factur-X PDF) or `xml` (the e-invoice XML); ignored by `invoice`.
    #[serde(default)]
    pub format: InvoiceDocumentFormat,
}

/// Which document of an invoice.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InvoiceDocumentFormat {
    #[default]
    Pdf,
    Xml,
}

/// Where `save_invoice_document` saved the file; `None` when the user cancelled the dialog.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedInvoiceDocument {
    pub path: Option<String>,
    pub file_name: String,
}

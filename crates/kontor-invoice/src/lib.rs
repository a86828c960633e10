//! crates/kontor-invoice: renders an issued invoice as a Factur-X PDF (PDF/A-3 with the CII XML embedded)
//! and as CII XML (Factur-X EN 16931, or XRechnung when the buyer has a Leitweg-ID). Pure: no I/O, no clock.
//!
//! Money is integer cents everywhere (`i64`), rates are basis points (`1900` = 19 %); the only place a
//! decimal point appears is the text written into the XML and the PDF. A credit note carries NEGATIVE
//! amounts in the model (the portal books it so); the CII document of type 381 states them positive, as
//! EN 16931 wants (see `xml`).

mod check;
mod money;
mod pdf;
#[doc(hidden)]
pub mod testing;
mod texts;
mod xml;
mod xmp;

pub use time::Date; // time 0.3, as the server uses

/// The language of the rendered PDF (the XML has none: its texts are the invoice's own).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    De,
    En,
}

/// An invoice, or a credit note correcting an earlier invoice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    Invoice,
    CreditNote {
        corrects_number: String,
        corrects_issued_on: Date,
    },
}

/// A postal address: the buyer's snapshot or the seller's address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Address {
    /// company
    pub name: String,
    /// addressee / department
    pub addressee: Option<String>,
    pub street: String,
    pub street2: Option<String>,
    pub postal_code: String,
    pub city: String,
    /// ISO 3166-1 alpha-2
    pub country: String,
}

/// The buyer as the invoice was issued to them (a snapshot).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Buyer {
    pub address: Address,
    pub vat_id: Option<String>,
    pub emails: Vec<String>,
    pub customer_number: String,
    pub po_reference: Option<String>,
    /// → XRechnung BuyerReference
    pub leitweg_id: Option<String>,
}

/// The seller's bank account (transfers go there; the PDF footer names it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BankAccount {
    pub holder: String,
    pub iban: String,
    pub bic: Option<String>,
    pub bank_name: Option<String>,
}

/// The vendor issuing the invoice (from the server's configuration).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seller {
    pub address: Address,
    pub vat_id: String,
    pub tax_number: Option<String>,
    pub email: String,
    pub phone: Option<String>,
    pub website: Option<String>,
    pub bank: BankAccount,
    /// e.g. "Amtsgericht Musterstadt HRB 12345"
    pub register: Option<String>,
    pub managing_directors: Option<String>,
}

/// How the invoice is paid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Payment {
    /// SEPA direct debit: the PDF names mandate, creditor id, masked IBAN and debit date.
    SepaDebit {
        mandate_reference: String,
        creditor_id: String,
        iban_masked: String,
        debit_on: Date,
    },
    /// Bank transfer to the seller's account by the due date.
    Transfer,
}

/// One invoice line as booked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub position: u32,
    pub description: String,
    pub quantity: i64,
    pub unit_price_cents: i64,
    /// quantity * unit price, as booked
    pub net_cents: i64,
    /// 1900 = 19 %
    pub vat_rate_bp: u32,
    pub vat_cents: i64,
    pub period: Option<(Date, Date)>,
}

/// An issued invoice or credit note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invoice {
    pub number: String,
    pub kind: Kind,
    pub issued_on: Date,
    pub period_start: Date,
    pub period_end: Date,
    pub due_on: Date,
    /// "EUR"
    pub currency: String,
    pub language: Lang,
    pub buyer: Buyer,
    pub lines: Vec<Line>,
    pub net_cents: i64,
    pub vat_cents: i64,
    pub gross_cents: i64,
    /// EU B2B, buyer VAT ID in another country: 0 %, the legal note
    pub reverse_charge: bool,
    pub payment: Payment,
}

/// Why an invoice cannot be rendered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// A field's value breaks a rule (totals, signs, reverse charge, required text).
    #[error("invalid {field}: {reason}")]
    Invalid { field: &'static str, reason: String },
    /// The PDF could not be produced.
    #[error("rendering failed: {0}")]
    Render(String),
}

/// Checks totals and fields (sum of lines = net, vat, gross; credit note negative; reverse charge ⇒ 0 VAT).
pub fn check(inv: &Invoice) -> Result<(), Error> {
    check::check(inv)
}

/// Factur-X EN 16931 CII XML (or XRechnung CII when `buyer.leitweg_id` is set).
pub fn cii_xml(inv: &Invoice, seller: &Seller) -> Result<String, Error> {
    check::check(inv)?;
    check::check_seller(seller, inv)?;
    Ok(xml::render(inv, seller))
}

/// The PDF/A-3 Factur-X document with `factur-x.xml` embedded (or `xrechnung.xml`), fonts embedded.
pub fn pdf(inv: &Invoice, seller: &Seller) -> Result<Vec<u8>, Error> {
    let xml = cii_xml(inv, seller)?;
    pdf::render(inv, seller, &xml)
}

/// The name of the XML file embedded in the PDF, and the name to save the XML under:
/// `xrechnung.xml` when the buyer has a Leitweg-ID, else `factur-x.xml`.
pub fn xml_file_name(inv: &Invoice) -> &'static str {
    if inv.buyer.leitweg_id.is_some() {
        "xrechnung.xml"
    } else {
        "factur-x.xml"
    }
}

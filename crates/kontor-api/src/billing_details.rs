//! Billing details (issue 8): the billing address, the payment method and the SEPA direct-debit mandate,
//! and the located field errors their forms get. The rules are in `billing_rules`.

use serde::{Deserialize, Serialize};

/// Longest company, addressee, street and city.
pub const MAX_ADDRESS_TEXT: usize = 200;
/// Longest postal code (outside the countries with a national format).
pub const MAX_POSTAL_CODE: usize = 20;
/// Longest purchase-order reference.
pub const MAX_PO_REFERENCE: usize = 100;
/// Longest Leitweg-ID (12 + 1 + 30 + 1 + 2).
pub const MAX_LEITWEG_ID: usize = 46;
/// Longest VAT ID as typed (with spaces or dots).
pub const MAX_VAT_ID_INPUT: usize = 40;
/// At most this many invoice e-mail addresses.
pub const MAX_INVOICE_EMAILS: usize = 5;
/// Longest account holder name (the SEPA name field's 70 characters).
pub const MAX_ACCOUNT_HOLDER: usize = 70;
/// Longest BIC as typed.
pub const MAX_BIC_INPUT: usize = 16;

/// The billing address invoices are issued to. On `PUT` the portal normalises it (trimmed, upper-case
/// country, VAT ID and IBAN-style codes compacted) and answers with what it saved.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BillingAddress {
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 200))]
    pub company: String,
    /// Addressee or department.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 200))]
    pub addressee: Option<String>,
    /// Street and number.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 200))]
    pub street: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 200))]
    pub street2: Option<String>,
    /// The national format for DE, AT, CH, FR, NL, IT, ES, BE and PL; elsewhere 1–20 letters, digits,
    /// spaces or hyphens.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 20))]
    pub postal_code: String,
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 200))]
    pub city: String,
    /// ISO 3166-1 alpha-2.
    #[cfg_attr(
        feature = "openapi",
        schema(min_length = 2, max_length = 2, pattern = "^[A-Za-z]{2}$")
    )]
    pub country: String,
    /// An EU VAT ID with its country prefix (`DE136695976`; Greece `EL`, Northern Ireland `XI`).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 40))]
    pub vat_id: Option<String>,
    /// Where invoices are sent: 1 to 5 addresses.
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 5))]
    pub invoice_emails: Vec<String>,
    /// The customer's purchase-order reference, printed on invoices.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 100))]
    pub po_reference: Option<String>,
    /// German public customers' routing id for XRechnung (`991-33333TEST-33`).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 46))]
    pub leitweg_id: Option<String>,
}

/// `GET …/billing/address`: the saved address, or `null` while none was entered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BillingAddressState {
    pub address: Option<BillingAddress>,
    /// When it was last changed (Unix seconds).
    pub updated_at: Option<i64>,
}

/// How the account pays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PaymentMethod {
    /// SEPA direct debit under the active mandate.
    Sepa,
    /// Bank transfer after each invoice ("pay by invoice").
    Invoice,
}

impl PaymentMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            PaymentMethod::Sepa => "sepa",
            PaymentMethod::Invoice => "invoice",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "sepa" => Some(PaymentMethod::Sepa),
            "invoice" => Some(PaymentMethod::Invoice),
            _ => None,
        }
    }
}

/// The language a mandate text is shown and accepted in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum MandateLanguage {
    #[default]
    De,
    En,
}

impl MandateLanguage {
    pub fn as_str(self) -> &'static str {
        match self {
            MandateLanguage::De => "de",
            MandateLanguage::En => "en",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "de" => Some(MandateLanguage::De),
            "en" => Some(MandateLanguage::En),
            _ => None,
        }
    }
}

/// The active SEPA mandate as the portal shows it: the IBAN only masked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SepaMandate {
    /// Unique mandate reference (`KONTOR-<customer number>-<n>`).
    pub reference: String,
    pub account_holder: String,
    /// Country, check digits and the last four characters: `DE89 **** **** **** **30 00`.
    pub iban_masked: String,
    pub bic: Option<String>,
    /// The date the mandate was accepted (ISO).
    pub signed_on: String,
    /// The vendor's SEPA creditor identifier.
    pub creditor_id: String,
    /// E-mail of the user who accepted it.
    pub accepted_by: String,
    /// The language of the mandate text accepted.
    pub language: MandateLanguage,
}

/// `GET …/billing/payment`: how the account pays and the active mandate, if any.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PaymentDetails {
    pub method: PaymentMethod,
    pub mandate: Option<SepaMandate>,
}

/// `PUT …/billing/bank-account`: new bank details and the acceptance of the mandate text; creates a new
/// mandate, ends the previous one and sets the payment method to `sepa`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BankAccount {
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 70))]
    pub account_holder: String,
    /// ISO 13616, a SEPA country's; spaces and lower case are accepted.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 64))]
    pub iban: String,
    /// ISO 9362, 8 or 11 characters, the IBAN's country.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 16))]
    pub bic: Option<String>,
    /// Must be `true`: the user accepted the mandate text.
    pub accept_mandate: bool,
    /// The language of the mandate text the user accepted (default `de`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<MandateLanguage>,
}

/// `PUT …/billing/payment-method`: only `invoice` (bank transfer; ends the mandate). SEPA is chosen by
/// saving bank details.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PaymentMethodChange {
    pub method: PaymentMethod,
}

/// `GET …/billing/mandate-text?lang=de|en`: the SEPA mandate text the user accepts, naming the vendor and
/// its creditor identifier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MandateText {
    pub language: MandateLanguage,
    pub creditor_name: String,
    pub creditor_id: String,
    /// Paragraphs of the text, in order.
    pub paragraphs: Vec<String>,
}

/// A field of the billing forms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum BillingField {
    Company,
    Addressee,
    Street,
    Street2,
    PostalCode,
    City,
    Country,
    VatId,
    InvoiceEmails,
    PoReference,
    LeitwegId,
    AccountHolder,
    Iban,
    Bic,
    AcceptMandate,
    Method,
    #[serde(other)]
    Other,
}

impl BillingField {
    pub fn as_str(self) -> &'static str {
        match self {
            BillingField::Company => "company",
            BillingField::Addressee => "addressee",
            BillingField::Street => "street",
            BillingField::Street2 => "street2",
            BillingField::PostalCode => "postal_code",
            BillingField::City => "city",
            BillingField::Country => "country",
            BillingField::VatId => "vat_id",
            BillingField::InvoiceEmails => "invoice_emails",
            BillingField::PoReference => "po_reference",
            BillingField::LeitwegId => "leitweg_id",
            BillingField::AccountHolder => "account_holder",
            BillingField::Iban => "iban",
            BillingField::Bic => "bic",
            BillingField::AcceptMandate => "accept_mandate",
            BillingField::Method => "method",
            BillingField::Other => "field",
        }
    }
}

/// What is wrong with a billing field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum BillingProblem {
    Required,
    TooLong,
    /// Control or invisible characters.
    Invalid,
    /// A character that is not an ASCII letter, digit or space (look-alikes, zero-width characters).
    IbanCharacters,
    /// Not an IBAN of a SEPA country.
    IbanCountry,
    /// Not the length of that country's IBANs.
    IbanLength,
    /// The check digits or the country's format do not match (a typo, or the letter O for zero).
    IbanChecksum,
    InvalidBic,
    /// The BIC's country is not the IBAN's.
    BicCountryMismatch,
    InvalidVatId,
    InvalidPostalCode,
    InvalidEmail,
    /// More than [`MAX_INVOICE_EMAILS`] addresses.
    TooManyEmails,
    UnknownCountry,
    InvalidLeitwegId,
    /// The mandate text was not accepted.
    MandateNotAccepted,
    /// `PUT …/payment-method` with `sepa`: bank details are saved instead.
    SepaNeedsBankAccount,
    #[serde(other)]
    Other,
}

impl BillingProblem {
    /// The error code an answer whose first problem is this one has.
    pub fn code(self) -> crate::ErrorCode {
        use crate::ErrorCode;
        match self {
            BillingProblem::IbanCharacters
            | BillingProblem::IbanCountry
            | BillingProblem::IbanLength
            | BillingProblem::IbanChecksum => ErrorCode::InvalidIban,
            BillingProblem::InvalidBic | BillingProblem::BicCountryMismatch => {
                ErrorCode::InvalidBic
            }
            BillingProblem::InvalidVatId => ErrorCode::InvalidVatId,
            BillingProblem::InvalidPostalCode => ErrorCode::InvalidPostalCode,
            _ => ErrorCode::Validation,
        }
    }

    pub fn english(self) -> &'static str {
        match self {
            BillingProblem::Required => "is required",
            BillingProblem::TooLong => "is too long",
            BillingProblem::Invalid => "contains characters that are not allowed",
            BillingProblem::IbanCharacters => {
                "contains characters other than letters, digits and spaces"
            }
            BillingProblem::IbanCountry => "is not an IBAN of a SEPA country",
            BillingProblem::IbanLength => "does not have the length of that country's IBANs",
            BillingProblem::IbanChecksum => "is not a valid IBAN (check digits)",
            BillingProblem::InvalidBic => "is not a valid BIC",
            BillingProblem::BicCountryMismatch => "is not a BIC of the IBAN's country",
            BillingProblem::InvalidVatId => "is not a valid VAT ID",
            BillingProblem::InvalidPostalCode => "is not a valid postal code for the country",
            BillingProblem::InvalidEmail => "is not a valid e-mail address",
            BillingProblem::TooManyEmails => "names more than 5 addresses",
            BillingProblem::UnknownCountry => "is not an ISO 3166 country code",
            BillingProblem::InvalidLeitwegId => "is not a valid Leitweg-ID",
            BillingProblem::MandateNotAccepted => "must be accepted",
            BillingProblem::SepaNeedsBankAccount => {
                "cannot be sepa here: save bank details to pay by direct debit"
            }
            BillingProblem::Other => "is not valid",
        }
    }
}

/// One located problem of a billing form; `index` is the position in a list field (`invoice_emails`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BillingFieldError {
    pub field: BillingField,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub index: Option<u32>,
    pub problem: BillingProblem,
}

impl BillingFieldError {
    pub fn new(field: BillingField, problem: BillingProblem) -> Self {
        Self {
            field,
            index: None,
            problem,
        }
    }
}

/// The `mandate_text` command's argument: which language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct MandateTextArgs {
    pub language: MandateLanguage,
}

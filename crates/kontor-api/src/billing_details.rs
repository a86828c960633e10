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
    /// Every field (but `Other`), in form order.
    pub const ALL: [BillingField; 16] = [
        BillingField::Company,
        BillingField::Addressee,
        BillingField::Street,
        BillingField::Street2,
        BillingField::PostalCode,
        BillingField::City,
        BillingField::Country,
        BillingField::VatId,
        BillingField::InvoiceEmails,
        BillingField::PoReference,
        BillingField::LeitwegId,
        BillingField::AccountHolder,
        BillingField::Iban,
        BillingField::Bic,
        BillingField::AcceptMandate,
        BillingField::Method,
    ];

    /// The field named `s` (snake_case); `Other` for a name this build does not know.
    pub fn parse(s: &str) -> Self {
        Self::ALL
            .into_iter()
            .find(|f| f.as_str() == s)
            .unwrap_or(BillingField::Other)
    }

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
    /// Every problem (but `Other`).
    pub const ALL: [BillingProblem; 17] = [
        BillingProblem::Required,
        BillingProblem::TooLong,
        BillingProblem::Invalid,
        BillingProblem::IbanCharacters,
        BillingProblem::IbanCountry,
        BillingProblem::IbanLength,
        BillingProblem::IbanChecksum,
        BillingProblem::InvalidBic,
        BillingProblem::BicCountryMismatch,
        BillingProblem::InvalidVatId,
        BillingProblem::InvalidPostalCode,
        BillingProblem::InvalidEmail,
        BillingProblem::TooManyEmails,
        BillingProblem::UnknownCountry,
        BillingProblem::InvalidLeitwegId,
        BillingProblem::MandateNotAccepted,
        BillingProblem::SepaNeedsBankAccount,
    ];

    /// The snake_case name (as serde writes it).
    pub fn as_str(self) -> &'static str {
        match self {
            BillingProblem::Required => "required",
            BillingProblem::TooLong => "too_long",
            BillingProblem::Invalid => "invalid",
            BillingProblem::IbanCharacters => "iban_characters",
            BillingProblem::IbanCountry => "iban_country",
            BillingProblem::IbanLength => "iban_length",
            BillingProblem::IbanChecksum => "iban_checksum",
            BillingProblem::InvalidBic => "invalid_bic",
            BillingProblem::BicCountryMismatch => "bic_country_mismatch",
            BillingProblem::InvalidVatId => "invalid_vat_id",
            BillingProblem::InvalidPostalCode => "invalid_postal_code",
            BillingProblem::InvalidEmail => "invalid_email",
            BillingProblem::TooManyEmails => "too_many_emails",
            BillingProblem::UnknownCountry => "unknown_country",
            BillingProblem::InvalidLeitwegId => "invalid_leitweg_id",
            BillingProblem::MandateNotAccepted => "mandate_not_accepted",
            BillingProblem::SepaNeedsBankAccount => "sepa_needs_bank_account",
            BillingProblem::Other => "other",
        }
    }

    /// The problem named `s`; `Other` for a name this build does not know.
    pub fn parse(s: &str) -> Self {
        Self::ALL
            .into_iter()
            .find(|p| p.as_str() == s)
            .unwrap_or(BillingProblem::Other)
    }

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
///
/// `field` and `problem` travel as their snake_case names and are read with [`Self::field`] and
/// [`Self::problem`] (an unknown name reads as `Other`): the app parses them only on the page that shows
/// them, which keeps the enums' decoders out of its first-screen wasm module.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BillingFieldError {
    #[serde(rename = "field")]
    #[cfg_attr(feature = "openapi", schema(value_type = BillingField))]
    field_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub index: Option<u32>,
    #[serde(rename = "problem")]
    #[cfg_attr(feature = "openapi", schema(value_type = BillingProblem))]
    problem_name: String,
}

impl BillingFieldError {
    pub fn new(field: BillingField, problem: BillingProblem) -> Self {
        Self::at(field, None, problem)
    }

    /// A problem of entry `index` of a list field.
    pub fn at(field: BillingField, index: Option<u32>, problem: BillingProblem) -> Self {
        Self {
            field_name: field.as_str().to_string(),
            index,
            problem_name: problem.as_str().to_string(),
        }
    }

    pub fn field(&self) -> BillingField {
        BillingField::parse(&self.field_name)
    }

    pub fn problem(&self) -> BillingProblem {
        BillingProblem::parse(&self.problem_name)
    }
}

/// The `mandate_text` command's argument: which language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct MandateTextArgs {
    pub language: MandateLanguage,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_serdes_and_read_back() {
        for f in BillingField::ALL {
            let json = serde_json::to_value(f).expect("json");
            assert_eq!(json, serde_json::json!(f.as_str()));
            assert_eq!(BillingField::parse(f.as_str()), f);
        }
        for p in BillingProblem::ALL {
            let json = serde_json::to_value(p).expect("json");
            assert_eq!(json, serde_json::json!(p.as_str()));
            assert_eq!(BillingProblem::parse(p.as_str()), p);
        }
        let e = BillingFieldError::at(
            BillingField::InvoiceEmails,
            Some(1),
            BillingProblem::InvalidEmail,
        );
        let json = serde_json::to_value(&e).expect("json");
        assert_eq!(
            json,
            serde_json::json!({"field": "invoice_emails", "index": 1, "problem": "invalid_email"})
        );
        let newer: BillingFieldError =
            serde_json::from_value(serde_json::json!({"field": "gln", "problem": "checksum"}))
                .expect("a newer portal's names");
        assert_eq!(
            (newer.field(), newer.problem()),
            (BillingField::Other, BillingProblem::Other)
        );
    }
}

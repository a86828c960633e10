//! The one error body of the portal API and of the desktop commands: `{code, message, detail?}`.
//!
//! `detail` carries the error's parameters as typed data ([`ErrorDetail`]: which e-mail, which product, how
//! many seats, which row), so the app can say it in the user's language; `message` stays the English text
//! for logs, scripts and clients that do not know the detail.

use serde::{Deserialize, Serialize};

/// A machine-readable error code. The UI translates it; `message` is the English detail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// A field failed validation; `message` names the field.
    Validation,
    /// E-mail and password (or license token) do not match. Unknown user answers the same.
    InvalidCredentials,
    /// No valid session: missing, expired or revoked token.
    Unauthorized,
    /// Signed in, but the role does not allow this.
    Forbidden,
    /// Not there, or not this account's (the portal never tells the difference).
    NotFound,
    /// The request conflicts with the current state (e.g. the e-mail exists).
    Conflict,
    /// Too many attempts; try again later.
    RateLimited,
    /// The portal could not be reached (app side only).
    Network,
    /// The portal answered with something the app cannot read (app side only).
    BadResponse,
    /// The OS keyring failed (app side only).
    Keyring,
    /// No portal address is configured yet (app side only).
    NotConfigured,
    /// A local file could not be read or written (app side only).
    Io,
    /// A downloaded file does not match its published SHA-256 (app side only); it was removed.
    Checksum,
    /// An update's signature is not valid for the vendor's key (app side only); nothing was installed.
    Signature,
    /// Anything else; the server logs the detail.
    Internal,
    /// The portal is busy (e.g. too many sign-ins at once); try again after `Retry-After` seconds.
    Unavailable,
    /// The route exists, but not with this HTTP method.
    MethodNotAllowed,
    // sepa8 (issue 8): billing field errors whose first problem is one of these carry its code.
    /// Not a valid IBAN (ISO 13616, a SEPA country's).
    InvalidIban,
    /// Not a valid BIC (ISO 9362) or not the IBAN's country.
    InvalidBic,
    /// Not a valid EU VAT ID.
    InvalidVatId,
    /// Not a valid postal code for the country.
    InvalidPostalCode,
    // harden10 (issue 10)
    /// The request body is larger than the endpoint's limit (HTTP 413).
    PayloadTooLarge,
    /// A code this build does not know (a newer portal): the app shows the portal's `message`.
    #[serde(other)]
    Unknown,
}

impl ErrorCode {
    /// The HTTP status the portal answers with for this code.
    pub fn http_status(self) -> u16 {
        match self {
            ErrorCode::Validation => 422,
            ErrorCode::InvalidCredentials | ErrorCode::Unauthorized => 401,
            ErrorCode::Forbidden => 403,
            ErrorCode::NotFound => 404,
            ErrorCode::Conflict => 409,
            ErrorCode::RateLimited => 429,
            ErrorCode::Network
            | ErrorCode::BadResponse
            | ErrorCode::Checksum
            | ErrorCode::Signature => 502,
            ErrorCode::Keyring
            | ErrorCode::NotConfigured
            | ErrorCode::Io
            | ErrorCode::Internal
            | ErrorCode::Unknown => 500,
            ErrorCode::Unavailable => 503,
            ErrorCode::MethodNotAllowed => 405,
            ErrorCode::InvalidIban
            | ErrorCode::InvalidBic
            | ErrorCode::InvalidVatId
            | ErrorCode::InvalidPostalCode => 422,
            ErrorCode::PayloadTooLarge => 413, // harden10
        }
    }
}

/// The body of every error answer: `{"code": "...", "message": "...", "detail": {"kind": "...", …}}`.
/// `detail` is optional on the wire: older portals send none, older apps ignore it, and a detail this build
/// cannot read is dropped (the error still has its code and message).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    pub code: ErrorCode,
    pub message: String,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient_detail"
    )]
    pub detail: Option<ErrorDetail>,
}

impl ErrorBody {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            detail: None,
        }
    }

    /// An error with typed parameters: the code and the English message follow from `detail`.
    pub fn detailed(detail: ErrorDetail) -> Self {
        Self {
            code: detail.code(),
            message: detail.english(),
            detail: Some(detail),
        }
    }

    /// The same error with `detail` attached.
    pub fn with_detail(mut self, detail: Option<ErrorDetail>) -> Self {
        self.detail = detail;
        self
    }
}

/// A detail this build cannot read (a newer portal's kind with other fields) becomes `None`.
fn lenient_detail<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<ErrorDetail>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Lenient {
        Known(ErrorDetail),
        Unreadable(serde::de::IgnoredAny),
    }
    Ok(match Option::<Lenient>::deserialize(d)? {
        Some(Lenient::Known(detail)) => Some(detail),
        _ => None,
    })
}

/// What a request or the portal's data is about when something is not found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Resource {
    User,
    /// A deleted user that can still be restored.
    DeletedUser,
    Account,
    Subscription,
    /// The subscription names no products.
    Products,
    License,
    Installer,
    ReleaseFile,
    /// An invoice or credit note (inv8).
    Invoice,
    /// An API route that does not exist.
    Endpoint,
    /// A location of the account.
    Location,
    /// support9b: an attachment of a support ticket.
    Attachment,
    /// A kind this build does not know.
    #[serde(other)]
    Other,
}

impl Resource {
    fn english(self) -> &'static str {
        match self {
            Resource::User => "user",
            Resource::DeletedUser => "deleted user",
            Resource::Account => "account",
            Resource::Subscription => "subscription",
            Resource::Products => "product",
            Resource::License => "license",
            Resource::Installer => "installer",
            Resource::ReleaseFile => "release file",
            Resource::Invoice => "invoice",
            Resource::Endpoint => "endpoint",
            Resource::Location => "location",
            Resource::Attachment => "attachment", // support9b
            Resource::Other => "item",
        }
    }
}

/// The typed parameters of an error, serialised as `{"kind": "snake_case", …fields}`. Each kind belongs
/// to one [`ErrorCode`] ([`ErrorDetail::code`]). `row` is the 0-based position in a list request (`users[row]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ErrorDetail {
    /// `field` (the request's field name: `email`, `display_name`, `location_id`, …) broke a rule.
    Field {
        field: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        row: Option<u32>,
        problem: crate::FieldProblem,
    },
    /// A list in the request names fewer than `min` or more than `max` entries.
    Count { field: String, min: u32, max: u32 },
    /// A license change that neither assigns nor revokes a product.
    NothingToChange,
    /// An import or create request would make another Owner.
    OwnerNotCreatable {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        row: Option<u32>,
    },
    /// A product code the account's subscription does not have.
    UnknownProduct {
        product: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        row: Option<u32>,
    },
    /// A location id the account does not have.
    UnknownLocation {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        row: Option<u32>,
    },
    /// An uploaded activation request cannot be read.
    InvalidActivationRequest,
    /// The e-mail address belongs to another user (`None`: found only by a concurrent request).
    EmailInUse {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        email: Option<String>,
    },
    /// The same e-mail address twice in one request.
    EmailRepeated { email: String },
    /// `product` (its name) lacks `missing` free seats for the change.
    NotEnoughSeats { product: String, missing: u32 },
    /// The signed-in user tried to delete themselves.
    CannotDeleteSelf,
    /// The Owner tried to give up the Owner role (they make someone else Owner instead).
    OwnerKeepsRole,
    /// All machine activations of the subscription are used.
    ActivationLimit { used: u32, max: u32 },
    /// The subscription's license term ended on `date` (ISO).
    LicenseTermEnded { date: String },
    /// A location still has `users` live users: deleting it must name where they move (`move_to`).
    LocationHasUsers { users: u32 },
    /// Another location of the account has this name (names are compared regardless of case).
    LocationNameTaken { name: String },
    /// Not there, or not this account's.
    NotFound { what: Resource },
    /// The signed-in user's role does not allow this.
    RoleNotAllowed,
    /// Only the Owner may change the Owner (`make`: make someone Owner; `reset`: reset their password;
    /// `delete`: the Owner cannot be deleted at all).
    OwnerOnly { action: OwnerAction },
    /// The user must change the temporary password first.
    PasswordChangeRequired,
    /// Resetting one's own password through the users API: the own password change is the way.
    UseOwnPasswordChange,
    /// An Admin tried to change their own role.
    OwnRoleFixed,
    /// An import file cannot be read at all (the desktop shell's check, before any row).
    ImportFile {
        file_name: String,
        problem: ImportFileProblem,
    },
    /// Too many attempts, or the portal is busy: try again in `seconds` (also the `Retry-After` header).
    Wait { seconds: u64 },
    /// Billing forms (sepa8): every problem at once, each at its field, in form order; the code is the
    /// first problem's (`invalid_iban`, `invalid_postal_code`, … or `validation`).
    BillingFields {
        errors: Vec<crate::billing_details::BillingFieldError>,
    },
    // Package change (issue 8, subscription).
    /// A package change would leave more licenses assigned than the new package allows, per product.
    SeatsOverLimit {
        products: Vec<crate::subscription::OverLimit>,
    },
    // support9: a support ticket's attachments.
    /// The attachments of a support ticket are refused (`file_name`: the one at fault, if one is).
    Attachments {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        file_name: Option<String>,
        problem: crate::support::AttachmentProblem,
    },
    // harden10 (issue 10): one address, users in several accounts.
    /// The password matched the address's user in more than one account (409 `conflict`, no session yet):
    /// choose one of `accounts` and send `choice_token` with it to `POST /auth/login/choose` before
    /// `expires_at` (Unix seconds). The token is single use.
    ChooseAccount {
        choice_token: String,
        expires_at: i64,
        accounts: Vec<crate::sign_in::AccountChoice>,
    },
    /// A kind this build does not know (a newer portal); the app shows `message`.
    #[serde(other)]
    Other,
}

/// Why an import file cannot be read at all, serialised as `{"code": "snake_case", …}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum ImportFileProblem {
    Empty,
    TooLarge {
        max_bytes: u64,
    },
    /// Binary data, not CSV or .xlsx.
    NotText,
    /// An Excel 97–2003 workbook (.xls).
    LegacyXls,
    InvalidEncoding {
        encoding: String,
    },
    HeadersOnly,
    NoKnownHeaders {
        found: Vec<String>,
    },
    MissingColumn {
        column: String,
    },
    DuplicateColumn {
        column: String,
    },
    LineTooLong {
        row: u64,
    },
    FieldTooLong {
        row: u64,
        column: String,
    },
    UnterminatedQuote {
        row: u64,
    },
    TooManyRows {
        max: u64,
    },
    /// The workbook or CSV is damaged (the English message has the parser's words).
    Damaged,
    /// A problem this build does not know.
    #[serde(other)]
    Other,
}

/// What only the Owner may do (or nobody, for `Delete`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum OwnerAction {
    /// Change the Owner's name, role or location.
    Change,
    /// Make someone Owner.
    Make,
    /// Reset the Owner's password.
    Reset,
    /// Delete the Owner (nobody can).
    Delete,
    /// Edit, reset, delete or restore an Admin, or change an Admin's licenses.
    ManageAdmins,
    /// Create an Admin or make someone Admin.
    MakeAdmin,
}

impl ErrorDetail {
    /// The code an error with this detail has.
    pub fn code(&self) -> ErrorCode {
        match self {
            ErrorDetail::Field { .. }
            | ErrorDetail::Count { .. }
            | ErrorDetail::NothingToChange
            | ErrorDetail::OwnerNotCreatable { .. }
            | ErrorDetail::UnknownProduct { .. }
            | ErrorDetail::UnknownLocation { .. }
            | ErrorDetail::InvalidActivationRequest
            | ErrorDetail::ImportFile { .. } => ErrorCode::Validation,
            ErrorDetail::EmailInUse { .. }
            | ErrorDetail::EmailRepeated { .. }
            | ErrorDetail::NotEnoughSeats { .. }
            | ErrorDetail::CannotDeleteSelf
            | ErrorDetail::OwnerKeepsRole
            | ErrorDetail::ActivationLimit { .. }
            | ErrorDetail::LicenseTermEnded { .. }
            | ErrorDetail::LocationHasUsers { .. }
            | ErrorDetail::LocationNameTaken { .. }
            | ErrorDetail::SeatsOverLimit { .. }
            | ErrorDetail::ChooseAccount { .. } => ErrorCode::Conflict,
            ErrorDetail::NotFound { .. } => ErrorCode::NotFound,
            ErrorDetail::RoleNotAllowed
            | ErrorDetail::OwnerOnly { .. }
            | ErrorDetail::PasswordChangeRequired
            | ErrorDetail::UseOwnPasswordChange
            | ErrorDetail::OwnRoleFixed => ErrorCode::Forbidden,
            ErrorDetail::Wait { .. } => ErrorCode::RateLimited,
            ErrorDetail::BillingFields { errors } => errors
                .first()
                .map_or(ErrorCode::Validation, |e| e.problem().code()),
            // support9
            ErrorDetail::Attachments { .. } => ErrorCode::Validation,
            ErrorDetail::Other => ErrorCode::Unknown,
        }
    }

    /// The English message (what `ErrorBody::message` says when nothing more precise is given).
    pub fn english(&self) -> String {
        let at = |row: &Option<u32>| row.map(|r| format!("users[{r}].")).unwrap_or_default();
        match self {
            ErrorDetail::Field {
                field,
                row,
                problem,
            } => format!("{}{field} {}", at(row), problem.english()),
            ErrorDetail::Count { field, min, max } => {
                format!("{field} must name between {min} and {max} entries")
            }
            ErrorDetail::NothingToChange => "assign or revoke must name a product".to_string(),
            ErrorDetail::OwnerNotCreatable { row } => {
                format!("{}role cannot be owner: an account has one owner", at(row))
            }
            ErrorDetail::UnknownProduct { product, row } => format!(
                "{}licenses: {product:?} is not a product of this account's subscription",
                at(row)
            ),
            ErrorDetail::UnknownLocation { row } => {
                format!("{}location_id is not a known location", at(row))
            }
            ErrorDetail::InvalidActivationRequest => "not a valid activation request".to_string(),
            ErrorDetail::EmailInUse { email: Some(e) } => {
                format!("the e-mail address {e} is already in use")
            }
            ErrorDetail::EmailInUse { email: None } => {
                "an e-mail address is already in use".to_string()
            }
            ErrorDetail::EmailRepeated { email } => {
                format!("the e-mail address {email} is given more than once")
            }
            ErrorDetail::NotEnoughSeats { product, missing } => {
                format!("not enough seats for {product}: {missing} missing")
            }
            ErrorDetail::CannotDeleteSelf => "you cannot delete yourself".to_string(),
            ErrorDetail::OwnerKeepsRole => {
                "the owner cannot give up the owner role; make another user owner instead"
                    .to_string()
            }
            ErrorDetail::ActivationLimit { used, max } => {
                format!("activation limit reached ({used} of {max} machines); revoke one first")
            }
            ErrorDetail::LicenseTermEnded { date } => format!("the license term ended on {date}"),
            ErrorDetail::LocationHasUsers { users } => format!(
                "the location still has {users} user(s): name the location they move to (move_to)"
            ),
            ErrorDetail::LocationNameTaken { name } => {
                format!("a location named {name} already exists (names ignore case)")
            }
            ErrorDetail::NotFound {
                what: Resource::Products,
            } => "the subscription has no products".to_string(),
            ErrorDetail::NotFound {
                what: Resource::Endpoint,
            } => "no such endpoint".to_string(),
            ErrorDetail::NotFound { what } => format!("{} not found", what.english()),
            ErrorDetail::RoleNotAllowed => "your role does not allow this".to_string(),
            ErrorDetail::OwnerOnly { action } => match action {
                OwnerAction::Change => "only the owner can change the owner",
                OwnerAction::Make => "only the owner can make someone owner",
                OwnerAction::Reset => "only the owner can reset the owner's password",
                OwnerAction::Delete => "the owner cannot be deleted",
                OwnerAction::ManageAdmins => "only the owner can manage admins",
                OwnerAction::MakeAdmin => "only the owner can make someone admin",
            }
            .to_string(),
            ErrorDetail::PasswordChangeRequired => "password change required".to_string(),
            ErrorDetail::UseOwnPasswordChange => "use your own password change instead".to_string(),
            ErrorDetail::OwnRoleFixed => "you cannot change your own role".to_string(),
            ErrorDetail::ImportFile { file_name, .. } => {
                format!("{file_name}: the file cannot be imported")
            }
            ErrorDetail::Wait { seconds } => format!("try again in {seconds} seconds"),
            ErrorDetail::ChooseAccount { accounts, .. } => format!(
                "this address has a user in {} accounts: choose one",
                accounts.len()
            ),
            ErrorDetail::BillingFields { errors } => errors
                .iter()
                .map(|e| match e.index {
                    Some(i) => format!("{}[{i}] {}", e.field().as_str(), e.problem().english()),
                    None => format!("{} {}", e.field().as_str(), e.problem().english()),
                })
                .collect::<Vec<_>>()
                .join("; "),
            ErrorDetail::SeatsOverLimit { products } => {
                let list: Vec<String> = products
                    .iter()
                    .map(|p| {
                        format!(
                            "{}: {} assigned, {} allowed",
                            p.product_name, p.assigned, p.allowed
                        )
                    })
                    .collect();
                format!(
                    "more licenses are assigned than the new package allows ({}); revoke licenses first",
                    list.join("; ")
                )
            }
            // support9
            ErrorDetail::Attachments { file_name, problem } => {
                let what = match problem {
                    crate::support::AttachmentProblem::TooLarge { max_bytes } => {
                        format!("attachments are over {max_bytes} bytes together")
                    }
                    crate::support::AttachmentProblem::TooMany { max } => {
                        format!("at most {max} attachments")
                    }
                    crate::support::AttachmentProblem::NotAllowed => {
                        "not a file name or file type a ticket may carry".to_string()
                    }
                    crate::support::AttachmentProblem::Unreadable => {
                        "empty or not readable".to_string()
                    }
                    crate::support::AttachmentProblem::Other => "not accepted".to_string(),
                };
                match file_name {
                    Some(f) => format!("attachments: {f}: {what}"),
                    None => format!("attachments: {what}"),
                }
            }
            ErrorDetail::Other => "error".to_string(),
        }
    }
}

impl std::fmt::Display for ErrorBody {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}: {}", self.code, self.message)
    }
}

impl std::error::Error for ErrorBody {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_body_serialises_to_code_and_message() {
        let body = ErrorBody::new(ErrorCode::InvalidCredentials, "wrong");
        let json = serde_json::to_value(&body).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"code": "invalid_credentials", "message": "wrong"})
        );
        let back: ErrorBody = serde_json::from_value(json).unwrap();
        assert_eq!(back, body);
    }

    #[test]
    fn details_are_tagged_and_optional() {
        let body = ErrorBody::detailed(ErrorDetail::NotEnoughSeats {
            product: "Analytics Add-on".into(),
            missing: 2,
        });
        assert_eq!(body.code, ErrorCode::Conflict);
        let json = serde_json::to_value(&body).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "code": "conflict",
                "message": "not enough seats for Analytics Add-on: 2 missing",
                "detail": {"kind": "not_enough_seats", "product": "Analytics Add-on", "missing": 2}
            })
        );
        assert_eq!(serde_json::from_value::<ErrorBody>(json).unwrap(), body);
        // An old portal's body (no detail) still reads.
        let old: ErrorBody = serde_json::from_str(r#"{"code":"conflict","message":"x"}"#).unwrap();
        assert_eq!(old.detail, None);
    }

    #[test]
    fn unknown_codes_and_details_from_a_newer_portal_still_read() {
        let b: ErrorBody = serde_json::from_str(
            r#"{"code":"quota_exceeded","message":"quota","detail":{"kind":"quota","limit":3}}"#,
        )
        .unwrap();
        assert_eq!(b.code, ErrorCode::Unknown);
        assert_eq!(b.detail, Some(ErrorDetail::Other));
        // A known kind with fields this build cannot read is dropped, not an error.
        let b: ErrorBody = serde_json::from_str(
            r#"{"code":"conflict","message":"m","detail":{"kind":"not_enough_seats","product":1}}"#,
        )
        .unwrap();
        assert_eq!((b.code, b.detail), (ErrorCode::Conflict, None));
    }
}

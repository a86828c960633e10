//! The one error body of the portal API and of the desktop commands: `{code, message}`.

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
            ErrorCode::Keyring | ErrorCode::NotConfigured | ErrorCode::Io | ErrorCode::Internal => {
                500
            }
            ErrorCode::Unavailable => 503,
            ErrorCode::MethodNotAllowed => 405,
        }
    }
}

/// The body of every error answer: `{"code": "...", "message": "..."}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    pub code: ErrorCode,
    pub message: String,
}

impl ErrorBody {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
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
}

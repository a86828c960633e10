//! Command errors in the user's words: `describe` for any error, `describe_refusal` for a change the portal
//! refused, and `Shown`, an error already described, for `<ErrorBoundary>`.

use kontor_api::{ErrorBody, ErrorCode};

use crate::i18n::Texts;

/// A user-facing text for a command error: the translation of its code, plus the detail for validation.
pub fn describe(t: &Texts, e: &ErrorBody) -> String {
    match e.code {
        // Validation names the field; internal and unreadable answers carry the detail support needs.
        ErrorCode::Validation | ErrorCode::Internal | ErrorCode::BadResponse => {
            format!("{} ({})", t.error(e.code), e.message)
        }
        code => t.error(code).to_string(),
    }
}

/// Like [`describe`], for the answer to a change the user asked for: a conflict or a refusal also says the
/// portal's reason (which e-mail exists, how many seats are missing).
pub fn describe_refusal(t: &Texts, e: &ErrorBody) -> String {
    match e.code {
        ErrorCode::Conflict | ErrorCode::Forbidden => format!("{} {}", t.error(e.code), e.message),
        _ => describe(t, e),
    }
}

/// An error already put into the user's words, for `<ErrorBoundary>`.
#[derive(Debug, Clone)]
pub struct Shown(pub String);

impl Shown {
    /// The error described in the language of `t`.
    pub fn new(t: &Texts, e: &ErrorBody) -> Self {
        Shown(describe(t, e))
    }
}

impl std::fmt::Display for Shown {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Shown {}

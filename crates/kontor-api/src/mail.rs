//! Passwords by mail: the forgotten-password request and its code, and mailing a user their temporary
//! password.

use serde::{Deserialize, Serialize};

/// Ask for a forgotten-password code. The answer is the same whether or not the address exists.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PasswordResetRequest {
    /// An e-mail address, at most 254 bytes.
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 3,
            max_length = 254,
            pattern = r"^\s*[^@\s\x00-\x1f\x7f-\x9f]+@[^@\s\x00-\x1f\x7f-\x9f.]+(\.[^@\s\x00-\x1f\x7f-\x9f.]+)+\s*$"
        )
    )]
    pub email: String,
}

/// Set a new password with the mailed code.
#[derive(Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PasswordResetConfirm {
    /// The address the code was sent to, at most 254 bytes.
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 3,
            max_length = 254,
            pattern = r"^\s*[^@\s\x00-\x1f\x7f-\x9f]+@[^@\s\x00-\x1f\x7f-\x9f.]+(\.[^@\s\x00-\x1f\x7f-\x9f.]+)+\s*$"
        )
    )]
    pub email: String,
    /// The code from the mail: 10 letters and digits, `XXXXX-XXXXX` (case, spaces and dashes do not
    /// matter).
    #[cfg_attr(feature = "openapi", schema(min_length = 10, max_length = 64))]
    pub code: String,
    /// 12 characters to 1024 bytes.
    #[cfg_attr(feature = "openapi", schema(min_length = 12, max_length = 1024))]
    pub new_password: String,
}

impl std::fmt::Debug for PasswordResetConfirm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PasswordResetConfirm")
            .field("email", &self.email)
            .finish_non_exhaustive()
    }
}

/// Mail a user their temporary password: the caller shows it (it must be the user's current one).
#[derive(Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TemporaryPasswordMail {
    /// 1 to 1024 bytes.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 1024))]
    pub temporary_password: String,
}

impl std::fmt::Debug for TemporaryPasswordMail {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TemporaryPasswordMail")
            .finish_non_exhaustive()
    }
}

/// IPC (`reset_password_with_code`): set a new password with the mailed code, then sign in with it.
#[derive(Clone, Serialize, Deserialize)]
pub struct ResetWithCode {
    pub email: String,
    pub code: String,
    pub new_password: String,
    #[serde(default)]
    pub remember: bool,
}

impl std::fmt::Debug for ResetWithCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ResetWithCode")
            .field("email", &self.email)
            .finish_non_exhaustive()
    }
}

/// IPC (`mail_temporary_password`): mail this user the temporary password the app shows.
#[derive(Clone, Serialize, Deserialize)]
pub struct MailTemporaryPasswordArgs {
    pub user_id: String,
    pub temporary_password: String,
}

impl std::fmt::Debug for MailTemporaryPasswordArgs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MailTemporaryPasswordArgs")
            .field("user_id", &self.user_id)
            .finish_non_exhaustive()
    }
}

//! Which dialog is open over the users page.

use kontor_api::{CreatedUser, UserSummary};

/// The dialog open over the users page.
#[derive(Debug, Clone, PartialEq)]
pub enum Dialog {
    None,
    Create,
    Licenses,
    ConfirmDelete,
    /// "Reset the password of …?" before the reset.
    ConfirmReset(UserSummary),
    Created(Vec<CreatedUser>),
    /// The new temporary password after a reset.
    PasswordReset(CreatedUser),
    Notice(String),
    Import {
        resume: bool,
    },
    Edit(UserSummary),
}

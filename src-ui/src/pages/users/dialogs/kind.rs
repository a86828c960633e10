//! Which dialog is open over the users page.

use kontor_api::{CreatedUser, UserSummary};

/// The dialog open over the users page.
#[derive(Debug, Clone, PartialEq)]
pub enum Dialog {
    None,
    Create,
    Licenses,
    ConfirmDelete,
    Created(Vec<CreatedUser>),
    Notice(String),
    Import { resume: bool },
    Edit(UserSummary),
}

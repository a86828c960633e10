//! The users page's dialogs: which one is open (`Dialog`), and each of them — create, edit, bulk
//! licenses, the confirmation with temporary passwords (after creating users or a password reset), confirm
//! delete, and the import.

mod confirm;
mod create;
mod created;
mod edit;
mod import;
mod kind;
mod licenses;

pub use confirm::{ConfirmDelete, DeletePlan};
pub use create::CreateDialog;
pub use created::CreatedDialog;
pub use edit::EditDialog;
pub use import::ImportDialog;
pub use kind::Dialog;
pub use licenses::LicenseDialog;

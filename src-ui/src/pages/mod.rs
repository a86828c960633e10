//! The app's pages.

pub mod dashboard;
pub mod login;
pub mod setup;
pub mod shell;

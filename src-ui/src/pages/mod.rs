//! The app's pages.

pub mod dashboard;
pub mod downloads;
pub mod license;
pub mod login;
pub mod password;
pub mod setup;
pub mod shell;
pub mod subscription;
pub mod update;
pub mod users;

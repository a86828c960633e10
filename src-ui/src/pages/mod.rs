//! The app's pages.

pub mod audit;
pub mod billing_details; // sepa8
pub mod choose_account; // harden10
pub mod dashboard;
pub mod downloads;
pub mod forgot;
pub mod help; // support9
pub mod invoices;
pub mod license;
pub mod locations;
pub mod login;
pub mod password;
pub mod profile;
pub mod setup;
pub mod shell;
pub mod subscription;
pub mod update;
pub mod users;

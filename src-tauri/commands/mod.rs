//! The Tauri commands: the only API the UI has. Each takes one argument `req` and returns
//! `Result<_, CommandError>`; names are shared with the UI through `kontor_api::ipc::cmd`.

pub mod audit;
pub mod auth;
pub mod billing_details; // sepa8
pub mod config;
pub mod dashboard;
pub mod downloads;
pub mod error;
pub mod files;
pub mod import;
pub mod invoices;
pub mod license;
pub mod locations;
pub mod mail;
pub mod profile;
pub mod startup;
pub mod subscription;
pub mod support; // support9
pub mod update;
pub mod users;

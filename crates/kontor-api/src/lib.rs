//! Kontor's wire types: what the portal server, the API client, the desktop shell and the UI say to each other.
//!
//! Architecture invariant: this crate is a leaf. It depends on serde and url only (utoipa behind the
//! `openapi` feature, for the server) and builds for `wasm32-unknown-unknown`, so the UI can share it.
//! Times are Unix seconds (`i64`), calendar dates are ISO `YYYY-MM-DD` strings, money is integer cents.

pub mod account;
pub mod audit;
pub mod auth;
pub mod billing_details; // sepa8
pub mod billing_rules; // sepa8
pub mod countries; // sepa8
pub mod downloads;
pub mod email_change;
pub mod error;
pub mod http_range; // ci10: the pure Range rule (server downloads, fuzzed)
pub mod invoices;
pub mod ipc;
pub mod license;
pub mod locations;
pub mod mail;
pub mod profile;
pub mod subscription;
pub mod support; // support9
pub mod users;
pub mod validate; // acct9

pub use ipc::{ImportField, ImportReason};
pub use validate::{FieldError, FieldProblem};

pub use account::*;
pub use audit::*;
pub use auth::*;
pub use billing_details::*; // sepa8
pub use downloads::*;
pub use email_change::*;
pub use error::*;
pub use invoices::*;
pub use license::*;
pub use locations::*;
pub use mail::*;
pub use profile::*;
pub use subscription::*;
pub use support::*; // support9
pub use users::*;
pub mod sign_in; // harden10
pub use sign_in::*; // harden10

/// The version prefix of every portal endpoint.
pub const API_PREFIX: &str = "/api/v1";

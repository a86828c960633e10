//! The business rules, called by the HTTP handlers and by the CLI alike: they take plain values and an
//! [`Actor`](crate::domain::Actor), and answer an [`Outcome`](crate::domain::Outcome) (a storage error, or a
//! [`Refusal`] the caller maps to its own answer). No HTTP here.
//!
//! `users`: creating users, committing import batches, who may edit, reset or delete whom (the owner rules).
//! `sessions`: signing in (password or license token, throttled), refresh rotation with reuse detection,
//! signing out.
//! `dashboard`: which roles see amounts in the dashboard summary.
//! `locations`: checking a location's name and address before storage creates, edits or deletes it.
//! `password_mail`: forgotten-password codes by mail, and mailing a user their temporary password.
//! `catalog`: the vendor's package catalog file; `subscription`: the subscription and package views, the
//! package change (preview, booking once per idempotency key) and applying due downgrades.
//! `invoicing`: issuing invoices and credit notes, the recurring lines of a subscription, the period run.
//! `accounts` (acct9): customer accounts the vendor creates, lists and rotates license tokens of (CLI).
//! `email_change` (acct9): the own e-mail address changed by a code mailed to the new address.
//! Offline licenses, installers and releases keep their rules in `licensing`, `installers` and `releases`.

use kontor_api::{ErrorDetail, FieldProblem};

use crate::domain::Refusal;

pub mod accounts; // acct9
pub mod billing_details; // sepa8
pub mod catalog;
pub mod dashboard;
pub mod email_change; // acct9
pub mod invoicing;
pub mod locations;
pub mod password_mail;
pub mod sessions;
pub mod subscription;
pub mod support; // support9
pub mod users;

/// An id or code from a request (product code, location id, user id): present, at most 64 characters, no
/// control characters; else `Invalid` naming `field`.
pub fn id_field(field: &str, raw: &str) -> Result<String, Refusal> {
    id_field_at(field, None, raw)
}

/// Like [`id_field`] for the field of entry `row` of a list request: the message names `users[row].field`
/// (`field` may carry its own index, `licenses[2]`), the detail names the field and the row.
pub fn id_field_at(field: &str, row: Option<usize>, raw: &str) -> Result<String, Refusal> {
    let t = raw.trim();
    if t.is_empty() || t.len() > 64 || t.chars().any(char::is_control) {
        let name = field.split('[').next().unwrap_or(field).to_string();
        let detail = ErrorDetail::Field {
            field: name,
            row: row.map(row_u32),
            problem: FieldProblem::InvalidId,
        };
        let prefix = row.map(|r| format!("users[{r}].")).unwrap_or_default();
        return Err(Refusal::Detailed(
            detail,
            format!("{prefix}{field} is not a valid id"),
        ));
    }
    Ok(t.to_string())
}

pub use crate::domain::row_u32;

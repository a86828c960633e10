//! Types shared by services, storage, handlers and the CLI: who acts ([`Actor`]), why a change was refused
//! ([`Refusal`]) and the result of a change that may be refused ([`Outcome`]).

use crate::error::DbResult;

/// Why a change was refused; the HTTP layer maps it to 404/422/409/403, the CLI to an error line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    NotFound(String),
    Invalid(String),
    Conflict(String),
    Forbidden(String),
}

impl Refusal {
    /// The reason, for a person.
    pub fn message(&self) -> &str {
        match self {
            Refusal::NotFound(m)
            | Refusal::Invalid(m)
            | Refusal::Conflict(m)
            | Refusal::Forbidden(m) => m,
        }
    }
}

/// A storage result whose inner `Err` is a business refusal (nothing was changed).
pub type Outcome<T> = DbResult<Result<T, Refusal>>;

/// Who changes something, from where, when: written into the audit events of the change.
#[derive(Debug, Clone)]
pub struct Actor {
    pub account_id: String,
    /// The acting user; ignored when `system` is set.
    pub user_id: String,
    /// A non-user actor (e.g. `cli` for `kontor-server users import`): its events have no actor user and
    /// carry this name as the actor.
    pub system: Option<String>,
    pub ip: Option<String>,
    pub at: i64,
}

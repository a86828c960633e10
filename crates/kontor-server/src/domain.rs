//! Types shared by services, storage, handlers and the CLI: who acts ([`Actor`]), why a change was refused
//! ([`Refusal`]) and the result of a change that may be refused ([`Outcome`]). `proration`: the pure rule
//! for the charge or credit of a package change. `ids`: time-ordered ids (UUIDv7) for rows created in bulk.

use kontor_api::{ErrorCode, ErrorDetail, Resource};

use crate::error::DbResult;

pub mod ids;
pub mod proration;

/// Why a change was refused; the HTTP layer maps it to 404/422/409/403, the CLI to an error line.
///
/// A refusal the app must put into words is [`Refusal::Detailed`]: its typed [`ErrorDetail`] (which e-mail,
/// which product, how many seats, which row) goes onto the wire, and the detail names the code. The plain
/// variants are for refusals only the CLI sees.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    NotFound(String),
    Invalid(String),
    Conflict(String),
    Forbidden(String),
    /// The typed reason and the English message.
    Detailed(ErrorDetail, String),
}

impl Refusal {
    /// A refusal with typed parameters and the detail's own English message.
    pub fn because(detail: ErrorDetail) -> Self {
        let message = detail.english();
        Refusal::Detailed(detail, message)
    }

    /// Not there (or not this account's).
    pub fn not_found(what: Resource) -> Self {
        Self::because(ErrorDetail::NotFound { what })
    }

    /// The reason, for a person.
    pub fn message(&self) -> &str {
        match self {
            Refusal::NotFound(m)
            | Refusal::Invalid(m)
            | Refusal::Conflict(m)
            | Refusal::Forbidden(m)
            | Refusal::Detailed(_, m) => m,
        }
    }

    /// The error code the refusal answers with.
    pub fn code(&self) -> ErrorCode {
        match self {
            Refusal::NotFound(_) => ErrorCode::NotFound,
            Refusal::Invalid(_) => ErrorCode::Validation,
            Refusal::Conflict(_) => ErrorCode::Conflict,
            Refusal::Forbidden(_) => ErrorCode::Forbidden,
            Refusal::Detailed(d, _) => d.code(),
        }
    }

    /// The typed detail, if the refusal has one.
    pub fn detail(&self) -> Option<&ErrorDetail> {
        match self {
            Refusal::Detailed(d, _) => Some(d),
            _ => None,
        }
    }
}

/// A list position or count for an [`ErrorDetail`] (lists are far shorter than `u32::MAX`).
pub fn row_u32(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(u32::MAX)
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

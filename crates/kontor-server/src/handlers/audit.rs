//! `GET …/accounts/{account_id}/audit`: the account's audit log, newest first, paged by event id, filtered
//! by actor, area or event code and a time range.

use axum::extract::{Path, State};
use axum::Json;
use kontor_api::{AuditPage, ErrorBody, FieldProblem};
use serde::Deserialize;

use crate::auth::{AuthUser, Permission};
use crate::db::users::AuditFilter;
use crate::handlers::accounts::own_account;
use crate::http_error::{ApiError, ApiQuery};
use crate::state::AppState;

/// Paging and filters of the audit log.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Only events with a smaller id (the previous page's `next_before`).
    pub before: Option<i64>,
    /// Page size, 1..=200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
    /// Only events of this actor: their e-mail address (any case) or a system actor's name (`cli`).
    #[param(max_length = 254)]
    pub actor: Option<String>,
    /// Only events of this area (the code's part before the dot, e.g. `user`).
    #[param(max_length = 64, pattern = "^[a-z_]+$")]
    pub area: Option<String>,
    /// Only events with this code (e.g. `user.created`).
    #[param(max_length = 64, pattern = "^[a-z_]+\\.[a-z_]+$")]
    pub event: Option<String>,
    /// Only events at or after this time (Unix seconds).
    #[param(minimum = 0)]
    pub from: Option<i64>,
    /// Only events before this time (Unix seconds).
    #[param(minimum = 0)]
    pub to: Option<i64>,
}

/// A code part of `area` / `event`: `[a-z_]+`.
fn code_part(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
}

/// The query as a storage filter, or the 422 of its first bad parameter.
fn filter(q: AuditQuery) -> Result<AuditFilter, ApiError> {
    let bad = |field: &str, problem, message: &str| {
        Err(ApiError::invalid_field(field, problem, message.to_string()))
    };
    let limit = q.limit.unwrap_or(50);
    if !(1..=200).contains(&limit) {
        return bad(
            "limit",
            FieldProblem::OutOfRange,
            "limit must be between 1 and 200",
        );
    }
    if q.before.is_some_and(|b| b < 1) {
        return bad(
            "before",
            FieldProblem::OutOfRange,
            "before must be positive",
        );
    }
    let actor = q
        .actor
        .map(|a| a.trim().to_lowercase())
        .filter(|a| !a.is_empty());
    if let Some(a) = &actor {
        if a.chars().count() > 254 {
            return bad(
                "actor",
                FieldProblem::TooLong,
                "actor is at most 254 characters",
            );
        }
        if a.chars()
            .any(|c| c.is_control() || kontor_api::validate::is_invisible(c))
        {
            return bad(
                "actor",
                FieldProblem::Invalid,
                "actor has control characters",
            );
        }
    }
    let area = q.area.filter(|a| !a.is_empty());
    if area
        .as_deref()
        .is_some_and(|a| a.len() > 64 || !code_part(a))
    {
        return bad(
            "area",
            FieldProblem::Invalid,
            "area is [a-z_]+, at most 64 characters",
        );
    }
    let event = q.event.filter(|e| !e.is_empty());
    let event_ok = |e: &str| {
        e.len() <= 64
            && e.split_once('.')
                .is_some_and(|(a, v)| code_part(a) && code_part(v))
    };
    if event.as_deref().is_some_and(|e| !event_ok(e)) {
        return bad(
            "event",
            FieldProblem::Invalid,
            "event is <area>.<verb> of [a-z_], at most 64 characters",
        );
    }
    for (field, v) in [("from", q.from), ("to", q.to)] {
        if v.is_some_and(|t| t < 0) {
            return bad(
                field,
                FieldProblem::OutOfRange,
                "times are Unix seconds, not negative",
            );
        }
    }
    if let (Some(from), Some(to)) = (q.from, q.to) {
        if from > to {
            return bad("to", FieldProblem::OutOfRange, "to must not be before from");
        }
    }
    Ok(AuditFilter {
        before: q.before,
        limit,
        actor,
        area,
        event,
        from: q.from,
        to: q.to,
    })
}

/// The audit log, newest first: time, actor e-mail, event, target, client IP; filtered by actor, area,
/// event code and time range (each served by an index). Owner and Admin.
#[utoipa::path(get, path = "/api/v1/accounts/{account_id}/audit", tag = "audit", security(("bearer" = [])),
    params(("account_id" = String, Path, description = "The caller's account id"), AuditQuery),
    responses(
        (status = 200, description = "One page of events", body = AuditPage),
        (status = 401, description = "No valid session", body = ErrorBody),
        (status = 403, description = "The role may not read the audit log", body = ErrorBody),
        (status = 404, description = "Not the caller's account", body = ErrorBody),
        (status = 422, description = "A query parameter is invalid", body = ErrorBody),
    ))]
pub async fn list(
    State(st): State<AppState>,
    auth: AuthUser,
    Path(account_id): Path<String>,
    ApiQuery(q): ApiQuery<AuditQuery>,
) -> Result<Json<AuditPage>, ApiError> {
    let id = own_account(&auth, &account_id)?;
    auth.require(Permission::ReadAudit)?;
    let mut f = filter(q)?;
    let limit = f.limit;
    f.limit += 1;
    let mut events = st.db.audit_page(&id, &f).await?;
    let more = events.len() > limit as usize;
    events.truncate(limit as usize);
    let next_before = if more {
        events.last().map(|e| e.id)
    } else {
        None
    };
    Ok(Json(AuditPage {
        events,
        next_before,
    }))
}

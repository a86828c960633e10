//! `GET …/accounts/{account_id}/audit`: the account's audit log, newest first, paged by event id.

use axum::extract::{Path, State};
use axum::Json;
use kontor_api::{AuditPage, ErrorBody};
use serde::Deserialize;

use crate::auth::{AuthUser, Permission};
use crate::handlers::accounts::own_account;
use crate::http_error::{ApiError, ApiQuery};
use crate::state::AppState;

/// Paging of the audit log.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Only events with a smaller id (the previous page's `next_before`).
    pub before: Option<i64>,
    /// Page size, 1..=200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
}

/// The audit log, newest first: time, actor e-mail, event, target, client IP. Owner and Admin.
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
    let limit = q.limit.unwrap_or(50);
    if !(1..=200).contains(&limit) {
        return Err(ApiError::invalid_field(
            "limit",
            kontor_api::FieldProblem::OutOfRange,
            "limit must be between 1 and 200",
        ));
    }
    if q.before.is_some_and(|b| b < 1) {
        return Err(ApiError::invalid_field(
            "before",
            kontor_api::FieldProblem::OutOfRange,
            "before must be positive",
        ));
    }
    let mut events = st.db.audit_page(&id, q.before, limit + 1).await?;
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

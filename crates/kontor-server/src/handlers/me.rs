//! `GET /api/v1/me`: the signed-in user.

use axum::extract::State;
use axum::Json;
use kontor_api::{ErrorBody, Me};

use crate::auth::AuthUser;
use crate::error::ApiError;
use crate::handlers::me_of;
use crate::state::AppState;

/// The user the access token belongs to.
#[utoipa::path(get, path = "/api/v1/me", tag = "account", security(("bearer" = [])),
    responses(
        (status = 200, description = "The signed-in user", body = Me),
        (status = 401, description = "No valid session", body = ErrorBody),
    ))]
pub async fn me(State(st): State<AppState>, auth: AuthUser) -> Result<Json<Me>, ApiError> {
    let user = st
        .db
        .user_by_id(&auth.account_id, &auth.user_id)
        .await?
        .filter(|u| u.deleted_at.is_none())
        .ok_or_else(ApiError::unauthorized)?;
    Ok(Json(me_of(&user)))
}

//! `GET /api/v1/me` (the signed-in user) and `POST /api/v1/me/password` (replace the own password). Both stay
//! open while a temporary password must be changed; every other endpoint answers 403 until then.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, State};
use axum::http::StatusCode;
use axum::Json;
use kontor_api::validate;
use kontor_api::{ChangePassword, ErrorBody, ErrorCode, Me};

use crate::auth::{verify_password_blocking, PendingAuthUser};
use crate::credentials::{hash_password_blocking, verify_temp_password};
use crate::handlers::{actor_of, me_of};
use crate::http_error::{ApiError, ApiJson};
use crate::state::AppState;

/// The user the access token belongs to.
#[utoipa::path(get, path = "/api/v1/me", tag = "account", security(("bearer" = [])),
    responses(
        (status = 200, description = "The signed-in user", body = Me),
        (status = 401, description = "No valid session", body = ErrorBody),
    ))]
pub async fn me(
    State(st): State<AppState>,
    PendingAuthUser(auth): PendingAuthUser,
) -> Result<Json<Me>, ApiError> {
    let user = st
        .db
        .user_by_id(&auth.account_id, &auth.user_id)
        .await?
        .filter(|u| u.deleted_at.is_none())
        .ok_or_else(ApiError::unauthorized)?;
    Ok(Json(me_of(&user)))
}

/// Replace the own password (temporary or not). The new one is stored as Argon2id; the temporary password
/// and the "must change" flag are cleared; the user's other sessions end.
#[utoipa::path(post, path = "/api/v1/me/password", tag = "account", security(("bearer" = [])),
    request_body = ChangePassword,
    responses(
        (status = 204, description = "Changed"),
        (status = 401, description = "No valid session", body = ErrorBody),
        (status = 422, description = "The current password is wrong or the new one is too weak", body = ErrorBody),
    ))]
pub async fn change_password(
    State(st): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    PendingAuthUser(auth): PendingAuthUser,
    ApiJson(req): ApiJson<ChangePassword>,
) -> Result<StatusCode, ApiError> {
    validate::login_password("current_password", &req.current_password)?;
    validate::new_password("new_password", &req.new_password)?;
    if req.new_password == req.current_password {
        return Err(ApiError::new(
            ErrorCode::Validation,
            "new_password must differ from the current password",
        ));
    }
    let user = st
        .db
        .user_by_id(&auth.account_id, &auth.user_id)
        .await?
        .filter(|u| u.deleted_at.is_none())
        .ok_or_else(ApiError::unauthorized)?;
    let temp_ok = match st.db.temp_password_hash(&user.id).await? {
        Some(h) => verify_temp_password(&h, &req.current_password),
        None => false,
    };
    let ok = temp_ok
        || match user.password_hash.clone() {
            Some(h) => verify_password_blocking(h, req.current_password.clone()).await?,
            None => false,
        };
    if !ok {
        return Err(ApiError::new(
            ErrorCode::Validation,
            "current_password is not correct",
        ));
    }
    let hash = hash_password_blocking(req.new_password)
        .await
        .map_err(ApiError::internal)?;
    let actor = actor_of(&st, &auth, peer);
    st.db.set_password(&actor, &hash, &auth.session_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

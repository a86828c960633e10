//! `GET /api/v1/me` (the signed-in user) and `POST /api/v1/me/password` (replace the own password). Both stay
//! open while a temporary password must be changed; every other endpoint answers 403 until then. The rules
//! are in `service::sessions`.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, State};
use axum::http::StatusCode;
use axum::Json;
use kontor_api::{ChangePassword, ErrorBody, Me};

use crate::auth::PendingAuthUser;
use crate::handlers::actor_of;
use crate::http_error::{ApiError, ApiJson};
use crate::service::sessions::{me_of, Sessions};
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
    Ok(Json(me_of(&user, st.config.vendor.downloads.users)))
}

/// Replace the own password (temporary or not). The new one is stored as Argon2id; the temporary password
/// and the "must change" flag are cleared; the user's other sessions end.
#[utoipa::path(post, path = "/api/v1/me/password", tag = "account", security(("bearer" = [])),
    request_body = ChangePassword,
    responses(
        (status = 204, description = "Changed"),
        (status = 401, description = "No valid session", body = ErrorBody),
        (status = 422, description = "The current password is wrong or the new one is too weak", body = ErrorBody),
        (status = 429, description = "Too many wrong current passwords lately (`rate_limited`)", body = ErrorBody, headers(("Retry-After" = u64, description = "Seconds to wait"))),
        (status = 503, description = "Too many password checks at once (`unavailable`)", body = ErrorBody, headers(("Retry-After" = u64, description = "Seconds to wait"))),
    ))]
pub async fn change_password(
    State(st): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    PendingAuthUser(auth): PendingAuthUser,
    ApiJson(req): ApiJson<ChangePassword>,
) -> Result<StatusCode, ApiError> {
    let actor = actor_of(&st, &auth, peer);
    Sessions {
        db: st.db.as_ref(),
        clock: st.clock.as_ref(),
        config: &st.config,
        throttle: &st.throttle,
        hashes: &st.hashes,
        dummy_hash: &st.dummy_hash,
        ip: peer.ip().to_string(),
        device: None,
    }
    .change_password(
        &actor,
        &auth.session_id,
        req.current_password,
        req.new_password,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

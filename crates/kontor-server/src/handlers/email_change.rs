//! `POST /api/v1/me/email` (ask for a code at the new address) and `POST /api/v1/me/email/confirm` (set the
//! address with it; acct9). Every role. The rules are in `service::email_change`.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, State};
use axum::http::StatusCode;
use axum::Json;
use kontor_api::validate::FieldProblem;
use kontor_api::{ConfirmEmailChange, ErrorBody, Profile, RequestEmailChange};

use crate::auth::AuthUser;
use crate::handlers::actor_of;
use crate::handlers::profile::profile_of;
use crate::http_error::{ApiError, ApiJson};
use crate::service::email_change;
use crate::state::AppState;

/// Ask to change the own e-mail address: a code goes to the new address (through the outbox) unless it is
/// in use, which only a mail to that address says; the answer is the same either way. Audited as
/// `user.email_change_requested`.
#[utoipa::path(post, path = "/api/v1/me/email", tag = "account", security(("bearer" = [])),
    request_body = RequestEmailChange,
    responses(
        (status = 202, description = "Asked; a code is on its way if the address can be used"),
        (status = 401, description = "No valid session", body = ErrorBody),
        (status = 409, description = "That is the own address already (`conflict`, detail `email_in_use`)", body = ErrorBody),
        (status = 422, description = "Not a valid e-mail address (field `new_email`)", body = ErrorBody),
    ))]
pub async fn request(
    State(st): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    auth: AuthUser,
    ApiJson(req): ApiJson<RequestEmailChange>,
) -> Result<StatusCode, ApiError> {
    let actor = actor_of(&st, &auth, peer);
    email_change::request(
        st.db.as_ref(),
        &st.config.vendor_name,
        &actor,
        &req.new_email,
    )
    .await??;
    Ok(StatusCode::ACCEPTED)
}

/// Set the own e-mail address with the code mailed to it (single use, 30 minutes, 5 tries); the old
/// address gets a notice. A wrong, used, expired or exhausted code is answered alike. Audited as
/// `user.email_changed`.
#[utoipa::path(post, path = "/api/v1/me/email/confirm", tag = "account", security(("bearer" = [])),
    request_body = ConfirmEmailChange,
    responses(
        (status = 200, description = "Changed: the profile with the new address", body = Profile),
        (status = 401, description = "No valid session", body = ErrorBody),
        (status = 422, description = "The code cannot be used (field `code`, problem `incorrect`)", body = ErrorBody),
    ))]
pub async fn confirm(
    State(st): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    auth: AuthUser,
    ApiJson(req): ApiJson<ConfirmEmailChange>,
) -> Result<Json<Profile>, ApiError> {
    if req.code.len() > 64 {
        return Err(ApiError::invalid_field(
            "code",
            FieldProblem::TooLong,
            "code is too long",
        ));
    }
    let actor = actor_of(&st, &auth, peer);
    email_change::confirm(
        st.db.as_ref(),
        st.clock.as_ref(),
        &st.config.vendor_name,
        &actor,
        &req.code,
    )
    .await??;
    Ok(Json(profile_of(&st, &auth).await?))
}

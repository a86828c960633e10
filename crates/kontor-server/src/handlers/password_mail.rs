//! `POST /api/v1/auth/password-reset[/confirm]` (forgotten password) and
//! `POST …/users/{user_id}/temporary-password/mail`. The rules are in `service::password_mail`.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Path, State};
use axum::http::StatusCode;
use kontor_api::validate;
use kontor_api::{
    ErrorBody, ErrorCode, PasswordResetConfirm, PasswordResetRequest, TemporaryPasswordMail,
};

use crate::auth::{AuthUser, Permission};
use crate::handlers::accounts::own_account;
use crate::handlers::actor_of;
use crate::http_error::{ApiError, ApiJson};
use crate::service::password_mail;
use crate::state::AppState;

/// Ask for a code to set a new password. Always `202`, whether or not the address exists; the mail is sent
/// only to a user's address. Limited per address and per IP.
#[utoipa::path(post, path = "/api/v1/auth/password-reset", tag = "auth", request_body = PasswordResetRequest,
    responses(
        (status = 202, description = "If the address belongs to a user, a code is on its way (the same answer either way)"),
        (status = 422, description = "The address is not valid", body = ErrorBody),
        (status = 429, description = "Too many requests for this address or from this IP (`rate_limited`)", body = ErrorBody, headers(("Retry-After" = u64, description = "Seconds to wait"))),
    ))]
pub async fn request(
    State(st): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    ApiJson(req): ApiJson<PasswordResetRequest>,
) -> Result<StatusCode, ApiError> {
    let email = validate::email("email", &req.email)?;
    let ip = peer.ip().to_string();
    password_mail::count_reset_request(
        &st.reset_limit,
        &st.reset_limit_by_address,
        &email,
        &ip,
        st.clock.now(),
    )
    .await?
    .map_err(|wait| {
        let secs = u64::try_from(wait).unwrap_or(1).max(1);
        ApiError::new(
            ErrorCode::RateLimited,
            format!("too many requests; try again in {secs} seconds"),
        )
        .retry_after(secs)
    })?;
    // Answered before the address is looked up: the same answer and timing for every address.
    tokio::spawn(async move {
        if let Err(e) = password_mail::send_reset_code(
            st.db.as_ref(),
            st.clock.as_ref(),
            &st.config.vendor_name,
            &email,
            &ip,
        )
        .await
        {
            tracing::error!(error = %e, "cannot start a password reset");
        }
    });
    Ok(StatusCode::ACCEPTED)
}

/// Set a new password with the mailed code. Every session of the user ends; sign in with the new password.
#[utoipa::path(post, path = "/api/v1/auth/password-reset/confirm", tag = "auth", request_body = PasswordResetConfirm,
    responses(
        (status = 204, description = "The password is set; every session of the user has ended"),
        (status = 422, description = "A field is invalid; a wrong, used, expired or unknown code (or address) is `code` `incorrect` alike", body = ErrorBody),
        (status = 429, description = "Too many wrong codes from this address (`rate_limited`)", body = ErrorBody, headers(("Retry-After" = u64, description = "Seconds to wait"))),
        (status = 503, description = "Too many password checks at once (`unavailable`)", body = ErrorBody, headers(("Retry-After" = u64, description = "Seconds to wait"))),
    ))]
pub async fn confirm(
    State(st): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    ApiJson(req): ApiJson<PasswordResetConfirm>,
) -> Result<StatusCode, ApiError> {
    let email = validate::email("email", &req.email)?;
    password_mail::reset_with_code(
        st.db.as_ref(),
        st.clock.as_ref(),
        &st.throttle,
        &st.hashes,
        &email,
        &req.code,
        req.new_password,
        &peer.ip().to_string(),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Mail a user their current temporary password (in the user's language), e.g. from the confirmation after
/// creating users or after a password reset. The same role rules as the reset.
#[utoipa::path(post, path = "/api/v1/accounts/{account_id}/users/{user_id}/temporary-password/mail", tag = "users",
    security(("bearer" = [])),
    params(("account_id" = String, Path, description = "The caller's account id"),
           ("user_id" = String, Path, description = "A live user of the account")),
    request_body = TemporaryPasswordMail,
    responses(
        (status = 202, description = "The mail is queued"),
        (status = 401, description = "No valid session", body = ErrorBody),
        (status = 403, description = "The role may not do this (e.g. an Admin and the Owner)", body = ErrorBody),
        (status = 404, description = "No such live user in the caller's account", body = ErrorBody),
        (status = 422, description = "The password is not the user's current temporary one (`temporary_password` `incorrect`)", body = ErrorBody),
    ))]
pub async fn mail_temporary_password(
    State(st): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    auth: AuthUser,
    Path((account_id, user_id)): Path<(String, String)>,
    ApiJson(req): ApiJson<TemporaryPasswordMail>,
) -> Result<StatusCode, ApiError> {
    own_account(&auth, &account_id)?;
    auth.require(Permission::ManageUsers)?;
    validate::login_password("temporary_password", &req.temporary_password)?;
    let actor = actor_of(&st, &auth, peer);
    password_mail::mail_temporary_password(
        st.db.as_ref(),
        &st.config.vendor_name,
        &actor,
        auth.role,
        &user_id,
        &req.temporary_password,
    )
    .await??;
    Ok(StatusCode::ACCEPTED)
}

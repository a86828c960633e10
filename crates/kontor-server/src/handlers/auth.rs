//! `POST /api/v1/auth/{login,token-login,refresh,logout}`: sign-in, refresh rotation with reuse detection,
//! sign-out. The rules are in `service::sessions`.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use kontor_api::validate::{self, FieldError, FieldProblem};
use kontor_api::{
    ChooseAccount, ErrorBody, PasswordLogin, RefreshRequest, SessionTokens, TokenLogin,
};

use crate::http_error::{ApiError, ApiJson};
use crate::service::sessions::Sessions;
use crate::state::AppState;

fn refresh_token_field(raw: &str) -> Result<&str, ApiError> {
    let t = raw.trim();
    let problem = if t.is_empty() {
        Some(FieldProblem::Required)
    } else if t.len() > 256 {
        Some(FieldProblem::TooLong)
    } else {
        None
    };
    match problem {
        Some(reason) => Err(FieldError {
            field: "refresh_token",
            reason,
        }
        .into()),
        None => Ok(t),
    }
}

// acct9
/// The longest device description kept.
const MAX_DEVICE_CHARS: usize = 120;

/// The device a request names: its `User-Agent`, control characters dropped, whitespace collapsed, at most
/// [`MAX_DEVICE_CHARS`] characters; `None` without one.
fn device_of(headers: &HeaderMap) -> Option<String> {
    let raw = headers.get(axum::http::header::USER_AGENT)?.to_str().ok()?;
    let cleaned: String = raw
        .split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .take(MAX_DEVICE_CHARS)
        .collect();
    (!cleaned.is_empty()).then_some(cleaned)
}

/// The session rules with this request's state and client address.
fn sessions<'a>(st: &'a AppState, peer: SocketAddr, headers: &HeaderMap) -> Sessions<'a> {
    Sessions {
        db: st.db.as_ref(),
        clock: st.clock.as_ref(),
        config: &st.config,
        throttle: &st.throttle,
        hashes: &st.hashes,
        dummy_hash: &st.dummy_hash,
        ip: peer.ip().to_string(),
        device: device_of(headers),
    }
}

/// Sign in with e-mail and password. Unknown user and wrong password answer identically.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", request_body = PasswordLogin,
    responses(
        (status = 200, description = "Signed in", body = SessionTokens),
        (status = 401, description = "Wrong e-mail or password (`invalid_credentials`)", body = ErrorBody),
        (status = 409, description = "The password matched the address's user in several accounts (`conflict`, detail `choose_account` with the accounts and a single-use token for `POST /auth/login/choose`); no session yet", body = ErrorBody),
        (status = 422, description = "A field is invalid", body = ErrorBody),
        (status = 429, description = "Too many failed attempts from this address or for this e-mail (`rate_limited`)", body = ErrorBody, headers(("Retry-After" = u64, description = "Seconds to wait"))),
        (status = 503, description = "Too many sign-ins at once (`unavailable`)", body = ErrorBody, headers(("Retry-After" = u64, description = "Seconds to wait"))),
    ))]
pub async fn login(
    State(st): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    ApiJson(req): ApiJson<PasswordLogin>,
) -> Result<Json<SessionTokens>, ApiError> {
    let email = validate::email("email", &req.email)?;
    validate::login_password("password", &req.password)?;
    let tokens = sessions(&st, peer, &headers)
        .password_login(&email, req.password, req.remember)
        .await?;
    Ok(Json(tokens))
}

/// harden10: sign in to one of the accounts a password sign-in offered (`choose_account`).
#[utoipa::path(post, path = "/api/v1/auth/login/choose", tag = "auth", request_body = ChooseAccount,
    responses(
        (status = 200, description = "Signed in to the chosen account", body = SessionTokens),
        (status = 401, description = "The token is unknown, used or expired, or does not offer this account (`unauthorized`): sign in again", body = ErrorBody),
        (status = 422, description = "A field is empty or longer than 64 characters", body = ErrorBody),
    ))]
pub async fn choose_account(
    State(st): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    ApiJson(req): ApiJson<ChooseAccount>,
) -> Result<Json<SessionTokens>, ApiError> {
    for (field, value) in [
        ("choice_token", &req.choice_token),
        ("account_id", &req.account_id),
    ] {
        if value.is_empty() || value.len() > 64 {
            return Err(FieldError {
                field,
                reason: if value.is_empty() {
                    FieldProblem::Required
                } else {
                    FieldProblem::TooLong
                },
            }
            .into());
        }
    }
    let tokens = sessions(&st, peer, &headers)
        .choose_account(&req.choice_token, &req.account_id)
        .await?;
    Ok(Json(tokens))
}

/// Sign in with the license token from the order mail, as the account's Owner.
#[utoipa::path(post, path = "/api/v1/auth/token-login", tag = "auth", request_body = TokenLogin,
    responses(
        (status = 200, description = "Signed in", body = SessionTokens),
        (status = 401, description = "Unknown, revoked or expired token (`invalid_credentials`)", body = ErrorBody),
        (status = 422, description = "The token is malformed", body = ErrorBody),
    ))]
pub async fn token_login(
    State(st): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    ApiJson(req): ApiJson<TokenLogin>,
) -> Result<Json<SessionTokens>, ApiError> {
    let token = validate::license_token("license_token", &req.license_token)?;
    let tokens = sessions(&st, peer, &headers)
        .token_login(&token, req.remember)
        .await?;
    Ok(Json(tokens))
}

/// Trade a refresh token for a new pair. The old one dies; presenting it again revokes the whole session.
#[utoipa::path(post, path = "/api/v1/auth/refresh", tag = "auth", request_body = RefreshRequest,
    responses(
        (status = 200, description = "New tokens", body = SessionTokens),
        (status = 401, description = "Unknown, expired, revoked or reused refresh token", body = ErrorBody),
        (status = 422, description = "The token is missing", body = ErrorBody),
    ))]
pub async fn refresh(
    State(st): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    ApiJson(req): ApiJson<RefreshRequest>,
) -> Result<Json<SessionTokens>, ApiError> {
    let token = refresh_token_field(&req.refresh_token)?;
    Ok(Json(sessions(&st, peer, &headers).refresh(token).await?))
}

/// Sign out: revokes the session of the refresh token (its access token dies with it). Idempotent.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth", request_body = RefreshRequest,
    responses(
        (status = 204, description = "Signed out (also when the token was unknown or already revoked)"),
        (status = 422, description = "The token is missing", body = ErrorBody),
    ))]
pub async fn logout(
    State(st): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    ApiJson(req): ApiJson<RefreshRequest>,
) -> Result<StatusCode, ApiError> {
    let token = refresh_token_field(&req.refresh_token)?;
    sessions(&st, peer, &headers).logout(token).await?;
    Ok(StatusCode::NO_CONTENT)
}

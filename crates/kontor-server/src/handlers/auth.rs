//! `POST /api/v1/auth/{login,token-login,refresh,logout}`: sign-in, refresh rotation with reuse detection, sign-out.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, State};
use axum::http::StatusCode;
use axum::Json;
use kontor_api::validate::{self, FieldError, FieldProblem};
use kontor_api::{ErrorBody, ErrorCode, PasswordLogin, RefreshRequest, SessionTokens, TokenLogin};

use crate::auth::verify_password_blocking;
use crate::credentials::{hash_token, new_session_token, verify_temp_password};
use crate::db::{AuditEvent, NewSession, UserRecord};
use crate::handlers::me_of;
use crate::http_error::{ApiError, ApiJson};
use crate::state::AppState;

const BAD_PASSWORD: &str = "e-mail address or password is wrong";
const BAD_TOKEN: &str = "the license token is not valid";

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

async fn audit(
    st: &AppState,
    account_id: &str,
    actor: Option<&str>,
    event: &str,
    target: Option<&str>,
    ip: &str,
) {
    let ev = AuditEvent {
        account_id: account_id.to_string(),
        actor_user_id: actor.map(str::to_string),
        event: event.to_string(),
        target: target.map(str::to_string),
        ip: Some(ip.to_string()),
        at: st.clock.now(),
    };
    if let Err(e) = st.db.audit(&ev).await {
        // An audit failure must not turn a sign-in into an error, but it must be seen.
        tracing::error!(error = %e, event, "cannot write audit event");
    }
}

/// Stores a new session for `user` (in `family`, or a new one) and returns it with the tokens in clear.
fn new_session(
    st: &AppState,
    user: &UserRecord,
    remember: bool,
    family_id: Option<&str>,
    ip: &str,
) -> (NewSession, SessionTokens) {
    let now = st.clock.now();
    let access = new_session_token();
    let refresh = new_session_token();
    let refresh_ttl = if remember {
        st.config.refresh_ttl_remember_secs
    } else {
        st.config.refresh_ttl_secs
    };
    let session = NewSession {
        id: uuid::Uuid::new_v4().to_string(),
        family_id: family_id
            .map(str::to_string)
            .unwrap_or_else(|| uuid::Uuid::new_v4().to_string()),
        user_id: user.id.clone(),
        account_id: user.account_id.clone(),
        access_hash: hash_token(&access),
        access_expires_at: now + st.config.access_ttl_secs,
        refresh_hash: hash_token(&refresh),
        refresh_expires_at: now + refresh_ttl,
        remember,
        created_at: now,
        ip: Some(ip.to_string()),
    };
    let tokens = SessionTokens {
        access_token: access,
        access_expires_at: session.access_expires_at,
        refresh_token: refresh,
        refresh_expires_at: session.refresh_expires_at,
        user: me_of(user),
    };
    (session, tokens)
}

/// Sign in with e-mail and password. Unknown user and wrong password answer identically.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", request_body = PasswordLogin,
    responses(
        (status = 200, description = "Signed in", body = SessionTokens),
        (status = 401, description = "Wrong e-mail or password (`invalid_credentials`)", body = ErrorBody),
        (status = 422, description = "A field is invalid", body = ErrorBody),
        (status = 429, description = "Too many failed attempts", body = ErrorBody),
    ))]
pub async fn login(
    State(st): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    ApiJson(req): ApiJson<PasswordLogin>,
) -> Result<Json<SessionTokens>, ApiError> {
    let email = validate::email("email", &req.email)?;
    validate::login_password("password", &req.password)?;
    let ip = peer.ip().to_string();
    if st.throttle.is_blocked(&email, st.clock.now()) {
        return Err(ApiError::new(
            ErrorCode::RateLimited,
            "too many failed sign-in attempts; try again in a few minutes",
        ));
    }
    let user = st.db.user_by_email(&email).await?;
    let live = user.as_ref().filter(|u| u.deleted_at.is_none());
    let eligible = live.and_then(|u| u.password_hash.clone());
    let hash = eligible
        .clone()
        .unwrap_or_else(|| st.dummy_hash.as_ref().clone());
    // A temporary password (salted SHA-256, constant-time compare) also signs in; the Argon2 check runs
    // either way so both paths take as long.
    let temp_ok = match live {
        Some(u) => st
            .db
            .temp_password_hash(&u.id)
            .await?
            .is_some_and(|h| verify_temp_password(&h, &req.password)),
        None => false,
    };
    let argon_ok = verify_password_blocking(hash, req.password).await? && eligible.is_some();
    let ok = temp_ok || argon_ok;
    let user = match user {
        Some(u) if ok => u,
        other => {
            st.throttle.record_failure(&email, st.clock.now());
            if let Some(u) = other {
                audit(
                    &st,
                    &u.account_id,
                    Some(&u.id),
                    "sign_in_failed",
                    Some(&email),
                    &ip,
                )
                .await;
            }
            return Err(ApiError::new(ErrorCode::InvalidCredentials, BAD_PASSWORD));
        }
    };
    st.throttle.clear(&email);
    sign_in(&st, &user, req.remember, &ip, "sign_in").await
}

/// Starts a session for `user` after a successful sign-in, audited as `event`.
async fn sign_in(
    st: &AppState,
    user: &UserRecord,
    remember: bool,
    ip: &str,
    event: &str,
) -> Result<Json<SessionTokens>, ApiError> {
    let (session, tokens) = new_session(st, user, remember, None, ip);
    st.db.insert_session(&session).await?;
    audit(
        st,
        &user.account_id,
        Some(&user.id),
        event,
        Some(&session.id),
        ip,
    )
    .await;
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
    ApiJson(req): ApiJson<TokenLogin>,
) -> Result<Json<SessionTokens>, ApiError> {
    let token = validate::license_token("license_token", &req.license_token)?;
    let ip = peer.ip().to_string();
    let now = st.clock.now();
    let invalid = || ApiError::new(ErrorCode::InvalidCredentials, BAD_TOKEN);
    let record = st
        .db
        .license_token(&hash_token(&token))
        .await?
        .filter(|t| t.revoked_at.is_none() && t.expires_at > now)
        .ok_or_else(invalid)?;
    let user = st
        .db
        .user_by_id(&record.account_id, &record.user_id)
        .await?
        .filter(|u| u.deleted_at.is_none())
        .ok_or_else(invalid)?;
    sign_in(&st, &user, req.remember, &ip, "token_sign_in").await
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
    ApiJson(req): ApiJson<RefreshRequest>,
) -> Result<Json<SessionTokens>, ApiError> {
    let token = refresh_token_field(&req.refresh_token)?;
    let ip = peer.ip().to_string();
    let now = st.clock.now();
    let session = st
        .db
        .session_by_refresh(&hash_token(token))
        .await?
        .ok_or_else(ApiError::unauthorized)?;
    if session.rotated_at.is_some() {
        let n = st.db.revoke_family(&session.family_id, now).await?;
        tracing::warn!(family = %session.family_id, revoked = n, "refresh token reuse detected");
        audit(
            &st,
            &session.account_id,
            Some(&session.user_id),
            "refresh_reuse_detected",
            Some(&session.family_id),
            &ip,
        )
        .await;
        return Err(ApiError::unauthorized());
    }
    if session.revoked_at.is_some() || session.refresh_expires_at <= now {
        return Err(ApiError::unauthorized());
    }
    let user = st
        .db
        .user_by_id(&session.account_id, &session.user_id)
        .await?
        .filter(|u| u.deleted_at.is_none())
        .ok_or_else(ApiError::unauthorized)?;
    let (new, tokens) = new_session(&st, &user, session.remember, Some(&session.family_id), &ip);
    if !st.db.rotate_session(&session.id, &new).await? {
        // Rotated or revoked concurrently: the other request won.
        return Err(ApiError::unauthorized());
    }
    Ok(Json(tokens))
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
    ApiJson(req): ApiJson<RefreshRequest>,
) -> Result<StatusCode, ApiError> {
    let token = refresh_token_field(&req.refresh_token)?;
    if let Some(session) = st.db.session_by_refresh(&hash_token(token)).await? {
        let n = st
            .db
            .revoke_family(&session.family_id, st.clock.now())
            .await?;
        if n > 0 {
            let ip = peer.ip().to_string();
            audit(
                &st,
                &session.account_id,
                Some(&session.user_id),
                "sign_out",
                Some(&session.family_id),
                &ip,
            )
            .await;
        }
    }
    Ok(StatusCode::NO_CONTENT)
}

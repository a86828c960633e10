//! `GET|PUT /api/v1/me/profile` (the own name and mail language), `GET /api/v1/me/sessions` (where the user
//! is signed in) and `POST /api/v1/me/sessions/end-others` ("sign out everywhere else"). Every role.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, State};
use axum::Json;
use kontor_api::validate::{self, FieldProblem};
use kontor_api::{ActiveSession, ErrorBody, Profile, SessionList, SessionsEnded, UpdateProfile};

use crate::auth::AuthUser;
use crate::db::mail::MailAudit;
use crate::http_error::{ApiError, ApiJson};
use crate::state::AppState;

pub(crate) async fn profile_of(st: &AppState, auth: &AuthUser) -> Result<Profile, ApiError> {
    let user = st
        .db
        .user_by_id(&auth.account_id, &auth.user_id)
        .await?
        .filter(|u| u.deleted_at.is_none())
        .ok_or_else(ApiError::unauthorized)?;
    let language = st
        .db
        .user_language(&user.id)
        .await?
        .unwrap_or_else(|| "de".to_string());
    Ok(Profile {
        email: user.email,
        display_name: user.display_name,
        language,
    })
}

fn audit(
    st: &AppState,
    auth: &AuthUser,
    peer: SocketAddr,
    event: &'static str,
    target: String,
) -> MailAudit {
    MailAudit {
        account_id: auth.account_id.clone(),
        actor_user_id: auth.user_id.clone(),
        event,
        target,
        ip: Some(peer.ip().to_string()),
        at: st.clock.now(),
    }
}

/// The own profile.
#[utoipa::path(get, path = "/api/v1/me/profile", tag = "account", security(("bearer" = [])),
    responses(
        (status = 200, description = "The signed-in user's profile", body = Profile),
        (status = 401, description = "No valid session", body = ErrorBody),
    ))]
pub async fn get_profile(
    State(st): State<AppState>,
    auth: AuthUser,
) -> Result<Json<Profile>, ApiError> {
    Ok(Json(profile_of(&st, &auth).await?))
}

/// Change the own name and the language of the portal's mails (audited as `user.profile_changed`).
#[utoipa::path(put, path = "/api/v1/me/profile", tag = "account", security(("bearer" = [])),
    request_body = UpdateProfile,
    responses(
        (status = 200, description = "The changed profile", body = Profile),
        (status = 401, description = "No valid session", body = ErrorBody),
        (status = 422, description = "A field is invalid", body = ErrorBody),
    ))]
pub async fn put_profile(
    State(st): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    auth: AuthUser,
    ApiJson(req): ApiJson<UpdateProfile>,
) -> Result<Json<Profile>, ApiError> {
    let name = validate::display_name("display_name", &req.display_name)?;
    if req.language != "de" && req.language != "en" {
        return Err(ApiError::invalid_field(
            "language",
            FieldProblem::Invalid,
            "language must be de or en",
        ));
    }
    let email = profile_of(&st, &auth).await?.email;
    let a = audit(&st, &auth, peer, "user.profile_changed", email);
    if !st
        .db
        .update_profile(&auth.account_id, &auth.user_id, &name, &req.language, &a)
        .await?
    {
        return Err(ApiError::unauthorized());
    }
    Ok(Json(profile_of(&st, &auth).await?))
}

/// Where the user is signed in: each session (a sign-in and its refreshes) with its start, last use and IP.
#[utoipa::path(get, path = "/api/v1/me/sessions", tag = "account", security(("bearer" = [])),
    responses(
        (status = 200, description = "The live sessions, newest use first", body = SessionList),
        (status = 401, description = "No valid session", body = ErrorBody),
    ))]
pub async fn sessions(
    State(st): State<AppState>,
    auth: AuthUser,
) -> Result<Json<SessionList>, ApiError> {
    let mine = st.db.session_family(&auth.session_id).await?;
    let rows = st.db.live_sessions(&auth.user_id, st.clock.now()).await?;
    Ok(Json(SessionList {
        sessions: rows
            .into_iter()
            .map(|r| ActiveSession {
                current: mine.as_deref() == Some(r.family_id.as_str()),
                id: r.family_id,
                started_at: r.started_at,
                last_used_at: r.last_used_at,
                ip: r.ip,
                device: r.device,
            })
            .collect(),
    }))
}

/// Sign out everywhere else: every session of the user but this one ends (audited as
/// `auth.signed_out_elsewhere`).
#[utoipa::path(post, path = "/api/v1/me/sessions/end-others", tag = "account", security(("bearer" = [])),
    responses(
        (status = 200, description = "How many other sessions ended", body = SessionsEnded),
        (status = 401, description = "No valid session", body = ErrorBody),
    ))]
pub async fn end_other_sessions(
    State(st): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    auth: AuthUser,
) -> Result<Json<SessionsEnded>, ApiError> {
    let family = st
        .db
        .session_family(&auth.session_id)
        .await?
        .ok_or_else(ApiError::unauthorized)?;
    let email = profile_of(&st, &auth).await?.email;
    let a = audit(&st, &auth, peer, "auth.signed_out_elsewhere", email);
    let ended = st
        .db
        .revoke_other_sessions(&auth.user_id, &family, &a)
        .await?;
    Ok(Json(SessionsEnded { ended }))
}

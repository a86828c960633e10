//! Offline licenses: the public signing key (`GET /api/license/public-key`, no sign-in) and
//! `…/accounts/{account_id}/offline-license`: status, issue the account-wide license, activate a machine from
//! an uploaded request, revoke. Owner and Admin; another account is 404.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Path, State};
use axum::http::StatusCode;
use axum::Json;
use kontor_api::{
    ActivationRequestUpload, ErrorBody, LicensePublicKey, OfflineLicense, OfflineLicenseStatus,
};

use crate::auth::{AuthUser, Permission};
use crate::handlers::accounts::own_account;
use crate::handlers::{actor_of, id_field};
use crate::http_error::{ApiError, ApiJson};
use crate::licensing;
use crate::state::AppState;

/// The key every license this portal issues is signed with; products trust it to verify license files.
#[utoipa::path(get, path = "/api/license/public-key", tag = "offline-license",
    responses(
        (status = 200, description = "The public key and its key id", body = LicensePublicKey),
    ))]
pub async fn public_key(State(st): State<AppState>) -> Json<LicensePublicKey> {
    let public = st.signer.public_key();
    Json(LicensePublicKey {
        public_key: public.to_text(),
        key_id: public.key_id(),
    })
}

/// The account's offline-license state: term end, products with seats, activations used and allowed, and
/// every issued license, newest first.
#[utoipa::path(get, path = "/api/v1/accounts/{account_id}/offline-license", tag = "offline-license",
    security(("bearer" = [])),
    params(("account_id" = String, Path, description = "The caller's account id")),
    responses(
        (status = 200, description = "The offline-license state", body = OfflineLicenseStatus),
        (status = 401, description = "No valid session", body = ErrorBody),
        (status = 403, description = "The role may not manage offline licenses", body = ErrorBody),
        (status = 404, description = "Not the caller's account, or the account has no subscription", body = ErrorBody),
    ))]
pub async fn status(
    State(st): State<AppState>,
    auth: AuthUser,
    Path(account_id): Path<String>,
) -> Result<Json<OfflineLicenseStatus>, ApiError> {
    let id = own_account(&auth, &account_id)?;
    auth.require(Permission::ManageOfflineLicenses)?;
    Ok(Json(licensing::status(st.db.as_ref(), &id).await??))
}

/// Issues the account-wide license (not bound to a machine; does not count against the activation limit):
/// the subscription's products with their seats, valid from now to the end of the license term.
#[utoipa::path(post, path = "/api/v1/accounts/{account_id}/offline-license", tag = "offline-license",
    security(("bearer" = [])),
    params(("account_id" = String, Path, description = "The caller's account id")),
    request_body(content = Object, description = "An empty object `{}`"),
    responses(
        (status = 200, description = "The signed license file", body = OfflineLicense),
        (status = 401, description = "No valid session", body = ErrorBody),
        (status = 403, description = "The role may not manage offline licenses", body = ErrorBody),
        (status = 404, description = "Not the caller's account, or no subscription with products", body = ErrorBody),
        (status = 409, description = "The license term has ended", body = ErrorBody),
        (status = 422, description = "The body is not the empty object `{}`", body = ErrorBody),
        (status = 429, description = "Too many licenses issued for this account lately (`Retry-After`)", body = ErrorBody),
    ))]
pub async fn issue(
    State(st): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    auth: AuthUser,
    Path(account_id): Path<String>,
    ApiJson(body): ApiJson<serde_json::Value>,
) -> Result<Json<OfflineLicense>, ApiError> {
    own_account(&auth, &account_id)?;
    auth.require(Permission::ManageOfflineLicenses)?;
    if !body.as_object().is_some_and(serde_json::Map::is_empty) {
        return Err(ApiError::new(
            kontor_api::ErrorCode::Validation,
            "request body must be the empty object {}",
        ));
    }
    // Each license is a signature: limited per account, with growing waits.
    if let Err(wait) = st
        .issue_limit
        .begin(&auth.account_id, "", st.clock.now())
        .await?
    {
        let wait = u64::try_from(wait).unwrap_or(1);
        return Err(ApiError::new(
            kontor_api::ErrorCode::RateLimited,
            format!("too many licenses issued lately; try again in {wait} seconds"),
        )
        .retry_after(wait));
    }
    let actor = actor_of(&st, &auth, peer);
    Ok(Json(
        licensing::issue(st.db.as_ref(), &st.signer, &actor, None).await??,
    ))
}

/// Issues a license bound to the machine of an uploaded activation request. The same machine again gets a
/// new license in place of its old one (revoked) without using another activation; a new machine beyond the
/// account's limit is refused.
#[utoipa::path(post, path = "/api/v1/accounts/{account_id}/offline-license/activate", tag = "offline-license",
    security(("bearer" = [])),
    params(("account_id" = String, Path, description = "The caller's account id")),
    request_body = ActivationRequestUpload,
    responses(
        (status = 200, description = "The machine-bound license file", body = OfflineLicense),
        (status = 401, description = "No valid session", body = ErrorBody),
        (status = 403, description = "The role may not manage offline licenses", body = ErrorBody),
        (status = 404, description = "Not the caller's account, or no subscription with products", body = ErrorBody),
        (status = 409, description = "Activation limit reached, or the license term has ended; nothing issued", body = ErrorBody),
        (status = 422, description = "Not a valid activation request (the reason is in the message)", body = ErrorBody),
    ))]
pub async fn activate(
    State(st): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    auth: AuthUser,
    Path(account_id): Path<String>,
    ApiJson(req): ApiJson<ActivationRequestUpload>,
) -> Result<Json<OfflineLicense>, ApiError> {
    own_account(&auth, &account_id)?;
    auth.require(Permission::ManageOfflineLicenses)?;
    let machine = licensing::parse_request(&req.request)?;
    let actor = actor_of(&st, &auth, peer);
    Ok(Json(
        licensing::issue(st.db.as_ref(), &st.signer, &actor, Some(&machine)).await??,
    ))
}

/// Revokes an issued license; a machine-bound one frees its activation. Revoking again changes nothing.
#[utoipa::path(post, path = "/api/v1/accounts/{account_id}/offline-license/{license_id}/revoke",
    tag = "offline-license", security(("bearer" = [])),
    params(
        ("account_id" = String, Path, description = "The caller's account id"),
        ("license_id" = String, Path, description = "The license id"),
    ),
    responses(
        (status = 204, description = "Revoked (or already revoked)"),
        (status = 401, description = "No valid session", body = ErrorBody),
        (status = 403, description = "The role may not manage offline licenses", body = ErrorBody),
        (status = 404, description = "Not the caller's account, or no such license in it", body = ErrorBody),
        (status = 422, description = "The license id is not a valid id (empty, more than 64 bytes, or control characters)", body = ErrorBody),
    ))]
pub async fn revoke(
    State(st): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    auth: AuthUser,
    Path((account_id, license_id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    own_account(&auth, &account_id)?;
    auth.require(Permission::ManageOfflineLicenses)?;
    let license_id = id_field("license_id", &license_id)?;
    let actor = actor_of(&st, &auth, peer);
    st.db.revoke_offline_license(&actor, &license_id).await??;
    Ok(StatusCode::NO_CONTENT)
}

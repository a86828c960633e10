//! `…/accounts/{account_id}/subscription` and `…/packages`: the subscription, the catalog to compare, and
//! the package change (preview, then booking with an idempotency key). Owner and Billing only.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Path, State};
use axum::http::HeaderMap;
use axum::Json;
use kontor_api::{
    ChangeBooked, ChangePreview, ChangePreviewRequest, ChangeRequest, ErrorBody, ErrorDetail,
    FieldProblem, PackageCatalog, Subscription,
};

use crate::auth::{AuthUser, Permission};
use crate::handlers::accounts::own_account;
use crate::handlers::{actor_of, id_field};
use crate::http_error::{ApiError, ApiJson};
use crate::service::subscription as rules;
use crate::state::AppState;

/// The request header that may carry the idempotency key instead of the body.
pub const IDEMPOTENCY_KEY_HEADER: &str = "idempotency-key";

/// The account's subscription: package, billing period, term and period dates, applications with seats
/// (package and add-ons apart) and assigned licenses, add-ons, a pending downgrade, payment method.
#[utoipa::path(get, path = "/api/v1/accounts/{account_id}/subscription", tag = "subscription", security(("bearer" = [])),
    params(("account_id" = String, Path, description = "The caller's account id")),
    responses(
        (status = 200, description = "The subscription", body = Subscription),
        (status = 401, description = "No valid session", body = ErrorBody),
        (status = 403, description = "Only Owner and Billing see the subscription", body = ErrorBody),
        (status = 404, description = "Not the caller's account, or no subscription", body = ErrorBody),
    ))]
pub async fn get(
    State(st): State<AppState>,
    auth: AuthUser,
    Path(account_id): Path<String>,
) -> Result<Json<Subscription>, ApiError> {
    let id = own_account(&auth, &account_id)?;
    auth.require(Permission::ManageBilling)?;
    Ok(Json(rules::subscription(st.db.as_ref(), &id).await??))
}

/// The package catalog for comparison: per package its applications and seats, the add-ons that fit it,
/// the price for the account's billing period, and whether it is the current, a higher or a lower package.
#[utoipa::path(get, path = "/api/v1/accounts/{account_id}/packages", tag = "subscription", security(("bearer" = [])),
    params(("account_id" = String, Path, description = "The caller's account id")),
    responses(
        (status = 200, description = "The catalog, lowest rank first", body = PackageCatalog),
        (status = 401, description = "No valid session", body = ErrorBody),
        (status = 403, description = "Only Owner and Billing see the packages", body = ErrorBody),
        (status = 404, description = "Not the caller's account, or no subscription", body = ErrorBody),
    ))]
pub async fn packages(
    State(st): State<AppState>,
    auth: AuthUser,
    Path(account_id): Path<String>,
) -> Result<Json<PackageCatalog>, ApiError> {
    let id = own_account(&auth, &account_id)?;
    auth.require(Permission::ManageBilling)?;
    Ok(Json(rules::packages(st.db.as_ref(), &id).await??))
}

/// What changing to a package would do, changing nothing: applications gained and lost, seat limits old
/// and new, the new recurring amount, the proration for the rest of the period ((new − old recurring) ×
/// remaining days / period days, net cents, rounded half away from zero; 0 for a downgrade) and the
/// effective date (today for an upgrade, the period's end for a downgrade).
#[utoipa::path(post, path = "/api/v1/accounts/{account_id}/subscription/preview", tag = "subscription", security(("bearer" = [])),
    params(("account_id" = String, Path, description = "The caller's account id")),
    request_body = ChangePreviewRequest,
    responses(
        (status = 200, description = "The preview", body = ChangePreview),
        (status = 401, description = "No valid session", body = ErrorBody),
        (status = 403, description = "Only Owner and Billing change the package", body = ErrorBody),
        (status = 404, description = "Not the caller's account, or no subscription", body = ErrorBody),
        (status = 409, description = "More licenses assigned than the package allows (`seats_over_limit`, per product)", body = ErrorBody),
        (status = 422, description = "`package` unknown (`invalid_id`) or the current package (`unchanged`)", body = ErrorBody),
    ))]
pub async fn preview(
    State(st): State<AppState>,
    auth: AuthUser,
    Path(account_id): Path<String>,
    ApiJson(req): ApiJson<ChangePreviewRequest>,
) -> Result<Json<ChangePreview>, ApiError> {
    let id = own_account(&auth, &account_id)?;
    auth.require(Permission::ManageBilling)?;
    let package = id_field("package", &req.package)?;
    let today = rules::today(st.clock.now());
    Ok(Json(
        rules::preview(st.db.as_ref(), &id, &package, today).await??,
    ))
}

/// Books a package change, exactly as its preview said: an upgrade at once (seat limits raised, a
/// proration invoice for a charge), a downgrade at the period's end. The idempotency key (a UUID) comes in
/// the body's `idempotency_key` or the `Idempotency-Key` header (the body's wins): the same key books once
/// and answers the first booking again, also to parallel requests; a key used for another package is 409.
#[utoipa::path(post, path = "/api/v1/accounts/{account_id}/subscription/change", tag = "subscription", security(("bearer" = [])),
    params(
        ("account_id" = String, Path, description = "The caller's account id"),
        ("Idempotency-Key" = Option<String>, Header, description = "The idempotency key (UUID) when the body has none"),
    ),
    request_body = ChangeRequest,
    responses(
        (status = 200, description = "Booked (or booked before with this key)", body = ChangeBooked),
        (status = 401, description = "No valid session", body = ErrorBody),
        (status = 403, description = "Only Owner and Billing change the package", body = ErrorBody),
        (status = 404, description = "Not the caller's account, or no subscription", body = ErrorBody),
        (status = 409, description = "Licenses over the new limit (`seats_over_limit`, per product), the key used for another change, or the subscription changed meanwhile", body = ErrorBody),
        (status = 422, description = "`package` unknown or current, or no valid idempotency key", body = ErrorBody),
    ))]
pub async fn change(
    State(st): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    auth: AuthUser,
    Path(account_id): Path<String>,
    headers: HeaderMap,
    ApiJson(req): ApiJson<ChangeRequest>,
) -> Result<Json<ChangeBooked>, ApiError> {
    own_account(&auth, &account_id)?;
    auth.require(Permission::ManageBilling)?;
    let package = id_field("package", &req.package)?;
    let key = match req.idempotency_key {
        Some(k) => k,
        None => headers
            .get(IDEMPOTENCY_KEY_HEADER)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
            .ok_or_else(|| {
                ApiError::detailed(ErrorDetail::Field {
                    field: "idempotency_key".to_string(),
                    row: None,
                    problem: FieldProblem::Required,
                })
            })?,
    };
    let actor = actor_of(&st, &auth, peer);
    let today = rules::today(actor.at);
    Ok(Json(
        rules::change(
            st.db.as_ref(),
            &st.config.vendor,
            &actor,
            &package,
            &key,
            today,
        )
        .await??,
    ))
}

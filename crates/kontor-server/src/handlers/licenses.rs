//! `…/accounts/{account_id}/licenses`: the seat pools, and bulk assign/revoke with seat checks (all or nothing).

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Path, State};
use axum::Json;
use kontor_api::{ErrorBody, LicenseChange, LicenseChangeResult, LicensePool, MAX_BATCH};

use crate::auth::{AuthUser, Permission};
use crate::handlers::accounts::own_account;
use crate::handlers::{actor_of, id_field, id_list};
use crate::http_error::{ApiError, ApiJson};
use crate::state::AppState;

async fn pools(st: &AppState, account_id: &str) -> Result<Vec<LicensePool>, ApiError> {
    Ok(st
        .db
        .seats(account_id)
        .await?
        .into_iter()
        .map(|s| LicensePool {
            product_code: s.product_code,
            product_name: s.product_name,
            seats_total: s.seats,
            seats_used: s.used,
        })
        .collect())
}

/// Product codes of an assign or revoke list: at most 50, duplicates removed.
fn codes(field: &str, raw: &[String]) -> Result<Vec<String>, ApiError> {
    if raw.len() > 50 {
        return Err(ApiError::count(
            field,
            0,
            50,
            format!("{field} names too many products"),
        ));
    }
    let mut out: Vec<String> = Vec::with_capacity(raw.len());
    for (i, c) in raw.iter().enumerate() {
        let c = id_field(&format!("{field}[{i}]"), c)?;
        if !out.contains(&c) {
            out.push(c);
        }
    }
    Ok(out)
}

/// Seats per product: bought with the subscription, and used by live users.
#[utoipa::path(get, path = "/api/v1/accounts/{account_id}/licenses", tag = "licenses", security(("bearer" = [])),
    params(("account_id" = String, Path, description = "The caller's account id")),
    responses(
        (status = 200, description = "The seat pools by product code", body = [LicensePool]),
        (status = 401, description = "No valid session", body = ErrorBody),
        (status = 403, description = "The role may not manage licenses", body = ErrorBody),
        (status = 404, description = "Not the caller's account", body = ErrorBody),
    ))]
pub async fn list(
    State(st): State<AppState>,
    auth: AuthUser,
    Path(account_id): Path<String>,
) -> Result<Json<Vec<LicensePool>>, ApiError> {
    let id = own_account(&auth, &account_id)?;
    auth.require(Permission::ManageUsers)?;
    Ok(Json(pools(&st, &id).await?))
}

/// Revoke, then assign licenses for many users at once. If any assigned product would exceed its seats,
/// nothing changes (409 naming the product and the missing seats). Assigning a held license is a no-op.
#[utoipa::path(post, path = "/api/v1/accounts/{account_id}/licenses/change", tag = "licenses", security(("bearer" = [])),
    params(("account_id" = String, Path, description = "The caller's account id")),
    request_body = LicenseChange,
    responses(
        (status = 200, description = "Changed; the pools afterwards", body = LicenseChangeResult),
        (status = 401, description = "No valid session", body = ErrorBody),
        (status = 403, description = "The role may not manage licenses", body = ErrorBody),
        (status = 404, description = "A user is not a live user of the caller's account; nothing changed", body = ErrorBody),
        (status = 409, description = "Not enough seats; nothing changed", body = ErrorBody),
        (status = 422, description = "A field is invalid or a product is not in the subscription", body = ErrorBody),
    ))]
pub async fn change(
    State(st): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    auth: AuthUser,
    Path(account_id): Path<String>,
    ApiJson(req): ApiJson<LicenseChange>,
) -> Result<Json<LicenseChangeResult>, ApiError> {
    let id = own_account(&auth, &account_id)?;
    auth.require(Permission::ManageUsers)?;
    let user_ids = id_list("user_ids", &req.user_ids, MAX_BATCH)?;
    let assign = codes("assign", &req.assign)?;
    let revoke = codes("revoke", &req.revoke)?;
    if assign.is_empty() && revoke.is_empty() {
        return Err(ApiError::detailed(kontor_api::ErrorDetail::NothingToChange));
    }
    let actor = actor_of(&st, &auth, peer);
    let changed = crate::service::users::change_licenses(
        st.db.as_ref(),
        &actor,
        auth.role,
        &user_ids,
        &assign,
        &revoke,
    )
    .await??;
    Ok(Json(LicenseChangeResult {
        changed,
        pools: pools(&st, &id).await?,
    }))
}

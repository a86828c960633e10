//! `…/accounts/{account_id}/locations…`: the account's sites with their user counts (the users list, its
//! forms and the locations page read the same list), create, rename / edit address, and delete with moving
//! the users. Owner and Admin; the rules are in `service::locations`.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Path, State};
use axum::http::StatusCode;
use axum::Json;
use kontor_api::{ErrorBody, LocationDeleted, LocationInfo, LocationInput};
use serde::Deserialize;

use crate::auth::{AuthUser, Permission};
use crate::handlers::accounts::own_account;
use crate::handlers::actor_of;
use crate::http_error::{ApiError, ApiJson, ApiQuery};
use crate::service;
use crate::state::AppState;

/// Where a deleted location's users go.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeleteQuery {
    /// Another location of the account that takes the users; required while the location has users.
    #[param(max_length = 64)]
    pub move_to: Option<String>,
}

/// The account's locations by name, each with its address and number of live users.
#[utoipa::path(get, path = "/api/v1/accounts/{account_id}/locations", tag = "users", security(("bearer" = [])),
    params(("account_id" = String, Path, description = "The caller's account id")),
    responses(
        (status = 200, description = "The locations", body = [LocationInfo]),
        (status = 401, description = "No valid session", body = ErrorBody),
        (status = 403, description = "The role may not manage users", body = ErrorBody),
        (status = 404, description = "Not the caller's account", body = ErrorBody),
    ))]
pub async fn list(
    State(st): State<AppState>,
    auth: AuthUser,
    Path(account_id): Path<String>,
) -> Result<Json<Vec<LocationInfo>>, ApiError> {
    let id = own_account(&auth, &account_id)?;
    auth.require(Permission::ManageUsers)?;
    Ok(Json(st.db.location_infos(&id).await?))
}

/// Create a location. Names are unique per account regardless of case. Audited as `location.created`.
#[utoipa::path(post, path = "/api/v1/accounts/{account_id}/locations", tag = "users", security(("bearer" = [])),
    params(("account_id" = String, Path, description = "The caller's account id")),
    request_body = LocationInput,
    responses(
        (status = 201, description = "Created", body = LocationInfo),
        (status = 401, description = "No valid session", body = ErrorBody),
        (status = 403, description = "The role may not manage users", body = ErrorBody),
        (status = 404, description = "Not the caller's account", body = ErrorBody),
        (status = 409, description = "The account has a location of this name (any case): detail `location_name_taken`", body = ErrorBody),
        (status = 422, description = "A field is empty, too long or has control, bidi or zero-width characters", body = ErrorBody),
    ))]
pub async fn create(
    State(st): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    auth: AuthUser,
    Path(account_id): Path<String>,
    ApiJson(input): ApiJson<LocationInput>,
) -> Result<(StatusCode, Json<LocationInfo>), ApiError> {
    own_account(&auth, &account_id)?;
    auth.require(Permission::ManageUsers)?;
    let actor = actor_of(&st, &auth, peer);
    let created = service::locations::create(st.db.as_ref(), &actor, &input).await??;
    Ok((StatusCode::CREATED, Json(created)))
}

/// Rename a location and/or change its address (the whole input is the new state). Audited as
/// `location.renamed` and/or `location.updated`.
#[utoipa::path(patch, path = "/api/v1/accounts/{account_id}/locations/{location_id}", tag = "users", security(("bearer" = [])),
    params(("account_id" = String, Path, description = "The caller's account id"),
           ("location_id" = String, Path, description = "A location of the account")),
    request_body = LocationInput,
    responses(
        (status = 200, description = "Changed", body = LocationInfo),
        (status = 401, description = "No valid session", body = ErrorBody),
        (status = 403, description = "The role may not manage users", body = ErrorBody),
        (status = 404, description = "No such location in the caller's account", body = ErrorBody),
        (status = 409, description = "Another location has this name (any case): detail `location_name_taken`", body = ErrorBody),
        (status = 422, description = "A field is empty, too long or has control, bidi or zero-width characters", body = ErrorBody),
    ))]
pub async fn update(
    State(st): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    auth: AuthUser,
    Path((account_id, location_id)): Path<(String, String)>,
    ApiJson(input): ApiJson<LocationInput>,
) -> Result<Json<LocationInfo>, ApiError> {
    own_account(&auth, &account_id)?;
    auth.require(Permission::ManageUsers)?;
    let actor = actor_of(&st, &auth, peer);
    let changed =
        service::locations::update(st.db.as_ref(), &actor, &location_id, &input).await??;
    Ok(Json(changed))
}

/// Delete a location. While it has users, `move_to` must name another location of the account: the users
/// move there and the location goes in one transaction. Audited as `location.deleted`.
#[utoipa::path(delete, path = "/api/v1/accounts/{account_id}/locations/{location_id}", tag = "users", security(("bearer" = [])),
    params(("account_id" = String, Path, description = "The caller's account id"),
           ("location_id" = String, Path, description = "A location of the account"),
           DeleteQuery),
    responses(
        (status = 200, description = "Deleted; how many users moved", body = LocationDeleted),
        (status = 401, description = "No valid session", body = ErrorBody),
        (status = 403, description = "The role may not manage users", body = ErrorBody),
        (status = 404, description = "No such location in the caller's account", body = ErrorBody),
        (status = 409, description = "The location has users and no `move_to`: detail `location_has_users` with their number", body = ErrorBody),
        (status = 422, description = "`move_to` is not another location of the account", body = ErrorBody),
    ))]
pub async fn delete(
    State(st): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    auth: AuthUser,
    Path((account_id, location_id)): Path<(String, String)>,
    ApiQuery(q): ApiQuery<DeleteQuery>,
) -> Result<Json<LocationDeleted>, ApiError> {
    own_account(&auth, &account_id)?;
    auth.require(Permission::ManageUsers)?;
    let actor = actor_of(&st, &auth, peer);
    let moved =
        service::locations::delete(st.db.as_ref(), &actor, &location_id, q.move_to.as_deref())
            .await??;
    Ok(Json(LocationDeleted { moved_users: moved }))
}

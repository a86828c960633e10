//! `GET …/accounts/{account_id}/locations`: the account's sites, for the users list and forms.

use axum::extract::{Path, State};
use axum::Json;
use kontor_api::{ErrorBody, Location};

use crate::auth::{AuthUser, Permission};
use crate::handlers::accounts::own_account;
use crate::http_error::ApiError;
use crate::state::AppState;

/// The account's locations by name.
#[utoipa::path(get, path = "/api/v1/accounts/{account_id}/locations", tag = "users", security(("bearer" = [])),
    params(("account_id" = String, Path, description = "The caller's account id")),
    responses(
        (status = 200, description = "The locations", body = [Location]),
        (status = 401, description = "No valid session", body = ErrorBody),
        (status = 403, description = "The role may not manage users", body = ErrorBody),
        (status = 404, description = "Not the caller's account", body = ErrorBody),
    ))]
pub async fn list(
    State(st): State<AppState>,
    auth: AuthUser,
    Path(account_id): Path<String>,
) -> Result<Json<Vec<Location>>, ApiError> {
    let id = own_account(&auth, &account_id)?;
    auth.require(Permission::ManageUsers)?;
    Ok(Json(st.db.locations(&id).await?))
}

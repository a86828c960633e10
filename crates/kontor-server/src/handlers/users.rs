//! `…/accounts/{account_id}/users…`: list (filter, sort, keyset pages), bulk create (all or nothing), read,
//! edit, reset password, soft delete, restore, and import batches. Owner and Admin only; an Admin cannot touch
//! the Owner (the rules are in `service::users`). Temporary passwords are returned once and stored only as
//! salted SHA-256 (`credentials::hash_temp_password`).

use std::collections::HashSet;
use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Path, State};
use axum::http::StatusCode;
use axum::Json;
use base64::Engine;
use kontor_api::validate;
use kontor_api::{
    CreateUsers, CreateUsersResult, ErrorBody, ExistingEmails, ExistingEmailsRequest, FieldProblem,
    ImportBatch, ImportBatchResult, RestoreResult, RestoreUsers, TemporaryPassword, UpdateUser,
    UserPage, UserQuery, UserSort, UserSummary, MAX_BATCH, MAX_EXISTING_EMAILS,
};
use serde_json::json;

use crate::auth::{AuthUser, Permission};
use crate::db::users::{SortValue, UserFilter};
use crate::handlers::accounts::own_account;
use crate::handlers::{actor_of, id_field, id_list};
use crate::http_error::{ApiError, ApiJson, ApiQuery};
use crate::service;
use crate::state::AppState;

fn invalid(field: &str, problem: FieldProblem, message: impl Into<String>) -> ApiError {
    ApiError::invalid_field(field, problem, message)
}

fn sort_name(sort: UserSort) -> &'static str {
    match sort {
        UserSort::Name => "name",
        UserSort::Email => "email",
        UserSort::Role => "role",
        UserSort::Location => "location",
        UserSort::Created => "created",
    }
}

/// The opaque cursor: base64url of `{"s": sort, "d": desc, "v": sort value, "i": id}`.
fn encode_cursor(sort: UserSort, desc: bool, key: &(SortValue, String)) -> String {
    let v = match &key.0 {
        SortValue::Text(s) => json!(s),
        SortValue::Int(i) => json!(i),
    };
    let doc = json!({"s": sort_name(sort), "d": desc, "v": v, "i": key.1});
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(doc.to_string())
}

fn decode_cursor(raw: &str, sort: UserSort, desc: bool) -> Result<(SortValue, String), ApiError> {
    let bad = || {
        invalid(
            "after",
            FieldProblem::Invalid,
            "after is not a cursor of this list (sort and order must stay the same)",
        )
    };
    if raw.len() > 1024 {
        return Err(bad());
    }
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(raw.trim())
        .map_err(|_| bad())?;
    let doc: serde_json::Value = serde_json::from_slice(&bytes).map_err(|_| bad())?;
    if doc["s"].as_str() != Some(sort_name(sort)) || doc["d"].as_bool() != Some(desc) {
        return Err(bad());
    }
    let id = doc["i"].as_str().ok_or_else(bad)?.to_string();
    let v = if sort == UserSort::Created {
        SortValue::Int(doc["v"].as_i64().ok_or_else(bad)?)
    } else {
        SortValue::Text(doc["v"].as_str().ok_or_else(bad)?.to_string())
    };
    Ok((v, id))
}

fn filter_of(q: &UserQuery) -> Result<UserFilter, ApiError> {
    let text = q.q.as_deref().map(str::trim).filter(|s| !s.is_empty());
    if let Some(t) = text {
        if t.chars().count() > 200 {
            return Err(invalid("q", FieldProblem::TooLong, "q is too long"));
        }
        if t.chars().any(char::is_control) {
            return Err(invalid("q", FieldProblem::Invalid, "q is not valid"));
        }
    }
    let opt_code = |field: &str, v: &Option<String>| -> Result<Option<String>, ApiError> {
        match v.as_deref().map(str::trim) {
            None | Some("") => Ok(None),
            Some(s) => id_field(field, s).map(Some),
        }
    };
    let limit = q.limit.unwrap_or(100);
    if !(1..=500).contains(&limit) {
        return Err(invalid(
            "limit",
            FieldProblem::OutOfRange,
            "limit must be between 1 and 500",
        ));
    }
    Ok(UserFilter {
        q: text.map(str::to_lowercase),
        role: q.role,
        license: opt_code("license", &q.license)?,
        location_id: opt_code("location_id", &q.location_id)?,
        status: q.status,
        sort: q.sort,
        desc: q.desc,
        after: match q.after.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(c) => Some(decode_cursor(c, q.sort, q.desc)?),
        },
        limit,
    })
}

/// The account's users: filtered, sorted, one keyset page at a time.
#[utoipa::path(get, path = "/api/v1/accounts/{account_id}/users", tag = "users", security(("bearer" = [])),
    params(("account_id" = String, Path, description = "The caller's account id"), UserQuery),
    responses(
        (status = 200, description = "One page of users", body = UserPage),
        (status = 401, description = "No valid session", body = ErrorBody),
        (status = 403, description = "The role may not manage users", body = ErrorBody),
        (status = 404, description = "Not the caller's account", body = ErrorBody),
        (status = 422, description = "A query parameter is invalid", body = ErrorBody),
    ))]
pub async fn list(
    State(st): State<AppState>,
    auth: AuthUser,
    Path(account_id): Path<String>,
    ApiQuery(q): ApiQuery<UserQuery>,
) -> Result<Json<UserPage>, ApiError> {
    let id = own_account(&auth, &account_id)?;
    auth.require(Permission::ManageUsers)?;
    let filter = filter_of(&q)?;
    let page = st.db.list_users(&id, &filter).await?;
    let next = match (&page.last_key, page.has_more) {
        (Some(k), true) => Some(encode_cursor(q.sort, q.desc, k)),
        _ => None,
    };
    Ok(Json(UserPage {
        users: page.users,
        next,
        total: page.total,
        deleted_count: page.deleted_count,
    }))
}

/// Create users, all or none, each with a temporary password (returned once).
#[utoipa::path(post, path = "/api/v1/accounts/{account_id}/users", tag = "users", security(("bearer" = [])),
    params(("account_id" = String, Path, description = "The caller's account id")),
    request_body = CreateUsers,
    responses(
        (status = 200, description = "All users created", body = CreateUsersResult),
        (status = 401, description = "No valid session", body = ErrorBody),
        (status = 403, description = "The role may not manage users", body = ErrorBody),
        (status = 404, description = "Not the caller's account", body = ErrorBody),
        (status = 409, description = "An e-mail address is in use, or not enough seats; nothing created", body = ErrorBody),
        (status = 422, description = "A field is invalid (`users[i].field …`); nothing created", body = ErrorBody),
    ))]
pub async fn create(
    State(st): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    auth: AuthUser,
    Path(account_id): Path<String>,
    ApiJson(req): ApiJson<CreateUsers>,
) -> Result<Json<CreateUsersResult>, ApiError> {
    own_account(&auth, &account_id)?;
    auth.require(Permission::ManageUsers)?;
    let actor = actor_of(&st, &auth, peer);
    let created =
        service::users::create_users(st.db.as_ref(), &actor, auth.role, &req.users, MAX_BATCH)
            .await??;
    Ok(Json(CreateUsersResult { created }))
}

/// Commit one batch of an import. A batch already committed (same `import_id` and `batch`) creates nothing
/// and answers `already_done` with fresh temporary passwords for its users who have not signed in yet.
#[utoipa::path(post, path = "/api/v1/accounts/{account_id}/users/import", tag = "users", security(("bearer" = [])),
    params(("account_id" = String, Path, description = "The caller's account id")),
    request_body = ImportBatch,
    responses(
        (status = 200, description = "The batch is committed (now or before)", body = ImportBatchResult),
        (status = 401, description = "No valid session", body = ErrorBody),
        (status = 403, description = "The role may not manage users", body = ErrorBody),
        (status = 404, description = "Not the caller's account", body = ErrorBody),
        (status = 409, description = "An e-mail address is in use, or not enough seats; nothing created", body = ErrorBody),
        (status = 422, description = "A field is invalid; nothing created", body = ErrorBody),
    ))]
pub async fn import_batch(
    State(st): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    auth: AuthUser,
    Path(account_id): Path<String>,
    ApiJson(req): ApiJson<ImportBatch>,
) -> Result<Json<ImportBatchResult>, ApiError> {
    own_account(&auth, &account_id)?;
    auth.require(Permission::ManageUsers)?;
    let actor = actor_of(&st, &auth, peer);
    let result = service::users::commit_import_batch(
        st.db.as_ref(),
        &actor,
        auth.role,
        &req.import_id,
        req.batch,
        &req.users,
        true,
    )
    .await??;
    st.search_index.poke();
    Ok(Json(result))
}

/// Which of the given e-mail addresses a live user of the caller's account already has (other accounts'
/// addresses are never revealed). For the import preview. Invalid entries are ignored.
#[utoipa::path(post, path = "/api/v1/accounts/{account_id}/users/existing", tag = "users", security(("bearer" = [])),
    params(("account_id" = String, Path, description = "The caller's account id")),
    request_body = ExistingEmailsRequest,
    responses(
        (status = 200, description = "The taken addresses among the request's, lower case, sorted", body = ExistingEmails),
        (status = 401, description = "No valid session", body = ErrorBody),
        (status = 403, description = "The role may not manage users", body = ErrorBody),
        (status = 404, description = "Not the caller's account", body = ErrorBody),
        (status = 413, description = "The body is larger than 32 MiB", body = ErrorBody),
        (status = 422, description = "emails is empty or names more than 200,000 entries", body = ErrorBody),
    ))]
pub async fn existing_emails(
    State(st): State<AppState>,
    auth: AuthUser,
    Path(account_id): Path<String>,
    ApiJson(req): ApiJson<ExistingEmailsRequest>,
) -> Result<Json<ExistingEmails>, ApiError> {
    own_account(&auth, &account_id)?;
    auth.require(Permission::ManageUsers)?;
    if req.emails.is_empty() || req.emails.len() > MAX_EXISTING_EMAILS {
        return Err(ApiError::count(
            "emails",
            1,
            MAX_EXISTING_EMAILS,
            format!("emails must name between 1 and {MAX_EXISTING_EMAILS} addresses"),
        ));
    }
    let mut seen = HashSet::with_capacity(req.emails.len());
    let emails: Vec<String> = req
        .emails
        .iter()
        .filter_map(|e| validate::email("email", e).ok())
        .filter(|e| seen.insert(e.clone()))
        .collect();
    // Only the caller's own account: which addresses other customers use is none of its business.
    let existing = st
        .db
        .existing_emails(Some(&auth.account_id), &emails)
        .await?;
    Ok(Json(ExistingEmails { existing }))
}

/// One user of the account (live or deleted).
#[utoipa::path(get, path = "/api/v1/accounts/{account_id}/users/{user_id}", tag = "users", security(("bearer" = [])),
    params(("account_id" = String, Path, description = "The caller's account id"),
           ("user_id" = String, Path, description = "A user of the account")),
    responses(
        (status = 200, description = "The user", body = UserSummary),
        (status = 401, description = "No valid session", body = ErrorBody),
        (status = 403, description = "The role may not manage users", body = ErrorBody),
        (status = 404, description = "No such user in the caller's account", body = ErrorBody),
    ))]
pub async fn get_user(
    State(st): State<AppState>,
    auth: AuthUser,
    Path((account_id, user_id)): Path<(String, String)>,
) -> Result<Json<UserSummary>, ApiError> {
    let account = own_account(&auth, &account_id)?;
    auth.require(Permission::ManageUsers)?;
    let user = st
        .db
        .user_summary(&account, &user_id)
        .await?
        .ok_or_else(|| ApiError::not_found(kontor_api::Resource::User))?;
    Ok(Json(user))
}

/// Change name, role or location. Only the Owner can make someone Owner (ownership moves: the Owner becomes
/// Admin) or change the Owner.
#[utoipa::path(patch, path = "/api/v1/accounts/{account_id}/users/{user_id}", tag = "users", security(("bearer" = [])),
    params(("account_id" = String, Path, description = "The caller's account id"),
           ("user_id" = String, Path, description = "A live user of the account")),
    request_body = UpdateUser,
    responses(
        (status = 200, description = "The changed user", body = UserSummary),
        (status = 401, description = "No valid session", body = ErrorBody),
        (status = 403, description = "The role may not do this (e.g. an Admin editing the Owner)", body = ErrorBody),
        (status = 404, description = "No such live user in the caller's account", body = ErrorBody),
        (status = 409, description = "The Owner cannot demote themselves", body = ErrorBody),
        (status = 422, description = "A field is invalid", body = ErrorBody),
    ))]
pub async fn update_user(
    State(st): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    auth: AuthUser,
    Path((account_id, user_id)): Path<(String, String)>,
    ApiJson(req): ApiJson<UpdateUser>,
) -> Result<Json<UserSummary>, ApiError> {
    own_account(&auth, &account_id)?;
    auth.require(Permission::ManageUsers)?;
    let actor = actor_of(&st, &auth, peer);
    let user =
        service::users::update_user(st.db.as_ref(), &actor, auth.role, &user_id, &req).await??;
    Ok(Json(user))
}

/// A new temporary password for the user (shown once); their sessions end and they must change it.
#[utoipa::path(post, path = "/api/v1/accounts/{account_id}/users/{user_id}/reset-password", tag = "users",
    security(("bearer" = [])),
    params(("account_id" = String, Path, description = "The caller's account id"),
           ("user_id" = String, Path, description = "A live user of the account")),
    responses(
        (status = 200, description = "The new temporary password", body = TemporaryPassword),
        (status = 401, description = "No valid session", body = ErrorBody),
        (status = 403, description = "The role may not do this (e.g. an Admin resetting the Owner)", body = ErrorBody),
        (status = 404, description = "No such live user in the caller's account", body = ErrorBody),
    ))]
pub async fn reset_password(
    State(st): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    auth: AuthUser,
    Path((account_id, user_id)): Path<(String, String)>,
) -> Result<Json<TemporaryPassword>, ApiError> {
    own_account(&auth, &account_id)?;
    auth.require(Permission::ManageUsers)?;
    let actor = actor_of(&st, &auth, peer);
    let password =
        service::users::reset_password(st.db.as_ref(), &actor, auth.role, &user_id).await??;
    Ok(Json(TemporaryPassword {
        temporary_password: password,
    }))
}

/// Soft-delete a user: restorable for 30 days; sessions end; their licenses stop counting as used seats.
#[utoipa::path(delete, path = "/api/v1/accounts/{account_id}/users/{user_id}", tag = "users", security(("bearer" = [])),
    params(("account_id" = String, Path, description = "The caller's account id"),
           ("user_id" = String, Path, description = "A live user of the account")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "No valid session", body = ErrorBody),
        (status = 403, description = "The role may not manage users, or the user is the Owner", body = ErrorBody),
        (status = 404, description = "No such live user in the caller's account", body = ErrorBody),
        (status = 409, description = "Nobody can delete themselves", body = ErrorBody),
    ))]
pub async fn delete_user(
    State(st): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    auth: AuthUser,
    Path((account_id, user_id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    own_account(&auth, &account_id)?;
    auth.require(Permission::ManageUsers)?;
    let actor = actor_of(&st, &auth, peer);
    service::users::delete_user(st.db.as_ref(), &actor, auth.role, &user_id).await??;
    Ok(StatusCode::NO_CONTENT)
}

/// Restore users deleted less than 30 days ago, with their former licenses where seats are free.
#[utoipa::path(post, path = "/api/v1/accounts/{account_id}/users/restore", tag = "users", security(("bearer" = [])),
    params(("account_id" = String, Path, description = "The caller's account id")),
    request_body = RestoreUsers,
    responses(
        (status = 200, description = "All named users restored", body = RestoreResult),
        (status = 401, description = "No valid session", body = ErrorBody),
        (status = 403, description = "The role may not manage users", body = ErrorBody),
        (status = 404, description = "A user is unknown, not deleted, or deleted too long ago; nothing restored", body = ErrorBody),
        (status = 409, description = "A user's e-mail address is in use by another user; nothing restored", body = ErrorBody),
        (status = 422, description = "The list is empty or too long", body = ErrorBody),
    ))]
pub async fn restore(
    State(st): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    auth: AuthUser,
    Path(account_id): Path<String>,
    ApiJson(req): ApiJson<RestoreUsers>,
) -> Result<Json<RestoreResult>, ApiError> {
    own_account(&auth, &account_id)?;
    auth.require(Permission::ManageUsers)?;
    let ids = id_list("user_ids", &req.user_ids, MAX_BATCH)?;
    let actor = actor_of(&st, &auth, peer);
    let restored = service::users::restore_users(st.db.as_ref(), &actor, auth.role, &ids).await??;
    Ok(Json(RestoreResult { restored }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_are_bound_to_their_order() {
        let k = (SortValue::Text("anna".into()), "id-1".to_string());
        let c = encode_cursor(UserSort::Name, false, &k);
        assert_eq!(decode_cursor(&c, UserSort::Name, false).unwrap(), k);
        assert!(decode_cursor(&c, UserSort::Name, true).is_err());
        assert!(decode_cursor(&c, UserSort::Email, false).is_err());
        let k = (SortValue::Int(42), "id-2".to_string());
        let c = encode_cursor(UserSort::Created, true, &k);
        assert_eq!(decode_cursor(&c, UserSort::Created, true).unwrap(), k);
        assert!(decode_cursor("garbage!", UserSort::Name, false).is_err());
    }
}

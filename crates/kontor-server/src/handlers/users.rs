//! `…/accounts/{account_id}/users…`: list (filter, sort, keyset pages), bulk create (all or nothing), read,
//! edit, reset password, soft delete, restore, and import batches. Owner and Admin only; an Admin cannot touch
//! the Owner. Temporary passwords are returned once and stored only as salted SHA-256 (`auth::hash_temp_password`).

use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Path, State};
use axum::http::StatusCode;
use axum::Json;
use base64::Engine;
use kontor_api::validate;
use kontor_api::{
    CreateUsers, CreateUsersResult, CreatedUser, ErrorBody, ErrorCode, ExistingEmails,
    ExistingEmailsRequest, ImportBatch, ImportBatchResult, NewUser, RestoreResult, RestoreUsers,
    Role, TemporaryPassword, UpdateUser, UserPage, UserQuery, UserSort, UserSummary, MAX_BATCH,
    MAX_EXISTING_EMAILS, MAX_IMPORT_BATCH,
};
use serde_json::json;

use crate::auth::{hash_temp_password, new_temp_password, AuthUser, Permission};
use crate::db::users::{Actor, Created, ImportKey, NewUserRow, SortValue, UserEdit, UserFilter};
use crate::db::{Database, DbError};
use crate::error::{ApiError, ApiJson, ApiQuery};
use crate::handlers::accounts::own_account;
use crate::handlers::{actor_of, id_field, id_list};
use crate::state::AppState;

const MAX_LICENSES_PER_USER: usize = 50;

fn invalid(message: impl Into<String>) -> ApiError {
    ApiError::new(ErrorCode::Validation, message)
}

fn forbidden(message: &str) -> ApiError {
    ApiError::new(ErrorCode::Forbidden, message)
}

fn conflict(message: impl Into<String>) -> ApiError {
    ApiError::new(ErrorCode::Conflict, message)
}

/// A uniqueness clash the pre-checks could not see (a concurrent request): still a 409.
fn db_conflict(e: DbError) -> ApiError {
    match e {
        DbError::Conflict(_) => conflict("an e-mail address is already in use"),
        other => other.into(),
    }
}

/// Product codes and location ids from a body: short, printable.
fn code_field(field: &str, raw: &str) -> Result<String, ApiError> {
    id_field(field, raw)
}

/// Validates the users of a create or import request (`users[i].field …` messages) and gives each a
/// temporary password. Answers the rows to store and the answer to send.
fn prepare_new_users(
    users: &[NewUser],
    max: usize,
) -> Result<(Vec<NewUserRow>, Vec<CreatedUser>), ApiError> {
    if users.is_empty() || users.len() > max {
        return Err(invalid(format!(
            "users must name between 1 and {max} users"
        )));
    }
    let mut rows = Vec::with_capacity(users.len());
    let mut created = Vec::with_capacity(users.len());
    let mut seen = HashSet::with_capacity(users.len());
    for (i, u) in users.iter().enumerate() {
        let email =
            validate::email("email", &u.email).map_err(|e| invalid(format!("users[{i}].{e}")))?;
        let display_name = validate::display_name("display_name", &u.display_name)
            .map_err(|e| invalid(format!("users[{i}].{e}")))?;
        if u.role == Role::Owner {
            return Err(invalid(format!(
                "users[{i}].role cannot be owner: an account has one owner"
            )));
        }
        let location_id = match u.location_id.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(l) => Some(code_field(&format!("users[{i}].location_id"), l)?),
        };
        if u.licenses.len() > MAX_LICENSES_PER_USER {
            return Err(invalid(format!(
                "users[{i}].licenses names too many products"
            )));
        }
        let mut licenses = Vec::with_capacity(u.licenses.len());
        for (j, c) in u.licenses.iter().enumerate() {
            let c = code_field(&format!("users[{i}].licenses[{j}]"), c)?;
            if !licenses.contains(&c) {
                licenses.push(c);
            }
        }
        if !seen.insert(email.clone()) {
            return Err(conflict(format!(
                "the e-mail address {email} is given more than once"
            )));
        }
        let id = uuid::Uuid::new_v4().to_string();
        let password = new_temp_password();
        rows.push(NewUserRow {
            id: id.clone(),
            email: email.clone(),
            display_name: display_name.clone(),
            role: u.role,
            location_id,
            licenses,
            temp_password_hash: hash_temp_password(&password),
        });
        created.push(CreatedUser {
            id,
            email,
            display_name,
            temporary_password: password,
        });
    }
    Ok((rows, created))
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
    let bad = || invalid("after is not a cursor of this list (sort and order must stay the same)");
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
            return Err(invalid("q is too long"));
        }
        if t.chars().any(char::is_control) {
            return Err(invalid("q is not valid"));
        }
    }
    let opt_code = |field: &str, v: &Option<String>| -> Result<Option<String>, ApiError> {
        match v.as_deref().map(str::trim) {
            None | Some("") => Ok(None),
            Some(s) => code_field(field, s).map(Some),
        }
    };
    let limit = q.limit.unwrap_or(100);
    if !(1..=500).contains(&limit) {
        return Err(invalid("limit must be between 1 and 500"));
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
    let (rows, created) = prepare_new_users(&req.users, MAX_BATCH)?;
    let actor = actor_of(&st, &auth, peer);
    st.db
        .create_users(&actor, &rows, None)
        .await
        .map_err(db_conflict)??;
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
    let result = commit_import_batch(
        st.db.as_ref(),
        &actor,
        &req.import_id,
        req.batch,
        &req.users,
    )
    .await?;
    Ok(Json(result))
}

/// The one commit path of an import batch, for the endpoint and for `kontor-server users import`: validates
/// the users, creates them in one transaction recorded as `(import_id, batch)` of `actor.account_id`, or, if
/// that batch was committed before, reissues temporary passwords to its users who have not signed in yet.
pub(crate) async fn commit_import_batch(
    db: &dyn Database,
    actor: &Actor,
    import_id: &str,
    batch: u32,
    users: &[NewUser],
) -> Result<ImportBatchResult, ApiError> {
    let import_id = import_id.trim();
    if import_id.is_empty()
        || import_id.len() > 64
        || !import_id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(invalid(
            "import_id is not valid (1 to 64 of A-Z a-z 0-9 - _)",
        ));
    }
    let key = ImportKey {
        import_id: import_id.to_string(),
        batch,
    };
    let (rows, created) = prepare_new_users(users, MAX_IMPORT_BATCH)?;
    let outcome = db
        .create_users(actor, &rows, Some(&key))
        .await
        .map_err(db_conflict)??;
    if outcome == Created::Created {
        return Ok(ImportBatchResult {
            created,
            already_done: false,
        });
    }
    // Retry of a committed batch: new temporary passwords for those who have not signed in yet, in the
    // order of the request.
    let order: HashMap<&str, usize> = rows
        .iter()
        .enumerate()
        .map(|(i, r)| (r.email.as_str(), i))
        .collect();
    let mut pending = db.import_pending(&actor.account_id, &key).await?;
    pending.sort_by_key(|p| order.get(p.email.as_str()).copied().unwrap_or(usize::MAX));
    let mut hashes = Vec::with_capacity(pending.len());
    let mut again = Vec::with_capacity(pending.len());
    for p in pending {
        let password = new_temp_password();
        hashes.push((p.id.clone(), hash_temp_password(&password)));
        again.push(CreatedUser {
            id: p.id,
            email: p.email,
            display_name: p.display_name,
            temporary_password: password,
        });
    }
    let events = vec![(
        "user.import_batch_retried".to_string(),
        format!(
            "import {} batch {}: {} temporary passwords reissued",
            key.import_id,
            key.batch,
            again.len()
        ),
    )];
    db.set_temp_passwords(actor, &hashes, &events).await?;
    Ok(ImportBatchResult {
        created: again,
        already_done: true,
    })
}

/// Which of the given e-mail addresses a live user of the portal already has (any account: addresses are
/// unique portal-wide; the answer does not say whose). For the import preview. Invalid entries are ignored.
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
        return Err(invalid(format!(
            "emails must name between 1 and {MAX_EXISTING_EMAILS} addresses"
        )));
    }
    let mut seen = HashSet::with_capacity(req.emails.len());
    let emails: Vec<String> = req
        .emails
        .iter()
        .filter_map(|e| validate::email("email", e).ok())
        .filter(|e| seen.insert(e.clone()))
        .collect();
    let existing = st.db.existing_emails(&emails).await?;
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
        .ok_or_else(|| ApiError::not_found("user"))?;
    Ok(Json(user))
}

/// A live user of the caller's account, else 404.
async fn live_target(
    st: &AppState,
    account: &str,
    user_id: &str,
) -> Result<crate::db::UserRecord, ApiError> {
    st.db
        .user_by_id(account, user_id)
        .await?
        .filter(|u| u.deleted_at.is_none())
        .ok_or_else(|| ApiError::not_found("user"))
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
    let account = own_account(&auth, &account_id)?;
    auth.require(Permission::ManageUsers)?;
    let display_name = validate::display_name("display_name", &req.display_name)?;
    let location_id = match req.location_id.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(l) => Some(code_field("location_id", l)?),
    };
    let target = live_target(&st, &account, &user_id).await?;
    let mut demote_actor = false;
    if auth.role != Role::Owner {
        if target.role == Role::Owner {
            return Err(forbidden("only the owner can change the owner"));
        }
        if req.role == Role::Owner {
            return Err(forbidden("only the owner can make someone owner"));
        }
    } else if target.id == auth.user_id {
        if req.role != Role::Owner {
            return Err(conflict(
                "the owner cannot give up the owner role; make another user owner instead",
            ));
        }
    } else if req.role == Role::Owner {
        demote_actor = true;
    }
    let edit = UserEdit {
        display_name,
        role: req.role,
        location_id,
        demote_actor,
    };
    let actor = actor_of(&st, &auth, peer);
    st.db.update_user(&actor, &target.id, &edit).await??;
    let user = st
        .db
        .user_summary(&account, &target.id)
        .await?
        .ok_or_else(|| ApiError::not_found("user"))?;
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
    let account = own_account(&auth, &account_id)?;
    auth.require(Permission::ManageUsers)?;
    let target = live_target(&st, &account, &user_id).await?;
    if target.role == Role::Owner && auth.role != Role::Owner {
        return Err(forbidden("only the owner can reset the owner's password"));
    }
    let password = new_temp_password();
    let actor = actor_of(&st, &auth, peer);
    st.db
        .set_temp_passwords(
            &actor,
            &[(target.id.clone(), hash_temp_password(&password))],
            &[("user.password_reset".to_string(), target.email.clone())],
        )
        .await?;
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
    let account = own_account(&auth, &account_id)?;
    auth.require(Permission::ManageUsers)?;
    let target = live_target(&st, &account, &user_id).await?;
    if target.id == auth.user_id {
        return Err(conflict("you cannot delete yourself"));
    }
    if target.role == Role::Owner {
        return Err(forbidden("the owner cannot be deleted"));
    }
    let actor = actor_of(&st, &auth, peer);
    st.db.soft_delete_user(&actor, &target.id).await??;
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
    let restored = st.db.restore_users(&actor, &ids).await??;
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

    #[test]
    fn new_users_are_validated_with_index_and_field() {
        let u = |email: &str, role| NewUser {
            email: email.into(),
            display_name: "Anna".into(),
            role,
            location_id: None,
            licenses: vec![],
        };
        let err =
            prepare_new_users(&[u("a@x.de", Role::User), u("nope", Role::User)], 10).unwrap_err();
        assert_eq!(err.message, "users[1].email is not a valid e-mail address");
        let err = prepare_new_users(&[u("a@x.de", Role::Owner)], 10).unwrap_err();
        assert!(err.message.starts_with("users[0].role"), "{}", err.message);
        let err =
            prepare_new_users(&[u("a@x.de", Role::User), u("A@x.de", Role::User)], 10).unwrap_err();
        assert_eq!(err.code, ErrorCode::Conflict);
        assert!(prepare_new_users(&[], 10).is_err());
        let (rows, created) = prepare_new_users(&[u(" B@X.de ", Role::Admin)], 10).unwrap();
        assert_eq!(rows[0].email, "b@x.de");
        assert!(crate::auth::verify_temp_password(
            &rows[0].temp_password_hash,
            &created[0].temporary_password
        ));
    }
}

//! The users rules: validating new users and giving them temporary passwords, creating them (all or
//! nothing), committing an import batch once (an endpoint retry reissues passwords, a CLI re-run does not), and the owner rules of editing,
//! resetting and deleting users, and the role matrix ([`may_manage`]): the Owner manages Admins and Users,
//! an Admin manages Users only (and their own name, location and licenses); only the Owner makes someone
//! Owner (ownership moves, the Owner becomes Admin) or Admin; nobody demotes or deletes themselves.

use std::collections::{HashMap, HashSet};

use kontor_api::{
    validate, CreatedUser, ErrorDetail, ImportBatchResult, NewUser, OwnerAction, Resource, Role,
    UpdateUser, UserSummary, MAX_IMPORT_BATCH,
};

use crate::credentials::{hash_temp_password, new_temp_password};
use crate::db::users::{Created, ImportKey, NewUserRow, UserEdit};
use crate::db::{Database, UserRecord};
use crate::domain::ids::{now_millis, time_ordered_ids};
use crate::domain::{Actor, Outcome, Refusal};
use crate::error::DbError;
use crate::service::{id_field, id_field_at, row_u32};

const MAX_LICENSES_PER_USER: usize = 50;

/// Early return of a refusal from a function answering an [`Outcome`].
macro_rules! refuse_if_err {
    ($e:expr) => {
        match $e {
            Ok(v) => v,
            Err(r) => return Ok(Err(r)),
        }
    };
}

/// A field of entry `i` of a users list broke a rule: `users[i].field …`.
fn invalid_at(i: usize, e: validate::FieldError) -> Refusal {
    Refusal::Detailed(e.detail(Some(row_u32(i))), format!("users[{i}].{e}"))
}

fn user_not_found() -> Refusal {
    Refusal::because(ErrorDetail::NotFound {
        what: Resource::User,
    })
}

/// A uniqueness clash the pre-checks could not see (a concurrent request): still a conflict.
fn email_conflict<T>(r: Result<Result<T, Refusal>, DbError>) -> Outcome<T> {
    match r {
        Err(DbError::Conflict(_)) => Ok(Err(Refusal::because(ErrorDetail::EmailInUse {
            email: None,
        }))),
        other => other,
    }
}

fn owner_only(action: OwnerAction) -> Refusal {
    Refusal::because(ErrorDetail::OwnerOnly { action })
}

/// The role matrix: may an actor of `actor_role` manage (edit, reset, delete, restore, change the licenses
/// of) `target`? The Owner manages everyone; an Admin manages Users and Billing users, and themselves only where `own` is
/// allowed (name, location, licenses — not a password reset or a delete); a User manages nobody.
pub fn may_manage(
    actor: &Actor,
    actor_role: Role,
    target: &UserRecord,
    own: bool,
) -> Result<(), Refusal> {
    let is_self = target.id == actor.user_id && actor.system.is_none();
    match actor_role {
        Role::Owner | Role::Admin if is_self && !own => {
            Err(Refusal::because(ErrorDetail::UseOwnPasswordChange))
        }
        Role::Owner => Ok(()),
        Role::Admin if !is_privileged(target.role) => Ok(()),
        Role::Admin if is_self && own => Ok(()),
        Role::Admin if target.role == Role::Owner => Err(owner_only(OwnerAction::Change)),
        Role::Admin => Err(owner_only(OwnerAction::ManageAdmins)),
        Role::Billing | Role::User => Err(Refusal::because(ErrorDetail::RoleNotAllowed)),
    }
}

/// Owner and Admin: the roles only the Owner gives, changes or manages.
fn is_privileged(role: Role) -> bool {
    matches!(role, Role::Owner | Role::Admin)
}

/// Only the Owner creates Admins (and nobody creates an Owner: `prepare_new_users` refuses that).
fn may_create(actor_role: Role, users: &[NewUser]) -> Result<(), Refusal> {
    match users.iter().position(|u| u.role == Role::Admin) {
        Some(i) if actor_role != Role::Owner => Err(Refusal::Detailed(
            ErrorDetail::OwnerOnly {
                action: OwnerAction::MakeAdmin,
            },
            format!("users[{i}].role: only the owner can make someone admin"),
        )),
        _ => Ok(()),
    }
}

/// Validates the users of a create or import request (`users[i].field …` messages) and gives each a
/// temporary password. Answers the rows to store and the answer to send.
pub fn prepare_new_users(
    users: &[NewUser],
    max: usize,
) -> Result<(Vec<NewUserRow>, Vec<CreatedUser>), Refusal> {
    if users.is_empty() || users.len() > max {
        let detail = ErrorDetail::Count {
            field: "users".to_string(),
            min: 1,
            max: row_u32(max),
        };
        return Err(Refusal::Detailed(
            detail,
            format!("users must name between 1 and {max} users"),
        ));
    }
    let mut rows = Vec::with_capacity(users.len());
    let mut created = Vec::with_capacity(users.len());
    let mut seen = HashSet::with_capacity(users.len());
    // Time-ordered keys: appended to the B-trees instead of scattered over them (`domain::ids`).
    let ids = time_ordered_ids(now_millis(), users.len());
    for ((i, u), id) in users.iter().enumerate().zip(ids) {
        let email = validate::email("email", &u.email).map_err(|e| invalid_at(i, e))?;
        let display_name = validate::display_name("display_name", &u.display_name)
            .map_err(|e| invalid_at(i, e))?;
        if u.role == Role::Owner {
            return Err(Refusal::because(ErrorDetail::OwnerNotCreatable {
                row: Some(row_u32(i)),
            }));
        }
        let location_id = match u.location_id.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(l) => Some(id_field_at("location_id", Some(i), l)?),
        };
        if u.licenses.len() > MAX_LICENSES_PER_USER {
            let detail = ErrorDetail::Count {
                field: "licenses".to_string(),
                min: 0,
                max: row_u32(MAX_LICENSES_PER_USER),
            };
            return Err(Refusal::Detailed(
                detail,
                format!("users[{i}].licenses names too many products"),
            ));
        }
        let mut licenses = Vec::with_capacity(u.licenses.len());
        for (j, c) in u.licenses.iter().enumerate() {
            let c = id_field_at(&format!("licenses[{j}]"), Some(i), c)?;
            if !licenses.contains(&c) {
                licenses.push(c);
            }
        }
        if !seen.insert(email.clone()) {
            return Err(Refusal::because(ErrorDetail::EmailRepeated { email }));
        }
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

/// Creates up to `max` users in one transaction (all or none), each with a temporary password returned
/// once.
pub async fn create_users(
    db: &dyn Database,
    actor: &Actor,
    actor_role: Role,
    users: &[NewUser],
    max: usize,
) -> Outcome<Vec<CreatedUser>> {
    refuse_if_err!(may_create(actor_role, users));
    let (rows, created) = refuse_if_err!(prepare_new_users(users, max));
    refuse_if_err!(email_conflict(db.create_users(actor, &rows, None).await)?);
    Ok(Ok(created))
}

/// The one commit path of an import batch, for the endpoint and for `kontor-server users import`: validates
/// the users, creates them in one transaction recorded as `(import_id, batch)` of `actor.account_id`, or, if
/// that batch was committed before and `reissue` is set, reissues temporary passwords to its users who have
/// not signed in yet (the endpoint: a client that lost the answer needs them). Without `reissue` (the CLI,
/// whose passwords file keeps the first run's passwords) a committed batch changes nothing.
pub async fn commit_import_batch(
    db: &dyn Database,
    actor: &Actor,
    actor_role: Role,
    import_id: &str,
    batch: u32,
    users: &[NewUser],
    reissue: bool,
) -> Outcome<ImportBatchResult> {
    refuse_if_err!(may_create(actor_role, users));
    let import_id = import_id.trim();
    if import_id.is_empty()
        || import_id.len() > 64
        || !import_id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Ok(Err(Refusal::Detailed(
            ErrorDetail::Field {
                field: "import_id".to_string(),
                row: None,
                problem: kontor_api::FieldProblem::InvalidId,
            },
            "import_id is not valid (1 to 64 of A-Z a-z 0-9 - _)".to_string(),
        )));
    }
    let key = ImportKey {
        import_id: import_id.to_string(),
        batch,
    };
    let (rows, created) = refuse_if_err!(prepare_new_users(users, MAX_IMPORT_BATCH));
    let outcome = refuse_if_err!(email_conflict(
        db.create_users(actor, &rows, Some(&key)).await
    )?);
    if outcome == Created::Created {
        return Ok(Ok(ImportBatchResult {
            created,
            already_done: false,
        }));
    }
    if !reissue {
        return Ok(Ok(ImportBatchResult {
            created: Vec::new(),
            already_done: true,
        }));
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
        "user.import_retried".to_string(),
        format!(
            "import {} batch {}: {} temporary passwords reissued",
            key.import_id,
            key.batch,
            again.len()
        ),
    )];
    db.set_temp_passwords(actor, &hashes, &events).await?;
    Ok(Ok(ImportBatchResult {
        created: again,
        already_done: true,
    }))
}

/// A live user of the actor's account, else `NotFound`.
async fn live_target(db: &dyn Database, actor: &Actor, user_id: &str) -> Outcome<UserRecord> {
    Ok(db
        .user_by_id(&actor.account_id, user_id)
        .await?
        .filter(|u| u.deleted_at.is_none())
        .ok_or_else(user_not_found))
}

/// Changes name, role or location of a live user and answers the changed user. Only the Owner can make
/// someone Owner (ownership moves: the Owner becomes Admin) or change the Owner; the Owner cannot give up
/// the role themselves.
pub async fn update_user(
    db: &dyn Database,
    actor: &Actor,
    actor_role: Role,
    user_id: &str,
    req: &UpdateUser,
) -> Outcome<UserSummary> {
    let display_name = refuse_if_err!(validate::display_name("display_name", &req.display_name)
        .map_err(|e| Refusal::because(e.detail(None))));
    let location_id = match req.location_id.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(l) => Some(refuse_if_err!(id_field("location_id", l))),
    };
    let target = refuse_if_err!(live_target(db, actor, user_id).await?);
    refuse_if_err!(may_manage(actor, actor_role, &target, true));
    if actor_role != Role::Owner
        && req.role != target.role
        && (is_privileged(req.role) || is_privileged(target.role))
    {
        return Ok(Err(if target.id == actor.user_id {
            Refusal::because(ErrorDetail::OwnRoleFixed)
        } else {
            let action = if req.role == Role::Owner {
                OwnerAction::Make
            } else {
                OwnerAction::MakeAdmin
            };
            Refusal::because(ErrorDetail::OwnerOnly { action })
        }));
    }
    let mut demote_actor = false;
    if actor_role != Role::Owner {
        if target.role == Role::Owner {
            return Ok(Err(Refusal::because(ErrorDetail::OwnerOnly {
                action: OwnerAction::Change,
            })));
        }
        if req.role == Role::Owner {
            return Ok(Err(Refusal::because(ErrorDetail::OwnerOnly {
                action: OwnerAction::Make,
            })));
        }
    } else if target.id == actor.user_id {
        if req.role != Role::Owner {
            return Ok(Err(Refusal::because(ErrorDetail::OwnerKeepsRole)));
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
    refuse_if_err!(db.update_user(actor, &target.id, &edit).await?);
    Ok(db
        .user_summary(&actor.account_id, &target.id)
        .await?
        .ok_or_else(user_not_found))
}

/// A new temporary password for a live user (answered once); their sessions end and they must change it.
/// Only the Owner can reset the Owner's password.
pub async fn reset_password(
    db: &dyn Database,
    actor: &Actor,
    actor_role: Role,
    user_id: &str,
) -> Outcome<String> {
    let target = refuse_if_err!(live_target(db, actor, user_id).await?);
    if target.role == Role::Owner && actor_role != Role::Owner {
        return Ok(Err(Refusal::because(ErrorDetail::OwnerOnly {
            action: OwnerAction::Reset,
        })));
    }
    refuse_if_err!(may_manage(actor, actor_role, &target, false));
    let password = new_temp_password();
    db.set_temp_passwords(
        actor,
        &[(target.id.clone(), hash_temp_password(&password))],
        &[("user.password_reset".to_string(), target.email.clone())],
    )
    .await?;
    Ok(Ok(password))
}

/// Soft-deletes a live user (restorable for 30 days). Nobody deletes themselves; the Owner cannot be
/// deleted.
pub async fn delete_user(
    db: &dyn Database,
    actor: &Actor,
    actor_role: Role,
    user_id: &str,
) -> Outcome<()> {
    let target = refuse_if_err!(live_target(db, actor, user_id).await?);
    if target.id == actor.user_id {
        return Ok(Err(Refusal::because(ErrorDetail::CannotDeleteSelf)));
    }
    if target.role == Role::Owner {
        return Ok(Err(Refusal::because(ErrorDetail::OwnerOnly {
            action: OwnerAction::Delete,
        })));
    }
    refuse_if_err!(may_manage(actor, actor_role, &target, false));
    db.soft_delete_user(actor, &target.id).await
}

/// Checks the role matrix for every user of a bulk change (`own`: whether the actor's own entry is allowed).
/// Unknown ids are left to the change itself, which answers them as not found.
async fn may_manage_all(
    db: &dyn Database,
    actor: &Actor,
    actor_role: Role,
    user_ids: &[String],
    own: bool,
) -> Outcome<()> {
    if actor_role == Role::Owner {
        return Ok(Ok(()));
    }
    for id in user_ids {
        if let Some(target) = db.user_by_id(&actor.account_id, id).await? {
            refuse_if_err!(may_manage(actor, actor_role, &target, own));
        }
    }
    Ok(Ok(()))
}

/// Revokes, then assigns licenses of many users at once (all or nothing), within the role matrix.
pub async fn change_licenses(
    db: &dyn Database,
    actor: &Actor,
    actor_role: Role,
    user_ids: &[String],
    assign: &[String],
    revoke: &[String],
) -> Outcome<i64> {
    refuse_if_err!(may_manage_all(db, actor, actor_role, user_ids, true).await?);
    db.change_licenses(actor, user_ids, assign, revoke).await
}

/// Restores deleted users (all or nothing), within the role matrix.
pub async fn restore_users(
    db: &dyn Database,
    actor: &Actor,
    actor_role: Role,
    user_ids: &[String],
) -> Outcome<Vec<kontor_api::RestoredUser>> {
    refuse_if_err!(may_manage_all(db, actor, actor_role, user_ids, false).await?);
    db.restore_users(actor, user_ids).await
}

// harden10 (issue 10, defect 5)
/// THE uniqueness rule of e-mail addresses: an address is in use when a live user of the SAME account has
/// it; other accounts' users are never consulted, so an Admin learns nothing about them (the database
/// holds it too: `UNIQUE (account_id, email)`, migration `20261224020000_email_per_account`). Creating,
/// importing and restoring users apply it in their transaction (`db::users`); a new check of an address
/// (e.g. changing the own e-mail) calls this.
pub async fn email_in_use(
    db: &dyn crate::db::Database,
    account_id: &str,
    email: &str,
) -> crate::error::DbResult<bool> {
    Ok(!db
        .existing_emails(Some(account_id), &[email.to_string()])
        .await?
        .is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(
            err,
            Refusal::Detailed(
                ErrorDetail::Field {
                    field: "email".into(),
                    row: Some(1),
                    problem: kontor_api::FieldProblem::InvalidEmail
                },
                "users[1].email is not a valid e-mail address".to_string()
            )
        );
        let err = prepare_new_users(&[u("a@x.de", Role::Owner)], 10).unwrap_err();
        assert_eq!(
            err.detail(),
            Some(&ErrorDetail::OwnerNotCreatable { row: Some(0) })
        );
        assert!(err.message().starts_with("users[0].role"), "{err:?}");
        let err =
            prepare_new_users(&[u("a@x.de", Role::User), u("A@x.de", Role::User)], 10).unwrap_err();
        assert_eq!(
            err.detail(),
            Some(&ErrorDetail::EmailRepeated {
                email: "a@x.de".into()
            })
        );
        assert_eq!(err.code(), kontor_api::ErrorCode::Conflict);
        assert!(prepare_new_users(&[], 10).is_err());
        let (rows, created) = prepare_new_users(&[u(" B@X.de ", Role::Admin)], 10).unwrap();
        assert_eq!(rows[0].email, "b@x.de");
        assert!(crate::credentials::verify_temp_password(
            &rows[0].temp_password_hash,
            &created[0].temporary_password
        ));
    }
}
